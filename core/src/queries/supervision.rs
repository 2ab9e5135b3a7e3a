//! The mentor roster: the supervising professional's list of every mentor in the programme
//! with their load, training and supervision, those needing attention first, in one call.
//! Peer support badly delivered does harm (DESIGN.md's research), so a programme trains its
//! mentors and supervises them regularly; this is the screen that shows who is due. It reads
//! what every professional's device holds (`staff`: people, mentors' profiles, mentorships,
//! training, supervision), so it works offline.

use rusqlite::Row;

use crate::error::Result;
use crate::model::person::{Role, owner_with_role};
use crate::model::training::current_training;
use crate::queries::matching::mentor_standing_columns;
use crate::rights::ERASED_NAME;
use crate::store::Store;
use crate::time::Millis;

/// One mentor on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MentorStanding {
    /// The mentor.
    pub mentor_id: String,
    /// Their display name.
    pub display_name: String,
    /// How many survivors they support at once; `None` until their profile says.
    pub capacity: Option<u32>,
    /// Mentorships under way (active or paused).
    pub mentees: u32,
    /// Mentorships proposed and not yet started.
    pub proposed: u32,
    /// Whether a course is completed and still valid now.
    pub trained: bool,
    /// When their current training lapses: the latest end among their current courses;
    /// `None` when none is current, or one never lapses.
    pub training_valid_until: Option<Millis>,
    /// Their last supervision session, if any.
    pub last_supervision_at: Option<Millis>,
}

/// Every mentor of the programme (`?1` the erased name, `?2` now: an erased mentor — that
/// name and no profile — is no longer one), those never supervised before the others (SQLite
/// sorts NULL first). Public so the benchmark's raw baseline runs exactly the same
/// SQL.
#[doc(hidden)]
pub const ROSTER_SQL: &str = concat!(
    "SELECT p.id, p.display_name, mp.capacity, ",
    mentor_standing_columns!(),
    ",
            CASE WHEN EXISTS (SELECT 1 FROM training_record t
                              WHERE t.mentor_id = p.id AND t.valid_until IS NULL AND ",
    current_training!(),
    ") THEN NULL
                 ELSE (SELECT max(valid_until) FROM training_record t
                       WHERE t.mentor_id = p.id AND ",
    current_training!(),
    ") END AS valid_until
     FROM person p LEFT JOIN mentor_profile mp ON mp.person_id = p.id
     WHERE p.role = 'mentor' AND NOT (p.display_name = ?1 AND mp.person_id IS NULL)
     ORDER BY trained, supervised, p.display_name, p.id"
);

// Columns by position (see `ROSTER_SQL` and `mentor_standing_columns!`), as the matching
// screen reads them.
fn standing_row(r: &Row<'_>) -> rusqlite::Result<MentorStanding> {
    Ok(MentorStanding {
        mentor_id: r.get(0)?,
        display_name: r.get(1)?,
        capacity: r.get(2)?,
        mentees: r.get(3)?,
        proposed: r.get(4)?,
        trained: r.get(5)?,
        last_supervision_at: r.get(6)?,
        training_valid_until: r.get(7)?,
    })
}

impl Store {
    /// Every mentor of the programme, those needing attention first: without current training,
    /// then never supervised, then supervised longest ago; then by name. Only professionals
    /// supervise.
    pub fn mentor_roster(&self) -> Result<Vec<MentorStanding>> {
        let now = self.now();
        self.read(|c| {
            owner_with_role(
                c,
                Role::Professional,
                "only a professional supervises mentors",
            )?;
            Ok(c.prepare_cached(ROSTER_SQL)?
                .query_map((ERASED_NAME, now), standing_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
