//! The sync endpoints: push (idempotent per device and mutation id) and pull (per-scope
//! cursors over the scope log, revoked scopes named, resets past the tombstone horizon).

use std::collections::BTreeSet;

use passerelle_core::store::SCHEMA_VERSION;
use passerelle_core::sync::protocol::{
    Change, MutationResult, MutationStatus, Op, PullRequest, PullResponse, PushRequest,
    PushResponse, ScopeChanges, WireRow,
};
use serde_json::value::RawValue;

use crate::auth::Actor;
use crate::error::ApiError;
use crate::rows;
use crate::scopes;
use crate::store::{AuditEntry, MutationStart, ScopeWalk, StoreResult, StoreTx};
use crate::write::{Outcome, Writer, audited};

/// Scopes in the order a pull serves them: those holding people and mentorships first.
fn scope_rank(scope: &str) -> u8 {
    match scope.split(':').next().unwrap_or_default() {
        "self" => 0,
        "staff" => 1,
        "circle" => 2,
        "mentorship" => 3,
        "conversation" => 4,
        "casenotes" => 5,
        _ => 6,
    }
}

/// Limits that shape a sync request.
#[derive(Debug, Clone, Copy)]
pub struct SyncLimits {
    /// Most mutations in one push.
    pub max_batch: usize,
    /// Most changes in one pull answer.
    pub max_pull: u32,
    /// How far ahead of the server a client's clock may stamp.
    pub max_skew_ms: i64,
}

fn result(mutation_id: i64, o: &Outcome) -> MutationResult {
    MutationResult {
        mutation_id,
        status: o.status,
        reason: o.reason.map(str::to_owned),
        retryable: o.retryable,
        fields: o.fields.clone(),
        standing: None,
    }
}

/// The row a refused change meant to edit, as the server holds it, if `actor` still reads it:
/// sent back with the refusal so the device drops what was refused (an audited read, like a
/// pull's). `membership` is computed on the first refusal of the request.
fn standing_row(
    writer: &mut Writer<'_>,
    actor: &Actor,
    membership: &mut Option<BTreeSet<String>>,
    collection: &str,
    row_id: &str,
) -> StoreResult<Option<WireRow>> {
    let Some(row) = writer
        .tx()
        .record(collection, row_id)?
        .and_then(|r| rows::parse(&r.data))
    else {
        return Ok(None);
    };
    let membership = match membership {
        Some(m) => m,
        None => membership.insert(scopes::membership(writer.tx(), actor)?),
    };
    if !scopes::reads(writer.tx(), membership, collection, row_id, &row)? {
        return Ok(None);
    }
    writer.record_audit("read", collection, row_id);
    Ok(Some(row))
}

/// A stored result sent again: what was applied (or merged) the first time is a duplicate now.
fn as_duplicate(mut r: MutationResult) -> MutationResult {
    if matches!(r.status, MutationStatus::Applied | MutationStatus::Conflict) {
        r.status = MutationStatus::Duplicate;
    }
    r
}

/// Where a pull reads one scope from.
struct Walk {
    scope: String,
    /// The seq after which it reads.
    from: i64,
    /// A walk from 0 is under way (the cursor sent was negative).
    walking: bool,
    /// The cursor is older than the horizon: the scope is sent again from 0.
    reset: bool,
}

impl Walk {
    fn plan(scope: &str, sent: Option<i64>, horizon: i64) -> Self {
        // A negative cursor is a walk from 0 under way (a first pull, or one after a reset):
        // it resumes after that seq and is never reset, since the device keeps nothing from
        // before the walk (it sweeps when the walk ends).
        let sent = sent.unwrap_or(0);
        let walking = sent < 0;
        let cursor = sent.saturating_abs();
        let reset = !walking && cursor > 0 && cursor < horizon;
        Self {
            scope: scope.to_owned(),
            from: if reset { 0 } else { cursor },
            walking,
            reset,
        }
    }
}

