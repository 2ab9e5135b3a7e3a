//! Voice notes through the public API: a member of a conversation records one, it is kept
//! encrypted with its message and reads back exactly; bad recordings are refused with the
//! field at fault and change nothing; the sound leaves the phone with its conversation.
#![allow(clippy::unwrap_used)]

mod common;

use common::{new_db, programme, share_with_caregiver};
use passerelle_core::{
    Error, MessageStatus, NewVoiceNote, Problem, VOICE_NOTE_MAX_BYTES, VOICE_NOTE_MAX_MS,
    VoiceMediaType,
};

/// An Ogg recording of `len` bytes whose sound differs with `seed`.
fn ogg(len: usize, seed: u8) -> Vec<u8> {
    let mut audio = b"OggS\0\x02".to_vec();
    audio.extend((0..len.saturating_sub(6)).map(|i| (i as u8).wrapping_mul(31) ^ seed));
    audio
}

fn spoken(audio: Vec<u8>) -> NewVoiceNote {
    NewVoiceNote {
        media_type: VoiceMediaType::Ogg,
        duration_ms: 9_500,
        audio,
        caption: None,
    }
}

#[test]
fn a_voice_note_is_kept_with_its_message_and_reads_back_exactly() {
    let db = new_db();
    let p = programme(&db.store);
    share_with_caregiver(&db.store, &p);
    db.store.set_device_owner(&p.survivor.id).unwrap();
    let audio = ogg(64_000, 1);
    let sent = db
        .store
        .send_voice_note(
            &p.mentorship.id,
            NewVoiceNote {
                caption: Some("Pour Marc".into()),
                ..spoken(audio.clone())
            },
        )
        .unwrap();
    assert_eq!(sent.status, MessageStatus::Pending);
    assert_eq!(sent.body, "Pour Marc");
    assert_eq!(sent.shared_service_id, None);

    let db = db.reopen();
    let conversation = db.store.conversation(&p.mentorship.id, 10).unwrap();
    let shown = &conversation.messages[0];
    assert_eq!(shown.id, sent.id);
    assert_eq!(shown.body, "Pour Marc");
    assert_eq!(shown.status, MessageStatus::Pending);
    let voice = shown.voice.clone().unwrap();
    assert!(voice.available);
    assert_eq!(voice.duration_ms, Some(9_500));
    assert_eq!(voice.media_type, Some(VoiceMediaType::Ogg));
    assert_eq!(shown.voice, sent.voice);

    let played = db.store.voice_note_audio(&sent.id).unwrap();
    assert_eq!(played.audio, audio);
    assert_eq!(played.duration_ms, 9_500);
    // One change to send (the message; its sound follows it), beside the read mark.
    assert!(
        db.store
            .outbox_peek(100)
            .unwrap()
            .iter()
            .any(|e| e.collection == "message" && e.row_id == sent.id)
    );
    // Encrypted at rest: the sound is nowhere in the file as recorded.
    let file = std::fs::read(&db.path).unwrap();
    let wal = std::fs::read(db.path.with_extension("db-wal")).unwrap_or_default();
    let probe = &audio[1_000..1_032];
    for bytes in [&file, &wal] {
        assert!(!bytes.windows(probe.len()).any(|w| w == probe));
    }

    // A caregiver the survivor shares with hears it; a text message is no voice note.
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    assert_eq!(db.store.voice_note_audio(&sent.id).unwrap().audio, audio);
    let text = db.store.send_message(&p.mentorship.id, "Merci").unwrap();
    assert_eq!(text.voice, None);
    assert!(matches!(
        db.store.voice_note_audio(&text.id),
        Err(Error::NotFound("voice note"))
    ));
}

#[test]
fn bad_recordings_are_refused_with_the_field_at_fault_and_change_nothing() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.survivor.id).unwrap();
    let before = db.digest();
    let refusal = |note: NewVoiceNote| {
        db.store
            .send_voice_note(&p.mentorship.id, note)
            .unwrap_err()
    };
    let invalid = |e: Error| match e {
        Error::Invalid { field, problem } => (field, problem),
        other => panic!("expected Invalid, got {other:?}"),
    };
    let max_ms = i64::from(VOICE_NOTE_MAX_MS);
    let max_bytes = VOICE_NOTE_MAX_BYTES as i64;
    let cases = [
        (
            spoken(Vec::new()),
            "audio",
            Problem::OutOfRange {
                min: 1,
                max: max_bytes,
            },
        ),
        (
            spoken(ogg(VOICE_NOTE_MAX_BYTES + 1, 2)),
            "audio",
            Problem::OutOfRange {
                min: 1,
                max: max_bytes,
            },
        ),
        (
            NewVoiceNote {
                media_type: VoiceMediaType::Mp4,
                ..spoken(ogg(1_000, 3))
            },
            "audio",
            Problem::Malformed,
        ),
        (
            NewVoiceNote {
                duration_ms: 0,
                ..spoken(ogg(1_000, 4))
            },
            "duration_ms",
            Problem::OutOfRange {
                min: 1,
                max: max_ms,
            },
        ),
        (
            NewVoiceNote {
                duration_ms: VOICE_NOTE_MAX_MS + 1,
                ..spoken(ogg(1_000, 5))
            },
            "duration_ms",
            Problem::OutOfRange {
                min: 1,
                max: max_ms,
            },
        ),
        (
            NewVoiceNote {
                caption: Some("a".repeat(2_001)),
                ..spoken(ogg(1_000, 6))
            },
            "caption",
            Problem::TooLong { max: 2_000 },
        ),
    ];
    for (note, field, problem) in cases {
        assert_eq!(invalid(refusal(note)), (field, problem));
    }
    assert!(matches!(
        db.store.send_voice_note("not-an-id", spoken(ogg(1_000, 7))),
        Err(Error::Invalid {
            field: "mentorship_id",
            ..
        })
    ));
    assert_eq!(db.digest(), before, "a refusal changed nothing");

    // A caregiver the survivor does not share with is not in the conversation.
    db.store.set_device_owner(&p.caregiver.id).unwrap();
    let before = db.digest();
    assert!(matches!(
        refusal(spoken(ogg(1_000, 8))),
        Error::NotAllowed(_)
    ));
    assert_eq!(db.digest(), before);
}

#[test]
fn the_longest_and_largest_recording_allowed_is_taken() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.mentor.id).unwrap();
    let audio = ogg(VOICE_NOTE_MAX_BYTES, 9);
    let sent = db
        .store
        .send_voice_note(
            &p.mentorship.id,
            NewVoiceNote {
                duration_ms: VOICE_NOTE_MAX_MS,
                ..spoken(audio.clone())
            },
        )
        .unwrap();
    assert_eq!(db.store.voice_note_audio(&sent.id).unwrap().audio, audio);
}

#[test]
fn a_wipe_takes_the_sound_with_the_conversation() {
    let db = new_db();
    let p = programme(&db.store);
    db.store.set_device_owner(&p.survivor.id).unwrap();
    let sent = db
        .store
        .send_voice_note(&p.mentorship.id, spoken(ogg(4_000, 10)))
        .unwrap();
    db.store.wipe_personal_data(None, true).unwrap();
    let c = common::raw_connection(&db.path, &db.key);
    let left: i64 = c
        .query_row("SELECT count(*) FROM voice_note", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    assert!(db.store.voice_note_audio(&sent.id).is_err());
}
