//! A check-in the API reported saved survives the app being killed: a writer process records
//! check-ins and is killed with SIGKILL at random moments, many times over; after each kill
//! the database opens, passes its integrity checks, and holds every acknowledged check-in
//! intact. Then the same with a power cut after each kill: only what was flushed survives.
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a test stops on setup failures and prints its seed

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use passerelle_core::{
    ConsentScope, Key, NewConsent, NewMentorship, NewPerson, Role, Store, StoreOptions,
};
use passerelle_tests::power_loss::{PowerCut, cut_power, settle};
use passerelle_tests::{durability_checkin, read_acks};
use rand::{Rng, SeedableRng};

const ROUNDS: u32 = 30;

/// A store with an active mentorship, signed in as its mentor; returns the mentorship id.
fn mentor_store(path: &Path, key: &Key) -> String {
    let store = Store::open(path, key.clone(), StoreOptions::default()).unwrap();
    store
        .create_device_owner(NewPerson {
            role: Role::Professional,
            display_name: "C".into(),
        })
        .unwrap();
    let mentor = store
        .create_person(NewPerson {
            role: Role::Mentor,
            display_name: "M".into(),
        })
        .unwrap();
    let survivor = store
        .create_person(NewPerson {
            role: Role::Survivor,
            display_name: "S".into(),
        })
        .unwrap();
    store
        .grant_consent(NewConsent {
            survivor_id: survivor.id.clone(),
            scope: ConsentScope::Programme,
            caregiver_id: None,
            granted_at: store.now(),
        })
        .unwrap();
    let m = store
        .propose_mentorship(NewMentorship {
            survivor_id: survivor.id,
            mentor_id: mentor.id.clone(),
            planned_contacts: 6,
            planned_weeks: 12,
            matching_notes: None,
        })
        .unwrap();
    store.activate_mentorship(&m.id).unwrap();
    store.set_device_owner(&mentor.id).unwrap();
    m.id
}

/// Rounds of a writer process recording check-ins, killed with SIGKILL at a random moment;
/// with `power_cut`, the disk then loses what was not flushed. After each round the store
/// opens, is sound, and holds every acknowledged check-in intact.
fn kill_rounds(power_cut: Option<&PowerCut>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mentor.db");
    let key = Key::generate();
    let key_hex = hex::encode(key.bytes().unwrap());
    let mentorship_id = mentor_store(&path, &key);

    let seed: u64 = rand::rng().random();
    println!("durability seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acknowledged: Vec<(String, u32, u32)> = Vec::new();
    for round in 0..ROUNDS {
        let mut writer = Command::new(env!("CARGO_BIN_EXE_durability_writer"));
        writer.args([
            path.to_str().unwrap(),
            &key_hex,
            &mentorship_id,
            &round.to_string(),
        ]);
        if let Some(cut) = power_cut {
            settle(dir.path());
            writer.envs(cut.env(dir.path()));
        }
        let mut child = writer
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let reader = read_acks(&mut child);
        // Kill somewhere between right after start-up and well into a burst of writes.
        let delay = Duration::from_millis(rng.random_range(5..250));
        let started = Instant::now();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let acks: Vec<(String, u32)> = reader
            .join()
            .unwrap()
            .iter()
            .filter_map(|ack| {
                let (id, n) = ack.split_once(' ')?;
                Some((id.to_owned(), n.parse().ok()?))
            })
            .collect();
        if power_cut.is_some() {
            cut_power(dir.path());
        }
        println!(
            "round {round}: killed after {:?}, {} acknowledged",
            started.elapsed(),
            acks.len()
        );
        acknowledged.extend(acks.into_iter().map(|(id, n)| (id, round, n)));

        // After every kill: the file opens, is sound, and holds every acknowledged check-in.
        let store = Store::open(&path, key.clone(), StoreOptions::default()).unwrap();
        store.check_integrity().unwrap();
        for (id, r, n) in &acknowledged {
            let saved = store
                .checkin(id)
                .unwrap_or_else(|e| panic!("acknowledged check-in {id} lost: {e}"));
            let expected = durability_checkin(&mentorship_id, saved.occurred_at, *r, *n);
            assert_eq!(saved.notes, expected.notes, "{id} torn");
            assert_eq!(saved.duration_minutes, expected.duration_minutes);
            assert_eq!(saved.mode, expected.mode);
            assert_eq!(saved.resources_shared, expected.resources_shared);
        }
    }
    assert!(
        acknowledged.len() > ROUNDS as usize,
        "the writer acknowledged too little to prove anything"
    );
    let store = Store::open(&path, key, StoreOptions::default()).unwrap();
    let outbox = store.outbox_len().unwrap();
    assert!(
        outbox >= acknowledged.len() as u64,
        "every acknowledged check-in kept its outbox entry"
    );
}

#[test]
fn acknowledged_checkins_survive_sigkill_at_random_moments() {
    kill_rounds(None);
}

/// A phone's battery dying: only what the store flushed is left (the disk emulated by
/// `passerelle_tests::power_loss`).
#[test]
fn acknowledged_checkins_survive_a_power_cut_at_random_moments() {
    kill_rounds(Some(&PowerCut::build()));
}
