//! A power cut for the durability tests: the `keep_on_flush` preload (`power_loss/`), a disk
//! that keeps only what a process flushed, and the directory as that disk holds it afterwards.
//!
//! A round: [`settle`] the directory (what is there now is on the disk), run a process with
//! [`PowerCut::env`], kill it, [`cut_power`], and look at what is left.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built preload library, in a directory of its own that lives as long as this value.
pub struct PowerCut {
    library: PathBuf,
    _build: tempfile::TempDir,
}

impl PowerCut {
    /// Compiles the preload with the system C compiler (`cc`, which the Rust build needs
    /// anyway).
    ///
    /// # Panics
    /// With the compiler's message if it cannot: a durability test never passes without its
    /// disk.
    pub fn build() -> Self {
        let build = tempfile::tempdir().expect("a build directory");
        let library = build.path().join("keep_on_flush.so");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/power_loss/keep_on_flush.c");
        let out = Command::new("cc")
            .args(["-O2", "-shared", "-fPIC", "-o"])
            .arg(&library)
            .arg(&source)
            .args(["-lpthread"])
            .output()
            .expect("cc runs");
        assert!(
            out.status.success(),
            "cannot build the power-cut preload: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self {
            library,
            _build: build,
        }
    }

    /// The environment that puts a process's files under `dir` on this disk.
    pub fn env(&self, dir: &Path) -> [(&'static str, PathBuf); 2] {
        [
            ("LD_PRELOAD", self.library.clone()),
            ("POWER_LOSS_DIR", dir.to_path_buf()),
        ]
    }
}

const DURABLE: &str = ".durable";

fn is_copy(path: &Path) -> bool {
    path.to_string_lossy().contains(DURABLE)
}

fn durable_copy(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(DURABLE);
    PathBuf::from(name)
}

fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("the test directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect()
}

/// Records every file in `dir` as it stands as on the disk.
///
/// # Panics
/// If the directory cannot be read or a file copied.
pub fn settle(dir: &Path) {
    for file in files(dir) {
        if is_copy(&file) {
            std::fs::remove_file(&file).expect("an old copy removed");
        } else {
            std::fs::copy(&file, durable_copy(&file)).expect("a file settled");
        }
    }
}

/// The power cut: every file in `dir` becomes its last flushed copy, and a file never flushed
/// since [`settle`] is gone (SQLite's shared-memory index among them, as it is never flushed).
/// A file removed without a flush comes back, as an unflushed directory may bring it back.
///
/// # Panics
/// If the directory cannot be read or a file moved.
pub fn cut_power(dir: &Path) {
    let all = files(dir);
    for file in all.iter().filter(|f| !is_copy(f)) {
        if !durable_copy(file).exists() {
            std::fs::remove_file(file).expect("an unflushed file removed");
        }
    }
    for file in all.iter().filter(|f| is_copy(f)) {
        let name = file.to_string_lossy();
        match name.strip_suffix(DURABLE) {
            Some(original) => std::fs::rename(file, original).expect("a flushed copy put back"),
            // A copy the flush was still making.
            None => std::fs::remove_file(file).expect("a half-made copy removed"),
        }
    }
}
