//! A real server on loopback and devices that talk to it over HTTP: the pieces every
//! end-to-end test starts from.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use passerelle_core::{
    CheckInInput, Clock, ContactMode, Dimension, HttpTransport, Key, Person, Reached, Store,
    StoreOptions, SyncSummary, WipeSummary,
};
use passerelle_server::demo::{self, SeededPerson};
use passerelle_server::store::StoreFailure;
use passerelle_server::{
    ApiRequest, ApiResponse, Config, PostgresOptions, PostgresStore, ServerStore, Service,
    SqliteStore,
};
use tokio::sync::oneshot;

use crate::pg_cluster::TestDatabase;

/// Which server store a test runs against. Suites that must pass on both iterate over
/// [`store_kinds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// Embedded SQLite in a temporary file.
    Sqlite,
    /// A fresh PostgreSQL database on the test cluster (see [`crate::pg_cluster`]).
    Postgres,
}

/// Every store the suites run against.
pub fn store_kinds() -> Vec<StoreKind> {
    vec![StoreKind::Sqlite, StoreKind::Postgres]
}

/// The service behind a test server, whatever its store.
pub trait Backend: Send + Sync {
    /// Answers one request (in process, without HTTP).
    fn handle(&self, req: &ApiRequest) -> ApiResponse;
    /// Enrols the demo programme.
    fn seed_demo(&self) -> Vec<SeededPerson>;
    /// How many audit lines name a row with an action.
    fn audit_count(&self, collection: &str, row_id: &str, action: &str) -> i64;
    /// Forgets removals older than the horizon.
    fn collect_garbage(&self);
    /// `sqlite` or `postgres`.
    fn kind(&self) -> &'static str;
    /// The row of `collection` keyed `id` as the server stores it, if any (read-only; for
    /// checking what a push did).
    fn stored_row(&self, collection: &str, id: &str) -> Option<serde_json::Value>;
    /// The sound of voice message `message_id` as the server keeps it, if uploaded.
    fn stored_voice_note(&self, message_id: &str) -> Option<Vec<u8>>;
    /// Imports a directory file as the operator (what `import-directory` does).
    fn import_directory(
        &self,
        req: passerelle_server::directory::ImportRequest,
    ) -> passerelle_server::directory::ImportSummary;
}

impl<S: ServerStore> Backend for Service<S> {
    fn handle(&self, req: &ApiRequest) -> ApiResponse {
        Service::handle(self, req)
    }
    fn import_directory(
        &self,
        req: passerelle_server::directory::ImportRequest,
    ) -> passerelle_server::directory::ImportSummary {
        Service::import_directory(self, None, req).expect("directory import")
    }
    fn seed_demo(&self) -> Vec<SeededPerson> {
        demo::seed(self).expect("demo seed")
    }
    fn audit_count(&self, collection: &str, row_id: &str, action: &str) -> i64 {
        self.store()
            .transaction(|tx| tx.audit_count(collection, row_id, action))
            .map_err(|e: StoreFailure| e)
            .expect("audit count")
    }
    fn collect_garbage(&self) {
        Service::collect_garbage(self).expect("gc");
    }
    fn kind(&self) -> &'static str {
        self.store().kind()
    }
    fn stored_voice_note(&self, message_id: &str) -> Option<Vec<u8>> {
        self.store()
            .transaction(|tx| tx.voice_note(message_id))
            .map_err(|e: StoreFailure| e)
            .expect("stored voice note")
            .map(|n| n.audio)
    }
    fn stored_row(&self, collection: &str, id: &str) -> Option<serde_json::Value> {
        let record = self
            .store()
            .transaction(|tx| tx.record(collection, id))
            .map_err(|e: StoreFailure| e)
            .expect("stored row");
        record.map(|r| serde_json::from_str(&r.data).expect("stored row is JSON"))
    }
}

/// A sync server running on 127.0.0.1 on its own runtime, stopped when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The service, for direct calls (demo seed, audit checks, in-process requests).
    pub service: Arc<dyn Backend>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    /// Declared after `service`, so the store's connections close before it is dropped.
    database: Option<TestDatabase>,
}

