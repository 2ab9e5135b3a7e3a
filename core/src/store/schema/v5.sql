-- Schema version 5: a check-in names the planned contact it records.
--
-- Mentors record a check-in after every contact; with contacts planned ahead (version 4), the
-- phone can tell which planned contacts are over with nothing recorded, and remind the mentor.
-- The link is the check-in's (append-only, the mentor's own record, in the case notes), never
-- the planned contact's, which everyone in the mentorship sees.
ALTER TABLE checkin ADD COLUMN planned_contact_id TEXT;
CREATE INDEX checkin_by_planned_contact ON checkin (planned_contact_id)
    WHERE superseded = 0 AND planned_contact_id IS NOT NULL;

-- A device of version 4 skipped, as unreadable, the check-ins sent with this field, and the
-- cursors of the case-notes scopes (where check-ins travel) moved past them: those scopes are
-- pulled again from the start at the next sync, and the issues about the skipped rows closed.
DELETE FROM sync_scope WHERE scope LIKE 'casenotes:%';
DELETE FROM sync_issue WHERE kind = 'unreadable' AND collection = 'checkin';
