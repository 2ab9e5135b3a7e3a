//! Time as the core keeps it: UTC milliseconds since the Unix epoch, a replaceable wall clock,
//! and the bounds every timestamp input is checked against.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Problem, Result};

/// UTC milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// One day in milliseconds.
pub const DAY_MS: Millis = 86_400_000;

/// 1900-01-01T00:00:00Z: nothing in a stroke survivor's record is older.
pub const EARLIEST_MS: Millis = -2_208_988_800_000;

/// Where "now" comes from. Tests and simulations replace the system clock with their own.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Millis + Send + Sync>);

impl Clock {
    /// The device's real clock.
    pub fn system() -> Self {
        Self(Arc::new(|| chrono::Utc::now().timestamp_millis()))
    }

    /// A clock driven by a function (fixed or simulated time).
    pub fn from_fn(f: impl Fn() -> Millis + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// A clock that always reads `at`.
    pub fn fixed(at: Millis) -> Self {
        Self::from_fn(move || at)
    }

    /// The current time.
    pub fn now(&self) -> Millis {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// Checks that `at` lies between 1900-01-01 and `now + max_ahead`.
pub(crate) fn check_time(
    field: &'static str,
    at: Millis,
    now: Millis,
    max_ahead: Millis,
) -> Result<()> {
    if at < EARLIEST_MS {
        return Err(Error::invalid(field, Problem::TooEarly));
    }
    if at > now.saturating_add(max_ahead) {
        return Err(Error::invalid(field, Problem::TooLate));
    }
    Ok(())
}

/// How far ahead of the device clock an event that already happened may be dated: one day, to
/// absorb time zones and a slightly wrong phone clock.
pub const PAST_EVENT_SLACK_MS: Millis = DAY_MS;

/// How far ahead a planned date (a follow-up, an expiry) may be: five years.
pub const PLAN_HORIZON_MS: Millis = 5 * 366 * DAY_MS;
