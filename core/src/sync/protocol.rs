//! The sync protocol's messages, shared by the device's client and the server so both sides
//! speak exactly the same JSON. See docs/sync.md and docs/openapi.yaml.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::time::Millis;

/// A JSON object: one row as it travels (column name → value).
pub type WireRow = serde_json::Map<String, serde_json::Value>;

/// `POST /v1/auth/enrol`: a device signs in with a one-time enrolment code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The code the coordinator handed over.
    pub code: String,
    /// The id this installation already uses as the origin of its rows.
    pub device_id: String,
    /// The person this phone already belongs to, if anyone: a code for someone else is refused
    /// (409) and stays unspent, so it still works once the phone is wiped or on another phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// Tokens issued at enrolment and at each refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tokens {
    /// Short-lived bearer token for every other call.
    pub access_token: String,
    /// When the access token expires (server clock).
    pub access_expires_at: Millis,
    /// Single-use token for the next refresh; reusing an old one revokes the whole family.
    pub refresh_token: String,
}

/// Answer to an enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The enrolled person's id.
    pub person_id: String,
    /// Their role code.
    pub role: String,
    /// Their display name.
    pub display_name: String,
    /// The device's tokens.
    pub tokens: Tokens,
    /// The server's clock.
    pub server_time: Millis,
}

/// `POST /v1/auth/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRequest {
    /// The current refresh token.
    pub refresh_token: String,
}

/// The kind of change a mutation makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A new row.
    Insert,
    /// Some fields of an existing editable row.
    Update,
}

/// One queued local change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mutation {
    /// The change's HLC stamp on its device: with the device id, the idempotency key.
    pub mutation_id: i64,
    /// The collection (table name).
    pub collection: String,
    /// Insert or update.
    pub op: Op,
    /// The row's key.
    pub row_id: String,
    /// The row (insert) or the changed fields with the row's stamps (update).
    pub row: WireRow,
}

/// `POST /v1/sync/push`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    /// The schema version the device speaks; a newer one than the server's is refused per
    /// mutation with a retryable reason, never dropped.
    pub schema_version: i64,
    /// The changes, oldest first.
    pub mutations: Vec<Mutation>,
}

/// What became of one mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationStatus {
    /// Stored.
    Applied,
    /// Already stored by an earlier attempt: no second effect.
    Duplicate,
    /// Stored, but some fields lost to newer edits (listed).
    Conflict,
    /// Not stored; see the reason.
    Rejected,
}

/// The server's answer for one mutation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationResult {
    /// The mutation.
    pub mutation_id: i64,
    /// What happened.
    pub status: MutationStatus,
    /// Why it was rejected (a stable code such as `not_allowed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the same mutation may succeed later (after a server upgrade, ...).
    #[serde(default)]
    pub retryable: bool,
    /// Fields that lost the merge, for `Conflict`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// For a refused change to a row the caller still reads: the row as the server holds it,
    /// so the device shows what stands rather than what was refused (nothing else would bring
    /// it back: the row did not change on the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<WireRow>,
}

/// Answer to a push.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    /// One result per mutation, in order.
    pub results: Vec<MutationResult>,
    /// The server's clock, which the device's hybrid logical clock takes in.
    pub server_time: Millis,
}

/// `POST /v1/sync/pull`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    /// The schema version the device speaks.
    pub schema_version: i64,
    /// The scopes the device holds and its cursor in each. Scopes it does not hold yet are
    /// added by the server from cursor 0.
    pub cursors: BTreeMap<String, i64>,
    /// Most changes wanted in this answer.
    pub limit: u32,
}

/// One change within a scope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    /// The collection.
    pub collection: String,
    /// The row's key.
    pub row_id: String,
    /// The row as the server holds it (a JSON object, passed through as stored), or `None` if
    /// it left the scope.
    pub row: Option<Box<RawValue>>,
}

impl Change {
    /// The row as a JSON object, or `None` if it left the scope or is not an object.
    pub fn parsed_row(&self) -> Option<WireRow> {
        self.row
            .as_ref()
            .and_then(|raw| serde_json::from_str(raw.get()).ok())
    }
}

/// The changes of one scope since the device's cursor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScopeChanges {
    /// The scope (`mentorship:<id>`, `casenotes:<id>`, `circle:<id>`, `self:<id>`, `staff`, ...).
    pub scope: String,
    /// Changes in server order.
    pub changes: Vec<Change>,
    /// The cursor to send next time.
    pub cursor: i64,
    /// More changes wait after this cursor.
    pub has_more: bool,
    /// The device's cursor is older than the server keeps removals for: the device must drop
    /// what it pulled from this scope and pull it again from 0 (its outbox is kept).
    pub reset: bool,
}

/// Answer to a pull.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    /// Changes per scope the caller belongs to now.
    pub scopes: Vec<ScopeChanges>,
    /// Scopes the device sent a cursor for but no longer belongs to: purge them.
    pub revoked: Vec<String>,
    /// The server's clock.
    pub server_time: Millis,
}

/// Every error answer's body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code (`unauthorized`, `rate_limited`, `payload_too_large`, ...).
    pub error: String,
    /// A sentence for developers; never personal data.
    pub message: String,
}

/// Voice-note audio in JSON: standard base64 (a third larger than the bytes, and the sync's
/// one transport kept as it is — JSON posts — for every fault the tests inject).
mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <&str>::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// A voice note's audio as it travels: `POST /v1/voice/upload` sends one, and
/// `POST /v1/voice/fetch` answers with some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceUpload {
    /// The voice message it belongs to (already accepted by the server).
    pub message_id: String,
    /// Its encoding (`audio/mp4`, ...).
    pub media_type: String,
    /// Its length.
    pub duration_ms: u32,
    /// The encoded sound, whose SHA-256 the message names.
    #[serde(with = "base64_bytes")]
    pub audio: Vec<u8>,
}

/// `POST /v1/voice/fetch`: the audio of voice messages this device holds without it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VoiceFetchRequest {
    /// The messages, at most [`VOICE_FETCH_MAX`].
    pub message_ids: Vec<String>,
}

/// Most message ids in one fetch.
pub const VOICE_FETCH_MAX: usize = 16;

/// Answer to a fetch: as many notes as fit one answer (at least one, when any is ready), in
/// the order asked; the others asked for are either waiting, gone, or left for the next fetch.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VoiceFetchResponse {
    /// The notes sent.
    pub notes: Vec<VoiceUpload>,
    /// Messages whose sender has not sent the audio yet.
    pub waiting: Vec<String>,
    /// Messages the caller cannot read (or that no longer exist): not asked again this sync.
    pub gone: Vec<String>,
}
