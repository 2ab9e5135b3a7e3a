//! A PostgreSQL cluster for the tests and the server's load benchmark, and a fresh database on
//! it for each test server, so tests stay independent and can run in parallel.
//!
//! The cluster is the one `PASSERELLE_TEST_POSTGRES_URL` names (an admin URL, such as
//! `postgres://postgres@127.0.0.1:5433/postgres`; CI starts it with
//! `scripts/start-test-postgres.sh`). Without it, the first caller in a process starts a private
//! throwaway cluster with that same script in a temporary directory on a free loopback port; a
//! watchdog process stops it and deletes the directory when this process exits, however it exits
//! (it waits for a pipe that only this process holds open). If neither works, callers panic with
//! the reason: a suite meant to run on PostgreSQL never passes silently without it.
//!
//! This file is also compiled into `server/benches/load.rs` (by path), so it needs only std and
//! the `postgres` client.

use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming an existing cluster.
pub const URL_VAR: &str = "PASSERELLE_TEST_POSTGRES_URL";

/// The script that starts (and stops) a throwaway cluster.
fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/start-test-postgres.sh")
}

/// A private cluster and the pipe that keeps its watchdog waiting.
struct Private {
    url: String,
    _watchdog: Child,
    _alive: ChildStdin,
}

static CLUSTER: OnceLock<Result<Private, String>> = OnceLock::new();

/// The admin URL of the cluster to use: the environment's, or a private one started now.
pub fn admin_url() -> Result<String, String> {
    if let Ok(url) = std::env::var(URL_VAR) {
        if !url.trim().is_empty() {
            return Ok(url);
        }
    }
    CLUSTER
        .get_or_init(start_private)
        .as_ref()
        .map(|p| p.url.clone())
        .map_err(Clone::clone)
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn start_private() -> Result<Private, String> {
    let mut last_error = String::new();
    // A port found free can be taken before the server binds it; try a few.
    for _ in 0..3 {
        let port = free_port()?;
        // Directly under the temp dir (not inside a private one): the server runs as the
        // `postgres` user when we are root, and must be able to reach it.
        let dir = std::env::temp_dir().join(format!("passerelle-pg-{}-{port}", std::process::id()));
        let out = Command::new("bash")
            .arg(script())
            .args(["--no-install", "--dir"])
            .arg(&dir)
            .args(["--port", &port.to_string()])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
        if !out.status.success() {
            String::from_utf8_lossy(&out.stderr)
                .trim()
                .clone_into(&mut last_error);
            let _ = Command::new("bash")
                .arg(script())
                .args(["--stop", "--dir"])
                .arg(&dir)
                .output();
            continue;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        let Some(url) = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {URL_VAR}=")))
        else {
            return Err(format!("the script printed no URL: {stdout}"));
        };
        // The watchdog blocks reading a pipe whose other end only this process holds (std
        // opens it close-on-exec, so no other child inherits it). When this process exits,
        // even killed, the read ends and the watchdog stops the cluster and deletes it.
        let mut watchdog = Command::new("bash")
            .arg("-c")
            .arg(r#"cat >/dev/null; exec bash "$0" --stop --dir "$1""#)
            .arg(script())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))?;
        let alive = watchdog.stdin.take().ok_or("the watchdog has no stdin")?;
        return Ok(Private {
            url: url.trim().to_owned(),
            _watchdog: watchdog,
            _alive: alive,
        });
    }
    Err(last_error)
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let authority_start = head.find("://").map_or(0, |i| i + 3);
    let base = match head[authority_start..].find('/') {
        Some(i) => &head[..authority_start + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A database created for one test server, dropped (with any connection left to it) when this
/// value is dropped.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    admin: String,
}

fn connect(url: &str) -> Result<postgres::Client, String> {
    postgres::Client::connect(url, postgres::NoTls)
        .map_err(|e| format!("cannot connect to the test PostgreSQL cluster: {e}"))
}

impl TestDatabase {
    /// Creates a fresh, empty database on the test cluster.
    ///
    /// # Panics
    ///
    /// When no cluster is reachable or the database cannot be created, saying why and how to
    /// provide one: a test meant to run on PostgreSQL must fail, never pass without it.
    pub fn create() -> Self {
        match Self::try_create() {
            Ok(db) => db,
            Err(e) => panic!(
                "PostgreSQL is needed for this test and is not available: {e}\n\
                 Set {URL_VAR} to an admin URL (eval \"$(scripts/start-test-postgres.sh)\" starts \
                 a cluster), or install PostgreSQL's server (apt-get install postgresql) so the \
                 tests can start their own."
            ),
        }
    }

    fn try_create() -> Result<Self, String> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url()?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "passerelle_test_{}_{}_{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = connect(&admin)?;
        // Names are made here from digits and letters only, so quoting is enough.
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| format!("cannot create a test database: {e}"))?;
        Ok(Self {
            url: with_database(&admin, &name),
            name,
            admin,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE ends connections a test may still hold (a clone of the service outliving its
        // server). A failure only leaves a database behind on a throwaway cluster.
        if let Ok(mut client) = connect(&self.admin) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn database_names_replace_the_path() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5433/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5433/t1"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://h:1", "t3"),
            "postgres://h:1/t3"
        );
    }
}
