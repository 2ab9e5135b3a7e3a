//! The service: one synchronous `handle(request) -> response` holding every rule, so the HTTP
//! server, the end-to-end tests and the deterministic simulation all run the same code. It
//! keeps no session state: each request is authenticated from its token and authorized from
//! stored assignments and consents.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use passerelle_core::Clock;
use passerelle_core::clock::Hlc;
use passerelle_core::sync::protocol::{
    EnrolRequest, EnrolResponse, PullRequest, PushRequest, RefreshRequest,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::auth::{self, Actor, Lifetimes};
use crate::coordinator::{
    self, ActionRequest, Ctx, NewConsentRequest, NewMentorshipRequest, NewPersonRequest,
};
use crate::directory;
use crate::error::ApiError;
use crate::rights;
use crate::rows::{self, text};
use crate::store::{ServerStore, StoreTx};
use crate::sync::{self, SyncLimits};
use crate::voice;
use crate::write::Writer;

/// Limits and lifetimes, all configurable from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body.
    pub max_body_bytes: usize,
    /// Most mutations per push.
    pub max_batch: usize,
    /// Most changes per pull answer.
    pub max_pull: u32,
    /// Requests per device (or per client address before sign-in) per minute.
    pub requests_per_minute: u32,
    /// Access-token lifetime.
    pub access_ttl_ms: i64,
    /// Refresh-token lifetime.
    pub refresh_ttl_ms: i64,
    /// Enrolment-code lifetime.
    pub code_ttl_ms: i64,
    /// How far ahead of the server a client clock may stamp changes.
    pub max_skew_ms: i64,
    /// How long removals are kept for devices to learn of them; older cursors reset.
    pub tombstone_horizon_ms: i64,
}

impl Default for Config {
    fn default() -> Self {
        const MINUTE: i64 = 60_000;
        const DAY: i64 = 24 * 60 * MINUTE;
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            max_batch: 500,
            max_pull: 5_000,
            requests_per_minute: 600,
            access_ttl_ms: 15 * MINUTE,
            refresh_ttl_ms: 30 * DAY,
            code_ttl_ms: 14 * DAY,
            max_skew_ms: 2 * MINUTE,
            tombstone_horizon_ms: 30 * DAY,
        }
    }
}

/// HTTP method, as far as the API uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// Anything else.
    Other,
}

/// A request as the service sees it.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// Method.
    pub method: Method,
    /// Path, such as `/v1/sync/push`.
    pub path: String,
    /// Bearer token, if any.
    pub bearer: Option<String>,
    /// Who is calling at the network level (rate limit before sign-in).
    pub client: String,
    /// JSON body.
    pub body: Vec<u8>,
}

/// A response: status and JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

/// A fixed one-minute window per key.
#[derive(Default)]
struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    fn allow(&self, key: &str, now: i64, per_minute: u32) -> bool {
        let minute = now / 60_000;
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() > 100_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(key.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= per_minute
    }
}

/// The sync server's logic over a store.
pub struct Service<S: ServerStore> {
    store: S,
    config: Config,
    clock: Clock,
    stamps: Mutex<Hlc>,
    limiter: RateLimiter,
}

fn json_body<T: Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|_| ApiError {
        status: 500,
        code: "internal",
        message: "encoding failed",
    })
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request("malformed", "the body is not the expected JSON"))
}

impl<S: ServerStore> Service<S> {
    /// A service over `store`.
    pub fn new(store: S, config: Config, clock: Clock) -> Self {
        Self {
            store,
            config,
            clock,
            stamps: Mutex::new(Hlc::default()),
            limiter: RateLimiter::default(),
        }
    }

