//! Talking to the service in process, as one enrolled person, with raw protocol messages: what
//! the authorization matrix pushes and pulls (rows a well-behaved device would never send), and
//! what the simulation uses for the coordinator's own API calls.

use std::collections::BTreeMap;
use std::sync::Arc;

use passerelle_core::sync::protocol::{
    EnrolRequest, EnrolResponse, Mutation, MutationResult, Op, PullRequest, PullResponse,
    PushRequest, PushResponse, RefreshRequest, Tokens, WireRow,
};
use passerelle_core::{Transport, TransportError};
use passerelle_server::{ApiRequest, Method};
use serde_json::Value as Json;

use crate::harness::Backend;

/// A UUID-shaped id from 16 bytes (callers derive them from a seeded generator, so a failing
/// case names the same ids when it runs again).
pub fn uuid_from(bytes: [u8; 16]) -> String {
    let mut b = bytes;
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The fault-free in-process transport: every request reaches `handle` and every answer
/// comes back.
pub struct InProcess {
    backend: Arc<dyn Backend>,
    client: String,
}

impl InProcess {
    /// A transport to `backend`, calling from network address `client`.
    pub fn new(backend: Arc<dyn Backend>, client: &str) -> Self {
        Self {
            backend,
            client: client.to_owned(),
        }
    }
}

/// The service's request for a `POST` from a device.
pub fn post_request(path: &str, bearer: Option<&str>, body: &[u8], client: &str) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        path: path.to_owned(),
        bearer: bearer.map(str::to_owned),
        client: client.to_owned(),
        body: body.to_vec(),
    }
}

impl Transport for InProcess {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<passerelle_core::sync::transport::Response, TransportError> {
        let answer = self
            .backend
            .handle(&post_request(path, bearer, body, &self.client));
        Ok(passerelle_core::sync::transport::Response {
            status: answer.status,
            body: answer.body,
        })
    }
}

/// A status and a JSON body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Parsed body (`Null` if empty or not JSON).
    pub body: Json,
}

/// One enrolled person speaking the raw protocol in process.
pub struct ApiClient {
    backend: Arc<dyn Backend>,
    /// Who this is.
    pub person_id: String,
    /// Their role code.
    pub role: String,
    /// The device id they enrolled with.
    pub device_id: String,
    tokens: std::sync::Mutex<Tokens>,
}

impl ApiClient {
    /// Enrols with a one-time `code` as device `device_id`.
    ///
    /// # Panics
    /// If the server refuses the code.
    pub fn enrol(backend: Arc<dyn Backend>, code: &str, device_id: &str) -> Self {
        let body = serde_json::to_vec(&EnrolRequest {
            code: code.to_owned(),
            device_id: device_id.to_owned(),
            owner_id: None,
        })
        .expect("encode");
        let answer = backend.handle(&post_request("/v1/auth/enrol", None, &body, device_id));
        assert_eq!(
            answer.status,
            200,
            "enrol: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let enrolled: EnrolResponse = serde_json::from_slice(&answer.body).expect("enrol answer");
        Self {
            backend,
            person_id: enrolled.person_id,
            role: enrolled.role,
            device_id: device_id.to_owned(),
            tokens: std::sync::Mutex::new(enrolled.tokens),
        }
    }

    fn access(&self) -> String {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .access_token
            .clone()
    }

    /// Exchanges the refresh token (when the access token expired under a moving clock).
    ///
    /// # Panics
    /// If the server refuses the refresh token.
    pub fn refresh(&self) {
        let refresh = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .refresh_token
            .clone();
        let body = serde_json::to_vec(&RefreshRequest {
            refresh_token: refresh,
        })
        .expect("encode");
        let answer = self.backend.handle(&post_request(
            "/v1/auth/refresh",
            None,
            &body,
            &self.device_id,
        ));
        assert_eq!(answer.status, 200, "refresh");
        *self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            serde_json::from_slice(&answer.body).expect("tokens");
    }

    /// Sends one request with this person's access token (refreshing once on a 401).
    ///
    /// # Panics
    /// If the body cannot be encoded.
    pub fn call(&self, method: Method, path: &str, body: &Json) -> Answer {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            serde_json::to_vec(body).expect("encode")
        };
        let send = |bearer: String| {
            self.backend.handle(&ApiRequest {
                method,
                path: path.to_owned(),
                bearer: Some(bearer),
                client: self.device_id.clone(),
                body: bytes.clone(),
            })
        };
        let mut answer = send(self.access());
        if answer.status == 401 {
            self.refresh();
            answer = send(self.access());
        }
        Answer {
            status: answer.status,
            body: serde_json::from_slice(&answer.body).unwrap_or(Json::Null),
        }
    }

