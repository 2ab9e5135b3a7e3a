//! The device's sync client: enrolment, then `sync()` — push the outbox in batches, pull every
//! scope from its cursor, purge revoked scopes, sweep after a reset — with token refresh and
//! typed errors. Every batch is applied in one transaction together with its cursor or its
//! outbox acknowledgements, so a crash at any point loses nothing and repeats nothing.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread::ScopedJoinHandle;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::apply::{self, Issue, Touched};
use super::protocol::{
    EnrolRequest, EnrolResponse, ErrorBody, Mutation, MutationStatus, Op, PullRequest,
    PullResponse, PushRequest, PushResponse, RefreshRequest, Tokens,
};
use super::transport::{Transport, TransportError};
use crate::clock::Hlc;
use crate::directory::sync as directory_sync;
use crate::error::{Error, Result, SyncError};
use crate::model::codes::from_json;
use crate::model::person::{Person, Role, load_person};
use crate::store::rows::{self, Collection};
use crate::store::{SCHEMA_VERSION, Store};
use crate::time::Millis;
use crate::validate::required_text;

/// Why a phone refuses another person's enrolment code: it must be wiped first.
const SOMEONE_ELSES: &str = "this device already belongs to someone else";

/// Mutations per push (the server accepts at most 500).
pub const PUSH_BATCH: u32 = 500;
/// Most bytes of encoded mutations per push: a quarter of the server's default 4 MiB body
/// limit, which 500 check-ins at their longest would exceed. A push always carries at least
/// one mutation (one is at most a few tens of kilobytes), so the outbox drains over as many
/// pushes as it takes.
pub const PUSH_BATCH_BYTES: usize = 1024 * 1024;
/// Changes asked for per pull.
pub const PULL_LIMIT: u32 = 5_000;

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncStage {
    /// Sending local changes.
    Pushing,
    /// Receiving changes.
    Pulling,
}

/// Progress reported during a sync.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgress {
    /// Pushing or pulling.
    pub stage: SyncStage,
    /// Changes sent or received so far.
    pub done: u32,
    /// Changes to send, when known (0 while pulling).
    pub total: u32,
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncSummary {
    /// Local changes the server stored.
    pub pushed: u32,
    /// Local changes the server refused (kept as sync issues).
    pub rejected: u32,
    /// Local edits that lost a field to a newer edit (kept as sync issues).
    pub conflicts: u32,
    /// Changes received.
    pub pulled: u32,
    /// Scopes this device lost access to and purged.
    pub revoked_scopes: u32,
    /// Scopes the server reset (pulled again from the start).
    pub reset_scopes: u32,
    /// Collections whose rows changed, for screens to refresh.
    pub changed_collections: Vec<String>,
    /// Voice notes recorded here whose audio the server now holds.
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub voice_notes_sent: u32,
    /// Voice notes whose audio arrived on this phone.
    #[cfg_attr(feature = "uniffi", uniffi(default = 0))]
    pub voice_notes_received: u32,
}

/// A rejected mutation, a lost merge, or a row this build could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncIssue {
    /// Local id, for dismissing.
    pub id: i64,
    /// `rejected`, `conflict` or `unreadable`.
    pub kind: String,
    /// The collection.
    pub collection: String,
    /// The row.
    pub row_id: String,
    /// A stable reason code (`not_allowed`, `invalid`, `access_revoked`, ...).
    pub reason: String,
    /// Fields involved, for conflicts.
    pub fields: Vec<String>,
    /// When it was recorded.
    pub at: Millis,
}

/// The device's sync account.
struct Account {
    access_token: String,
    access_expires_at: Millis,
    refresh_token: String,
}

