//! Voice notes' audio: `POST /v1/voice/upload` takes a note's sound from the sender of its
//! message, once the message is stored, and only if it is the sound the message names (its
//! SHA-256); `POST /v1/voice/fetch` gives it to whoever reads the message now, recomputed from
//! assignments and consents as for a pull. Both are audited like the records they belong to
//! (never the content); refusals too.

use std::collections::BTreeSet;

use passerelle_core::model::voice::{VoiceMediaType, check_audio, content_hash};
use passerelle_core::rights::VOICE_NOTE_COLLECTION;
use passerelle_core::sync::protocol::{
    VOICE_FETCH_MAX, VoiceFetchRequest, VoiceFetchResponse, VoiceUpload,
};

use crate::auth::Actor;
use crate::error::ApiError;
use crate::rights::line;
use crate::rows::{self, text};
use crate::scopes;
use crate::store::{StoreResult, StoreTx};

/// Most audio bytes one fetch answers with (a few notes; always at least one when any is
/// ready), so an answer stays well under any phone's limit.
pub const FETCH_BYTES: usize = 2 * 1024 * 1024;

/// Writes one audit line about the sound of voice message `id`.
fn audit(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    action: &'static str,
    id: &str,
    now: i64,
) -> StoreResult<()> {
    tx.audit(&[line(actor, now, action, VOICE_NOTE_COLLECTION, id)])
}

/// Keeps the audio of one of `actor`'s voice messages. The outer error rolls back; the inner
/// one is a refusal, answered after its audit line commits. A retried upload is answered
/// like the first.
pub fn upload(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    note: &VoiceUpload,
    now: i64,
) -> Result<Result<serde_json::Value, ApiError>, ApiError> {
    if uuid::Uuid::try_parse(&note.message_id).is_err() {
        return Ok(Err(ApiError::bad_request(
            "invalid",
            "message_id must be a UUID",
        )));
    }
    let Ok(media_type) = VoiceMediaType::parse(&note.media_type) else {
        return Ok(Err(ApiError::bad_request("invalid", "unknown media_type")));
    };
    if check_audio(media_type, note.duration_ms, &note.audio).is_err() {
        return Ok(Err(ApiError::bad_request(
            "invalid",
            "the audio is empty, too long, too large or not of its media_type",
        )));
    }
    let Some(message) = rows::load(tx, "message", &note.message_id)? else {
        return Ok(Err(ApiError::not_found("no such message: push it first")));
    };
    if text(&message, "kind") != Some("voice")
        || text(&message, "sender_id") != Some(actor.person_id.as_str())
    {
        audit(tx, actor, "denied", &note.message_id, now)?;
        return Ok(Err(ApiError::forbidden(
            "only the sender of a voice message uploads its audio",
        )));
    }
    if text(&message, "attachment_ref") != Some(content_hash(&note.audio).as_str()) {
        return Ok(Err(ApiError::bad_request(
            "invalid",
            "the audio is not the one its message names",
        )));
    }
    if tx.put_voice_note(note, now)? {
        audit(tx, actor, "write", &note.message_id, now)?;
    }
    Ok(Ok(serde_json::json!({ "stored": true })))
}

/// The audio of voice messages `actor` reads now, as many as fit [`FETCH_BYTES`], in the order
/// asked; the others named waiting (not uploaded yet) or gone (not theirs to read, or no voice
/// message), or left for the next fetch.
pub fn fetch(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    req: &VoiceFetchRequest,
    now: i64,
) -> Result<Result<VoiceFetchResponse, ApiError>, ApiError> {
    if req.message_ids.len() > VOICE_FETCH_MAX {
        return Ok(Err(ApiError::too_large(
            "too many voice notes in one fetch",
        )));
    }
    let membership: BTreeSet<String> = scopes::membership(tx, actor)?;
    let mut answer = VoiceFetchResponse::default();
    // Every line of the answer in one write (on PostgreSQL a round trip each otherwise).
    let mut lines = Vec::new();
    let mut bytes = 0;
    for id in &req.message_ids {
        let readable = match rows::load(tx, "message", id)? {
            Some(m) if text(&m, "kind") == Some("voice") => {
                scopes::reads(tx, &membership, "message", id, &m)?
            }
            _ => false,
        };
        if !readable {
            lines.push(line(actor, now, "denied", VOICE_NOTE_COLLECTION, id));
            answer.gone.push(id.clone());
            continue;
        }
        let Some(note) = tx.voice_note(id)? else {
            answer.waiting.push(id.clone());
            continue;
        };
        if !answer.notes.is_empty() && bytes + note.audio.len() > FETCH_BYTES {
            break;
        }
        bytes += note.audio.len();
        lines.push(line(actor, now, "read", VOICE_NOTE_COLLECTION, id));
        answer.notes.push(note);
    }
    if !lines.is_empty() {
        tx.audit(&lines)?;
    }
    Ok(Ok(answer))
}
