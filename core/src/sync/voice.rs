//! The audio of voice notes, moved apart from the change log: after a push, each recording
//! whose message the server now holds is uploaded; after a pull, the audio of voice messages
//! that arrived without it is fetched, checked against the hash its message names, and kept.
//! A note the server refuses stays on the phone with a sync issue; one not uploaded yet by
//! its sender is asked for again at the next sync. On a metered connection the app can leave
//! sounds out of the syncs and fetch one when it is played.

use std::sync::atomic::Ordering;

use rusqlite::OptionalExtension;

use super::apply::{self, Issue, Touched};
use super::client::SyncSummary;
use super::protocol::{VOICE_FETCH_MAX, VoiceFetchRequest, VoiceFetchResponse, VoiceUpload};
use super::transport::Transport;
use crate::error::{Error, Result, SyncError};
use crate::model::message::member;
use crate::model::voice::{
    AudioState, VoiceAudio, VoiceMediaType, check_audio, content_hash, keep_audio,
};
use crate::rights::VOICE_NOTE_COLLECTION;
use crate::store::Store;
use crate::validate::parse_id;

/// Recordings whose message the server holds (no longer queued) and whose audio it does not.
const TO_UPLOAD_SQL: &str = "SELECT v.message_id, v.media_type, v.duration_ms, v.audio
     FROM voice_note v
     WHERE v.state = 'to_send'
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.collection = 'message' AND o.row_id = v.message_id)
       AND v.message_id > ?1
     ORDER BY v.message_id LIMIT 1";

/// Voice messages held without their audio, newest first (the ones a conversation shows).
const TO_FETCH_SQL: &str = "SELECT m.id FROM message m
     WHERE m.kind = 'voice' AND m.attachment_ref IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM voice_note v WHERE v.message_id = m.id)
     ORDER BY m.hlc DESC, m.id DESC";

/// Why the audio a server sent is not kept (the message is asked for again at the next sync).
const MISMATCH: &str = "voice_note_mismatch";

