//! Applying one change to the server's rows — for a device's push and for the coordinator
//! API alike: validate against the shared field spec, clamp client clocks, authorize against
//! the stored row, merge (append-only rows never change; editable rows merge per field, last
//! writer wins by HLC), rebuild relations, and at the end of the request give every touched
//! row its sequence number and scope-log entries in one go.

use std::collections::{BTreeSet, HashMap, HashSet};

use passerelle_core::clock::Hlc;
use passerelle_core::store::rows::Collection;
use passerelle_core::sync::protocol::{MutationStatus, Op, WireRow};
use passerelle_core::sync::spec;
use serde_json::Value as Json;

use crate::auth::Actor;
use crate::authz;
use crate::rows;
use crate::scopes;
use crate::store::{
    AuditEntry, MutationRecord, RowStamp, StoreFailure, StoreResult, StoreTx, StoredRecord,
};

/// What became of one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Applied, conflict (some fields lost) or rejected.
    pub status: MutationStatus,
    /// Stable reason code for a rejection.
    pub reason: Option<&'static str>,
    /// Whether the same change may succeed later.
    pub retryable: bool,
    /// Fields that lost the merge.
    pub fields: Vec<String>,
}

impl Outcome {
    fn applied() -> Self {
        Self {
            status: MutationStatus::Applied,
            reason: None,
            retryable: false,
            fields: Vec::new(),
        }
    }
    /// A refusal.
    pub fn rejected(reason: &'static str, retryable: bool) -> Self {
        Self {
            status: MutationStatus::Rejected,
            reason: Some(reason),
            retryable,
            fields: Vec::new(),
        }
    }
}

/// Collections whose reads and writes the audit trail records.
const AUDITED: &[&str] = &[
    "survivor_profile",
    "checkin",
    "escalation",
    "escalation_event",
    "consent",
    "message",
    "training_record",
    "supervision_session",
    "planned_contact",
];

/// The relation recording who created a person row (subject: the person, object: the person
/// acting — the professional who enrolled them). Written once, when the row is created, by
/// the writer; what decides who may hand that person a new enrolment code
/// (`coordinator::responsible_for`).
pub const ENROLLED_BY: &str = "enrolled_by";

/// Whether reads and writes of `collection` are audited.
pub fn audited(collection: &str) -> bool {
    AUDITED.contains(&collection)
}

/// The stored row a change applies to, as the caller has it.
enum RowRead {
    /// Not read yet: the writer locks (if it has not) and reads it.
    Pending,
    /// Locked and read by the caller (`None`: there is none).
    Locked(Option<StoredRecord>),
}

/// Applies the changes of one request, then stamps them.
pub struct Writer<'t> {
    tx: &'t mut dyn StoreTx,
    actor: Actor,
    now: i64,
    /// The latest stamp a client may give: the server's clock plus the allowed skew.
    max_stamp: i64,
    touched: Vec<(String, String)>,
    seen: BTreeSet<(String, String)>,
    /// The rows this request wrote, as written: `finish` needs them and need not read them back.
    written: HashMap<(String, String), WireRow>,
    /// Rows this request holds the lock of: `finish` need not lock them again.
    locked: HashSet<(String, String)>,
    /// Rows that did not exist before this request: they are in no scope yet.
    created: HashSet<(String, String)>,
    /// Rows this request deleted for good: they leave every scope at `finish`.
    erased: Vec<(String, String)>,
    audit: Vec<AuditEntry>,
    /// Results of pushed mutations, kept with the audit lines.
    results: Vec<MutationRecord>,
}

impl<'t> Writer<'t> {
    /// A writer acting as `actor` at server time `now`, accepting client clocks up to
    /// `max_skew_ms` ahead.
    pub fn new(tx: &'t mut dyn StoreTx, actor: Actor, now: i64, max_skew_ms: i64) -> Self {
        let max_stamp = Hlc::from_i64((now + max_skew_ms) << 16).as_i64() | 0xFFFF;
        Self {
            tx,
            actor,
            now,
            max_stamp,
            touched: Vec::new(),
            seen: BTreeSet::new(),
            written: HashMap::new(),
            locked: HashSet::new(),
            created: HashSet::new(),
            erased: Vec::new(),
            audit: Vec::new(),
            results: Vec::new(),
        }
    }

