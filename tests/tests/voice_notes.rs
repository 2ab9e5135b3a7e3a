//! Voice notes end to end against a real server over loopback HTTP: a survivor speaks a
//! message offline; her mentor's and her caregiver's phones receive it and play the very same
//! sound, and no one outside the conversation can fetch it. The audio travels apart from the
//! message: when it has not followed yet the message shows "on its way", and nothing is lost.
//! The server takes a note's audio only from its sender and only if it is the sound its
//! message names. A conversation leaving a phone, and a survivor's erasure, take the sounds
//! with them.
#![allow(clippy::unwrap_used)]

use passerelle_core::sync::protocol::{Mutation, Op};
use passerelle_core::sync::transport::Response;
use passerelle_core::{
    Clock, Error, HttpTransport, MessageStatus, NewVoiceNote, SyncError, Transport, TransportError,
    VoiceMediaType,
};
use passerelle_server::Method;
use passerelle_server::demo::SeededPerson;
use passerelle_tests::api::{ApiClient, exported_programme_consent};
use passerelle_tests::harness::{Device, StoreKind, TestServer, seeded, store_kinds};
use serde_json::{Value, json};

/// A recording with an MPEG-4 header and `len` bytes of sound that differ with `seed`.
fn m4a(len: usize, seed: u8) -> Vec<u8> {
    let mut audio = b"\0\0\0\x20ftypM4A \0\0\0\0".to_vec();
    let mut x = u32::from(seed) | 1;
    while audio.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        audio.push(x.to_le_bytes()[0]);
    }
    audio
}

/// `name` of the demo, speaking the raw protocol from a device of their own.
fn speaking_for(server: &TestServer, people: &[SeededPerson], name: &str) -> ApiClient {
    ApiClient::enrol(
        server.service.clone(),
        &seeded(people, name).enrolment_code,
        &uuid::Uuid::now_v7().to_string(),
    )
}

/// A phone of `name` of the demo, enrolled.
fn phone(server: &TestServer, people: &[SeededPerson], name: &str) -> Device {
    Device::enrol(&server.url, &seeded(people, name).enrolment_code).0
}

/// How many voice notes' sounds a phone's file holds, whatever the API shows.
fn sounds(d: &Device) -> i64 {
    d.raw_connection()
        .query_row("SELECT count(*) FROM voice_note", [], |r| r.get(0))
        .unwrap()
}

fn note(audio: Vec<u8>, caption: Option<&str>) -> NewVoiceNote {
    NewVoiceNote {
        media_type: VoiceMediaType::Mp4,
        duration_ms: 42_000,
        audio,
        caption: caption.map(str::to_owned),
    }
}

fn hash(audio: &[u8]) -> String {
    passerelle_core::model::voice::content_hash(audio)
}

fn upload_body(message_id: &str, audio: &[u8]) -> Value {
    use base64::Engine as _;
    json!({
        "message_id": message_id,
        "media_type": "audio/mp4",
        "duration_ms": 42_000,
        "audio": base64::engine::general_purpose::STANDARD.encode(audio),
    })
}

/// The phone's own HTTP transport, except that voice uploads find no network: the message
/// reaches the server, its sound does not.
struct NoUploads(HttpTransport);

impl Transport for NoUploads {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError> {
        if path == "/v1/voice/upload" {
            return Err(TransportError::Unreachable);
        }
        self.0.post(path, bearer, body)
    }
}

/// The phone's own HTTP transport, with every fetched sound swapped for another recording on
/// the way (a broken cache or a hostile network in between).
struct SwappedSounds(HttpTransport);

impl Transport for SwappedSounds {
    fn post(
        &self,
        path: &str,
        bearer: Option<&str>,
        body: &[u8],
    ) -> Result<Response, TransportError> {
        let mut answer = self.0.post(path, bearer, body)?;
        if path == "/v1/voice/fetch" && answer.status == 200 {
            let mut fetched: Value = serde_json::from_slice(&answer.body).unwrap();
            for note in fetched["notes"].as_array_mut().unwrap() {
                let id = note["message_id"].as_str().unwrap().to_owned();
                note["audio"] = upload_body(&id, &m4a(5_000, 99))["audio"].clone();
            }
            answer.body = serde_json::to_vec(&fetched).unwrap();
        }
        Ok(answer)
    }
}

#[test]
fn a_voice_note_spoken_offline_reaches_the_conversation_and_no_one_else() {
    for kind in store_kinds() {
        spoken_offline_on(kind);
    }
}

