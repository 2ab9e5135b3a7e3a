//! How the sync client reaches the server: a small trait, so tests and the simulation can put
//! faults between device and server, and the real thing — blocking HTTP(S) over rustls.

use std::time::Duration;

/// An HTTP answer, reduced to what the sync client reads.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body bytes (JSON).
    pub body: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No network, DNS failure, connection refused or reset.
    #[error("the server cannot be reached")]
    Unreachable,
    /// No answer in time.
    #[error("the server did not answer in time")]
    Timeout,
}

/// Sends one JSON `POST` to the server.
pub trait Transport: Send + Sync {
    /// Posts `body` to `path` (such as `/v1/sync/push`) with an optional bearer token.
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError>;
}

/// Most bytes read from one answer (a pull of a few thousand rows is well under this).
const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// HTTPS (or plain HTTP on loopback) with `ureq`: blocking, rustls, no system TLS library.
pub struct HttpTransport {
    base_url: String,
    agent: ureq::Agent,
}

impl HttpTransport {
    /// A transport to the server at `base_url` (`https://sync.example.org`).
    pub fn new(base_url: &str) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build();
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            agent: ureq::Agent::new_with_config(config),
        }
    }
}

impl Transport for HttpTransport {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError> {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base_url))
            .header("content-type", "application/json");
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let mut response = request.send(body).map_err(|e| match e {
            ureq::Error::Timeout(_) => TransportError::Timeout,
            _ => TransportError::Unreachable,
        })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|_| TransportError::Unreachable)?;
        Ok(Response { status, body })
    }
}