    /// The transaction, for reads the caller needs between changes.
    pub fn tx(&mut self) -> &mut dyn StoreTx {
        self.tx
    }

    /// Re-stamps a stored row at [`Self::finish`] without changing it: its scopes are computed
    /// again, and it leaves those it no longer belongs to (after a change of the scope rules).
    pub fn restamp(&mut self, collection: &str, id: &str) {
        self.touch(collection, id);
    }

    fn touch(&mut self, collection: &str, id: &str) {
        let key = (collection.to_owned(), id.to_owned());
        if self.seen.insert(key.clone()) {
            self.touched.push(key);
        }
    }

    /// Brings stamps from beyond the allowed skew back to the latest allowed one — yet still
    /// later than the stored stamp they replace: two edits of a device whose clock runs ahead,
    /// clamped within the same millisecond, must not tie (the first would keep the field).
    fn clamp(&self, row: &mut WireRow, stored: Option<&WireRow>) {
        let stored_hlc = stored
            .and_then(|s| s.get("hlc"))
            .and_then(Json::as_i64)
            .unwrap_or(0);
        let stored_stamps = stored.map(spec::field_stamps).unwrap_or_default();
        let limit = |stamp: i64, replaces: i64| {
            if stamp > self.max_stamp {
                self.max_stamp.max(replaces.saturating_add(1))
            } else {
                stamp
            }
        };
        if let Some(h) = row.get("hlc").and_then(Json::as_i64) {
            row.insert("hlc".into(), limit(h, stored_hlc).into());
        }
        if row.contains_key("field_hlc") {
            let stamps: serde_json::Map<String, Json> = spec::field_stamps(row)
                .into_iter()
                .map(|(k, v)| {
                    let replaces = stored_stamps
                        .get(&k)
                        .and_then(Json::as_i64)
                        .unwrap_or(stored_hlc);
                    let clamped = v.as_i64().map_or(v, |s| limit(s, replaces).into());
                    (k, clamped)
                })
                .collect();
            row.insert(
                "field_hlc".into(),
                Json::String(Json::Object(stamps).to_string()),
            );
        }
    }

    /// Keeps a pushed mutation's result (written with the audit lines when the writer
    /// finishes), so a retry is answered from it.
    pub fn keep_result(&mut self, mutation_id: i64, result: String) {
        self.results.push(MutationRecord {
            device_id: self.actor.device_id.clone(),
            mutation_id,
            result,
            at: self.now,
        });
    }

    /// The result kept by [`Self::keep_result`] for a mutation of this request, if any (a
    /// mutation id repeated within one push).
    pub fn kept_result(&self, mutation_id: i64) -> Option<&str> {
        self.results
            .iter()
            .find(|r| r.mutation_id == mutation_id)
            .map(|r| r.result.as_str())
    }

    /// Deletes a stored row for good (an erasure, `rights`): audited as `erase`, and at
    /// [`Self::finish`] marked removed from every scope it was in, so each device deletes it at
    /// its next pull.
    pub fn erase(&mut self, collection: &str, id: &str) -> StoreResult<()> {
        let key = (collection.to_owned(), id.to_owned());
        if self.locked.insert(key.clone()) {
            self.tx.lock_record(collection, id)?;
        }
        self.tx.delete_record(collection, id)?;
        if collection == "message" {
            // A voice message's sound goes with it.
            self.tx.delete_voice_note(id)?;
        }
        self.written.remove(&key);
        self.record_audit("erase", collection, id);
        self.erased.push(key);
        Ok(())
    }

    /// Applies one change. `trusted` (coordinator API only) lets an update change fields that
    /// pushes may not (reassigning a mentor); authorization still applies.
    pub fn apply(
        &mut self,
        collection: &str,
        op: Op,
        row_id: &str,
        row: WireRow,
        trusted: bool,
    ) -> StoreResult<Outcome> {
        self.apply_to(collection, op, row_id, row, trusted, RowRead::Pending)
    }

    /// [`Self::apply`] for a pushed change whose row the push has already locked and read
    /// ([`StoreTx::start_mutation`]).
    pub fn apply_started(
        &mut self,
        collection: &str,
        op: Op,
        row_id: &str,
        row: WireRow,
        stored: Option<StoredRecord>,
    ) -> StoreResult<Outcome> {
        self.apply_to(collection, op, row_id, row, false, RowRead::Locked(stored))
    }