    /// The store (for tools and tests).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn limits(&self) -> SyncLimits {
        SyncLimits {
            max_batch: self.config.max_batch,
            max_pull: self.config.max_pull,
            max_skew_ms: self.config.max_skew_ms,
        }
    }

    fn lifetimes(&self) -> Lifetimes {
        Lifetimes {
            access_ms: self.config.access_ttl_ms,
            refresh_ms: self.config.refresh_ttl_ms,
        }
    }

    /// A fresh stamp for a row the server itself writes.
    pub fn stamp(&self, now: i64) -> i64 {
        let mut s = self.stamps.lock().unwrap_or_else(PoisonError::into_inner);
        *s = s.tick(now);
        s.as_i64()
    }

    /// Answers one request. Never panics on input; every failure is a JSON error answer.
    pub fn handle(&self, req: &ApiRequest) -> ApiResponse {
        match self.route(req) {
            Ok(body) => ApiResponse { status: 200, body },
            Err(e) => ApiResponse {
                status: e.status,
                body: e.body(),
            },
        }
    }

    fn route(&self, req: &ApiRequest) -> Result<Vec<u8>, ApiError> {
        if req.body.len() > self.config.max_body_bytes {
            return Err(ApiError::body_too_large());
        }
        let now = self.clock.now();
        let segments: Vec<&str> = req.path.trim_matches('/').split('/').collect();
        match (req.method, segments.as_slice()) {
            (Method::Get, ["v1", "health"]) => {
                json_body(&json!({ "status": "ok", "store": self.store.kind() }))
            }
            (Method::Post, ["v1", "auth", "enrol"]) => {
                self.limit(&format!("client:{}", req.client), now)?;
                self.enrol(&parse(&req.body)?, now)
            }
            (Method::Post, ["v1", "auth", "refresh"]) => {
                self.limit(&format!("client:{}", req.client), now)?;
                let body: RefreshRequest = parse(&req.body)?;
                let life = self.lifetimes();
                // A refusal commits too: presenting a spent token revokes its family.
                let answer = self
                    .store
                    .transaction(|tx| auth::refresh(tx, &body.refresh_token, now, life))?;
                json_body(&answer?)
            }
            (Method::Post, ["v1", "auth", "sign-out"]) => {
                self.limit(&format!("client:{}", req.client), now)?;
                let body: RefreshRequest = parse(&req.body)?;
                self.store
                    .transaction(|tx| auth::sign_out(tx, &body.refresh_token, now))?;
                json_body(&json!({ "signed_out": true }))
            }
            (Method::Post, ["v1", "directory", "import"]) => {
                // Reading the file takes a while: the token is checked first, the file read
                // outside any transaction, and only the publishing holds the store.
                let actor = self
                    .store
                    .transaction(|tx| auth::authenticate(tx, req.bearer.as_deref(), now))?;
                self.limit(&format!("device:{}", actor.device_id), now)?;
                json_body(&self.import_directory(Some(&actor), parse(&req.body)?)?)
            }
            (Method::Post, ["v1", "people", person, "enrolment-code"]) => {
                let ttl = self.config.code_ttl_ms;
                json_body(&self.audited_refusals(req, now, |tx, actor| {
                    coordinator::reissue_code(tx, actor, person, now, ttl)
                })?)
            }
            (Method::Get, ["v1", "people", person, "export"]) => {
                let mut export = self.audited_refusals(req, now, |tx, actor| {
                    rights::export(tx, actor, person, now)
                })?;
                // The trail is scanned after the commit: on SQLite, without the writer.
                let lines = self.store.audit_trail_of(&rights::audited_keys(&export))?;
                rights::attach_access(&mut export, lines);
                json_body(&export)
            }
            (Method::Post, ["v1", "people", person, "erase"]) => {
                let body: rights::EraseRequest = parse(&req.body)?;
                json_body(&self.audited_refusals(req, now, |tx, actor| {
                    let role = match rights::may_erase(tx, actor, person, &body, now)? {
                        Ok(role) => role,
                        Err(refused) => return Ok(Err(refused)),
                    };
                    self.write_in(tx, actor, now, |ctx| rights::erase(ctx, person, role))
                        .map(Ok)
                })?)
            }
            (Method::Post, ["v1", "voice", "upload"]) => {
                let note = parse(&req.body)?;
                json_body(
                    &self.audited_refusals(req, now, |tx, actor| {
                        voice::upload(tx, actor, &note, now)
                    })?,
                )
            }
            (Method::Post, ["v1", "voice", "fetch"]) => {
                let asked = parse(&req.body)?;
                json_body(
                    &self.audited_refusals(req, now, |tx, actor| {
                        voice::fetch(tx, actor, &asked, now)
                    })?,
                )
            }
            // One transaction per request: checking the token is part of the request's own
            // transaction, not a second one (SQLite runs transactions one at a time).
            (method, path) => self.store.transaction(|tx| {
                let actor = auth::authenticate(tx, req.bearer.as_deref(), now)?;
                self.limit(&format!("device:{}", actor.device_id), now)?;
                self.authed(tx, method, path, &actor, &req.body, now)
            }),
        }
    }

    /// Runs an operation whose refusals are committed too (their audit lines): `op`'s outer
    /// error rolls the transaction back, its inner one is answered after the commit.
    fn audited_refusals<T>(
        &self,
        req: &ApiRequest,
        now: i64,
        op: impl FnOnce(&mut dyn StoreTx, &Actor) -> Result<Result<T, ApiError>, ApiError>,
    ) -> Result<T, ApiError> {
        self.store.transaction(|tx| {
            let actor = auth::authenticate(tx, req.bearer.as_deref(), now)?;
            self.limit(&format!("device:{}", actor.device_id), now)?;
            op(tx, &actor)
        })?
    }

    fn limit(&self, key: &str, now: i64) -> Result<(), ApiError> {
        if self
            .limiter
            .allow(key, now, self.config.requests_per_minute)
        {
            Ok(())
        } else {
            Err(ApiError::rate_limited())
        }
    }

    fn enrol(&self, req: &EnrolRequest, now: i64) -> Result<Vec<u8>, ApiError> {
        if uuid::Uuid::try_parse(&req.device_id).is_err() {
            return Err(ApiError::bad_request("invalid", "device_id must be a UUID"));
        }
        let life = self.lifetimes();
        let code = auth::hash(&auth::normalise_code(&req.code));
        let answer = self.store.transaction(|tx| {
            let Some(person_id) = tx.take_enrolment_code(&code, now)? else {
                return Err(ApiError {
                    status: 401,
                    code: "invalid_code",
                    message: "unknown, used or expired code",
                });
            };
            // Refused before anything is kept: the rollback leaves the code unspent.
            if req
                .owner_id
                .as_ref()
                .is_some_and(|owner| *owner != person_id)
            {
                return Err(ApiError::conflict(
                    "this device belongs to someone else; wipe it first",
                ));
            }
            let person =
                rows::load(tx, "person", &person_id)?.ok_or_else(ApiError::unauthorized)?;
            tx.put_device(&req.device_id, &person_id, now)?;
            let tokens = auth::issue(
                tx,
                &req.device_id,
                &person_id,
                &auth::secret(),
                None,
                now,
                life,
            )?;
            Ok(EnrolResponse {
                person_id: person_id.clone(),
                role: text(&person, "role").unwrap_or_default().to_owned(),
                display_name: text(&person, "display_name").unwrap_or_default().to_owned(),
                tokens,
                server_time: now,
            })
        })?;
        json_body(&answer)
    }

    fn authed(
        &self,
        tx: &mut dyn StoreTx,
        method: Method,
        path: &[&str],
        actor: &Actor,
        body: &[u8],
        now: i64,
    ) -> Result<Vec<u8>, ApiError> {
        let limits = self.limits();
        match (method, path) {
            (Method::Post, ["v1", "sync", "push"]) => {
                let req: PushRequest = parse(body)?;
                json_body(&sync::push(tx, actor, req, now, limits)?)
            }
            (Method::Post, ["v1", "sync", "pull"]) => {
                let req: PullRequest = parse(body)?;
                json_body(&sync::pull(tx, actor, &req, now, limits)?)
            }
            (Method::Get, ["v1", "escalations"]) => {
                json_body(&coordinator::open_escalations(tx, actor, now)?)
            }
            (Method::Post, rest) => {
                let rest: Vec<String> = rest.iter().map(|s| (*s).to_owned()).collect();
                let ttl = self.config.code_ttl_ms;
                let out = self.write_in(tx, actor, now, |ctx| {
                    match rest
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .as_slice()
                    {
                        ["v1", "people"] => json_body(&coordinator::enrol_person(
                            ctx,
                            actor,
                            parse::<NewPersonRequest>(body)?,
                            ttl,
                        )?),
                        ["v1", "mentorships"] => {
                            let id = coordinator::propose(
                                ctx,
                                actor,
                                parse::<NewMentorshipRequest>(body)?,
                            )?;
                            json_body(&json!({ "mentorship_id": id }))
                        }
                        ["v1", "mentorships", id, action] => {
                            let req: ActionRequest = if body.is_empty() {
                                ActionRequest::default()
                            } else {
                                parse(body)?
                            };
                            coordinator::act(ctx, actor, id, action, req)?;
                            json_body(&json!({ "ok": true }))
                        }
                        ["v1", "consents"] => {
                            let id = coordinator::grant_consent(
                                ctx,
                                actor,
                                parse::<NewConsentRequest>(body)?,
                            )?;
                            json_body(&json!({ "consent_id": id }))
                        }
                        ["v1", "consents", id, "withdraw"] => {
                            coordinator::withdraw_consent(ctx, actor, id)?;
                            json_body(&json!({ "ok": true }))
                        }
                        ["v1", "escalations", id, step] => {
                            let req: ActionRequest = if body.is_empty() {
                                ActionRequest::default()
                            } else {
                                parse(body)?
                            };
                            coordinator::escalation_step(ctx, actor, id, step, req.note)?;
                            json_body(&json!({ "ok": true }))
                        }
                        _ => Err(ApiError::not_found("no such endpoint")),
                    }
                })?;
                Ok(out)
            }
            _ => Err(ApiError::not_found("no such endpoint")),
        }
    }

    /// Runs a coordinator operation in one transaction with a writer acting as `actor`.
    fn with_writer<R>(
        &self,
        actor: &Actor,
        now: i64,
        f: impl FnOnce(&mut Ctx<'_, '_>) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.store
            .transaction(|tx| self.write_in(tx, actor, now, f))
    }

    /// Runs a coordinator operation as `actor` with a writer over `tx`, then stamps its rows.
    fn write_in<R>(
        &self,
        tx: &mut dyn StoreTx,
        actor: &Actor,
        now: i64,
        f: impl FnOnce(&mut Ctx<'_, '_>) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut writer = Writer::new(tx, actor.clone(), now, self.config.max_skew_ms);
        let mut stamp = || self.stamp(now);
        let out = {
            let mut ctx = Ctx {
                writer: &mut writer,
                now,
                stamp: &mut stamp,
            };
            f(&mut ctx)?
        };
        writer.finish()?;
        Ok(out)
    }

    /// Imports a directory file and publishes its services to every device: as a professional
    /// over the API, or as the operator (`actor` `None`, from the command line).
    pub fn import_directory(
        &self,
        actor: Option<&Actor>,
        req: directory::ImportRequest,
    ) -> Result<directory::ImportSummary, ApiError> {
        if actor.is_some_and(|a| a.role != passerelle_core::Role::Professional) {
            return Err(ApiError::forbidden(
                "only a professional curates the directory",
            ));
        }
        let source = req.source.clone();
        let (report, entries) = directory::read_entries(req)?;
        let now = self.clock.now();
        let stamp = self.stamp(now);
        let (written, removed) = self
            .store
            .transaction(|tx| directory::publish(tx, &source, &entries, now, stamp))?;
        Ok(directory::summary(&report, written, removed))
    }

    /// Forgets removals older than the tombstone horizon (run periodically).
    /// Then erases what reached an erased survivor's mentorships after their erasure
    /// ([`rights::sweep_erased`]).
    pub fn collect_garbage(&self) -> Result<(), ApiError> {
        let before = self.clock.now() - self.config.tombstone_horizon_ms;
        self.store.transaction(|tx| tx.collect_garbage(before))?;
        let late = self.act_as(&Actor::system(), |ctx| Ok(rights::sweep_erased(ctx)?))?;
        if late > 0 {
            tracing::info!(rows = late, "late rows of erased records erased");
        }
        Ok(())
    }

    /// Brings rows stored under earlier scope rules into the current ones (once; a no-op
    /// after): run at start-up, before serving. Returns how many rows moved.
    ///
    /// # Errors
    /// A store failure; nothing moved then.
    pub fn apply_scope_rules(&self) -> Result<usize, ApiError> {
        self.act_as(&Actor::system(), |ctx| {
            Ok(crate::scopes::move_survivor_records_out_of_staff(
                ctx.writer,
            )?)
        })
    }

    /// Runs `f` as `actor` inside one transaction with a writer: for the demo seed and tools
    /// that act without a device (a bootstrap coordinator).
    pub fn act_as<R>(
        &self,
        actor: &Actor,
        f: impl FnOnce(&mut Ctx<'_, '_>) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        self.with_writer(actor, self.clock.now(), f)
    }
}
