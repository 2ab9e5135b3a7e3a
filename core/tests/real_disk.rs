//! The store on a file system that is really full or really read-only — a small tmpfs mounted
//! for each test — where `store.rs` imitates both (a size ceiling, a read-only open); and a
//! directory snapshot read from a read-only app bundle. Mounting needs root with
//! `CAP_SYS_ADMIN`, which CI's machines have; elsewhere each test says why it did not run and
//! passes, unless `PASSERELLE_REAL_DISK_TESTS=required` (set by `.ci/run`) makes that a failure.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{T0, TestClock, contact, options, programme, record_until_refused};
use passerelle_core::directory::{ImportFormat, build_directory_snapshot};
use passerelle_core::{Error, Key, Store, StoreError, StoreOptions};

/// A tmpfs mounted on a temporary directory, unmounted when dropped.
struct Mount {
    dir: tempfile::TempDir,
}

impl Mount {
    /// Mounts a tmpfs of `kib` KiB, or says why it cannot.
    fn tmpfs(kib: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={kib}k,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Self { dir }),
            Ok(out) => unavailable(&String::from_utf8_lossy(&out.stderr)),
            Err(e) => unavailable(&e.to_string()),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Remounts with new options (`ro`, `size=…`).
    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn unavailable(why: &str) -> Option<Mount> {
    let why = why.trim();
    assert!(
        std::env::var("PASSERELLE_REAL_DISK_TESTS").as_deref() != Ok("required"),
        "a tmpfs could not be mounted: {why}"
    );
    eprintln!("not run: a tmpfs could not be mounted here ({why}); run as root to test it");
    None
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_really_full_disk_fails_the_write_and_keeps_every_saved_check_in() {
    let Some(disk) = Mount::tmpfs(1024) else {
        return;
    };
    let path = disk.path("passerelle.db");
    let (key, clock) = (Key::generate(), TestClock::new(T0));
    let store = Store::open(&path, key.clone(), options(&clock)).unwrap();
    let p = programme(&store);
    store.set_device_owner(&p.mentor.id).unwrap();
    let (saved, err) = record_until_refused(&store, &p.mentorship.id);
    assert!(matches!(err, Error::Store(StoreError::DiskFull)), "{err:?}");
    assert!(saved > 0);
    // The open store still answers reads while the disk is full.
    assert_eq!(store.caseload().unwrap()[0].contacts_done, saved);
    drop(store);
    // Room is made; the app opens its file again with every acknowledged check-in.
    disk.remount("size=8m");
    let store = Store::open(&path, key, options(&clock)).unwrap();
    store.check_integrity().unwrap();
    store.set_device_owner(&p.mentor.id).unwrap();
    assert_eq!(
        store.caseload().unwrap()[0].contacts_done,
        saved,
        "every acknowledged check-in is there, the failed one is not"
    );
    store.record_checkin(contact(&p.mentorship.id, T0)).unwrap();
}

#[test]
fn a_really_read_only_disk_is_refused_for_writing_and_readable_when_asked() {
    let Some(disk) = Mount::tmpfs(4096) else {
        return;
    };
    let path = disk.path("passerelle.db");
    let (key, clock) = (Key::generate(), TestClock::new(T0));
    let store = Store::open(&path, key.clone(), options(&clock)).unwrap();
    programme(&store);
    drop(store);
    let names: Vec<PathBuf> = std::fs::read_dir(disk.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let before: Vec<Vec<u8>> = names.iter().map(|p| file_bytes(p)).collect();
    disk.remount("ro");
    let err = Store::open(&path, key.clone(), options(&clock)).unwrap_err();
    assert!(matches!(err, Error::Store(StoreError::ReadOnly)), "{err:?}");
    // Opened for reading, it shows what was saved.
    let ro = Store::open(
        &path,
        key,
        StoreOptions {
            read_only: true,
            ..options(&clock)
        },
    )
    .unwrap();
    assert_eq!(ro.people(None).unwrap().len(), 4);
    drop(ro);
    let after: Vec<Vec<u8>> = names.iter().map(|p| file_bytes(p)).collect();
    assert!(before == after, "nothing on the disk changed");
}

#[test]
fn a_snapshot_shipped_on_a_read_only_medium_loads() {
    // An iOS app bundle is read-only: the snapshot the app ships is read from there.
    let Some(bundle) = Mount::tmpfs(4096) else {
        return;
    };
    let snapshot = bundle.path("directory.db");
    let (files, options) = common::sample_directory();
    build_directory_snapshot(
        &snapshot,
        Key::Unencrypted,
        ImportFormat::HsdsJson,
        files,
        options,
    )
    .unwrap();
    bundle.remount("ro");
    let app = common::new_db();
    let stats = app
        .store
        .load_directory_snapshot(&snapshot, Key::Unencrypted)
        .unwrap();
    assert_eq!(stats.services, 19);
}
