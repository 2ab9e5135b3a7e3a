//! `passerelle-server`: run the sync server on embedded SQLite (default) or PostgreSQL, seed a
//! demo programme, or create the first coordinator.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use passerelle_core::Clock;
use passerelle_server::{Config, Service, SqliteStore, demo, http};

#[derive(Parser)]
#[command(name = "passerelle-server", about = "Passerelle's sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        /// SQLite file (the embedded default).
        #[arg(long, default_value = "passerelle-server.db")]
        db: PathBuf,
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
        /// SQLite file.
        #[arg(long, default_value = "passerelle-server.db")]
        db: PathBuf,
        /// Their display name.
        #[arg(long)]
        name: String,
        /// Their team.
        #[arg(long, default_value = "Stroke unit")]
        team: String,
    },
}

fn open(db: &std::path::Path, config: Config) -> Result<Service<SqliteStore>, String> {
    let store = SqliteStore::open(db).map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    Ok(Service::new(store, config, Clock::system()))
}

#[allow(clippy::print_stdout)]
fn main() -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Bootstrap { db, name, team } => {
            let service = open(&db, Config::default())?;
            let p =
                demo::bootstrap_coordinator(&service, &name, &team).map_err(|e| e.to_string())?;
            println!(
                "coordinator {} enrolment code: {}",
                p.person_id, p.enrolment_code
            );
            Ok(())
        }
        Command::Serve {
            db,
            listen,
            seed_demo,
            requests_per_minute,
        } => {
            let config = Config {
                requests_per_minute,
                ..Config::default()
            };
            let service = Arc::new(open(&db, config)?);
            if seed_demo {
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
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
                println!(
                    "Passerelle sync server on http://{} (store: {})",
                    listener.local_addr().map_err(|e| e.to_string())?,
                    db.display()
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
