//! Acknowledged means on the disk: the server's SQLite store, at its durable default, is
//! written by a process that is killed at random moments on a disk that then loses power (only
//! what was flushed survives, `passerelle_tests::power_loss`). After every cut the store opens,
//! passes SQLite's integrity check and holds every row it acknowledged, intact.
//!
//! The same cut on a store that does not flush (`--sqlite-durability normal`) loses
//! acknowledged rows: the test would see a store that answered before flushing.
#![allow(clippy::unwrap_used, clippy::print_stdout)] // a test stops on setup failures and prints its seed

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use passerelle_server::store::StoreFailure;
use passerelle_server::{ServerStore, SqliteStore};
use passerelle_tests::power_loss::{PowerCut, cut_power, settle};
use passerelle_tests::{power_loss_row, read_acks};
use rand::{Rng, SeedableRng};

/// Runs the writer on `durability` for `rounds` rounds of write, kill and power cut; returns
/// how many rows were acknowledged in all and the ids of those lost. With `until_loss`, stops at the
/// first round that lost any.
fn cut_rounds(durability: &str, rounds: u32, until_loss: bool) -> (usize, Vec<String>) {
    let cut = PowerCut::build();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("server.db");
    drop(SqliteStore::open(&path).unwrap());

    let seed: u64 = rand::rng().random();
    println!("power-cut seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acknowledged: Vec<String> = Vec::new();
    let mut lost = Vec::new();
    for round in 0..rounds {
        settle(dir.path());
        let mut writer = Command::new(env!("CARGO_BIN_EXE_power_loss_writer"))
            .args([path.to_str().unwrap(), durability, &round.to_string()])
            .envs(cut.env(dir.path()))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let reader = read_acks(&mut writer);
        std::thread::sleep(Duration::from_millis(rng.random_range(30..300)));
        writer.kill().unwrap(); // SIGKILL on Unix
        writer.wait().unwrap();
        let acks = reader.join().unwrap();
        cut_power(dir.path());
        println!("round {round}: {} acknowledged", acks.len());
        acknowledged.extend(acks);

        let conn = rusqlite::Connection::open(&path).unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "round {round}: the database is damaged");
        drop(conn);
        let store = SqliteStore::open(&path).unwrap();
        let missing = store
            .transaction(|tx| {
                let mut missing = Vec::new();
                for id in &acknowledged {
                    match tx.record("message", id)? {
                        Some(row) => assert_eq!(row.data, expected_data(id), "{id} torn"),
                        None => missing.push(id.clone()),
                    }
                }
                Ok::<_, StoreFailure>(missing)
            })
            .unwrap();
        drop(store);
        let gone: HashSet<&String> = missing.iter().collect();
        acknowledged.retain(|id| !gone.contains(id));
        lost.extend(missing);
        if until_loss && !lost.is_empty() {
            break;
        }
    }
    (acknowledged.len() + lost.len(), lost)
}

/// The content the writer gives the row `id` (`r<round>-t<thread>-<n>`).
fn expected_data(id: &str) -> String {
    let parsed = id.strip_prefix('r').and_then(|rest| {
        let (round, rest) = rest.split_once("-t")?;
        let (thread, n) = rest.split_once('-')?;
        Some((round.parse().ok()?, thread.parse().ok()?, n.parse().ok()?))
    });
    let (round, thread, n) = parsed.unwrap_or_else(|| panic!("unexpected id {id}"));
    power_loss_row(round, thread, n).1
}

#[test]
fn acknowledged_rows_survive_a_power_cut_at_random_moments() {
    let (acknowledged, lost) = cut_rounds("full", 20, false);
    assert!(
        lost.is_empty(),
        "{} of {acknowledged} acknowledged rows lost, first {:?}",
        lost.len(),
        lost.first()
    );
    assert!(
        acknowledged > 100,
        "the writer acknowledged too little to prove anything"
    );
}

#[test]
fn a_store_that_does_not_flush_is_caught_losing_rows() {
    let (acknowledged, lost) = cut_rounds("normal", 20, true);
    assert!(
        !lost.is_empty(),
        "no loss seen in {acknowledged} rows acknowledged without a flush: the cut is not a cut"
    );
}

#[test]
fn the_cut_removes_what_was_never_flushed() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept");
    let gone = dir.path().join("gone");
    std::fs::write(&kept, "before").unwrap();
    settle(dir.path());
    std::fs::write(&kept, "after, not flushed").unwrap();
    std::fs::write(&gone, "never flushed").unwrap();
    cut_power(dir.path());
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "before");
    assert!(!Path::new(&gone).exists());
}
