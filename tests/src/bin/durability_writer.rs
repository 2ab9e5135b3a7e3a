//! The writer process of the durability test: records check-ins as fast as it can and prints
//! `ACK <checkin id> <n>` on stdout after each one the API reported saved, until it is killed.
//!
//! Arguments: database path, key (64 hex digits), mentorship id, round number.

use std::io::Write;

use passerelle_core::{Key, Store, StoreOptions};
use passerelle_tests::durability_checkin;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, key_hex, mentorship_id, round] = args.as_slice() else {
        eprintln!("usage: durability_writer <db> <key hex> <mentorship id> <round>");
        std::process::exit(2);
    };
    let key = hex::decode(key_hex)
        .ok()
        .and_then(|k| Key::from_bytes(&k).ok());
    let (Some(key), Ok(round)) = (key, round.parse::<u32>()) else {
        eprintln!("bad key or round");
        std::process::exit(2);
    };
    let store = match Store::open(path, key, StoreOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("open failed: {e}");
            std::process::exit(1);
        }
    };
    let stdout = std::io::stdout();
    let now = store.now();
    for n in 0.. {
        match store.record_checkin(durability_checkin(mentorship_id, now, round, n)) {
            Ok(saved) => {
                let mut out = stdout.lock();
                // Only after the API said "saved" does the test learn of the row.
                let _ = writeln!(out, "ACK {} {n}", saved.checkin.checkin_id);
                let _ = out.flush();
            }
            Err(e) => {
                eprintln!("record failed: {e}");
                std::process::exit(1);
            }
        }
    }
}