impl TestServer {
    /// Starts a server on a fresh SQLite file.
    pub fn start(config: Config) -> Self {
        Self::start_on(StoreKind::Sqlite, config, Clock::system())
    }

    /// Starts a server on a fresh store of `kind`, with `clock` as the server's time.
    ///
    /// # Panics
    ///
    /// If the store cannot be made: for PostgreSQL, when no cluster is available (see
    /// [`crate::pg_cluster`]), which fails the test rather than skipping it.
    pub fn start_on(kind: StoreKind, config: Config, clock: Clock) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match kind {
            StoreKind::Sqlite => {
                let store = SqliteStore::open(&dir.path().join("server.db")).expect("server store");
                Self::serve(Arc::new(Service::new(store, config, clock)), dir)
            }
            StoreKind::Postgres => {
                let database = TestDatabase::create();
                let options = PostgresOptions {
                    pool_size: 8,
                    ..PostgresOptions::default()
                };
                let store = PostgresStore::open_with(&database.url, &options)
                    .expect("server store on the test database");
                let mut server = Self::serve(Arc::new(Service::new(store, config, clock)), dir);
                server.database = Some(database);
                server
            }
        }
    }

    /// Serves an already built service over loopback HTTP (benchmarks build their own).
    ///
    /// # Panics
    ///
    /// If no temporary directory or loopback port can be had.
    pub fn from_service<S: ServerStore>(service: Arc<Service<S>>) -> Self {
        Self::serve(service, tempfile::tempdir().expect("temp dir"))
    }

    fn serve<S: ServerStore>(service: Arc<Service<S>>, dir: tempfile::TempDir) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let served = service.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                ready_tx
                    .send(listener.local_addr().expect("addr"))
                    .expect("ready");
                passerelle_server::http::serve(served, listener, async {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
            });
        });
        let addr = ready_rx.recv().expect("server started");
        Self {
            url: format!("http://{addr}"),
            service,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
            database: None,
        }
    }

    /// Starts a SQLite server and enrols the demo programme.
    pub fn with_demo() -> (Self, Vec<SeededPerson>) {
        Self::with_demo_on(StoreKind::Sqlite)
    }

    /// Starts a server on `kind` and enrols the demo programme.
    pub fn with_demo_on(kind: StoreKind) -> (Self, Vec<SeededPerson>) {
        let server = Self::start_on(kind, Config::default(), Clock::system());
        let people = server.service.seed_demo();
        (server, people)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A phone: its own encrypted store, talking to the server over HTTP.
pub struct Device {
    /// The store.
    pub store: Store,
    transport: HttpTransport,
    server_url: String,
    key: Key,
    /// Its file.
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Device {
    /// A fresh device enrolled with `code`.
    ///
    /// # Panics
    ///
    /// If the device's store cannot be made or the server refuses the code.
    pub fn enrol(server_url: &str, code: &str) -> (Self, Person) {
        Self::enrol_with_clock(server_url, code, Clock::system())
    }

    /// A fresh device enrolled with `code`, its store telling the time by `clock` (a phone
    /// whose clock is wrong, or a test moving a phone's days on).
    ///
    /// # Panics
    ///
    /// If the device's store cannot be made or the server refuses the code.
    pub fn enrol_with_clock(server_url: &str, code: &str, clock: Clock) -> (Self, Person) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device.db");
        let key = Key::generate();
        let options = StoreOptions {
            clock,
            ..StoreOptions::default()
        };
        let store = Store::open(&path, key.clone(), options).expect("device store");
        let transport = HttpTransport::new(server_url).expect("a loopback server address");
        let me = store.enrol(&transport, server_url, code).expect("enrol");
        (
            Self {
                store,
                transport,
                server_url: server_url.to_owned(),
                key,
                path,
                _dir: dir,
            },
            me,
        )
    }

    /// Enrols this phone again with `code`: after a wipe, or after its session ended.
    ///
    /// # Errors
    ///
    /// What [`Store::enrol`] fails with.
    pub fn enrol_again(&self, code: &str) -> passerelle_core::Result<Person> {
        self.store.enrol(&self.transport, &self.server_url, code)
    }

    /// Wipes the phone, ending its session on the server first.
    ///
    /// # Errors
    ///
    /// What [`Store::wipe_personal_data`] fails with.
    pub fn wipe(&self, discard_unsent: bool) -> passerelle_core::Result<WipeSummary> {
        self.store
            .wipe_personal_data(Some(&self.transport), discard_unsent)
    }

    /// Another phone holding a copy of this one's files as they are now — what a backup
    /// taken at this moment would restore, tokens included.
    ///
    /// # Panics
    ///
    /// If the files cannot be copied or the copy cannot be opened.
    #[must_use]
    pub fn copy(&self) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("device.db");
        let name = self
            .path
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .into_owned();
        for entry in std::fs::read_dir(self.path.parent().expect("a folder")).expect("folder") {
            let from = entry.expect("entry").path();
            let file = from
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            // Not the shared-memory index: SQLite rebuilds it from the log.
            if let Some(suffix) = file.strip_prefix(&name).filter(|s| *s != "-shm") {
                std::fs::copy(&from, dir.path().join(format!("device.db{suffix}"))).expect("copy");
            }
        }
        let store =
            Store::open(&path, self.key.clone(), StoreOptions::default()).expect("the copy");
        Self {
            store,
            transport: HttpTransport::new(&self.server_url).expect("address"),
            server_url: self.server_url.clone(),
            key: self.key.clone(),
            path,
            _dir: dir,
        }
    }

    /// A plain connection to this phone's encrypted file, to look at what the API does not
    /// show (rows a purge must have taken away).
    ///
    /// # Panics
    ///
    /// If the file cannot be opened with the phone's key.
    #[must_use]
    pub fn raw_connection(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(&self.path).expect("the phone's file");
        let key = hex::encode(self.key.bytes().expect("an encrypted store"));
        c.execute_batch(&format!("PRAGMA key = \"x'{key}'\";"))
            .expect("the phone's key");
        c
    }

    /// Syncs with the server.
    ///
    /// # Panics
    ///
    /// If the sync fails (use [`Self::try_sync`] to see the error).
    pub fn sync(&self) -> SyncSummary {
        self.store.sync(&self.transport, None).expect("sync")
    }

    /// Syncs, returning the error if any.
    pub fn try_sync(&self) -> passerelle_core::Result<SyncSummary> {
        self.store.sync(&self.transport, None)
    }

    /// The id of the mentorship this mentor's caseload holds with the survivor `name`.
    ///
    /// # Panics
    ///
    /// If the caseload cannot be read or has no such survivor.
    pub fn mentorship_with(&self, name: &str) -> String {
        self.store
            .caseload()
            .expect("caseload")
            .into_iter()
            .find(|c| c.survivor_name == name)
            .expect("a mentee of that name")
            .mentorship_id
    }
}

