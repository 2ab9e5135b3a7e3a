//! The HTTP front: axum on tokio, one catch-all route that hands the request to the
//! synchronous service on the blocking pool. Request logs carry method, path, status and
//! latency only — never bodies, tokens or ids.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri, header};
use axum::response::Response;

use crate::error::ApiError;
use crate::service::{ApiRequest, Method, Service};
use crate::store::ServerStore;

/// Most bytes of a refused (oversized) body read and thrown away before answering, so that a
/// client which sends its whole body before reading gets the JSON answer rather than a reset
/// connection. Past this the connection is closed. Nothing discarded is kept in memory.
const DISCARD_MAX: u64 = 16 * 1024 * 1024;

/// The next chunk of `body`, `Ok(None)` at its end, `Err` if the client broke off.
async fn next_chunk(body: &mut Body) -> Result<Option<axum::body::Bytes>, ()> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
            Some(Err(_)) => return Err(()),
            None => return Ok(None),
        }
    }
}

/// Reads and drops up to [`DISCARD_MAX`] more bytes of `body`.
async fn discard(mut body: Body) {
    let mut read: u64 = 0;
    while read < DISCARD_MAX {
        match next_chunk(&mut body).await {
            Ok(Some(chunk)) => read += chunk.len() as u64,
            Ok(None) | Err(()) => return,
        }
    }
}

/// The request body, never holding more than `limit` bytes: a body announced or found to be
/// larger is refused with the service's own `payload_too_large` error.
async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        discard(body).await;
        return Err(ApiError::body_too_large());
    }
    let capacity = announced.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
    let mut bytes = Vec::with_capacity(capacity);
    loop {
        match next_chunk(&mut body).await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > limit {
                    discard(body).await;
                    return Err(ApiError::body_too_large());
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(()) => {
                return Err(ApiError::bad_request(
                    "malformed",
                    "the body could not be read",
                ));
            }
        }
    }
}

fn respond(status: u16, body: Vec<u8>) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

fn method(m: &HttpMethod) -> Method {
    match *m {
        HttpMethod::GET => Method::Get,
        HttpMethod::POST => Method::Post,
        _ => Method::Other,
    }
}

/// Keeps the first path segments that name the endpoint, dropping ids (which could identify
/// people) from logs.
fn loggable(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if uuid::Uuid::try_parse(s).is_ok() {
                ":id"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn handle<S: ServerStore>(
    State(service): State<Arc<Service<S>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    http_method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let path = loggable(uri.path());
    let body = match read_body(&headers, body, service.config().max_body_bytes).await {
        Ok(body) => body,
        Err(e) => {
            tracing::info!(method = %http_method, path = %path, status = e.status, micros = started.elapsed().as_micros() as u64, "request");
            return respond(e.status, e.body());
        }
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let request = ApiRequest {
        method: method(&http_method),
        path: uri.path().to_owned(),
        bearer,
        client: peer.ip().to_string(),
        body,
    };
    let answer = tokio::task::spawn_blocking(move || service.handle(&request)).await;
    let (status, body) = if let Ok(r) = answer {
        (r.status, r.body)
    } else {
        let e = ApiError {
            status: 500,
            code: "internal",
            message: "internal failure",
        };
        (e.status, e.body())
    };
    tracing::info!(method = %http_method, path = %path, status, micros = started.elapsed().as_micros() as u64, "request");
    respond(status, body)
}

/// The router for `service`. The body limit is enforced while the body is read (no more than
/// the limit is ever held), with the service's JSON error.
pub fn router<S: ServerStore>(service: Arc<Service<S>>) -> Router {
    Router::new().fallback(handle::<S>).with_state(service)
}

/// Serves `service` on `listener` until the future `shutdown` completes.
pub async fn serve<S: ServerStore>(
    service: Arc<Service<S>>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(service).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
