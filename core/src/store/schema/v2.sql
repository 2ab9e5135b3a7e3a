-- Schema version 2: the community-resource directory, bookmarks.
--
-- Directory rows (dir_*) follow Open Referral HSDS 3.x: organization, service, location,
-- service_at_location, phone, schedule; languages, accessibility and taxonomy terms are columns
-- of the rows they describe. They are curated elsewhere and imported (or, later, pulled from the
-- programme's read-only directory scope), so they are never queued in the outbox. Every row has:
--   id          a stable id: a UUID derived from (source, kind, source_id), so the same record
--               imported on the server, into a snapshot or on a device gets the same id;
--   source      the dataset it came from (provenance), and source_id, its id there;
--   content_hash  of the record as imported, so a re-import tells "unchanged" from "updated";
--   imported_at the last import that saw it; created_at, updated_at (UTC ms) and hlc, the stamp
--               of its last change, which directory sync will order pulls by.
-- Dates of the directory's own calendar (a schedule's validity) are local calendar dates, kept
-- as ISO 'YYYY-MM-DD' text: they are not instants and compare correctly as text.
--
-- dir_search and dir_fts are local derived state, rebuilt from the rows above whenever they
-- change: one row per service with everything search filters on, and its full-text index.

CREATE TABLE dir_organization (
    id              TEXT PRIMARY KEY NOT NULL,
    source          TEXT NOT NULL,
    source_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    alternate_name  TEXT,
    description     TEXT NOT NULL,
    email           TEXT,
    website         TEXT,
    content_hash    TEXT NOT NULL,
    imported_at     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    hlc             INTEGER NOT NULL,
    UNIQUE (source, source_id)
) STRICT;

