//! How the sync client reaches the server: a small trait, so tests and the simulation can put
//! faults between device and server, and the real thing — blocking HTTPS over rustls (plain
//! HTTP only to loopback, or to a host a development build names explicitly).

use std::net::IpAddr;
use std::time::Duration;

use crate::error::{Error, Problem, Result};
use crate::validate::required_text;

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

/// HTTPS with `ureq`: blocking, rustls, no system TLS library. Plain HTTP only to this device
/// itself (a server on loopback, in tests and on a developer's machine): health data never
/// crosses a network in clear.
pub struct HttpTransport {
    base_url: String,
    agent: ureq::Agent,
}

/// An IPv6 host without the brackets a URL puts around it.
fn unbracketed(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Whether `host`, as a URL names it, is this device itself: `localhost`, `127.0.0.0/8` or
/// `::1`.
fn is_loopback(host: &str) -> bool {
    let bare = unbracketed(host);
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn bad_url(problem: Problem) -> Error {
    Error::Invalid {
        field: "server_url",
        problem,
    }
}

/// Checks that `base_url` is `https://` to a host, or `http://` to loopback or to
/// `cleartext_host`; returns it without its trailing slashes.
fn checked_url(base_url: &str, cleartext_host: Option<&str>) -> Result<String> {
    let url = required_text("server_url", base_url, URL_MAX)?;
    let url = url.trim_end_matches('/').to_owned();
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad_url(Problem::Malformed))?;
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return Err(bad_url(Problem::Malformed));
    };
    if host.is_empty() {
        return Err(bad_url(Problem::Malformed));
    }
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(url);
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(bad_url(Problem::Malformed));
    }
    let allowed = is_loopback(host)
        || cleartext_host.is_some_and(|h| unbracketed(h).eq_ignore_ascii_case(unbracketed(host)));
    if allowed {
        Ok(url)
    } else {
        Err(bad_url(Problem::Cleartext))
    }
}

/// Longest server address accepted.
const URL_MAX: usize = 300;

impl HttpTransport {
    /// A transport to the server at `base_url`: `https://` to any host (`https://sync.example.org`),
    /// or plain `http://` only to this device (`localhost`, `127.0.0.0/8`, `[::1]`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] on `server_url`: [`Problem::Empty`], [`Problem::Malformed`] (not an
    /// `http(s)://` address with a host) or [`Problem::Cleartext`] (`http://` to another host).
    pub fn new(base_url: &str) -> Result<Self> {
        Ok(Self::build(checked_url(base_url, None)?))
    }

    /// As [`Self::new`], and also plain `http://` to `cleartext_host` — FOR DEVELOPMENT ONLY: the
    /// Android emulator reaches the developer's machine as `10.0.2.2`, which is not loopback.
    /// Never in a build that holds real people's data: whatever travels to that host, health
    /// records and tokens included, is readable by anyone on the network.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn with_development_cleartext_host(base_url: &str, cleartext_host: &str) -> Result<Self> {
        Ok(Self::build(checked_url(base_url, Some(cleartext_host))?))
    }

    fn build(base_url: String) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build();
        Self {
            base_url,
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

#[cfg(test)]
mod tests {
    use super::HttpTransport;
    use crate::error::{Error, Problem};

    fn refusal(url: &str) -> Option<Problem> {
        match HttpTransport::new(url) {
            Ok(_) => None,
            Err(Error::Invalid {
                field: "server_url",
                problem,
            }) => Some(problem),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn https_anywhere_plain_http_only_to_this_device() {
        for ok in [
            "https://sync.example.org",
            "HTTPS://sync.example.org/",
            "https://10.0.2.2:8443",
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:8080/",
            "http://LocalHost",
            "http://[::1]:8080",
        ] {
            assert_eq!(refusal(ok), None, "{ok} is refused");
        }
        for clear in [
            "http://10.0.2.2:8080",
            "http://192.168.1.20:8080",
            "http://sync.example.org",
            "http://localhost.example.org",
            "http://127.0.0.1.example.org",
            "http://127.0.0.1@sync.example.org",
            "http://[::2]:8080",
            "http://[::ffff:192.0.2.1]",
        ] {
            assert_eq!(refusal(clear), Some(Problem::Cleartext), "{clear}");
        }
        for malformed in [
            "sync.example.org",
            "ftp://sync.example.org",
            "https://",
            "http:// x",
        ] {
            assert_eq!(refusal(malformed), Some(Problem::Malformed), "{malformed}");
        }
        assert_eq!(refusal("  "), Some(Problem::Empty));
        // The message names the rule, never the address.
        let message = HttpTransport::new("http://192.168.1.20:8080")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.starts_with("invalid server_url"), "{message}");
        assert!(!message.contains("192.168"), "{message}");
    }

    #[test]
    fn a_development_build_may_name_one_more_plain_http_host() {
        let dev = |url: &str| HttpTransport::with_development_cleartext_host(url, "10.0.2.2");
        assert!(dev("http://10.0.2.2:8080").is_ok());
        assert!(dev("http://127.0.0.1:8080").is_ok());
        assert!(dev("https://sync.example.org").is_ok());
        assert!(matches!(
            dev("http://10.0.2.3:8080"),
            Err(Error::Invalid {
                problem: Problem::Cleartext,
                ..
            })
        ));
    }
}
