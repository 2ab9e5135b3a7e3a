//! Matching a survivor with a mentor: the coordinator's waiting list (the survivors they are
//! responsible for who have no mentorship under way, longest waiting first) and the "who could
//! mentor them?" screen — every mentor with a profile, what they share with the survivor and
//! how much room they have, the best fits first — one call each. They read only what a
//! professional's device already holds (mentors' profiles, every mentorship, training and
//! supervision travel in `staff`; a survivor's profile and consents in `care:<survivor>`), so
//! they work offline.

use rusqlite::Row;

use crate::error::Result;
use crate::model::codes::{from_json, json_list};
use crate::model::consent::has_programme_consent;
use crate::model::person::{
    CommunicationNeed, Profile, Role, load_person_with_role, load_profile, owner_with_role,
};
use crate::model::training::current_training;
use crate::store::Store;
use crate::time::Millis;

/// One mentor as a possible match for a survivor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[allow(clippy::struct_excessive_bools)] // independent facts the screen shows side by side
pub struct MentorCandidate {
    /// The mentor.
    pub mentor_id: String,
    /// Their display name.
    pub display_name: String,
    /// Languages they mentor in.
    pub languages: Vec<String>,
    /// Of those, the ones the survivor prefers (same primary language: `fr` matches `fr-CA`),
    /// in the survivor's order of preference.
    pub shared_languages: Vec<String>,
    /// How many survivors they support at once.
    pub capacity: u32,
    /// Mentorships under way (active or paused): they hold a place.
    pub mentees: u32,
    /// Mentorships proposed and not yet started: they will take a place.
    pub proposed: u32,
    /// Places left once the proposals start.
    pub free_places: u32,
    /// When they are usually available, in their words.
    pub availability: Option<String>,
    /// Whether a course is completed and still valid now.
    pub trained: bool,
    /// Their last supervision session.
    pub last_supervision_at: Option<Millis>,
    /// They already have a mentorship with this survivor that has not ended (so another
    /// cannot be proposed).
    pub already_matched: bool,
    /// They mentored this survivor before, in a mentorship now ended.
    pub mentored_before: bool,
    /// A mentorship with them could be proposed and started now: a free place, and none with
    /// this survivor already.
    pub available: bool,
}

/// The survivor and the mentors who could support them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MentorMatches {
    /// The survivor.
    pub survivor_id: String,
    /// Their display name.
    pub survivor_name: String,
    /// The languages they prefer, most preferred first. Empty when this device does not hold
    /// their profile (only the professionals responsible for them do).
    pub preferred_languages: Vec<String>,
    /// How to communicate with them.
    pub communication_needs: Vec<CommunicationNeed>,
    /// Whether their consent to take part is in force (a mentorship cannot start without it).
    pub consent_to_take_part: bool,
    /// Every mentor with a profile. Best fits first: those with a free place (and no
    /// mentorship with this survivor already), then those sharing more of the survivor's
    /// languages, then those whose training is current, then more free places, then by name.
    pub candidates: Vec<MentorCandidate>,
}

/// A survivor waiting for a mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AwaitingSurvivor {
    /// The survivor.
    pub survivor_id: String,
    /// Their display name.
    pub display_name: String,
    /// The languages they prefer, most preferred first (empty until their profile says).
    pub preferred_languages: Vec<String>,
    /// How to communicate with them.
    pub communication_needs: Vec<CommunicationNeed>,
    /// Where they live, in their words.
    pub home_area: Option<String>,
    /// When they went home from hospital, if known.
    pub discharge_date: Option<Millis>,
    /// Since when they wait: their discharge, or else their enrolment.
    pub waiting_since: Millis,
    /// Whether their consent to take part is in force (without it, none yet: a mentorship
    /// cannot start until it is recorded).
    pub consent_to_take_part: bool,
    /// Mentorships of theirs that have ended (a survivor may be matched again).
    pub past_mentorships: u32,
}

