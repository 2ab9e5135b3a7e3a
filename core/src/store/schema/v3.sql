-- Schema version 3: referral notices.
--
-- A referral is derived from the record that carries it (a check-in's resources shared, a
-- mentor's message sharing a service), but not everyone who needs it holds that record: a
-- survivor never holds their mentor's check-ins, a coordinator never holds the conversation.
-- So the mentor's device writes, beside each carrier, one notice per service shared — which
-- service, what carried it, in which mentorship, by whom, when; never the note or the message
-- — and the notice travels to everyone in the mentorship. The id derives from (carrier,
-- service), so amending a check-in updates its notices in place; a service taken out of a
-- check-in keeps its notice with `removed_at` set, so the removal travels too. Where a device
-- holds the carrier itself, the carrier is what counts (see directory/referral.rs).
CREATE TABLE referral (
    id             TEXT PRIMARY KEY NOT NULL,
    mentorship_id  TEXT NOT NULL REFERENCES mentorship (id) DEFERRABLE INITIALLY DEFERRED,
    service_id     TEXT NOT NULL,
    via            TEXT NOT NULL CHECK (via IN ('checkin', 'message')),
    via_id         TEXT NOT NULL,
    referred_by    TEXT NOT NULL,
    referred_at    INTEGER NOT NULL,
    removed_at     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    origin         TEXT NOT NULL,
    hlc            INTEGER NOT NULL,
    field_hlc      TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX referral_by_mentorship ON referral (mentorship_id, referred_at);
CREATE INDEX referral_by_carrier ON referral (via_id);

-- A device of version 2 skipped the notices it was sent as unreadable (a collection it did not
-- know), and its cursors moved past them. So every scope is pulled again from the start at the
-- next sync, as on a new device (rows already held merge as usual; the outbox is untouched),
-- and the issues about those notices are closed.
DELETE FROM sync_scope;
DELETE FROM sync_issue WHERE kind = 'unreadable' AND collection = 'referral';
