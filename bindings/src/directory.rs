//! The community-resource directory on the exported `Passerelle` object: import and export,
//! offline search with its filters, one service in full, bookmarks, services shared in
//! check-ins, and loading a prebuilt snapshot. A separate `#[uniffi::export] impl` block over the
//! same object; like the rest, each method converts its arguments, calls the core and maps its
//! error.

use std::path::Path;

use passerelle_core::directory::{
    DirectoryService, ImportFile, ImportFormat, ImportOptions, ImportReport, Referral,
    SnapshotStats,
};
use passerelle_core::{
    Bookmark, BookmarkedService, DirectoryPage, DirectoryQuery, Key, SharedService,
};
use zeroize::Zeroizing;

use crate::error::PasserelleError;
use crate::passerelle::Passerelle;

type Result<T> = std::result::Result<T, PasserelleError>;

#[uniffi::export]
impl Passerelle {
    /// Imports a directory dataset (HSDS JSON, HSDS CSV files, data·inclusion) and reports
    /// every record. Atomic unless `options.skip_invalid`; a professional only, or nobody
    /// signed in.
    pub fn import_directory(
        &self,
        format: ImportFormat,
        files: Vec<ImportFile>,
        options: ImportOptions,
    ) -> Result<ImportReport> {
        Ok(self.store().import_directory(format, files, options)?)
    }

    /// The directory as HSDS JSON, for one source or all.
    pub fn export_directory_hsds(&self, source: Option<String>) -> Result<String> {
        Ok(self.store().export_directory_hsds(source)?)
    }

    /// Searches the directory offline: words as typed, filters, ranking, one page.
    pub fn search_directory(&self, query: DirectoryQuery) -> Result<DirectoryPage> {
        Ok(self.store().search_directory(query)?)
    }

    /// One service in full.
    pub fn directory_service(&self, service_id: String) -> Result<DirectoryService> {
        Ok(self.store().directory_service(&service_id)?)
    }

    /// Bookmarks a service for the signed-in person, or changes their private note.
    pub fn bookmark_service(&self, service_id: String, note: Option<String>) -> Result<Bookmark> {
        Ok(self.store().bookmark_service(&service_id, note)?)
    }

    /// Removes the signed-in person's bookmark of a service.
    pub fn remove_bookmark(&self, service_id: String) -> Result<()> {
        Ok(self.store().remove_bookmark(&service_id)?)
    }

    /// The signed-in person's bookmarks, most recently changed first.
    pub fn bookmarks(&self) -> Result<Vec<BookmarkedService>> {
        Ok(self.store().bookmarks()?)
    }

    /// The services shared with the signed-in person (survivor, caregiver with consent,
    /// mentor, coordinator), latest first.
    pub fn shared_services(&self) -> Result<Vec<SharedService>> {
        Ok(self.store().shared_services()?)
    }

    /// Every referral of a mentorship, for its mentor and coordinator.
    pub fn mentorship_referrals(&self, mentorship_id: String) -> Result<Vec<Referral>> {
        Ok(self.store().mentorship_referrals(&mentorship_id)?)
    }

    /// Loads a prebuilt directory snapshot shipped with the app: `key` is its 32-byte key, or
    /// none for a plain snapshot. The file is only read.
    pub fn load_directory_snapshot(
        &self,
        path: String,
        key: Option<Vec<u8>>,
    ) -> Result<SnapshotStats> {
        let key = match key {
            Some(bytes) => {
                let bytes = Zeroizing::new(bytes);
                Key::from_bytes(&bytes)?
            }
            None => Key::Unencrypted,
        };
        Ok(self
            .store()
            .load_directory_snapshot(Path::new(&path), key)?)
    }
}
