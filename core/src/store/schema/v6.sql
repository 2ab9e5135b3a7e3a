-- Schema version 6: voice notes.
--
-- A voice note is a message of kind 'voice' whose attachment_ref is the SHA-256 of its audio.
-- The audio is kept here, in the encrypted database, beside the message it belongs to, and
-- leaves with it (a purged conversation takes its sound along). It travels apart from the
-- change log: `state` is 'to_send' until the server holds it, 'held' once it does (sent from
-- here or fetched from there), 'refused' if the server refused it (a sync issue says why; the
-- recording stays). A voice message whose audio has not arrived has no row here yet.
CREATE TABLE voice_note (
    message_id   TEXT PRIMARY KEY NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    media_type   TEXT NOT NULL CHECK (media_type IN ('audio/mp4', 'audio/aac', 'audio/ogg', 'audio/3gpp')),
    duration_ms  INTEGER NOT NULL CHECK (duration_ms BETWEEN 1 AND 300000),
    audio        BLOB NOT NULL CHECK (length(audio) BETWEEN 1 AND 1048576),
    state        TEXT NOT NULL CHECK (state IN ('to_send', 'held', 'refused'))
) STRICT;
CREATE INDEX voice_note_to_send ON voice_note (message_id) WHERE state = 'to_send';

-- Voice messages a phone of version 5 received are already here; their audio is fetched at
-- the next sync, like any that has not arrived.