CREATE TABLE dir_location (
    id               TEXT PRIMARY KEY NOT NULL,
    source           TEXT NOT NULL,
    source_id        TEXT NOT NULL,
    organization_id  TEXT REFERENCES dir_organization (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    location_type    TEXT NOT NULL CHECK (location_type IN ('physical', 'postal', 'virtual')),
    name             TEXT,
    alternate_name   TEXT,
    description      TEXT,
    transportation   TEXT,
    url              TEXT,
    latitude         REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude        REAL CHECK (longitude BETWEEN -180 AND 180),
    address          TEXT,  -- JSON object: the HSDS address kept (id, address_1, city, ...)
    accessibility    TEXT NOT NULL,  -- JSON array of HSDS accessibility notes
    access_features  INTEGER NOT NULL CHECK (access_features >= 0),  -- bitset of codes
    terms            TEXT NOT NULL,  -- JSON array of taxonomy terms kept but not understood
    content_hash     TEXT NOT NULL,
    imported_at      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    hlc              INTEGER NOT NULL,
    UNIQUE (source, source_id),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
) STRICT;

CREATE TABLE dir_service (
    id                       TEXT PRIMARY KEY NOT NULL,
    source                   TEXT NOT NULL,
    source_id                TEXT NOT NULL,
    organization_id          TEXT REFERENCES dir_organization (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    name                     TEXT NOT NULL,
    alternate_name           TEXT,
    description              TEXT NOT NULL,
    url                      TEXT,
    email                    TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
    application_process      TEXT,
    fees                     TEXT CHECK (fees IN ('free', 'free_conditions', 'paid')),
    fees_description         TEXT,
    eligibility_description  TEXT,
    verified_at              INTEGER,  -- last verified (HSDS assured_date), UTC midnight
    languages                TEXT NOT NULL,  -- JSON array of BCP 47 tags
    categories               INTEGER NOT NULL CHECK (categories >= 0),  -- bitset of category codes
    dimensions               INTEGER NOT NULL CHECK (dimensions BETWEEN 0 AND 31),
    terms                    TEXT NOT NULL,  -- JSON array of taxonomy terms kept but not understood
    content_hash             TEXT NOT NULL,
    imported_at              INTEGER NOT NULL,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    hlc                      INTEGER NOT NULL,
    UNIQUE (source, source_id)
) STRICT;
CREATE INDEX dir_service_by_organization ON dir_service (organization_id);

CREATE TABLE dir_service_at_location (
    id           TEXT PRIMARY KEY NOT NULL,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    service_id   TEXT NOT NULL REFERENCES dir_service (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    location_id  TEXT NOT NULL REFERENCES dir_location (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    description  TEXT,
    position     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    hlc          INTEGER NOT NULL
) STRICT;
CREATE INDEX dir_sal_by_service ON dir_service_at_location (service_id);
CREATE INDEX dir_sal_by_location ON dir_service_at_location (location_id);

-- A phone belongs to exactly one of an organization, a service, a location or a service at a
-- location. HSDS files repeat one phone (same id) under several owners, so phones, schedules and
-- service_at_location rows are identified within their owner: their stable id derives from the
-- owner's id and their source_id.
CREATE TABLE dir_phone (
    id                      TEXT PRIMARY KEY NOT NULL,
    source                  TEXT NOT NULL,
    source_id               TEXT NOT NULL,
    organization_id         TEXT REFERENCES dir_organization (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    service_id              TEXT REFERENCES dir_service (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    location_id             TEXT REFERENCES dir_location (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    service_at_location_id  TEXT REFERENCES dir_service_at_location (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    number                  TEXT NOT NULL,
    extension               TEXT,
    kind                    TEXT,
    description             TEXT,
    position                INTEGER NOT NULL,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    hlc                     INTEGER NOT NULL,
    CHECK ((organization_id IS NOT NULL) + (service_id IS NOT NULL) + (location_id IS NOT NULL)
           + (service_at_location_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX dir_phone_by_organization ON dir_phone (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX dir_phone_by_service ON dir_phone (service_id) WHERE service_id IS NOT NULL;
CREATE INDEX dir_phone_by_location ON dir_phone (location_id) WHERE location_id IS NOT NULL;
CREATE INDEX dir_phone_by_sal ON dir_phone (service_at_location_id) WHERE service_at_location_id IS NOT NULL;

-- Weekly opening hours in the place's local time: on the days of `days` (bit 0 Monday .. bit 6
-- Sunday), from `opens_at` to `closes_at` minutes after local midnight, between the optional
-- validity dates (inclusive). Hours past midnight are two rows (Fri 20:00-24:00, Sat 00:00-02:00).
CREATE TABLE dir_schedule (
    id                      TEXT PRIMARY KEY NOT NULL,
    source                  TEXT NOT NULL,
    source_id               TEXT NOT NULL,
    service_id              TEXT REFERENCES dir_service (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    location_id             TEXT REFERENCES dir_location (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    service_at_location_id  TEXT REFERENCES dir_service_at_location (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    days                    INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    opens_at                INTEGER NOT NULL CHECK (opens_at BETWEEN 0 AND 1439),
    closes_at               INTEGER NOT NULL CHECK (closes_at BETWEEN 1 AND 1440),
    valid_from              TEXT,
    valid_to                TEXT,
    description             TEXT,
    position                INTEGER NOT NULL,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    hlc                     INTEGER NOT NULL,
    CHECK (closes_at > opens_at),
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to),
    CHECK ((service_id IS NOT NULL) + (location_id IS NOT NULL) + (service_at_location_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX dir_schedule_by_service ON dir_schedule (service_id) WHERE service_id IS NOT NULL;
CREATE INDEX dir_schedule_by_location ON dir_schedule (location_id) WHERE location_id IS NOT NULL;
CREATE INDEX dir_schedule_by_sal ON dir_schedule (service_at_location_id) WHERE service_at_location_id IS NOT NULL;

-- Derived: one row per service with what search filters and ranks on. `doc` is also the
-- service's rowid in dir_fts (an INTEGER PRIMARY KEY, so VACUUM never renumbers it). `places`
-- packs each place the service is offered at (coordinates, accessibility, weekly hours) in a
-- compact binary form decoded by core/src/directory/index.rs.
CREATE TABLE dir_search (
    doc          INTEGER PRIMARY KEY,
    service_id   TEXT NOT NULL UNIQUE REFERENCES dir_service (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    sort_key     TEXT NOT NULL,
    categories   INTEGER NOT NULL,
    dimensions   INTEGER NOT NULL,
    languages    TEXT NOT NULL,  -- ' fr en ' : each tag between spaces
    fees         TEXT,
    status       TEXT NOT NULL,
    verified_at  INTEGER,
    places       BLOB NOT NULL
) STRICT;

-- Derived: bumped in every transaction that changes dir_search, so a reader's in-memory copy
-- of the search rows (core/src/directory/cache.rs) knows when to reload.
CREATE TABLE dir_index_state (
    singleton  INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    version    INTEGER NOT NULL
) STRICT;
INSERT INTO dir_index_state (singleton, version) VALUES (1, 0);

-- Derived: the full-text index, without a copy of the text (contentless: dir_service has it).
-- unicode61 with remove_diacritics 2 folds case and accents, so "aide a domicile" finds
-- "Aide à domicile"; the prefix indexes make as-you-type prefix queries cheap.
CREATE VIRTUAL TABLE dir_fts USING fts5 (
    name, alternate_name, organization, categories, description, place,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- A service a person keeps for later, with a private note. Synced, editable (per-field merge);
-- removing sets removed_at so the removal travels. The id derives from (person_id, service_id),
-- so bookmarking the same service on two devices makes one row, not two. `service_id` is a
-- plain id, not a foreign key: the bookmark outlives the service leaving the directory.
CREATE TABLE bookmark (
    id          TEXT PRIMARY KEY NOT NULL,
    person_id   TEXT NOT NULL,
    service_id  TEXT NOT NULL,
    note        TEXT,
    removed_at  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    origin      TEXT NOT NULL,
    hlc         INTEGER NOT NULL,
    field_hlc   TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX bookmark_by_person ON bookmark (person_id, service_id);
