//! `passerelle-server`: run the sync server on embedded SQLite (default) or PostgreSQL, seed a
//! demo programme, or create the first coordinator.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use passerelle_core::{Clock, Durability};
use passerelle_server::directory::{ImportFileBody, ImportRequest};
use passerelle_server::store::StoreFailure;
use passerelle_server::{
    Config, PostgresOptions, PostgresStore, ServerStore, Service, SqliteStore, demo, http,
};

#[derive(Parser)]
#[command(name = "passerelle-server", about = "Passerelle's sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives: a SQLite file (the default) or a PostgreSQL database.
#[derive(Args)]
struct StoreArgs {
    /// SQLite file (the embedded default).
    #[arg(
        long,
        default_value = "passerelle-server.db",
        conflicts_with = "postgres"
    )]
    db: PathBuf,
    /// Use the PostgreSQL database at this URL instead of SQLite
    /// (postgres://user[:password]@host[:port]/database).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Most connections to PostgreSQL.
    #[arg(long, default_value_t = 16, requires = "postgres")]
    postgres_pool: u32,
    /// SQLite only: `full` puts every write on the disk before acknowledging it; `normal`
    /// survives the server process dying, but a power cut may lose the last acknowledged
    /// writes (which devices will not send again). Keep `full` unless the storage survives
    /// power loss.
    #[arg(long, value_enum, default_value = "full", conflicts_with = "postgres")]
    sqlite_durability: SqliteDurability,
}

/// `--sqlite-durability`.
#[derive(Clone, Copy, ValueEnum)]
enum SqliteDurability {
    Full,
    Normal,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Enrol a demo programme first and print its enrolment codes.
        #[arg(long)]
        seed_demo: bool,
        /// Requests per device per minute.
        #[arg(long, default_value_t = 600)]
        requests_per_minute: u32,
    },
    /// Create a coordinator and print their one-time enrolment code.
    Bootstrap {
        #[command(flatten)]
        store: StoreArgs,
        /// Their display name.
        #[arg(long)]
        name: String,
        /// Their team.
        #[arg(long, default_value = "Stroke unit")]
        team: String,
    },
    /// Print a fresh one-time enrolment code for people already enrolled (the first
    /// coordinator after losing their phone, say): the operator's way in when no professional
    /// may issue one.
    IssueCode {
        #[command(flatten)]
        store: StoreArgs,
        /// Their person ids.
        #[arg(required = true)]
        people: Vec<String>,
    },
    /// Import a community-resource file into the directory every device pulls.
    ImportDirectory {
        #[command(flatten)]
        store: StoreArgs,
        /// Dataset name; importing again under it updates in place and removes what left.
        #[arg(long)]
        source: String,
        /// `hsds_json`, `hsds_csv` (give every CSV file) or `data_inclusion`.
        #[arg(long, default_value = "hsds_json")]
        format: String,
        /// Import the good records and report the bad ones instead of refusing the file.
        #[arg(long)]
        skip_invalid: bool,
        /// The file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Opens the store the arguments name and runs `command` on it. Never prints the PostgreSQL
/// URL: it may hold a password.
fn with_store(args: &StoreArgs, command: &Command, config: Config) -> Result<(), String> {
    if let Some(url) = &args.postgres {
        let options = PostgresOptions {
            pool_size: args.postgres_pool,
            ..PostgresOptions::default()
        };
        let store = PostgresStore::open_with(url, &options)
            .map_err(|e| format!("cannot open the PostgreSQL store: {e}"))?;
        run(store, "PostgreSQL".to_owned(), command, config)
    } else {
        let durability = match args.sqlite_durability {
            SqliteDurability::Full => Durability::Full,
            SqliteDurability::Normal => Durability::Normal,
        };
        let store = SqliteStore::open_with(&args.db, durability)
            .map_err(|e: StoreFailure| format!("cannot open {}: {e}", args.db.display()))?;
        run(store, args.db.display().to_string(), command, config)
    }
}

/// `issue-code`: prints each person's new code (their id, never their name).
#[allow(clippy::print_stdout)]
fn issue_codes<S: ServerStore>(service: &Service<S>, people: &[String]) -> Result<(), String> {
    let issued = demo::issue_codes_as_operator(service, people).map_err(|e| e.to_string())?;
    for p in &issued {
        println!(
            "{} {} enrolment code: {}",
            p.role, p.person_id, p.enrolment_code
        );
    }
    Ok(())
}

#[allow(clippy::print_stdout)]
fn run<S: ServerStore>(
    store: S,
    label: String,
    command: &Command,
    config: Config,
) -> Result<(), String> {
    let service = Arc::new(Service::new(store, config, Clock::system()));
    let moved = service.apply_scope_rules().map_err(|e| e.to_string())?;
    if moved > 0 {
        tracing::info!(rows = moved, "rows moved to the current scope rules");
    }
    match command {
        Command::Bootstrap { name, team, .. } => {
            let p = demo::bootstrap_coordinator(&service, name, team).map_err(|e| e.to_string())?;
            println!(
                "coordinator {} enrolment code: {}",
                p.person_id, p.enrolment_code
            );
            Ok(())
        }
        Command::IssueCode { people, .. } => issue_codes(&service, people),
        Command::ImportDirectory {
            source,
            format,
            skip_invalid,
            files,
            ..
        } => {
            let files = files
                .iter()
                .map(|path| {
                    let content = std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Ok(ImportFileBody { name, content })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let req = ImportRequest {
                source: source.clone(),
                format: format.clone(),
                files,
                skip_invalid: *skip_invalid,
            };
            let done = service
                .import_directory(None, req)
                .map_err(|e| e.to_string())?;
            println!(
                "{source}: {} added, {} updated, {} unchanged, {} rejected; {} services published, {} removed",
                done.added,
                done.updated,
                done.unchanged,
                done.rejected,
                done.entries_written,
                done.entries_removed
            );
            for (id, why) in &done.rejections {
                println!("  rejected {id}: {why}");
            }
            Ok(())
        }
        Command::Serve {
            listen, seed_demo, ..
        } => {
            if *seed_demo {
                let people = demo::seed(&service).map_err(|e| e.to_string())?;
                println!("Demo programme enrolled. One-time enrolment codes (shown once):");
                for p in &people {
                    println!(
                        "  {:<13} {:<8} {}",
                        p.role, p.display_name, p.enrolment_code
                    );
                }
            }
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen.as_str())
                    .await
                    .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!(
                    "Passerelle sync server on http://{} (store: {label})",
                    listener.local_addr().map_err(|e| e.to_string())?,
                );
                let gc = service.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        let s = gc.clone();
                        let _ = tokio::task::spawn_blocking(move || s.collect_garbage()).await;
                    }
                });
                http::serve(service, listener, async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| e.to_string())
            })
        }
    }
}

fn main() -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let command = Cli::parse().command;
    let (store, config) = match &command {
        Command::Serve {
            store,
            requests_per_minute,
            ..
        } => (
            store,
            Config {
                requests_per_minute: *requests_per_minute,
                ..Config::default()
            },
        ),
        Command::Bootstrap { store, .. }
        | Command::IssueCode { store, .. }
        | Command::ImportDirectory { store, .. } => (store, Config::default()),
    };
    with_store(store, &command, config)
}
