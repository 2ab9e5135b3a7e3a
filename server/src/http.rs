//! The HTTP front: axum on tokio, one catch-all route that hands the request to the
//! synchronous service on the blocking pool. Request logs carry method, path, status and
//! latency only — never bodies, tokens or ids.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method as HttpMethod, StatusCode, Uri, header};
use axum::response::Response;

use crate::service::{ApiRequest, Method, Service};
use crate::store::ServerStore;

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
    body: Bytes,
) -> Response {
    let started = Instant::now();
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
        body: body.to_vec(),
    };
    let path = loggable(&request.path);
    let answer = tokio::task::spawn_blocking(move || service.handle(&request)).await;
    let (status, body) = match answer {
        Ok(r) => (r.status, r.body),
        Err(_) => (
            500,
            br#"{"error":"internal","message":"internal failure"}"#.to_vec(),
        ),
    };
    tracing::info!(method = %http_method, path = %path, status, micros = started.elapsed().as_micros() as u64, "request");
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_default()
}

/// The router for `service`, with the body limit enforced before the body is read.
pub fn router<S: ServerStore>(service: Arc<Service<S>>) -> Router {
    let limit = service.config().max_body_bytes;
    Router::new()
        .fallback(handle::<S>)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(service)
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
