//! `directory-snapshot`: builds a prebuilt directory database from an import file, so an app
//! can ship it and load it on first launch (`Store::load_directory_snapshot`). A separate
//! workspace crate, not a binary of `passerelle-core`: the mobile library never links it.
//!
//! ```text
//! directory-snapshot --format hsds-json|hsds-csv|data-inclusion --source NAME
//!                    (--plain | --key-file FILE) [--skip-invalid] --output FILE INPUT...
//! ```
//!
//! `INPUT` is the file to import; for `hsds-csv`, the CSV files or a folder holding them. The
//! key file holds 64 hex digits (a key on the command line would show in the process list).
//! Prints the import report's counts, each rejected record with its reason, and the snapshot's
//! size. Exit status: 0 built, 1 refused (nothing written), 2 usage.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use passerelle_core::directory::{RecordOutcome, build_directory_snapshot};
use passerelle_core::{ImportFile, ImportFormat, ImportOptions, Key};
use zeroize::Zeroizing;

const USAGE: &str = "usage: directory-snapshot --format hsds-json|hsds-csv|data-inclusion --source NAME \
(--plain | --key-file FILE) [--skip-invalid] --output FILE INPUT...";

struct Args {
    format: ImportFormat,
    source: String,
    key: Key,
    skip_invalid: bool,
    output: PathBuf,
    inputs: Vec<PathBuf>,
}

fn read_key(path: &Path) -> Result<Key, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|_| "cannot read the key file".to_owned())?,
    );
    let bytes = Zeroizing::new(
        hex::decode(text.trim()).map_err(|_| "the key file must hold 64 hex digits".to_owned())?,
    );
    Key::from_bytes(&bytes).map_err(|_| "the key file must hold 64 hex digits".to_owned())
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut format, mut source, mut key, mut output) = (None, None, None, None);
    let mut skip_invalid = false;
    let mut inputs = Vec::new();
    while let Some(a) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--format" => {
                format = Some(match value()?.as_str() {
                    "hsds-json" => ImportFormat::HsdsJson,
                    "hsds-csv" => ImportFormat::HsdsCsv,
                    "data-inclusion" => ImportFormat::DataInclusion,
                    _ => return Err("unknown --format".into()),
                });
            }
            "--source" => source = Some(value()?),
            "--output" => output = Some(PathBuf::from(value()?)),
            "--key-file" => key = Some(read_key(Path::new(&value()?))?),
            "--plain" => key = Some(Key::Unencrypted),
            "--skip-invalid" => skip_invalid = true,
            "--help" | "-h" => return Err(String::new()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => inputs.push(PathBuf::from(a)),
        }
    }
    Ok(Args {
        format: format.ok_or("--format is required")?,
        source: source.ok_or("--source is required")?,
        key: key.ok_or("--plain or --key-file is required")?,
        skip_invalid,
        output: output.ok_or("--output is required")?,
        inputs: if inputs.is_empty() {
            return Err("no input file".into());
        } else {
            inputs
        },
    })
}

/// The files to import: each input, or the files of an input folder, sorted by name.
fn files(inputs: &[PathBuf]) -> Result<Vec<ImportFile>, String> {
    let mut paths = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|_| format!("cannot read {}", input.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            inside.sort();
            paths.extend(inside);
        } else {
            paths.push(input.clone());
        }
    }
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|_| format!("cannot read {}", p.display()))?;
            let content = String::from_utf8(bytes)
                .map_err(|_| format!("{} is not UTF-8 text", p.display()))?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(ImportFile { name, content })
        })
        .collect()
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let files = match files(&args.inputs) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let options = ImportOptions {
        source: args.source,
        skip_invalid: args.skip_invalid,
        dry_run: false,
        remove_missing: false,
    };
    match build_directory_snapshot(&args.output, args.key, args.format, files, options) {
        Ok((report, stats)) => {
            println!(
                "imported: {} added, {} rejected, {} warnings",
                report.added,
                report.rejected,
                report.warnings.len()
            );
            for r in report
                .records
                .iter()
                .filter(|r| r.outcome == RecordOutcome::Rejected)
            {
                println!(
                    "rejected {:?} {}: {}",
                    r.kind,
                    r.source_id,
                    r.reason.as_deref().unwrap_or("")
                );
            }
            println!(
                "snapshot {}: {} organizations, {} locations, {} services, {} bytes",
                args.output.display(),
                stats.organizations,
                stats.locations,
                stats.services,
                stats.bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("refused, nothing written: {e}");
            ExitCode::from(1)
        }
    }
}
