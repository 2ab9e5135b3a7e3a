//! Callbacks the app implements in Kotlin or Swift: told when data changed (to refresh a
//! screen) and how far a sync has got. Adapters hand them to the core.
//!
//! A callback that throws must not turn a committed write or a finished sync into an error,
//! nor put the app's exception (whose message may hold personal data) into a panic message on
//! stderr. So the callbacks return `Result<(), ObserverError>`: uniffi turns any exception
//! they throw into `Err(ObserverError::Failed)` through the `From` below (without it, it would
//! panic with the exception's text), and the adapters drop the error.

use std::sync::Arc;

use passerelle_core::{ChangeListener, SyncProgress};
use uniffi::UnexpectedUniFFICallbackError;

/// How an observer callback failed. The app never receives it: Kotlin and Swift observers may
/// throw anything (or nothing), and the bindings ignore the failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ObserverError {
    /// The callback threw.
    #[error("an observer callback failed")]
    Failed,
}

impl From<UnexpectedUniFFICallbackError> for ObserverError {
    fn from(_exception_text_may_hold_personal_data: UnexpectedUniFFICallbackError) -> Self {
        Self::Failed
    }
}

/// Told which collections changed after each local write and each sync, so screens refresh.
/// Called on the thread that made the change, after it committed: keep it short (post to the
/// main thread). Whatever it throws is ignored.
#[uniffi::export(with_foreign)]
pub trait ChangeObserver: Send + Sync {
    /// `collections` are table names such as `checkin` or `message`.
    fn on_change(&self, collections: Vec<String>) -> Result<(), ObserverError>;
}

/// Told how far a running sync has got, on the thread running it. Whatever it throws is
/// ignored.
#[uniffi::export(with_foreign)]
pub trait SyncProgressObserver: Send + Sync {
    /// Changes sent or received so far.
    fn on_progress(&self, progress: SyncProgress) -> Result<(), ObserverError>;
}

/// The app's [`ChangeObserver`] as the core's [`ChangeListener`].
pub(crate) struct ChangeObserverAdapter(pub(crate) Arc<dyn ChangeObserver>);

impl ChangeListener for ChangeObserverAdapter {
    fn on_change(&self, collections: Vec<String>) {
        // The change is committed; a failing screen refresh is the app's own business.
        let _ignored = self.0.on_change(collections);
    }
}

/// Reports `progress` to the app's observer, ignoring a failure.
pub(crate) fn report_progress(observer: &dyn SyncProgressObserver, progress: SyncProgress) {
    let _ignored = observer.on_progress(progress);
}