fn spoken_offline_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let sophie = phone(&server, &people, "Sophie");
    let marc = phone(&server, &people, "Marc");
    let paul = phone(&server, &people, "Paul");
    let ines = speaking_for(&server, &people, "Inès");
    for d in [&sophie, &marc, &paul] {
        d.sync();
    }
    let mentorship = sophie.store.my_mentorships().unwrap()[0].id.clone();

    // At home, offline: forty seconds of speech instead of a sentence she cannot type.
    let audio = m4a(48_000, 7);
    let sent = sophie
        .store
        .send_voice_note(&mentorship, note(audio.clone(), Some("Jeudi ?")))
        .unwrap();
    assert_eq!(sent.status, MessageStatus::Pending);
    let voice = sent.voice.clone().unwrap();
    assert!(voice.available);
    assert_eq!(voice.duration_ms, Some(42_000));
    assert_eq!(
        sophie.store.voice_note_audio(&sent.id).unwrap().audio,
        audio
    );

    let synced = sophie.sync();
    assert_eq!(
        (synced.pushed, synced.voice_notes_sent),
        (2, 1),
        "{synced:?}"
    );
    let mine = &sophie.store.conversation(&mentorship, 10).unwrap().messages[0];
    assert_eq!(mine.status, MessageStatus::Sent);
    assert_eq!(
        server.service.audit_count("voice_note", &sent.id, "write"),
        1
    );

    for (phone, name) in [(&marc, "mentor"), (&paul, "caregiver")] {
        let synced = phone.sync();
        assert_eq!(synced.voice_notes_received, 1, "{name}: {synced:?}");
        assert!(synced.changed_collections.contains(&"message".to_owned()));
        let got = &phone.store.conversation(&mentorship, 10).unwrap().messages[0];
        assert_eq!(got.id, sent.id);
        assert_eq!(got.body, "Jeudi ?");
        assert_eq!(got.voice, Some(voice.clone()), "{name}");
        let played = phone.store.voice_note_audio(&sent.id).unwrap();
        assert_eq!(played.audio, audio, "{name} hears the same sound");
        assert_eq!(played.media_type, VoiceMediaType::Mp4);
        // Fetched once: the next sync asks for nothing.
        assert_eq!(phone.sync().voice_notes_received, 0);
    }
    assert_eq!(
        server.service.audit_count("voice_note", &sent.id, "read"),
        2
    );

    // Her voice is hers to take along: her phone's export and the programme's both carry it.
    let encoded = upload_body(&sent.id, &audio)["audio"].clone();
    let exported = sophie.store.export_my_data().unwrap();
    let on_phone = exported
        .records
        .iter()
        .find(|r| r.collection == "voice_note" && r.id == sent.id)
        .unwrap();
    assert_eq!(on_phone.data["audio"], encoded);
    let claire = speaking_for(&server, &people, "Claire");
    let survivor = &seeded(&people, "Sophie").person_id;
    let export = claire.call(
        Method::Get,
        &format!("/v1/people/{survivor}/export"),
        &Value::Null,
    );
    assert_eq!(export.status, 200, "{}", export.body);
    let records = export.body["records"].as_array().unwrap();
    let kept = records
        .iter()
        .find(|r| r["collection"] == "voice_note" && r["id"] == json!(sent.id))
        .unwrap();
    assert_eq!(kept["data"]["audio"], encoded);
    assert_eq!(
        server.service.audit_count("voice_note", &sent.id, "read"),
        3
    );

    // Another mentor, outside the conversation, gets nothing, and the attempt is audited.
    let answer = ines.post_ok("/v1/voice/fetch", &json!({ "message_ids": [sent.id] }));
    assert_eq!(answer["notes"], json!([]));
    assert_eq!(answer["gone"], json!([sent.id]));
    assert_eq!(
        server.service.audit_count("voice_note", &sent.id, "denied"),
        1
    );
}

/// Sophie's and Marc's phones on a demo server (SQLite unless `_on` says), both synced, and a
/// voice note Sophie has just recorded, not synced yet.
struct Spoken {
    server: TestServer,
    people: Vec<SeededPerson>,
    sophie: Device,
    marc: Device,
    mentorship: String,
    sent: passerelle_core::Message,
    audio: Vec<u8>,
}

fn sophie_speaks() -> Spoken {
    sophie_speaks_on(StoreKind::Sqlite)
}

