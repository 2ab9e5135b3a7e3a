//! The server's storage, as a trait with two implementations: embedded SQLite (the default:
//! one file, nothing to install) and PostgreSQL (what a hospital or association deploys).
//!
//! The service holds all the rules; a store only keeps rows. Everything a request does runs in
//! one [`StoreTx`], committed at the end, so a crash between commit and reply can only lose the
//! reply — which the idempotency records make safe to ask for again.

mod checkpoint;
mod ledger;
pub mod postgres;
pub mod sqlite;

use passerelle_core::sync::protocol::VoiceUpload;
use thiserror::Error;

/// A storage failure. Messages name the operation, never the data.
#[derive(Debug, Error)]
pub enum StoreFailure {
    /// The database refused or failed.
    #[error("database error in {0}")]
    Database(&'static str),
    /// Another transaction holds a lock (SQLite busy, PostgreSQL serialization).
    #[error("database busy")]
    Busy,
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreFailure>;

/// One stored row of a synced collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The row as JSON text (every synced column).
    pub data: String,
    /// The sequence number of its last change.
    pub seq: i64,
}

/// One entry of a scope's change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeEntry {
    /// Position in the log.
    pub seq: i64,
    /// Collection.
    pub collection: String,
    /// Row key.
    pub id: String,
    /// The row's current data, or `None` if it left the scope.
    pub data: Option<String>,
}

/// One scope's part of a pull's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeWalk {
    /// Its entries, oldest first.
    pub entries: Vec<ScopeEntry>,
    /// Whether the scope holds more after them.
    pub has_more: bool,
}

/// Cuts scopes' entries, each read with at least one more than could fit, to a page of at
/// most `limit` in all: earlier scopes first, each told whether more was left out.
pub fn cut_walks(fetched: Vec<Vec<ScopeEntry>>, limit: u32) -> Vec<ScopeWalk> {
    let mut remaining = limit as usize;
    fetched
        .into_iter()
        .map(|mut entries| {
            let has_more = entries.len() > remaining;
            entries.truncate(remaining);
            remaining -= entries.len();
            ScopeWalk { entries, has_more }
        })
        .collect()
}

/// A stored mentorship with the consents that decide who serves it: what authorization and
/// scope membership ask of a mentorship, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorshipFacts {
    /// The mentorship's id.
    pub id: String,
    /// Its stored row.
    pub record: StoredRecord,
    /// Whether its survivor's consent to take part is in force.
    pub consented: bool,
    /// The caregivers its survivor shares with (a sharing consent in force), sorted.
    pub sharing: Vec<String>,
}

/// A refresh or access token, as stored (hashed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// `access` or `refresh`.
    pub kind: String,
    /// The device it was issued to.
    pub device_id: String,
    /// The person the device belongs to.
    pub person_id: String,
    /// Refresh-token family: reuse of a spent token revokes the family.
    pub family: String,
    /// The hash of the refresh token this one was issued in exchange for (`None`: issued at
    /// enrolment). A spent refresh token presented again within the retry grace revokes the
    /// tokens issued from it ([`StoreTx::revoke_issued_from`]).
    pub parent: Option<String>,
    /// Expiry.
    pub expires_at: i64,
    /// When a refresh token was exchanged.
    pub used_at: Option<i64>,
    /// When the family was revoked.
    pub revoked_at: Option<i64>,
}

/// What an audit line can say was done: `read`, `write`, `denied`, and `erase` (a record
/// erased at its subject's request, `rights`).
pub const AUDIT_ACTIONS: &[&str] = &["read", "write", "denied", "erase"];

/// An action as stored, as one of [`AUDIT_ACTIONS`] (`other` for anything else).
pub fn audit_action(stored: &str) -> &'static str {
    AUDIT_ACTIONS
        .iter()
        .find(|a| **a == stored)
        .copied()
        .unwrap_or("other")
}

/// One line of the audit trail: who did what to which record, never its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: i64,
    /// The person acting.
    pub person_id: String,
    /// Their device.
    pub device_id: String,
    /// One of [`AUDIT_ACTIONS`].
    pub action: &'static str,
    /// Collection.
    pub collection: String,
    /// Row key.
    pub row_id: String,
}

/// A mutation's result, kept so a retry of it is answered without a second effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutationRecord {
    /// The device that pushed it.
    pub device_id: String,
    /// Its id on that device.
    pub mutation_id: i64,
    /// The result sent back, as JSON text.
    pub result: String,
    /// When it was applied.
    pub at: i64,
}

/// Where applying a pushed mutation starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MutationStart {
    /// It was applied before: its stored result.
    Seen(String),
    /// It is new: the row it changes as stored once locked (`None` if there is none yet).
    Fresh(Option<StoredRecord>),
}