/// Applies a push in one transaction. A mutation seen before returns its stored result (as
/// `Duplicate` when it had been stored): a retried push has no second effect.
pub fn push(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    req: PushRequest,
    now: i64,
    limits: SyncLimits,
) -> Result<PushResponse, ApiError> {
    if req.mutations.len() > limits.max_batch {
        return Err(ApiError::too_large("too many mutations in one push"));
    }
    let device = actor.device_id.clone();
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut writer = Writer::new(tx, actor.clone(), now, limits.max_skew_ms);
    let mut membership = None;
    for m in req.mutations {
        // A mutation id repeated within the batch is a duplicate too, of the result kept for
        // its first occurrence.
        let started = match writer.kept_result(m.mutation_id) {
            Some(kept) => MutationStart::Seen(kept.to_owned()),
            None => writer
                .tx()
                .start_mutation(&device, m.mutation_id, &m.collection, &m.row_id)?,
        };
        let mut r = match started {
            MutationStart::Seen(previous) => {
                let r: MutationResult = serde_json::from_str(&previous).map_err(|_| {
                    ApiError::from(crate::store::StoreFailure::Database("mutation"))
                })?;
                as_duplicate(r)
            }
            MutationStart::Fresh(stored) => {
                let outcome = if req.schema_version > SCHEMA_VERSION {
                    Outcome::rejected("unsupported_version", true)
                } else {
                    writer.apply_started(&m.collection, m.op, &m.row_id, m.row, stored)?
                };
                let r = result(m.mutation_id, &outcome);
                if !outcome.retryable {
                    writer
                        .keep_result(m.mutation_id, serde_json::to_string(&r).unwrap_or_default());
                }
                r
            }
        };
        // The row as it stands now, never as kept with the result: a retry after it changed
        // must not take the device back.
        if r.status == MutationStatus::Rejected && !r.retryable && m.op == Op::Update {
            r.standing = standing_row(
                &mut writer,
                actor,
                &mut membership,
                &m.collection,
                &m.row_id,
            )?;
        }
        results.push(r);
    }
    writer.finish()?;
    Ok(PushResponse {
        results,
        server_time: now,
    })
}

/// Answers a pull: every scope the caller belongs to now, from the cursor it sent (0 for new
/// scopes), up to the limit in total; scopes it sent but lost are named as revoked.
pub fn pull(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    req: &PullRequest,
    now: i64,
    limits: SyncLimits,
) -> Result<PullResponse, ApiError> {
    // The horizon, the scopes and the changes from one snapshot, so a pull cannot straddle a
    // revocation or a garbage collection committed in between.
    let horizon = tx.begin_pull()?;
    let membership = scopes::membership(tx, actor)?;
    let revoked: Vec<String> = req
        .cursors
        .keys()
        .filter(|s| !membership.contains(*s))
        .cloned()
        .collect();
    let limit = req.limit.clamp(1, limits.max_pull);
    let mut answer = Vec::new();
    let mut audit = Vec::new();
    // Parents before children: a mentorship (and its people) reaches a device no later than
    // the check-ins and messages that refer to it.
    let mut ordered: Vec<&String> = membership.iter().collect();
    ordered.sort_by_key(|s| (scope_rank(s), (*s).clone()));
    let plans: Vec<Walk> = ordered
        .into_iter()
        .map(|scope| Walk::plan(scope, req.cursors.get(scope).copied(), horizon))
        .collect();
    let walks: Vec<(&str, i64)> = plans.iter().map(|p| (p.scope.as_str(), p.from)).collect();
    let pages = tx.walk_scopes(&walks, limit)?;
    for (plan, ScopeWalk { entries, has_more }) in plans.into_iter().zip(pages) {
        let Walk {
            scope,
            from,
            walking,
            reset,
        } = plan;
        let last = entries.last().map_or(from, |e| e.seq);
        let next = if has_more {
            // Part of a walk from 0 may end below the horizon; marked, it is not reset again.
            if (walking || from == 0) && last < horizon {
                -last
            } else {
                last
            }
        } else {
            // The scope is complete: nothing in it between `last` and the horizon, so the
            // cursor may not fall behind the horizon (it would reset on every pull).
            last.max(horizon)
        };
        let mut changes = Vec::with_capacity(entries.len());
        for e in entries {
            // Stored rows are passed through as they are: no parse and re-encode per row.
            let row = match e.data {
                Some(data) => match RawValue::from_string(data) {
                    Ok(raw) => Some(raw),
                    Err(_) => continue,
                },
                // A device starting from 0 never had the removed row.
                None if from == 0 => continue,
                None => None,
            };
            if row.is_some() && audited(&e.collection) {
                audit.push(AuditEntry {
                    at: now,
                    person_id: actor.person_id.clone(),
                    device_id: actor.device_id.clone(),
                    action: "read",
                    collection: e.collection.clone(),
                    row_id: e.id.clone(),
                });
            }
            changes.push(Change {
                collection: e.collection,
                row_id: e.id,
                row,
            });
        }
        answer.push(ScopeChanges {
            scope,
            changes,
            cursor: next,
            has_more,
            reset,
        });
    }
    if !audit.is_empty() {
        // A row sent through two scopes is one read.
        audit.sort_unstable_by(|a, b| (&a.collection, &a.row_id).cmp(&(&b.collection, &b.row_id)));
        audit.dedup_by(|a, b| a.collection == b.collection && a.row_id == b.row_id);
        tx.audit(&audit)?;
    }
    Ok(PullResponse {
        scopes: answer,
        revoked,
        server_time: now,
    })
}