/// The waiting list (no parameters). Survivors whose profile or consents this device holds —
/// those its professional is responsible for — with no mentorship proposed, active or paused,
/// leaving out those who withdrew their consent to take part and gave none since. Public so
/// the benchmark's raw baseline runs exactly the same SQL.
#[doc(hidden)]
pub const AWAITING_SQL: &str = "SELECT p.id, p.display_name, sp.preferred_languages, sp.communication_needs,
            sp.home_area, sp.discharge_date, coalesce(sp.discharge_date, p.created_at) AS since,
            (SELECT count(*) FROM mentorship m
              WHERE m.survivor_id = p.id AND m.status = 'ended') AS ended,
            EXISTS (SELECT 1 FROM consent c WHERE c.survivor_id = p.id AND c.scope = 'programme'
                    AND c.withdrawn_at IS NULL) AS consented
     FROM person p LEFT JOIN survivor_profile sp ON sp.person_id = p.id
     WHERE p.role = 'survivor'
       AND (sp.person_id IS NOT NULL OR EXISTS (SELECT 1 FROM consent c WHERE c.survivor_id = p.id))
       AND NOT EXISTS (SELECT 1 FROM mentorship m WHERE m.survivor_id = p.id AND m.status <> 'ended')
       AND (consented OR NOT EXISTS (SELECT 1 FROM consent c
                                     WHERE c.survivor_id = p.id AND c.scope = 'programme'))
     ORDER BY since, p.display_name, p.id";

fn awaiting_row(r: &Row<'_>) -> rusqlite::Result<AwaitingSurvivor> {
    Ok(AwaitingSurvivor {
        survivor_id: r.get(0)?,
        display_name: r.get(1)?,
        preferred_languages: json_list(r, 2)?,
        communication_needs: json_list(r, 3)?,
        home_area: r.get(4)?,
        discharge_date: r.get(5)?,
        waiting_since: r.get(6)?,
        past_mentorships: r.get(7)?,
        consent_to_take_part: r.get(8)?,
    })
}

/// A mentor's load, training and supervision as SQL columns of a query over `person p` with
/// `?2` now, in this order: `mentees` (mentorships active or paused), `proposed`, `trained` (a
/// course current now) and `supervised` (the last session). One text for every screen that
/// shows them.
macro_rules! mentor_standing_columns {
    () => {
        concat!(
            "(SELECT count(*) FROM mentorship m
               WHERE m.mentor_id = p.id AND m.status IN ('active', 'paused')) AS mentees,
             (SELECT count(*) FROM mentorship m
               WHERE m.mentor_id = p.id AND m.status = 'proposed') AS proposed,
             EXISTS (SELECT 1 FROM training_record t WHERE t.mentor_id = p.id AND ",
            current_training!(),
            ") AS trained,
             (SELECT max(held_at) FROM supervision_session s WHERE s.mentor_id = p.id) AS supervised"
        )
    };
}
pub(crate) use mentor_standing_columns;

/// Every mentor with a profile and their load (`?1` survivor id, `?2` now). Public so the
/// benchmark's raw baseline runs exactly the same SQL.
#[doc(hidden)]
pub const MATCHING_SQL: &str = concat!(
    "SELECT p.id, p.display_name, mp.languages, mp.capacity, mp.availability,
            EXISTS (SELECT 1 FROM mentorship m
              WHERE m.mentor_id = p.id AND m.survivor_id = ?1 AND m.status <> 'ended') AS matched,
            EXISTS (SELECT 1 FROM mentorship m
              WHERE m.mentor_id = p.id AND m.survivor_id = ?1 AND m.status = 'ended') AS before, ",
    mentor_standing_columns!(),
    " FROM mentor_profile mp JOIN person p ON p.id = mp.person_id AND p.role = 'mentor'"
);