impl Store {
    /// Uploads every recording the server does not hold yet, one request each (a note is up
    /// to a mebibyte). A refusal marks that note and records an issue; it does not stop the
    /// others.
    pub(super) fn upload_voice_notes(
        &self,
        transport: &dyn Transport,
        summary: &mut SyncSummary,
        touched: &mut Touched,
    ) -> Result<()> {
        let mut after = String::new();
        loop {
            let next: Option<(String, String, u32, Vec<u8>)> = self.read(|c| {
                Ok(c.prepare_cached(TO_UPLOAD_SQL)?
                    .query_row([&after], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?)
            })?;
            let Some((message_id, media_type, duration_ms, audio)) = next else {
                return Ok(());
            };
            after.clone_from(&message_id);
            let upload = VoiceUpload {
                message_id,
                media_type,
                duration_ms,
                audio,
            };
            let outcome: Result<serde_json::Value> =
                self.call(transport, "/v1/voice/upload", &upload);
            let (state, refusal) = match outcome {
                Ok(_) => (AudioState::Held, None),
                Err(Error::Sync(SyncError::Refused { code })) => (AudioState::Refused, Some(code)),
                Err(other) => return Err(other),
            };
            self.write(|tx| {
                tx.conn.execute(
                    "UPDATE voice_note SET state = ?1 WHERE message_id = ?2",
                    (state.code(), &upload.message_id),
                )?;
                if let Some(reason) = &refusal {
                    apply::record_issue(
                        &tx.conn,
                        &Issue::about(
                            "rejected",
                            VOICE_NOTE_COLLECTION,
                            &upload.message_id,
                            reason,
                        ),
                        tx.now,
                    )?;
                }
                Ok(())
            })?;
            // The sender's own status moves from pending.
            touched.insert("message");
            match refusal {
                None => summary.voice_notes_sent += 1,
                Some(_) => summary.rejected += 1,
            }
        }
    }

    /// Whether each sync fetches the sounds of voice notes that arrived without them (`true`,
    /// the default) or leaves them to [`Store::fetch_voice_note`], when a note is played: an
    /// app on a metered connection turns it off, and on again on Wi-Fi. Not stored: the app
    /// says it again after opening the store.
    pub fn set_voice_notes_in_sync(&self, fetch: bool) {
        self.voice_notes_in_sync.store(fetch, Ordering::Relaxed);
    }

    /// A voice note's sound, fetched now if this phone does not hold it yet (a note left out
    /// of the syncs by [`Store::set_voice_notes_in_sync`], or one whose sound has just been
    /// sent): what a play button calls. `transport` is `None` on a phone not enrolled with a
    /// server: a sound it holds still plays.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (`voice note`) if the message is no voice note on this phone;
    /// [`Error::NotAllowed`] if the owner is not in its conversation; [`Error::InvalidState`]
    /// if its sender has not sent the sound yet, or what came back is not the sound the
    /// message names (an issue says so); the sync errors (offline, not enrolled, ...).
    pub fn fetch_voice_note(
        &self,
        transport: Option<&dyn Transport>,
        message_id: &str,
    ) -> Result<VoiceAudio> {
        match self.voice_note_audio(message_id) {
            Err(Error::NotFound(_)) => {}
            held => return held,
        }
        let message_id = parse_id("message_id", message_id)?;
        let mentorship: Option<String> = self.read(|c| {
            Ok(c.query_row(
                "SELECT mentorship_id FROM message WHERE id = ?1 AND kind = 'voice'",
                [&message_id],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        let Some(mentorship) = mentorship else {
            return Err(Error::NotFound("voice note"));
        };
        self.read(|c| member(c, &mentorship).map(|_| ()))?;
        let transport = transport.ok_or(Error::Sync(SyncError::NotEnrolled))?;
        let (answer, kept) = self.fetch_batch(transport, std::slice::from_ref(&message_id))?;
        if kept == 1 {
            self.notify(&["message".to_owned()]);
            return self.voice_note_audio(&message_id);
        }
        Err(Error::InvalidState(if answer.notes.is_empty() {
            "the sound of this voice note has not reached the server yet"
        } else {
            "the sound that came back is not the one this voice note names"
        }))
    }

    /// Fetches the audio of every voice message held without it, a few per request. Audio
    /// that does not match its message's hash, or is not the sound it claims to be, is not
    /// kept (an issue says so).
    pub(super) fn fetch_voice_notes(
        &self,
        transport: &dyn Transport,
        summary: &mut SyncSummary,
        touched: &mut Touched,
    ) -> Result<()> {
        let wanted: Vec<String> = self.read(|c| {
            let mut stmt = c.prepare_cached(TO_FETCH_SQL)?;
            let ids = stmt.query_map([], |r| r.get(0))?;
            Ok(ids.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut queue: &[String] = &wanted;
        while !queue.is_empty() {
            let asked = &queue[..queue.len().min(VOICE_FETCH_MAX)];
            let (answer, kept) = self.fetch_batch(transport, asked)?;
            summary.voice_notes_received += kept;
            if kept > 0 {
                touched.insert("message");
            }
            // Whatever the answer settled is done for this sync; the rest is asked again,
            // unless nothing at all was settled (a server that sends nothing is not asked
            // forever).
            let settled = asked
                .iter()
                .take_while(|id| {
                    answer.notes.iter().any(|n| &n.message_id == *id)
                        || answer.waiting.contains(id)
                        || answer.gone.contains(id)
                })
                .count();
            if settled == 0 {
                return Ok(());
            }
            queue = &queue[settled..];
        }
        Ok(())
    }

    /// Asks the server for the sounds of `asked` and keeps those that match their messages;
    /// returns the answer and how many were kept.
    fn fetch_batch(
        &self,
        transport: &dyn Transport,
        asked: &[String],
    ) -> Result<(VoiceFetchResponse, u32)> {
        let answer: VoiceFetchResponse = self.call(
            transport,
            "/v1/voice/fetch",
            &VoiceFetchRequest {
                message_ids: asked.to_vec(),
            },
        )?;
        let kept = self.keep_fetched(&answer.notes, asked)?;
        Ok((answer, kept))
    }

    /// Keeps the notes of a fetch that were asked for and match their messages; returns how
    /// many.
    fn keep_fetched(&self, notes: &[VoiceUpload], asked: &[String]) -> Result<u32> {
        self.write(|tx| {
            let mut kept = 0;
            for note in notes.iter().filter(|n| asked.contains(&n.message_id)) {
                let hash: Option<String> = tx
                    .conn
                    .query_row(
                        "SELECT attachment_ref FROM message WHERE id = ?1 AND kind = 'voice'",
                        [&note.message_id],
                        |r| r.get(0),
                    )
                    .optional()?
                    .flatten();
                let sound = VoiceMediaType::parse(&note.media_type).ok().filter(|t| {
                    check_audio(*t, note.duration_ms, &note.audio).is_ok()
                        && hash.as_deref() == Some(content_hash(&note.audio).as_str())
                });
                match sound {
                    Some(media_type) => {
                        keep_audio(
                            tx,
                            &note.message_id,
                            media_type,
                            note.duration_ms,
                            &note.audio,
                            AudioState::Held,
                        )?;
                        kept += 1;
                    }
                    None => apply::record_issue(
                        &tx.conn,
                        &Issue::about(
                            "unreadable",
                            VOICE_NOTE_COLLECTION,
                            &note.message_id,
                            MISMATCH,
                        ),
                        tx.now,
                    )?,
                }
            }
            Ok(kept)
        })
    }
}
