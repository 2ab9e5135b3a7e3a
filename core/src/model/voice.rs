//! Voice notes: a message spoken rather than typed, for survivors with aphasia or one working
//! hand. The message row (kind `voice`) travels like any message; its `attachment_ref` is the
//! SHA-256 of the audio, so every phone can check the audio it receives. The audio itself is
//! kept in the encrypted database (`voice_note`) and travels apart from the change log — sent
//! once the server holds the message, fetched by the other members' phones after their pull
//! (`sync::voice`) — so a pull of a thousand messages never carries megabytes of sound.

use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

use super::codes::code_enum;
use super::message::{Message, member, write_message};
use crate::error::{Error, Problem, Result};
use crate::store::{Store, Tx};
use crate::sync::spec::MESSAGE_MAX;
use crate::validate::{optional_text, parse_id};

/// Largest voice note, in bytes: a little over four minutes of speech at 32 kbit/s AAC, and
/// still one request to the server once encoded.
pub const VOICE_NOTE_MAX_BYTES: usize = 1024 * 1024;

/// Longest voice note, in milliseconds (five minutes).
pub const VOICE_NOTE_MAX_MS: u32 = 5 * 60 * 1000;

code_enum! {
    /// How a voice note's audio is encoded: what Android's `MediaRecorder` and iOS's
    /// `AVAudioRecorder` write, and what both platforms play.
    pub enum VoiceMediaType as "voice media type" {
        /// AAC in an MPEG-4 container (`.m4a`): iOS's default, Android's `MPEG_4`/`AAC`.
        Mp4 = "audio/mp4",
        /// Raw AAC with ADTS headers (Android's `AAC_ADTS`).
        Aac = "audio/aac",
        /// Opus in Ogg (Android's `OGG`, API 29+).
        Ogg = "audio/ogg",
        /// AMR in 3GPP (older Android recorders).
        ThreeGpp = "audio/3gpp",
    }
}

impl VoiceMediaType {
    /// Whether `audio` begins the way this encoding begins — a wrong type or a file that is not
    /// sound at all is refused before anyone's phone tries to play it.
    pub fn matches(self, audio: &[u8]) -> bool {
        match self {
            // An ISO base media file opens with a box whose type, at bytes 4..8, is `ftyp`.
            Self::Mp4 | Self::ThreeGpp => audio.get(4..8) == Some(b"ftyp"),
            // An ADTS frame opens with twelve set bits of sync word.
            Self::Aac => audio.len() >= 2 && audio[0] == 0xFF && audio[1] & 0xF0 == 0xF0,
            Self::Ogg => audio.starts_with(b"OggS"),
        }
    }
}

/// A voice note as a conversation shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VoiceNote {
    /// Whether the audio is on this phone ([`Store::voice_note_audio`] gives it). A note from
    /// someone else is on its way until a sync fetches it.
    pub available: bool,
    /// Its length, once the audio is here.
    pub duration_ms: Option<u32>,
    /// Its encoding, once the audio is here.
    pub media_type: Option<VoiceMediaType>,
}

/// A voice note's audio, to play.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VoiceAudio {
    /// The message it belongs to.
    pub message_id: String,
    /// How the bytes are encoded.
    pub media_type: VoiceMediaType,
    /// Its length.
    pub duration_ms: u32,
    /// The encoded sound.
    pub audio: Vec<u8>,
}

/// A voice note recorded on this phone, to send.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewVoiceNote {
    /// How the bytes are encoded.
    pub media_type: VoiceMediaType,
    /// Its length, as the recorder measured it: 1 ms to [`VOICE_NOTE_MAX_MS`].
    pub duration_ms: u32,
    /// The encoded sound, 1 byte to [`VOICE_NOTE_MAX_BYTES`].
    pub audio: Vec<u8>,
    /// An optional written line beside it (up to 2,000 characters).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub caption: Option<String>,
}

/// The content hash a voice message names its audio by: SHA-256, lowercase hex.
pub fn content_hash(audio: &[u8]) -> String {
    hex::encode(Sha256::digest(audio))
}

/// Whether `text` has the shape of a [`content_hash`] (what the server asks of a voice
/// message's `attachment_ref` before every phone has to hold it).
pub fn is_content_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks a voice note's duration, size and encoding; the error names the field.
pub fn check_audio(media_type: VoiceMediaType, duration_ms: u32, audio: &[u8]) -> Result<()> {
    if !(1..=VOICE_NOTE_MAX_MS).contains(&duration_ms) {
        return Err(Error::Invalid {
            field: "duration_ms",
            problem: Problem::OutOfRange {
                min: 1,
                max: i64::from(VOICE_NOTE_MAX_MS),
            },
        });
    }
    if audio.is_empty() || audio.len() > VOICE_NOTE_MAX_BYTES {
        return Err(Error::Invalid {
            field: "audio",
            problem: Problem::OutOfRange {
                min: 1,
                max: VOICE_NOTE_MAX_BYTES as i64,
            },
        });
    }
    if !media_type.matches(audio) {
        return Err(Error::Invalid {
            field: "audio",
            problem: Problem::Malformed,
        });
    }
    Ok(())
}

