//! The writer process of the server's power-cut test: writes rows into the server's SQLite
//! store from several threads, each through its own request transaction as the service does,
//! and prints `ACK <id>` on stdout after each one the store acknowledged, until it is killed.
//!
//! Arguments: database path, durability (`full` or `normal`), round number.

use std::io::Write;
use std::sync::Arc;

use passerelle_core::Durability;
use passerelle_server::{ServerStore, SqliteStore};
use passerelle_tests::power_loss_row;

/// Requests in flight at once: enough for commit groups and shared flushes.
const THREADS: u32 = 4;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, durability, round] = args.as_slice() else {
        eprintln!("usage: power_loss_writer <db> <full|normal> <round>");
        std::process::exit(2);
    };
    let durability = match durability.as_str() {
        "full" => Durability::Full,
        "normal" => Durability::Normal,
        _ => {
            eprintln!("durability: full or normal");
            std::process::exit(2);
        }
    };
    let Ok(round) = round.parse::<u32>() else {
        eprintln!("bad round");
        std::process::exit(2);
    };
    let store = match SqliteStore::open_with(std::path::Path::new(path), durability) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("open failed: {e}");
            std::process::exit(1);
        }
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let store = store.clone();
            std::thread::spawn(move || {
                for n in 0.. {
                    let (id, data) = power_loss_row(round, thread, n);
                    let saved = store.transaction(|tx| tx.put_record("message", &id, &data, 0));
                    if saved.is_ok() {
                        // A failed print means the test stopped listening: stop writing.
                        if writeln!(std::io::stdout().lock(), "ACK {id}").is_err() {
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    for w in writers {
        let _ = w.join();
    }
}