    fn apply_to(
        &mut self,
        collection: &str,
        op: Op,
        row_id: &str,
        mut row: WireRow,
        trusted: bool,
        read: RowRead,
    ) -> StoreResult<Outcome> {
        let Some(coll) = Collection::from_table(collection) else {
            return Ok(Outcome::rejected("unknown_collection", true));
        };
        match spec::check_row(coll, &row, op == Op::Insert) {
            Ok(()) => {}
            Err(passerelle_core::Error::UnknownCode { kind: "field", .. }) => {
                return Ok(Outcome::rejected("unsupported_field", true));
            }
            Err(_) => return Ok(Outcome::rejected("invalid", false)),
        }
        if rows::text(&row, coll.key_column()) != Some(row_id) {
            return Ok(Outcome::rejected("invalid", false));
        }
        let key = (collection.to_owned(), row_id.to_owned());
        let newly_locked = self.locked.insert(key.clone());
        let stored = match read {
            RowRead::Locked(stored) => stored,
            RowRead::Pending if newly_locked => self.tx.locked_record(collection, row_id)?,
            RowRead::Pending => self.tx.record(collection, row_id)?,
        };
        let stored = stored.and_then(|r| rows::parse(&r.data));
        self.clamp(&mut row, stored.as_ref());
        if let Err(reason) =
            authz::may_write(self.tx, &self.actor, collection, op, stored.as_ref(), &row)?
        {
            self.record_audit("denied", collection, row_id);
            return Ok(Outcome::rejected(reason, false));
        }
        let (merged, outcome) = match (&stored, op) {
            (None, Op::Update) => return Ok(Outcome::rejected("not_found", false)),
            (None, Op::Insert) => (Some(with_field_stamps(coll, row)), Outcome::applied()),
            (Some(old), _) if coll.is_append_only() => {
                let same = spec::fields(coll)
                    .iter()
                    .all(|(f, _)| old.get(*f) == row.get(*f));
                if !same {
                    return Ok(Outcome::rejected("id_conflict", false));
                }
                (None, Outcome::applied())
            }
            (Some(old), _) => {
                if !trusted
                    && spec::immutable_fields(coll)
                        .iter()
                        .any(|f| row.get(*f).is_some_and(|v| old.get(*f) != Some(v)))
                {
                    return Ok(Outcome::rejected("immutable_field", false));
                }
                merge(coll, old, &row)
            }
        };
        if let Some(new) = merged {
            let data =
                serde_json::to_string(&new).map_err(|_| StoreFailure::Database("encode row"))?;
            self.tx.put_record(collection, row_id, &data, 0)?;
            let affected =
                scopes::update_relations(self.tx, collection, row_id, stored.as_ref(), &new)?;
            self.touch(collection, row_id);
            for (c, id) in affected {
                self.touch(&c, &id);
            }
            self.record_audit("write", collection, row_id);
            if stored.is_none() {
                if collection == "person" {
                    self.tx
                        .add_relation(ENROLLED_BY, row_id, &self.actor.person_id)?;
                }
                self.created.insert(key.clone());
            }
            self.written.insert(key, new);
        }
        Ok(outcome)
    }

    /// Notes an audit line for `action` on a row (written with the request's others).
    pub(crate) fn record_audit(&mut self, action: &'static str, collection: &str, row_id: &str) {
        if audited(collection) || action == "denied" || action == "erase" {
            self.audit.push(AuditEntry {
                at: self.now,
                person_id: self.actor.person_id.clone(),
                device_id: self.actor.device_id.clone(),
                action,
                collection: collection.to_owned(),
                row_id: row_id.to_owned(),
            });
        }
    }