fn sophie_speaks_on(kind: StoreKind) -> Spoken {
    let (server, people) = TestServer::with_demo_on(kind);
    let sophie = phone(&server, &people, "Sophie");
    let marc = phone(&server, &people, "Marc");
    sophie.sync();
    marc.sync();
    let mentorship = sophie.store.my_mentorships().unwrap()[0].id.clone();
    let audio = m4a(20_000, 3);
    let sent = sophie
        .store
        .send_voice_note(&mentorship, note(audio.clone(), None))
        .unwrap();
    Spoken {
        server,
        people,
        sophie,
        marc,
        mentorship,
        sent,
        audio,
    }
}

#[test]
fn a_note_whose_sound_has_not_followed_is_on_its_way_and_arrives_later() {
    let Spoken {
        server,
        sophie,
        marc,
        mentorship,
        sent,
        audio,
        ..
    } = sophie_speaks();

    // The network drops once the message is through: the sync fails as offline, the message
    // is on the server, its sound still only on her phone.
    let patchy = NoUploads(HttpTransport::new(&server.url).unwrap());
    let failed = sophie.store.sync(&patchy, None).unwrap_err();
    assert!(
        matches!(failed, Error::Sync(SyncError::Offline)),
        "{failed:?}"
    );
    assert!(server.service.stored_row("message", &sent.id).is_some());
    let mine = &sophie.store.conversation(&mentorship, 10).unwrap().messages[0];
    assert_eq!(
        mine.status,
        MessageStatus::Pending,
        "pending until the sound is through"
    );
    assert_eq!(
        sophie.store.voice_note_audio(&sent.id).unwrap().audio,
        audio
    );

    let synced = marc.sync();
    assert_eq!(synced.voice_notes_received, 0);
    let waiting = &marc.store.conversation(&mentorship, 10).unwrap().messages[0];
    let on_its_way = waiting.voice.clone().unwrap();
    assert!(!on_its_way.available);
    assert_eq!(
        (on_its_way.duration_ms, on_its_way.media_type),
        (None, None)
    );
    assert!(matches!(
        marc.store.voice_note_audio(&sent.id),
        Err(Error::NotFound("voice note"))
    ));

    assert_eq!(sophie.sync().voice_notes_sent, 1);
    assert_eq!(marc.sync().voice_notes_received, 1);
    assert_eq!(marc.store.voice_note_audio(&sent.id).unwrap().audio, audio);
    assert!(sophie.store.sync_issues().unwrap().is_empty());
}

/// Marc pushes a voice message of his own, and one whose `attachment_ref` is no content hash
/// (refused); of his, the server takes only the sound it names, once — a retry is harmless.
/// Returns his message's id and sound.
fn his_own_voice_message(
    server: &TestServer,
    marc: &ApiClient,
    mentorship: &str,
) -> (String, Vec<u8>) {
    let now = Clock::system().now();
    let message = |id: &str, attachment: &str, hlc: i64| {
        let Value::Object(row) = json!({
            "id": id, "mentorship_id": mentorship, "sender_id": marc.person_id, "kind": "voice",
            "body": "", "attachment_ref": attachment, "created_at": now,
            "origin": marc.device_id, "hlc": hlc,
        }) else {
            unreachable!("an object literal")
        };
        Mutation {
            mutation_id: hlc,
            collection: "message".into(),
            op: Op::Insert,
            row_id: id.to_owned(),
            row,
        }
    };
    let his_audio = m4a(8_000, 9);
    let his = uuid::Uuid::now_v7().to_string();
    let badly_named = uuid::Uuid::now_v7().to_string();
    let results = marc.push(vec![
        message(&his, &hash(&his_audio), now << 16),
        message(&badly_named, "not-a-hash", (now << 16) + 1),
    ]);
    assert_eq!(results[0].reason, None);
    assert_eq!(results[1].reason.as_deref(), Some("invalid"));
    assert!(server.service.stored_row("message", &badly_named).is_none());

    let upload = |id: &str, audio: &[u8]| {
        let a = marc.call(Method::Post, "/v1/voice/upload", &upload_body(id, audio));
        (a.status, a.body["error"].as_str().map(str::to_owned))
    };
    assert_eq!(
        upload(&his, &m4a(8_000, 10)),
        (400, Some("invalid".into())),
        "another sound"
    );
    let mut not_sound = his_audio.clone();
    not_sound[4..8].copy_from_slice(b"junk");
    assert_eq!(
        upload(&his, &not_sound),
        (400, Some("invalid".into())),
        "not an m4a"
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        upload(&unknown, &his_audio),
        (404, Some("not_found".into()))
    );
    assert_eq!(server.service.audit_count("voice_note", &his, "write"), 0);
    assert_eq!(upload(&his, &his_audio), (200, None));
    assert_eq!(upload(&his, &his_audio), (200, None), "a retried upload");
    assert_eq!(server.service.audit_count("voice_note", &his, "write"), 1);

    (his, his_audio)
}