fn load_account(c: &Connection) -> Result<Account> {
    c.query_row(
        "SELECT access_token, access_expires_at, refresh_token FROM sync_account",
        [],
        |r| {
            Ok(Account {
                access_token: r.get(0)?,
                access_expires_at: r.get(1)?,
                refresh_token: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or(Error::Sync(SyncError::NotEnrolled))
}

fn transport_error(e: TransportError) -> Error {
    match e {
        TransportError::Unreachable | TransportError::Timeout => Error::Sync(SyncError::Offline),
    }
}

/// Maps a non-success answer to a typed error.
fn status_error(status: u16, body: &[u8]) -> Error {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let code = parsed.map_or_else(|| "unknown".to_owned(), |b| b.error);
    Error::Sync(match status {
        401 | 403 if code == "invalid_code" => SyncError::InvalidCode,
        401 if code == "account_closed" => SyncError::AccountClosed,
        401 => SyncError::Unauthorized,
        429 => SyncError::RateLimited {
            retry_after_secs: 60,
        },
        400..=499 => SyncError::Refused { code },
        _ => SyncError::Server { status },
    })
}

/// Bytes `value` takes in JSON, counted without building the text.
fn encoded_len<T: Serialize>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing to a counter cannot fail, and a value that cannot be encoded fails the push.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|_| Error::Sync(SyncError::Protocol))
}

impl Store {
    /// Signs this device in with a one-time enrolment code, stores its tokens, and makes the
    /// enrolled person the device owner. The first [`Store::sync`] then brings their data.
    pub fn enrol(&self, transport: &dyn Transport, server_url: &str, code: &str) -> Result<Person> {
        let _gate = self.sync_gate();
        let code = required_text("code", code, 64)?;
        let server_url = required_text("server_url", server_url, 300)?;
        let owner_id: Option<String> =
            self.read(|c| Ok(c.query_row("SELECT owner_id FROM device", [], |r| r.get(0))?))?;
        let body = serde_json::to_vec(&EnrolRequest {
            code,
            device_id: self.device_id(),
            owner_id,
        })
        .map_err(|_| Error::Sync(SyncError::Protocol))?;
        let response = transport
            .post("/v1/auth/enrol", None, &body)
            .map_err(transport_error)?;
        if response.status == 409 {
            return Err(Error::InvalidState(SOMEONE_ELSES));
        }
        if response.status != 200 {
            return Err(status_error(response.status, &response.body));
        }
        let enrolled: EnrolResponse = decode(&response.body)?;
        let role = Role::parse(&enrolled.role)?;
        let person_id = crate::validate::parse_id("person_id", &enrolled.person_id)?;
        self.write(|tx| {
            let owner: Option<String> = tx.conn.query_row("SELECT owner_id FROM device", [], |r| r.get(0))?;
            // A server from before `owner_id` does not check it (and has spent the code).
            if owner.as_ref().is_some_and(|o| *o != person_id) {
                return Err(Error::InvalidState(SOMEONE_ELSES));
            }
            // The server's copy of the person arrives with the first pull and replaces this one.
            tx.conn.execute(
                "INSERT OR IGNORE INTO person (id, role, display_name, created_at, updated_at, origin, hlc)
                 VALUES (?1, ?2, ?3, ?4, ?4, 'server', 0)",
                (&person_id, role, &enrolled.display_name, tx.now),
            )?;
            tx.conn.execute("UPDATE device SET owner_id = ?1", [&person_id])?;
            // An update, not a replacement: signing in again (a revoked session) must not
            // forget a sweep still owed by a reset scope.
            tx.conn.execute(
                "INSERT INTO sync_account
                   (singleton, server_url, person_id, access_token, access_expires_at, refresh_token)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (singleton) DO UPDATE SET server_url = excluded.server_url,
                   person_id = excluded.person_id, access_token = excluded.access_token,
                   access_expires_at = excluded.access_expires_at, refresh_token = excluded.refresh_token",
                (
                    &server_url,
                    &person_id,
                    &enrolled.tokens.access_token,
                    enrolled.tokens.access_expires_at,
                    &enrolled.tokens.refresh_token,
                ),
            )?;
            tx.observe(Hlc::from_i64(enrolled.server_time << 16));
            load_person(&tx.conn, &person_id)
        })
    }

    /// Asks the server to end this device's session (its whole token family), so the tokens
    /// a wipe is about to delete are dead on the server too. `true` if the server confirmed;
    /// `false` if not enrolled, offline, or refused — the tokens then expire on their own.
    /// The caller holds the sync gate.
    pub(crate) fn sign_out(&self, transport: &dyn Transport) -> Result<bool> {
        let account = match self.read(load_account) {
            Ok(account) => account,
            Err(Error::Sync(SyncError::NotEnrolled)) => return Ok(false),
            Err(e) => return Err(e),
        };
        let body = serde_json::to_vec(&RefreshRequest {
            refresh_token: account.refresh_token,
        })
        .map_err(|_| Error::Sync(SyncError::Protocol))?;
        Ok(transport
            .post("/v1/auth/sign-out", None, &body)
            .is_ok_and(|response| response.status == 200))
    }

    /// The server this device is enrolled with, if any.
    pub fn sync_server_url(&self) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT server_url FROM sync_account", [], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    /// Pushes local changes, then pulls every scope. Safe to call at any time, from one thread
    /// at a time; an interrupted sync resumes where it stopped.
    pub fn sync(
        &self,
        transport: &dyn Transport,
        progress: Option<&dyn Fn(SyncProgress)>,
    ) -> Result<SyncSummary> {
        let _gate = self.sync_gate();
        let mut summary = SyncSummary::default();
        let mut touched = Touched::new();
        self.push_all(transport, progress, &mut summary, &mut touched)?;
        self.upload_voice_notes(transport, &mut summary, &mut touched)?;
        self.pull_all(transport, progress, &mut summary, &mut touched)?;
        if self.voice_notes_in_sync.load(Ordering::Relaxed) {
            self.fetch_voice_notes(transport, &mut summary, &mut touched)?;
        }
        // Receipts for what just arrived ("delivered") go out in the same sync.
        if self.mark_delivered()? {
            self.push_all(transport, None, &mut summary, &mut touched)?;
        }
        self.write(|tx| {
            tx.conn
                .execute("UPDATE sync_account SET last_sync_at = ?1", [tx.now])?;
            Ok(())
        })?;
        summary.changed_collections = touched.into_iter().map(str::to_owned).collect();
        self.notify(&summary.changed_collections);
        Ok(summary)
    }

    /// Issues not yet dismissed, newest first.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, kind, collection, row_id, reason, fields, at FROM sync_issue
                 WHERE dismissed_at IS NULL ORDER BY id DESC",
            )?;
            let rows = stmt.query_map([], |r| {
                let fields: Option<String> = r.get(5)?;
                Ok(SyncIssue {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    collection: r.get(2)?,
                    row_id: r.get(3)?,
                    reason: r.get(4)?,
                    fields: fields
                        .map(|f| from_json(&f))
                        .transpose()?
                        .unwrap_or_default(),
                    at: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Marks an issue as seen.
    pub fn dismiss_sync_issue(&self, id: i64) -> Result<()> {
        self.write(|tx| {
            let n = tx.conn.execute(
                "UPDATE sync_issue SET dismissed_at = ?1 WHERE id = ?2",
                (tx.now, id),
            )?;
            if n == 0 {
                Err(Error::NotFound("sync issue"))
            } else {
                Ok(())
            }
        })
    }

    /// Posts `body` with the current access token, refreshing it first if it has expired and
    /// once more if the server says it is no longer valid.
    pub(super) fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        transport: &dyn Transport,
        path: &str,
        body: &B,
    ) -> Result<T> {
        let bytes = serde_json::to_vec(body).map_err(|_| Error::Sync(SyncError::Protocol))?;
        let mut account = self.read(load_account)?;
        if account.access_expires_at <= self.now() + 30_000 {
            account = self.refresh(transport, &account)?;
        }
        let mut response = transport
            .post(path, Some(&account.access_token), &bytes)
            .map_err(transport_error)?;
        if response.status == 401 {
            account = self.refresh(transport, &account)?;
            response = transport
                .post(path, Some(&account.access_token), &bytes)
                .map_err(transport_error)?;
        }
        if response.status != 200 {
            return Err(status_error(response.status, &response.body));
        }
        decode(&response.body)
    }

    fn refresh(&self, transport: &dyn Transport, account: &Account) -> Result<Account> {
        let body = serde_json::to_vec(&RefreshRequest {
            refresh_token: account.refresh_token.clone(),
        })
        .map_err(|_| Error::Sync(SyncError::Protocol))?;
        let response = transport
            .post("/v1/auth/refresh", None, &body)
            .map_err(transport_error)?;
        if response.status != 200 {
            return Err(status_error(response.status, &response.body));
        }
        let tokens: Tokens = decode(&response.body)?;
        self.write(|tx| {
            tx.conn.execute(
                "UPDATE sync_account SET access_token = ?1, access_expires_at = ?2, refresh_token = ?3",
                (&tokens.access_token, tokens.access_expires_at, &tokens.refresh_token),
            )?;
            Ok(())
        })?;
        Ok(Account {
            access_token: tokens.access_token,
            access_expires_at: tokens.access_expires_at,
            refresh_token: tokens.refresh_token,
        })
    }

    /// The oldest queued changes after stamp `after`, with their rows as they are now: at most
    /// `limit` of them and, past the first, at most `max_bytes` once encoded.
    fn outbox_batch(
        &self,
        after: i64,
        limit: u32,
        max_bytes: usize,
    ) -> Result<(Vec<Mutation>, u32)> {
        self.read(|c| {
            let total: u32 = c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
            let entries: Vec<(i64, String, String, Option<String>)> = c
                .prepare_cached(
                    "SELECT hlc, collection, row_id, fields FROM outbox WHERE hlc > ?1 ORDER BY hlc LIMIT ?2",
                )?
                .query_map((after, limit), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut batch = Vec::with_capacity(entries.len());
            let mut bytes = 0;
            for (mutation_id, table, row_id, fields) in entries {
                let fields: Option<Vec<String>> = fields.map(|f| from_json(&f)).transpose()?;
                let op = if fields.is_some() { Op::Update } else { Op::Insert };
                let row = match Collection::from_table(&table) {
                    Some(coll) => rows::payload(c, coll, &row_id, fields.as_deref())?,
                    None => None,
                };
                if let Some(serde_json::Value::Object(row)) = row {
                    let mutation = Mutation { mutation_id, collection: table, op, row_id, row };
                    // Its size in the request, with the comma before it.
                    let size = encoded_len(&mutation) + 1;
                    if !batch.is_empty() && bytes + size > max_bytes {
                        break;
                    }
                    bytes += size;
                    batch.push(mutation);
                }
            }
            Ok((batch, total))
        })
    }

    fn push_all(
        &self,
        transport: &dyn Transport,
        progress: Option<&dyn Fn(SyncProgress)>,
        summary: &mut SyncSummary,
        touched: &mut Touched,
    ) -> Result<()> {
        let mut done = 0;
        let mut after = i64::MIN;
        loop {
            // Entries the server refused as retryable stay queued; `after` moves past them.
            let (batch, total) = self.outbox_batch(after, PUSH_BATCH, PUSH_BATCH_BYTES)?;
            let Some(last) = batch.last().map(|m| m.mutation_id) else {
                return Ok(());
            };
            after = last;
            let response: PushResponse = self.call(
                transport,
                "/v1/sync/push",
                &PushRequest {
                    schema_version: SCHEMA_VERSION,
                    mutations: batch,
                },
            )?;
            self.write(|tx| {
                for result in &response.results {
                    let entry: Option<(String, String)> = tx
                        .conn
                        .query_row(
                            "SELECT collection, row_id FROM outbox WHERE hlc = ?1",
                            [result.mutation_id],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()?;
                    let Some((collection, row_id)) = entry else {
                        continue;
                    };
                    match result.status {
                        MutationStatus::Applied | MutationStatus::Duplicate => summary.pushed += 1,
                        MutationStatus::Conflict => {
                            summary.pushed += 1;
                            summary.conflicts += 1;
                            apply::record_issue(
                                &tx.conn,
                                &Issue {
                                    kind: "conflict",
                                    mutation_id: Some(result.mutation_id),
                                    collection: &collection,
                                    row_id: &row_id,
                                    reason: "newer_edit",
                                    fields: &result.fields,
                                },
                                tx.now,
                            )?;
                        }
                        MutationStatus::Rejected => {
                            let reason = result.reason.as_deref().unwrap_or("rejected");
                            summary.rejected += 1;
                            apply::record_issue(
                                &tx.conn,
                                &Issue {
                                    mutation_id: Some(result.mutation_id),
                                    ..Issue::about("rejected", &collection, &row_id, reason)
                                },
                                tx.now,
                            )?;
                            if result.retryable {
                                // Kept for a later server; this sync moves past it.
                                continue;
                            }
                            // A refused new row exists nowhere else: once the pull completes,
                            // the sweep removes it (no scope delivers it), so it is not shown
                            // as sent; the issue above tells the app what was refused.
                            tx.conn
                                .execute("UPDATE sync_account SET sweep_pending = 1", [])?;
                        }
                    }
                    tx.conn
                        .execute("DELETE FROM outbox WHERE hlc = ?1", [result.mutation_id])?;
                    // A refused edit: the row goes back to what the server holds, or the phone
                    // would show what was never taken until the row changes again.
                    if let Some(row) = &result.standing {
                        apply::restore_standing(&tx.conn, &collection, row, touched)?;
                    }
                }
                tx.observe(Hlc::from_i64(response.server_time << 16));
                // The outbox no longer holds the latest stamp: the device row does.
                let stamp = tx.stamp();
                tx.conn
                    .execute("UPDATE device SET hlc = max(hlc, ?1)", [stamp.as_i64()])?;
                Ok(())
            })?;
            done += response.results.len() as u32;
            if let Some(report) = progress {
                report(SyncProgress {
                    stage: SyncStage::Pushing,
                    done,
                    total: total.max(done),
                });
            }
        }
    }

    fn pull_all(
        &self,
        transport: &dyn Transport,
        progress: Option<&dyn Fn(SyncProgress)>,
        summary: &mut SyncSummary,
        touched: &mut Touched,
    ) -> Result<()> {
        let cursors: BTreeMap<String, i64> = self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT scope, cursor FROM sync_scope")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let call = |cursors: BTreeMap<String, i64>| -> Result<PullResponse> {
            self.call(
                transport,
                "/v1/sync/pull",
                &PullRequest {
                    schema_version: SCHEMA_VERSION,
                    cursors,
                    limit: PULL_LIMIT,
                },
            )
        };
        // A pipeline of three stages, so the server's work, the transfer, the reading of the
        // rows and the writer's work overlap: one thread asks for the next answer as soon as
        // the previous one has arrived (its cursors are the ones that answer will leave in
        // `sync_scope`), a thread per answer parses and checks its rows, and this thread
        // applies the answers in order. The channel has no room, so at most three answers are
        // in memory. If applying fails, the answers fetched ahead are dropped and the stored
        // cursors still say where to resume.
        std::thread::scope(|threads| {
            let (ready, pages) = mpsc::sync_channel::<Result<ScopedJoinHandle<'_, apply::Page>>>(0);
            threads.spawn(move || {
                let mut cursors = cursors;
                loop {
                    let response = match call(cursors.clone()) {
                        Ok(response) => response,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    let more = response.scopes.iter().any(|s| s.has_more);
                    if more {
                        advance_cursors(&mut cursors, &response);
                    }
                    let reading = threads.spawn(move || apply::Page::read(response));
                    if ready.send(Ok(reading)).is_err() || !more {
                        return;
                    }
                }
            });
            for reading in pages {
                let page = reading?
                    .join()
                    .map_err(|_| Error::Sync(SyncError::Protocol))?;
                self.apply_page(&page, summary, touched)?;
                if let Some(report) = progress {
                    report(SyncProgress {
                        stage: SyncStage::Pulling,
                        done: summary.pulled,
                        total: 0,
                    });
                }
                // Freeing thousands of parsed rows takes a while: not on the writer's thread.
                threads.spawn(move || drop(page));
            }
            Ok(())
        })
    }

    /// Applies one pulled answer in one transaction, with the cursors it moves. Once the last
    /// answer of a pull is in, sweeps if a reset asked for it and repairs references.
    fn apply_page(
        &self,
        page: &apply::Page,
        summary: &mut SyncSummary,
        touched: &mut Touched,
    ) -> Result<()> {
        let response = &page.response;
        self.write_with(false, |tx| {
            let mut newest = Hlc::default();
            for (scope, incoming) in response.scopes.iter().zip(&page.incoming) {
                if scope.reset {
                    summary.reset_scopes += 1;
                    tx.conn
                        .execute("DELETE FROM row_scope WHERE scope = ?1", [&scope.scope])?;
                    tx.conn
                        .execute("UPDATE sync_account SET sweep_pending = 1", [])?;
                }
                let mut directory = Vec::new();
                let mut statements = apply::Statements::new(&tx.conn);
                for (change, incoming) in scope.changes.iter().zip(incoming) {
                    summary.pulled += 1;
                    if change.collection == directory_sync::COLLECTION {
                        directory.push(change);
                        continue;
                    }
                    if let Some(stamp) = apply::apply_change(
                        &tx.conn,
                        &mut statements,
                        &scope.scope,
                        change,
                        incoming,
                        tx.now,
                        touched,
                    )? {
                        newest = newest.max(stamp);
                    }
                }
                drop(statements);
                apply::apply_directory(tx, &directory, touched)?;
                tx.conn.execute(
                    "INSERT INTO sync_scope (scope, cursor) VALUES (?1, ?2)
                     ON CONFLICT (scope) DO UPDATE SET cursor = excluded.cursor",
                    (&scope.scope, scope.cursor),
                )?;
            }
            for scope in &response.revoked {
                summary.revoked_scopes += 1;
                apply::purge_scope(&tx.conn, scope, touched)?;
                // Rows left pointing at purged ones go when the pull completes.
                tx.conn
                    .execute("UPDATE sync_account SET sweep_pending = 1", [])?;
            }
            tx.observe(newest.max(Hlc::from_i64(response.server_time << 16)));
            // What the clock has seen survives a restart, as after a push: an edit made
            // after it follows every row pulled, even on a device whose clock is behind.
            let stamp = tx.stamp();
            tx.conn
                .execute("UPDATE device SET hlc = max(hlc, ?1)", [stamp.as_i64()])?;
            if !response.scopes.iter().any(|s| s.has_more) {
                let sweep: bool =
                    tx.conn
                        .query_row("SELECT sweep_pending FROM sync_account", [], |r| r.get(0))?;
                if sweep {
                    apply::sweep(&tx.conn, tx.now, touched)?;
                    tx.conn
                        .execute("UPDATE sync_account SET sweep_pending = 0", [])?;
                }
                // The pull is complete: every reference must now resolve.
                apply::repair_references(&tx.conn, tx.now, touched)?;
            }
            Ok(())
        })
    }
}

/// The cursors `sync_scope` holds once `response` is applied: each scope's new cursor, revoked
/// scopes gone.
fn advance_cursors(cursors: &mut BTreeMap<String, i64>, response: &PullResponse) {
    for scope in &response.scopes {
        cursors.insert(scope.scope.clone(), scope.cursor);
    }
    for scope in &response.revoked {
        cursors.remove(scope);
    }
}