/// A row's new place in the change logs: the next seq goes to it and to every scope-log entry
/// listed (in a scope it is now in, or marked removed from one it left).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowStamp {
    /// Collection.
    pub collection: String,
    /// Row key.
    pub id: String,
    /// Scopes, each with whether the row left it.
    pub scopes: Vec<(String, bool)>,
}

/// Everything the service does to storage, inside one transaction.
pub trait StoreTx {
    /// Starts a pull and returns the horizon: the oldest cursor still served incrementally
    /// (removals before it were forgotten). Every read of the transaction from here on sees
    /// one snapshot, so the scopes a pull computes and the changes it sends cannot straddle a
    /// concurrent revocation, and the horizon and the scope log cannot straddle a garbage
    /// collection. Call before any write or lock. SQLite: already so (one transaction at a
    /// time); PostgreSQL: the transaction runs REPEATABLE READ (fine for a pull, whose only
    /// writes are audit lines).
    fn begin_pull(&mut self) -> StoreResult<i64>;

    /// Holds a lock on one row key until the transaction ends, before a read-modify-write of
    /// it (PostgreSQL: an advisory transaction lock; SQLite: nothing, its writer is alone).
    fn lock_record(&mut self, collection: &str, id: &str) -> StoreResult<()>;
    /// A stored row.
    fn record(&mut self, collection: &str, id: &str) -> StoreResult<Option<StoredRecord>>;
    /// [`Self::lock_record`], then [`Self::record`] as it stands once the lock is held
    /// (PostgreSQL: one round trip).
    fn locked_record(&mut self, collection: &str, id: &str) -> StoreResult<Option<StoredRecord>> {
        self.lock_record(collection, id)?;
        self.record(collection, id)
    }
    /// Creates or replaces a row.
    fn put_record(&mut self, collection: &str, id: &str, data: &str, seq: i64) -> StoreResult<()>;
    /// Deletes a row for good (an erasure): its scope-log entries stay, and a pull sends each
    /// as a removal once [`Self::stamp_rows`] has marked it so.
    fn delete_record(&mut self, collection: &str, id: &str) -> StoreResult<()>;
    /// Gives each row a new seq, increasing in row order, and writes it into the row's record
    /// and scope-log entries (changed at `at`). In each scope, seqs become visible in the order
    /// they were handed out (a puller's cursor never passes one still pending). The last
    /// writes of a transaction, with everything they need read beforehand: on PostgreSQL the
    /// scopes stamped stay locked from here to the commit.
    fn stamp_rows(&mut self, rows: &[RowStamp], at: i64) -> StoreResult<()>;
    /// The scopes a row is in now (entries not marked removed).
    fn record_scopes(&mut self, collection: &str, id: &str) -> StoreResult<Vec<String>>;
    /// A scope's entries after `after`, oldest first, at most `limit`.
    fn scope_entries(
        &mut self,
        scope: &str,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ScopeEntry>>;

    /// Walks scopes in the order given, each after its cursor: at most `limit` entries in
    /// all, earlier scopes first, and for each scope whether it holds more (a pull's page).
    /// PostgreSQL reads them in one query; the default reads one scope at a time.
    fn walk_scopes(&mut self, walks: &[(&str, i64)], limit: u32) -> StoreResult<Vec<ScopeWalk>> {
        let mut remaining = limit;
        let mut fetched = Vec::with_capacity(walks.len());
        for (scope, after) in walks {
            // One more than fits tells whether the scope holds more.
            let entries = self.scope_entries(scope, *after, remaining.saturating_add(1))?;
            remaining = remaining.saturating_sub(entries.len() as u32);
            fetched.push(entries);
        }
        Ok(cut_walks(fetched, limit))
    }

    /// Adds a relation (`survivor`/`mentor`/`coordinator` of a mentorship, `caregiver_of`,
    /// `programme_consent`, `share_consent`).
    fn add_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()>;
    /// Removes one relation.
    fn remove_relation(&mut self, kind: &str, subject: &str, object: &str) -> StoreResult<()>;
    /// Objects related to `subject` by `kind`.
    fn objects(&mut self, kind: &str, subject: &str) -> StoreResult<Vec<String>>;
    /// Subjects related to `object` by `kind`.
    fn subjects(&mut self, kind: &str, object: &str) -> StoreResult<Vec<String>>;
    /// A stored mentorship with its survivor's consents, in one query. The survivor is the one
    /// the relations index names, as for every other consent question.
    fn mentorship_facts(&mut self, id: &str) -> StoreResult<Option<MentorshipFacts>>;
    /// [`Self::mentorship_facts`] of every mentorship `person` is the `kind` (`survivor`,
    /// `mentor`, `coordinator`) of, by id, in one query.
    fn mentorships_of(&mut self, kind: &str, person: &str) -> StoreResult<Vec<MentorshipFacts>>;

    /// Stores a one-time enrolment code (hashed) for a person.
    fn put_enrolment_code(
        &mut self,
        hash: &str,
        person_id: &str,
        expires_at: i64,
    ) -> StoreResult<()>;
    /// Spends a code: returns its person if the code exists, is unused and unexpired.
    fn take_enrolment_code(&mut self, hash: &str, now: i64) -> StoreResult<Option<String>>;
    /// Registers (or re-registers) a device for a person.
    fn put_device(&mut self, device_id: &str, person_id: &str, now: i64) -> StoreResult<()>;
    /// Stores a token (hashed).
    fn put_token(&mut self, hash: &str, token: &TokenRecord) -> StoreResult<()>;
    /// A stored token.
    fn token(&mut self, hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// A stored token with its person's stored row, if both exist, in one query: what
    /// authenticating a request reads.
    fn token_holder(&mut self, hash: &str) -> StoreResult<Option<(TokenRecord, StoredRecord)>>;
    /// Marks a refresh token spent; `false` if it already was (checked and set atomically, so
    /// two concurrent refreshes with one token cannot both succeed).
    fn mark_token_used(&mut self, hash: &str, now: i64) -> StoreResult<bool>;
    /// Revokes every token of a family.
    fn revoke_family(&mut self, family: &str, now: i64) -> StoreResult<()>;
    /// Revokes the tokens of `family` issued in exchange for the refresh token hashed
    /// `parent` and not revoked yet; returns whether one of them was a refresh token already
    /// spent (its holder received the pair: the token presented again is a copy).
    fn revoke_issued_from(&mut self, family: &str, parent: &str, now: i64) -> StoreResult<bool>;

    /// Keeps the audio of a stored voice message, received at `now`; `false` if it was kept
    /// before (an upload retried: the first one stands).
    fn put_voice_note(&mut self, note: &VoiceUpload, now: i64) -> StoreResult<bool>;
    /// The audio of a voice message, if its sender has uploaded it.
    fn voice_note(&mut self, message_id: &str) -> StoreResult<Option<VoiceUpload>>;
    /// Deletes the audio of a voice message (erased with it).
    fn delete_voice_note(&mut self, message_id: &str) -> StoreResult<()>;

    /// The stored result of a mutation already applied for this device.
    fn mutation_result(&mut self, device_id: &str, mutation_id: i64)
    -> StoreResult<Option<String>>;
    /// Stores a mutation's result.
    fn put_mutation_result(
        &mut self,
        device_id: &str,
        mutation_id: i64,
        result: &str,
        now: i64,
    ) -> StoreResult<()>;

    /// What a push does first for each mutation: locks the mutation (a retry racing its first
    /// attempt waits here for that attempt to end) and reads its stored result; if it has
    /// none, locks the row it changes and reads that (PostgreSQL: one round trip).
    fn start_mutation(
        &mut self,
        device_id: &str,
        mutation_id: i64,
        collection: &str,
        id: &str,
    ) -> StoreResult<MutationStart> {
        if let Some(result) = self.mutation_result(device_id, mutation_id)? {
            return Ok(MutationStart::Seen(result));
        }
        Ok(MutationStart::Fresh(self.locked_record(collection, id)?))
    }

    /// Appends audit lines.
    fn audit(&mut self, entries: &[AuditEntry]) -> StoreResult<()>;
    /// Appends audit lines and stores mutation results: a write's bookkeeping, sent together
    /// (PostgreSQL: one statement). Each mutation appears once.
    fn keep_records(
        &mut self,
        audit: &[AuditEntry],
        results: &[MutationRecord],
    ) -> StoreResult<()> {
        self.audit(audit)?;
        for r in results {
            self.put_mutation_result(&r.device_id, r.mutation_id, &r.result, r.at)?;
        }
        Ok(())
    }
    /// How many audit lines mention a row (for tests and the audit export).
    fn audit_count(&mut self, collection: &str, row_id: &str, action: &str) -> StoreResult<i64>;
    /// Revokes every token of a person's devices and spends their unused enrolment codes.
    fn revoke_person(&mut self, person_id: &str, now: i64) -> StoreResult<()>;

    /// Forgets removal entries made before `removed_before` (UTC ms) and moves the horizon past
    /// them: a device whose cursor is older must reset that scope.
    fn collect_garbage(&mut self, removed_before: i64) -> StoreResult<()>;
}

/// A store: hands out transactions.
pub trait ServerStore: Send + Sync + 'static {
    /// Runs `f` in one transaction; commits if it returns `Ok`, rolls back otherwise.
    fn transaction<R, E: From<StoreFailure>>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E>,
    ) -> Result<R, E>;
    /// A short name for logs and reports (`sqlite`, `postgres`).
    fn kind(&self) -> &'static str;
    /// Every audit line whose row key is one of `row_ids`, oldest first, as committed: a
    /// person's export. One scan of the trail (it has no index by row: about a second per
    /// million lines), so it runs outside any request's transaction — on SQLite on a
    /// connection of its own, never holding the writer.
    fn audit_trail_of(&self, row_ids: &[String]) -> StoreResult<Vec<AuditEntry>>;
}