    /// A `POST` that must succeed; returns its body.
    ///
    /// # Panics
    /// If the server answers anything but 200.
    pub fn post_ok(&self, path: &str, body: &Json) -> Json {
        let answer = self.call(Method::Post, path, body);
        assert_eq!(answer.status, 200, "POST {path}: {}", answer.body);
        answer.body
    }

    /// Pushes `mutations` and returns the server's results.
    ///
    /// # Panics
    /// If the server refuses the push as a whole.
    pub fn push(&self, mutations: Vec<Mutation>) -> Vec<MutationResult> {
        let body = serde_json::to_value(PushRequest {
            schema_version: passerelle_core::store::SCHEMA_VERSION,
            mutations,
        })
        .expect("encode");
        let answer = self.call(Method::Post, "/v1/sync/push", &body);
        assert_eq!(answer.status, 200, "push: {}", answer.body);
        let response: PushResponse = serde_json::from_value(answer.body).expect("push answer");
        response.results
    }

    /// Pushes one change and returns its result.
    ///
    /// # Panics
    /// If the server refuses the push as a whole.
    pub fn push_one(
        &self,
        mutation_id: i64,
        collection: &str,
        op: Op,
        row: WireRow,
    ) -> MutationResult {
        let key = if collection.ends_with("_profile") {
            "person_id"
        } else {
            "id"
        };
        let row_id = row
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut results = self.push(vec![Mutation {
            mutation_id,
            collection: collection.to_owned(),
            op,
            row_id,
            row,
        }]);
        assert_eq!(results.len(), 1);
        results.remove(0)
    }

    /// Everything this person's pull delivers from scratch, as `(collection, id) → row`, with
    /// the scopes it came through.
    ///
    /// # Panics
    /// If the server refuses a pull.
    pub fn pull_everything(&self) -> Pulled {
        let mut cursors: BTreeMap<String, i64> = BTreeMap::new();
        let mut pulled = Pulled::default();
        loop {
            let body = serde_json::to_value(PullRequest {
                schema_version: passerelle_core::store::SCHEMA_VERSION,
                cursors: cursors.clone(),
                limit: 5_000,
            })
            .expect("encode");
            let answer = self.call(Method::Post, "/v1/sync/pull", &body);
            assert_eq!(answer.status, 200, "pull: {}", answer.body);
            let response: PullResponse = serde_json::from_value(answer.body).expect("pull answer");
            let mut more = false;
            for scope in response.scopes {
                for change in scope.changes {
                    let key = (change.collection.clone(), change.row_id.clone());
                    match change.parsed_row() {
                        Some(row) => {
                            pulled.rows.insert(key.clone(), row);
                            pulled
                                .via
                                .entry(key)
                                .or_default()
                                .insert(scope.scope.clone());
                        }
                        None => {
                            if let Some(via) = pulled.via.get_mut(&key) {
                                via.remove(&scope.scope);
                                if via.is_empty() {
                                    pulled.via.remove(&key);
                                    pulled.rows.remove(&key);
                                }
                            }
                        }
                    }
                }
                more |= scope.has_more;
                cursors.insert(scope.scope, scope.cursor);
            }
            if !more {
                pulled.scopes = cursors.keys().cloned().collect();
                return pulled;
            }
        }
    }
}

/// What a from-scratch pull delivered.
#[derive(Debug, Default, Clone)]
pub struct Pulled {
    /// Rows by `(collection, id)`.
    pub rows: BTreeMap<(String, String), WireRow>,
    /// The scopes each row came through.
    pub via: BTreeMap<(String, String), std::collections::BTreeSet<String>>,
    /// The scopes the server answered for.
    pub scopes: Vec<String>,
}

impl Pulled {
    /// Whether the row arrived.
    pub fn has(&self, collection: &str, id: &str) -> bool {
        self.rows
            .contains_key(&(collection.to_owned(), id.to_owned()))
    }
}

/// The `(collection, id)` of every record of a person's export (`GET /v1/people/{id}/export`).
pub fn exported_keys(export: &Json) -> std::collections::BTreeSet<(String, String)> {
    export["records"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["collection"].as_str().unwrap_or_default().to_owned(),
                r["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The id of the programme consent among the records of a person's export.
///
/// # Panics
/// If the export holds no programme consent.
pub fn exported_programme_consent(export: &Json) -> String {
    export["records"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["collection"] == "consent" && r["data"]["scope"] == "programme")
        .and_then(|r| r["id"].as_str())
        .expect("a programme consent in the export")
        .to_owned()
}
