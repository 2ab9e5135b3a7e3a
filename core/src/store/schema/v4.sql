-- Schema version 4: planned contacts.
--
-- The next visit or call, planned by the mentor (or the coordinator) and seen by everyone in
-- the mentorship — the survivor above all, who otherwise learns of a contact only when it
-- happens. Editable: the planner moves or cancels it, the survivor (or a caregiver they share
-- with) answers. An answer carries the start it answered (`replied_for`), so an answer to a time
-- since moved no longer counts, whichever change reached the server first.
CREATE TABLE planned_contact (
    id                TEXT PRIMARY KEY NOT NULL,
    mentorship_id     TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    planned_by        TEXT NOT NULL,
    starts_at         INTEGER NOT NULL,
    duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 600),
    mode              TEXT NOT NULL CHECK (mode IN ('home_visit', 'hospital_visit', 'phone', 'video', 'message', 'group')),
    place             TEXT,
    note              TEXT,
    cancelled_at      INTEGER,
    reply             TEXT CHECK (reply IN ('accepted', 'declined')),
    replied_by        TEXT,
    replied_at        INTEGER,
    replied_for       INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    origin            TEXT NOT NULL,
    hlc               INTEGER NOT NULL,
    field_hlc         TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX planned_contact_by_time ON planned_contact (starts_at);
CREATE INDEX planned_contact_by_mentorship ON planned_contact (mentorship_id, starts_at);

-- A device of version 3 skipped the planned contacts it was sent as unreadable, and the cursors
-- of its mentorships' scopes (where they travel) moved past them: those scopes are pulled again
-- from the start at the next sync, and the issues about the skipped rows are closed. Other
-- scopes keep their cursors.
DELETE FROM sync_scope WHERE scope LIKE 'mentorship:%';
DELETE FROM sync_issue WHERE kind = 'unreadable' AND collection = 'planned_contact';