// Columns by position: a lookup by name scans the names on every call, a third of this
// screen's time over the same SQL on a bare connection.
fn candidate_row(r: &Row<'_>) -> rusqlite::Result<MentorCandidate> {
    let capacity: u32 = r.get(3)?;
    let mentees: u32 = r.get(7)?;
    let proposed: u32 = r.get(8)?;
    let free_places = capacity.saturating_sub(mentees.saturating_add(proposed));
    let already_matched: bool = r.get(5)?;
    Ok(MentorCandidate {
        mentor_id: r.get(0)?,
        display_name: r.get(1)?,
        languages: from_json(&r.get::<_, String>(2)?)?,
        shared_languages: Vec::new(),
        capacity,
        mentees,
        proposed,
        free_places,
        availability: r.get(4)?,
        already_matched,
        mentored_before: r.get(6)?,
        trained: r.get(9)?,
        last_supervision_at: r.get(10)?,
        available: free_places > 0 && !already_matched,
    })
}

/// A language tag's primary subtag (tags are stored lower-cased in their primary subtag).
fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

/// The survivor's preferred languages the mentor speaks, in the survivor's order.
fn shared(preferred: &[String], spoken: &[String]) -> Vec<String> {
    preferred
        .iter()
        .filter(|want| spoken.iter().any(|s| primary(s) == primary(want)))
        .cloned()
        .collect()
}

impl Store {
    /// The survivors waiting for a mentor, longest waiting first: those whose profile or
    /// consents this device holds (the professional is responsible for them), with no
    /// mentorship proposed, active or paused, and who have not left the programme (a consent
    /// to take part withdrawn and none given since). Only professionals match.
    pub fn survivors_awaiting_mentor(&self) -> Result<Vec<AwaitingSurvivor>> {
        self.read(|c| {
            owner_with_role(c, Role::Professional, "only a professional matches mentors")?;
            Ok(c.prepare_cached(AWAITING_SQL)?
                .query_map([], awaiting_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The mentors who could support `survivor_id`, best fits first (see
    /// [`MentorMatches::candidates`]). Only professionals match.
    pub fn mentor_matches(&self, survivor_id: &str) -> Result<MentorMatches> {
        let now = self.now();
        self.read(|c| {
            owner_with_role(c, Role::Professional, "only a professional matches mentors")?;
            let survivor = load_person_with_role(c, "survivor_id", survivor_id, Role::Survivor)?;
            let (preferred_languages, communication_needs) = match load_profile(c, &survivor)? {
                Some(Profile::Survivor { profile }) => {
                    (profile.preferred_languages, profile.communication_needs)
                }
                _ => (Vec::new(), Vec::new()),
            };
            let mut candidates = c
                .prepare_cached(MATCHING_SQL)?
                .query_map((&survivor.id, now), candidate_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for m in &mut candidates {
                m.shared_languages = shared(&preferred_languages, &m.languages);
            }
            candidates.sort_by(|a, b| {
                (
                    b.available,
                    b.shared_languages.len(),
                    b.trained,
                    b.free_places,
                )
                    .cmp(&(
                        a.available,
                        a.shared_languages.len(),
                        a.trained,
                        a.free_places,
                    ))
                    .then_with(|| a.display_name.cmp(&b.display_name))
                    .then_with(|| a.mentor_id.cmp(&b.mentor_id))
            });
            Ok(MentorMatches {
                consent_to_take_part: has_programme_consent(c, &survivor.id)?,
                survivor_id: survivor.id,
                survivor_name: survivor.display_name,
                preferred_languages,
                communication_needs,
                candidates,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::shared;

    #[test]
    fn languages_match_on_their_primary_subtag_in_the_survivors_order() {
        let preferred = ["en-GB".to_owned(), "fr".to_owned(), "ar".to_owned()];
        let spoken = ["fr-CA".to_owned(), "en".to_owned()];
        assert_eq!(shared(&preferred, &spoken), ["en-GB", "fr"]);
        assert!(shared(&preferred, &["de".to_owned()]).is_empty());
        assert!(shared(&[], &spoken).is_empty());
    }
}