#[test]
fn a_sound_that_is_not_the_one_its_message_names_is_not_kept() {
    let Spoken {
        server,
        sophie,
        marc,
        mentorship,
        sent,
        audio,
        ..
    } = sophie_speaks();
    sophie.sync();

    let swapped = SwappedSounds(HttpTransport::new(&server.url).unwrap());
    let synced = marc.store.sync(&swapped, None).unwrap();
    assert_eq!(synced.voice_notes_received, 0);
    let shown = &marc.store.conversation(&mentorship, 10).unwrap().messages[0];
    assert!(!shown.voice.as_ref().unwrap().available, "still on its way");
    assert!(marc.store.voice_note_audio(&sent.id).is_err());
    let issues = marc.store.sync_issues().unwrap();
    assert!(
        issues
            .iter()
            .any(|i| i.kind == "unreadable" && i.collection == "voice_note" && i.row_id == sent.id),
        "{issues:?}"
    );

    // The next sync over an honest network asks again and gets the real sound.
    assert_eq!(marc.sync().voice_notes_received, 1);
    assert_eq!(marc.store.voice_note_audio(&sent.id).unwrap().audio, audio);
}

#[test]
fn the_server_takes_a_sound_only_from_its_sender_and_only_the_one_named() {
    for kind in store_kinds() {
        server_checks_on(kind);
    }
}