    /// Gives every touched row its sequence number and moves its scope-log entries, after
    /// writing the audit lines. Everything is read first and the seqs are reserved last: on
    /// PostgreSQL the scopes stamped stay locked from there to the commit.
    pub fn finish(self) -> StoreResult<()> {
        let Writer {
            tx,
            touched,
            mut written,
            locked,
            created,
            erased,
            audit,
            results,
            now,
            ..
        } = self;
        // Rows touched only as a consequence (a mentorship change re-scopes its people) are
        // re-read and re-stamped below: lock them like `apply` locks its own, or a concurrent
        // change to one of them would be stamped from the copy read here. All before reserving
        // seqs, so a transaction holding its scopes' locks never waits for a row.
        for key in &touched {
            if !locked.contains(key) {
                tx.lock_record(&key.0, &key.1)?;
            }
        }
        let mut stamps = Vec::with_capacity(touched.len());
        for (collection, id) in touched {
            let key = (collection, id);
            let row = match written.remove(&key) {
                Some(row) => row,
                None => match rows::load(tx, &key.0, &key.1)? {
                    Some(row) => row,
                    None => continue,
                },
            };
            let is_new = created.contains(&key);
            let (collection, id) = key;
            let now_in = scopes::row_scopes(tx, &collection, &id, &row)?;
            let before: BTreeSet<String> = if is_new {
                BTreeSet::new()
            } else {
                tx.record_scopes(&collection, &id)?.into_iter().collect()
            };
            let left: Vec<(String, bool)> = before
                .difference(&now_in)
                .map(|scope| (scope.clone(), true))
                .collect();
            let mut scopes: Vec<(String, bool)> =
                now_in.into_iter().map(|scope| (scope, false)).collect();
            scopes.extend(left);
            stamps.push(RowStamp {
                collection,
                id,
                scopes,
            });
        }
        for (collection, id) in erased {
            let scopes = tx.record_scopes(&collection, &id)?;
            stamps.push(RowStamp {
                collection,
                id,
                scopes: scopes.into_iter().map(|scope| (scope, true)).collect(),
            });
        }
        tx.keep_records(&audit, &results)?;
        tx.stamp_rows(&stamps, now)
    }
}

/// An editable row as first stored: every field stamped (with the row's stamp if the client
/// sent none), `field_hlc` kept as JSON text like the devices keep it.
fn with_field_stamps(coll: Collection, mut row: WireRow) -> WireRow {
    if coll.is_append_only() {
        return row;
    }
    let hlc = row.get("hlc").and_then(Json::as_i64).unwrap_or(0);
    let mut stamps = spec::field_stamps(&row);
    for (f, _) in spec::fields(coll) {
        stamps.entry((*f).to_owned()).or_insert_with(|| hlc.into());
    }
    row.insert(
        "field_hlc".into(),
        Json::String(Json::Object(stamps).to_string()),
    );
    row
}

/// Per-field last-writer-wins: each incoming field replaces the stored one only if its stamp
/// is later. Returns the merged row (if anything changed) and the outcome.
fn merge(coll: Collection, old: &WireRow, incoming: &WireRow) -> (Option<WireRow>, Outcome) {
    let old_hlc = old.get("hlc").and_then(Json::as_i64).unwrap_or(0);
    let in_hlc = incoming.get("hlc").and_then(Json::as_i64).unwrap_or(0);
    let mut stamps = spec::field_stamps(old);
    let in_stamps = spec::field_stamps(incoming);
    let mut merged = old.clone();
    let mut lost = Vec::new();
    let mut changed = false;
    for (f, _) in spec::fields(coll) {
        let Some(value) = incoming.get(*f) else {
            continue;
        };
        let theirs = in_stamps.get(*f).and_then(Json::as_i64).unwrap_or(in_hlc);
        let ours = stamps.get(*f).and_then(Json::as_i64).unwrap_or(old_hlc);
        if theirs > ours {
            if merged.get(*f) != Some(value) {
                changed = true;
            }
            merged.insert((*f).to_owned(), value.clone());
            stamps.insert((*f).to_owned(), theirs.into());
        } else if theirs < ours && merged.get(*f) != Some(value) {
            lost.push((*f).to_owned());
        }
    }
    if changed {
        merged.insert("hlc".into(), old_hlc.max(in_hlc).into());
        let updated = old.get("updated_at").and_then(Json::as_i64).unwrap_or(0);
        let in_updated = incoming
            .get("updated_at")
            .and_then(Json::as_i64)
            .unwrap_or(0);
        merged.insert("updated_at".into(), updated.max(in_updated).into());
        merged.insert(
            "field_hlc".into(),
            Json::String(Json::Object(stamps).to_string()),
        );
    }
    let outcome = if lost.is_empty() {
        Outcome::applied()
    } else {
        Outcome {
            status: MutationStatus::Conflict,
            reason: None,
            retryable: false,
            fields: lost,
        }
    };
    (changed.then_some(merged), outcome)
}
