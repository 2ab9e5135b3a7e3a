//! Support for the workspace-level tests: a real server on loopback with devices talking to it
//! over HTTP, raw protocol clients in process (`api`), the deterministic simulation (`sim`), a
//! disk that loses power (`power_loss`), and the expected content of the check-ins that the
//! durability writer records.

pub mod api;
pub mod harness;
pub mod pg_cluster;
pub mod power_loss;
pub mod sim;

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::thread::JoinHandle;

use passerelle_core::{CheckInInput, ContactMode, Dimension, Reached};

/// Collects, on a thread, the text after `ACK ` on each line a writer child prints, until the
/// child dies: the test kills it at any moment and joins the handle for what it acknowledged.
///
/// # Panics
/// If the child was not spawned with a piped stdout.
pub fn read_acks(child: &mut Child) -> JoinHandle<Vec<String>> {
    let stdout = child.stdout.take().expect("the writer's stdout is piped");
    std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("ACK ").map(str::to_owned))
            .collect()
    })
}

/// The check-in the writer records as its `n`-th in round `round`: every field derives from
/// `(round, n)`, so the test can tell an intact row from a torn one.
pub fn durability_checkin(
    mentorship_id: &str,
    occurred_at: i64,
    round: u32,
    n: u32,
) -> CheckInInput {
    CheckInInput {
        mentorship_id: mentorship_id.to_owned(),
        occurred_at,
        mode: ContactMode::ALL[(n as usize) % ContactMode::ALL.len()],
        duration_minutes: n % 600,
        reached: Reached::Survivor,
        dimensions: vec![Dimension::ALL[(n as usize) % Dimension::ALL.len()]],
        wellbeing: Some((n % 5 + 1) as u8),
        notes: format!(
            "round {round} check-in {n}:{}",
            " lorem ipsum".repeat((n % 40) as usize)
        ),
        resources_shared: vec![format!("resource-{round}-{n}")],
        follow_up: None,
        concern: None,
        planned_contact_id: None,
    }
}

/// The id and content of the `n`-th row the power-cut writer's thread `thread` writes in round
/// `round`: the content derives from the id, so the test can tell an intact row from a torn one.
pub fn power_loss_row(round: u32, thread: u32, n: u32) -> (String, String) {
    let id = format!("r{round}-t{thread}-{n}");
    let data = serde_json::json!({ "id": id, "text": "x".repeat((n % 97) as usize) }).to_string();
    (id, data)
}