/// A home visit in `mentorship_id` at `at`, reaching both, with `notes`: the check-in the
/// suites record, changed with struct update where a test needs more.
pub fn contact(mentorship_id: &str, at: i64, notes: &str) -> CheckInInput {
    CheckInInput {
        mentorship_id: mentorship_id.to_owned(),
        occurred_at: at,
        mode: ContactMode::HomeVisit,
        duration_minutes: 45,
        reached: Reached::Both,
        dimensions: vec![Dimension::Emotional, Dimension::CaregiverSupport],
        wellbeing: Some(3),
        notes: notes.to_owned(),
        resources_shared: vec![],
        follow_up: None,
        concern: None,
        planned_contact_id: None,
    }
}

/// The demo programme's people: the short key the suites use for each, and the seeded name.
pub const DEMO_CAST: [(&str, &str); 7] = [
    ("claire", "Claire"),
    ("marc", "Marc"),
    ("ines", "Inès"),
    ("sophie", "Sophie"),
    ("ahmed", "Ahmed"),
    ("jeanne", "Jeanne"),
    ("paul", "Paul"),
];

/// The seeded person called `name`.
///
/// # Panics
///
/// If the demo programme has nobody of that name.
pub fn seeded<'a>(people: &'a [SeededPerson], name: &str) -> &'a SeededPerson {
    people
        .iter()
        .find(|p| p.display_name == name)
        .expect("seeded person")
}