fn server_checks_on(kind: StoreKind) {
    let (server, people) = TestServer::with_demo_on(kind);
    let sophie = phone(&server, &people, "Sophie");
    let marc = speaking_for(&server, &people, "Marc");
    sophie.sync();
    let mentorship = sophie.store.my_mentorships().unwrap()[0].id.clone();
    let audio = m4a(10_000, 5);
    let hers = sophie
        .store
        .send_voice_note(&mentorship, note(audio.clone(), None))
        .unwrap();
    let patchy = NoUploads(HttpTransport::new(&server.url).unwrap());
    assert!(sophie.store.sync(&patchy, None).is_err());

    // Before she uploads it, it is waiting; her sound from anyone else is refused.
    let asked = json!({ "message_ids": [hers.id] });
    assert_eq!(
        marc.post_ok("/v1/voice/fetch", &asked)["waiting"],
        json!([hers.id])
    );
    let forged = marc.call(
        Method::Post,
        "/v1/voice/upload",
        &upload_body(&hers.id, &audio),
    );
    assert_eq!(
        (forged.status, forged.body["error"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(
        server.service.audit_count("voice_note", &hers.id, "denied"),
        1
    );
    assert_eq!(
        marc.post_ok("/v1/voice/fetch", &asked)["waiting"],
        json!([hers.id])
    );

    let (his, his_audio) = his_own_voice_message(&server, &marc, &mentorship);

    // Too many at once is refused as a whole.
    let many: Vec<String> = (0..17).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let answer = marc.call(
        Method::Post,
        "/v1/voice/fetch",
        &json!({ "message_ids": many }),
    );
    assert_eq!(answer.status, 413);

    // Once she is back online her sound goes up and his comes down, checked against the hash
    // his message names; he gets exactly hers.
    let back = sophie.sync();
    assert_eq!((back.voice_notes_sent, back.voice_notes_received), (1, 1));
    assert_eq!(
        sophie.store.voice_note_audio(&his).unwrap().audio,
        his_audio
    );
    let got = marc.post_ok("/v1/voice/fetch", &asked);
    assert_eq!(got["notes"][0]["message_id"], json!(hers.id));
    assert_eq!(
        got["notes"][0]["audio"],
        upload_body(&hers.id, &audio)["audio"]
    );
}

#[test]
fn ending_a_mentorship_takes_its_sounds_off_the_mentors_phone() {
    let Spoken {
        server,
        people,
        sophie,
        marc,
        mentorship,
        sent,
        ..
    } = sophie_speaks();
    sophie.sync();
    assert_eq!(marc.sync().voice_notes_received, 1);
    assert_eq!(sounds(&marc), 1);

    let claire = speaking_for(&server, &people, "Claire");
    claire.post_ok(
        &format!("/v1/mentorships/{mentorship}/end"),
        &json!({ "reason": "completed" }),
    );
    // The conversation leaves his phone, and its sound with it: none left behind, whatever
    // order the purge deleted rows in.
    marc.sync();
    assert!(marc.store.conversation(&mentorship, 10).is_err());
    assert_eq!(sounds(&marc), 0);
    // Sophie keeps her side, sound included.
    sophie.sync();
    assert_eq!(
        sophie.store.voice_note_audio(&sent.id).unwrap().audio.len(),
        20_000
    );
}

#[test]
fn erasing_a_survivor_takes_her_voice_notes_sounds_everywhere() {
    for kind in store_kinds() {
        erasure_on(kind);
    }
}

fn erasure_on(kind: StoreKind) {
    let Spoken {
        server,
        people,
        sophie,
        marc,
        sent,
        ..
    } = sophie_speaks_on(kind);
    sophie.sync();
    marc.sync();
    assert_eq!(sounds(&marc), 1);
    assert!(server.service.stored_voice_note(&sent.id).is_some());

    // At her request, the desk withdraws her consent to take part and erases her records.
    let desk = speaking_for(&server, &people, "Claire");
    let survivor = seeded(&people, "Sophie").person_id.clone();
    let export = desk.call(
        Method::Get,
        &format!("/v1/people/{survivor}/export"),
        &Value::Null,
    );
    let consent = exported_programme_consent(&export.body);
    desk.post_ok(&format!("/v1/consents/{consent}/withdraw"), &Value::Null);
    desk.post_ok(
        &format!("/v1/people/{survivor}/erase"),
        &json!({ "confirm": survivor }),
    );
    assert!(server.service.stored_row("message", &sent.id).is_none());
    assert!(
        server.service.stored_voice_note(&sent.id).is_none(),
        "the server keeps no sound"
    );
    marc.sync();
    assert_eq!(sounds(&marc), 0, "nor does her mentor's phone");
}

/// A transport with no network at all.
struct Offline;

impl Transport for Offline {
    fn post(&self, _: &str, _: Option<&str>, _: &[u8]) -> Result<Response, TransportError> {
        Err(TransportError::Unreachable)
    }
}

#[test]
fn on_a_metered_connection_sounds_wait_for_the_play_button() {
    let Spoken {
        server,
        sophie,
        marc,
        mentorship,
        sent,
        audio,
        ..
    } = sophie_speaks();
    sophie.sync();
    let network = HttpTransport::new(&server.url).unwrap();

    // Marc's phone is on mobile data: the app leaves sounds out of the syncs.
    marc.store.set_voice_notes_in_sync(false);
    assert_eq!(marc.sync().voice_notes_received, 0);
    let shown = &marc.store.conversation(&mentorship, 10).unwrap().messages[0];
    assert!(!shown.voice.as_ref().unwrap().available);
    // Without a server to ask, a sound not here cannot come.
    assert!(matches!(
        marc.store.fetch_voice_note(None, &sent.id),
        Err(Error::Sync(SyncError::NotEnrolled))
    ));

    // He taps play: that one sound comes now, and stays.
    assert_eq!(
        marc.store
            .fetch_voice_note(Some(&network), &sent.id)
            .unwrap()
            .audio,
        audio
    );
    let shown = &marc.store.conversation(&mentorship, 10).unwrap().messages[0];
    assert!(shown.voice.as_ref().unwrap().available);
    for no_network in [Some(&Offline as &dyn Transport), None] {
        let held = marc.store.fetch_voice_note(no_network, &sent.id).unwrap();
        assert_eq!(held.audio, audio, "a sound held plays without the server");
    }

    // A note whose sound has not left its sender's phone yet says so; a text is no voice note.
    let later = sophie
        .store
        .send_voice_note(&mentorship, note(m4a(6_000, 8), None))
        .unwrap();
    assert!(
        sophie
            .store
            .sync(&NoUploads(HttpTransport::new(&server.url).unwrap()), None)
            .is_err()
    );
    marc.sync();
    assert!(matches!(
        marc.store.fetch_voice_note(Some(&network), &later.id),
        Err(Error::InvalidState(_))
    ));
    let text = sophie.store.send_message(&mentorship, "À jeudi").unwrap();
    sophie.sync();
    marc.sync();
    assert!(matches!(
        marc.store.fetch_voice_note(Some(&network), &text.id),
        Err(Error::NotFound("voice note"))
    ));

    // Back on Wi-Fi, the next sync brings whatever is left.
    marc.store.set_voice_notes_in_sync(true);
    assert_eq!(marc.sync().voice_notes_received, 1);
    assert!(marc.store.voice_note_audio(&later.id).is_ok());
}