/// Where a voice note's audio is on this phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AudioState {
    /// Recorded here; the server does not hold it yet.
    ToSend,
    /// The server holds it (sent from here, or fetched from there).
    Held,
    /// The server refused it (a sync issue says why); it stays here, never lost.
    Refused,
}

impl AudioState {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::ToSend => "to_send",
            Self::Held => "held",
            Self::Refused => "refused",
        }
    }
}

/// Keeps a voice note's audio for the message `message_id`.
pub(crate) fn keep_audio(
    tx: &Tx<'_>,
    message_id: &str,
    media_type: VoiceMediaType,
    duration_ms: u32,
    audio: &[u8],
    state: AudioState,
) -> Result<()> {
    tx.conn
        .prepare_cached(
            "INSERT INTO voice_note (message_id, media_type, duration_ms, audio, state)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (message_id) DO NOTHING",
        )?
        .execute((
            message_id,
            media_type.code(),
            duration_ms,
            audio,
            state.code(),
        ))?;
    Ok(())
}

/// Reads a `VoiceNote` from a conversation row's `(kind, media_type, duration_ms)`: `None`
/// unless the message is a voice note.
pub(crate) fn voice_of(
    kind: &str,
    media_type: Option<String>,
    duration_ms: Option<u32>,
) -> Option<VoiceNote> {
    (kind == "voice").then(|| VoiceNote {
        available: media_type.is_some(),
        duration_ms,
        media_type: media_type.and_then(|m| VoiceMediaType::parse(&m).ok()),
    })
}

impl Store {
    /// Sends a voice note to a conversation the owner takes part in. Works offline: the message
    /// and its audio are saved at once (encrypted), the message shows as pending until the
    /// server holds both, and the other members' phones fetch the audio at their next sync.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] on `duration_ms` (outside 1 ms to five minutes), `audio` (empty,
    /// over [`VOICE_NOTE_MAX_BYTES`], or not beginning as `media_type` does) or `caption`;
    /// [`Error::NotAllowed`] if the owner is not in the conversation.
    pub fn send_voice_note(&self, mentorship_id: &str, note: NewVoiceNote) -> Result<Message> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        check_audio(note.media_type, note.duration_ms, &note.audio)?;
        let caption =
            optional_text("caption", note.caption.as_deref(), MESSAGE_MAX)?.unwrap_or_default();
        let hash = content_hash(&note.audio);
        self.write(|tx| {
            let mut message = write_message(tx, &mentorship_id, caption, "voice", Some(hash))?;
            keep_audio(
                tx,
                &message.id,
                note.media_type,
                note.duration_ms,
                &note.audio,
                AudioState::ToSend,
            )?;
            message.voice = Some(VoiceNote {
                available: true,
                duration_ms: Some(note.duration_ms),
                media_type: Some(note.media_type),
            });
            Ok(message)
        })
    }

    /// The audio of a voice note in a conversation the owner takes part in, to play.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] (`voice note`) if the message is not a voice note on this phone or
    /// its audio has not arrived yet; [`Error::NotAllowed`] if the owner is not in its
    /// conversation.
    pub fn voice_note_audio(&self, message_id: &str) -> Result<VoiceAudio> {
        let message_id = parse_id("message_id", message_id)?;
        self.read(|c| {
            let found: Option<(String, String, u32, Vec<u8>)> = c
                .query_row(
                    "SELECT m.mentorship_id, v.media_type, v.duration_ms, v.audio
                     FROM message m JOIN voice_note v ON v.message_id = m.id
                     WHERE m.id = ?1",
                    [&message_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((mentorship_id, media_type, duration_ms, audio)) = found else {
                return Err(Error::NotFound("voice note"));
            };
            member(c, &mentorship_id)?;
            Ok(VoiceAudio {
                message_id,
                media_type: VoiceMediaType::parse(&media_type)?,
                duration_ms,
                audio,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{VoiceMediaType, content_hash, is_content_hash};

    #[test]
    fn each_encoding_is_told_by_its_first_bytes() {
        let m4a = b"\0\0\0\x20ftypM4A \0\0\0\0";
        let ogg = b"OggS\0\x02";
        let adts = [0xFF, 0xF1, 0x50, 0x80];
        assert!(VoiceMediaType::Mp4.matches(m4a));
        assert!(VoiceMediaType::ThreeGpp.matches(b"\0\0\0\x18ftyp3gp4"));
        assert!(VoiceMediaType::Ogg.matches(ogg));
        assert!(VoiceMediaType::Aac.matches(&adts));
        assert!(!VoiceMediaType::Mp4.matches(ogg));
        assert!(!VoiceMediaType::Ogg.matches(m4a));
        assert!(!VoiceMediaType::Aac.matches(b"ID3"));
        assert!(!VoiceMediaType::Mp4.matches(b"ftyp"));
    }

    #[test]
    fn a_content_hash_is_64_lowercase_hex_digits() {
        let hash = content_hash(b"hello");
        assert!(is_content_hash(&hash));
        assert!(!is_content_hash(&hash.to_uppercase()));
        assert!(!is_content_hash(&hash[1..]));
        assert!(!is_content_hash("01900000-0000-7000-8000-000000000001"));
    }
}
