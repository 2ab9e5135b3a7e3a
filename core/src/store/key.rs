//! The store's encryption key, and the key check kept beside the database so that a wrong key
//! and a damaged file can be told apart.
//!
//! SQLCipher answers `SQLITE_NOTADB` for both. The key check is a small sidecar file
//! (`<db>.keycheck`) holding a random salt and HMAC-SHA256(key, salt): it says whether a key is
//! the one the database was last opened with, and reveals nothing about a random 256-bit key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Problem, Result};

/// Length of a raw SQLCipher key.
pub const KEY_LEN: usize = 32;

/// How the database file is protected.
#[derive(Clone)]
pub enum Key {
    /// A random 256-bit key held by the platform keystore (Android Keystore, iOS Keychain).
    /// Handed to SQLCipher as a raw key, so no password derivation runs at open.
    Raw(Zeroizing<[u8; KEY_LEN]>),
    /// No encryption. Only for development and tests, and only when asked for by name.
    Unencrypted,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Raw(_) => "Key::Raw(..)",
            Self::Unencrypted => "Key::Unencrypted",
        })
    }
}

impl Key {
    /// A raw key from the 32 bytes the platform keystore returned.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let arr: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| Error::invalid("key", Problem::OutOfRange { min: 32, max: 32 }))?;
        Ok(Self::Raw(Zeroizing::new(arr)))
    }

    /// A fresh random key (for apps creating their first store, and tests).
    pub fn generate() -> Self {
        let mut arr = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(arr.as_mut());
        Self::Raw(arr)
    }

    /// The key bytes, to hand back to the platform keystore after [`Key::generate`].
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Raw(k) => Some(k.as_ref()),
            Self::Unencrypted => None,
        }
    }

    /// The `PRAGMA key` / `PRAGMA rekey` argument for a raw key: `"x'<64 hex digits>'"`.
    pub(crate) fn pragma_literal(&self) -> Option<Zeroizing<String>> {
        self.bytes()
            .map(|k| Zeroizing::new(format!("\"x'{}'\"", hex::encode(k))))
    }
}

const KEYCHECK_MAGIC: &str = "passerelle-keycheck v1";

/// Path of the key-check sidecar of `db`.
pub(crate) fn keycheck_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".keycheck");
    PathBuf::from(p)
}

fn mac(key: &[u8], salt: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(KEYCHECK_MAGIC.as_bytes());
    m.update(salt);
    m.finalize().into_bytes().to_vec()
}

/// What the sidecar says about a key.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    /// The key is the one last used to open the database.
    Matches,
    /// The key is a different one.
    Differs,
    /// No readable sidecar: nothing can be said.
    Unknown,
}

pub(crate) fn check(db: &Path, key: &Key) -> KeyCheck {
    let Some(k) = key.bytes() else {
        return KeyCheck::Unknown;
    };
    let Ok(text) = fs::read_to_string(keycheck_path(db)) else {
        return KeyCheck::Unknown;
    };
    let mut lines = text.lines();
    if lines.next() != Some(KEYCHECK_MAGIC) {
        return KeyCheck::Unknown;
    }
    let (Some(Ok(salt)), Some(Ok(tag))) =
        (lines.next().map(hex::decode), lines.next().map(hex::decode))
    else {
        return KeyCheck::Unknown;
    };
    if mac(k, &salt) == tag {
        KeyCheck::Matches
    } else {
        KeyCheck::Differs
    }
}

/// Writes the sidecar for `key` atomically (temporary file, fsync, rename).
pub(crate) fn write(db: &Path, key: &Key) -> std::io::Result<()> {
    let Some(k) = key.bytes() else { return Ok(()) };
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let body = format!(
        "{KEYCHECK_MAGIC}\n{}\n{}\n",
        hex::encode(salt),
        hex::encode(mac(k, &salt))
    );
    let target = keycheck_path(db);
    let mut tmp_name = target.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(body.as_bytes())?;
        f.sync_all()?;
    }
    fs::rename(&tmp, &target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidecar_tells_the_key_apart() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        let key = Key::generate();
        assert_eq!(check(&db, &key), KeyCheck::Unknown);
        write(&db, &key).unwrap();
        assert_eq!(check(&db, &key), KeyCheck::Matches);
        assert_eq!(check(&db, &Key::generate()), KeyCheck::Differs);
    }

    #[test]
    fn key_must_be_32_bytes_and_never_prints() {
        assert!(Key::from_bytes(&[0u8; 16]).is_err());
        let k = Key::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "Key::Raw(..)");
    }
}
