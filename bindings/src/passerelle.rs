//! The exported `Passerelle` object: an open store and one method per core `Store` method.
//!
//! Each method takes whole records and returns whole records, so a screen needs one call. No
//! rule lives here: methods convert the key, call the core and map its error.

use std::sync::{Arc, Mutex, PoisonError};

use passerelle_core::{
    AwaitingSurvivor, CaseloadEntry, CheckIn, CheckInInput, Consent, ContactDetails, ContactReply,
    Conversation, EndingReason, Escalation, EscalationSummary, HttpTransport, Key,
    MentorDevelopment, MentorMatches, MentorStanding, Mentorship, Message, Millis, NewConsent,
    NewMentorship, NewPerson, NewSupervision, NewTraining, NewVoiceNote, OutboxEntry,
    OverdueFollowUp, Person, PlannedContact, Profile, ProgrammeReport, RecordedCheckIn, Role,
    Store, StoreOptions, SupervisionSession, SyncIssue, SyncProgress, SyncSummary, TimelineEntry,
    TrainingRecord, Transport, UnreadCount, UpcomingContact, VoiceAudio, WipeSummary,
};
use zeroize::Zeroizing;

use crate::error::PasserelleError;
use crate::observers::{
    ChangeObserver, ChangeObserverAdapter, SyncProgressObserver, report_progress,
};

/// Result of every exported call.
type Result<T> = std::result::Result<T, PasserelleError>;

/// An open Passerelle database on this device. Safe to share between threads; every method
/// is one transaction.
#[derive(Debug, uniffi::Object)]
pub struct Passerelle {
    store: Arc<Store>,
    /// The one host besides this device that may be reached over plain HTTP (development).
    cleartext_host: Mutex<Option<String>>,
}

impl Passerelle {
    /// Wraps an already-open core store (for Rust callers and tests).
    pub fn from_store(store: Arc<Store>) -> Self {
        Self {
            store,
            cleartext_host: Mutex::new(None),
        }
    }

    /// The transport to `server_url`: HTTPS, or plain HTTP to this device or to the host a
    /// development build allowed.
    fn transport(&self, server_url: &str) -> Result<HttpTransport> {
        let allowed = self
            .cleartext_host
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        Ok(match allowed {
            Some(host) => HttpTransport::with_development_cleartext_host(server_url, &host)?,
            None => HttpTransport::new(server_url)?,
        })
    }

    /// The transport to the server this phone is enrolled with.
    fn enrolled_transport(&self) -> Result<HttpTransport> {
        let server_url = self
            .store
            .sync_server_url()?
            .ok_or(PasserelleError::NotEnrolled)?;
        self.transport(&server_url)
    }

    /// The core store behind this object.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }
}

/// A raw key from the bytes the platform keystore returned; the caller's copy is wiped.
fn raw_key(bytes: Vec<u8>) -> Result<Key> {
    let bytes = Zeroizing::new(bytes);
    Ok(Key::from_bytes(&bytes)?)
}

#[uniffi::export]
impl Passerelle {
    /// Opens (creating if needed) the encrypted database at `path` with the 32-byte key kept
    /// in the Android Keystore / iOS Keychain, migrating it to this app's schema. A wrong key
    /// fails with `WrongKey` and leaves the file untouched.
    #[uniffi::constructor]
    pub fn open(path: String, key: Vec<u8>) -> Result<Arc<Self>> {
        let key = raw_key(key)?;
        let store = Store::open(path, key, StoreOptions::default())?;
        Ok(Arc::new(Self::from_store(Arc::new(store))))
    }

    /// Opens an UNENCRYPTED database. For development tools and tests only; never in an app
    /// that holds real people's data.
    #[uniffi::constructor]
    pub fn open_unencrypted_for_development(path: String) -> Result<Arc<Self>> {
        let store = Store::open(path, Key::Unencrypted, StoreOptions::default())?;
        Ok(Arc::new(Self::from_store(Arc::new(store))))
    }

    // --- The store itself ---

    /// This installation's id (the origin of every row it makes).
    pub fn device_id(&self) -> String {
        self.store.device_id()
    }

    /// Cancels whatever query is running, from any thread (the app shutting down). The
    /// cancelled call fails with `Interrupted`.
    pub fn interrupt(&self) {
        self.store.interrupt();
    }

    /// Re-encrypts the database with a new 32-byte key. On failure the old key still works.
    pub fn rekey(&self, new_key: Vec<u8>) -> Result<()> {
        Ok(self.store.rekey(raw_key(new_key)?)?)
    }

    /// Runs SQLite's and SQLCipher's integrity checks; `Corrupt` if either finds damage.
    pub fn check_integrity(&self) -> Result<()> {
        Ok(self.store.check_integrity()?)
    }

    /// How many local changes wait to be pushed to the server.
    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self.store.outbox_len()?)
    }

    /// The oldest `limit` local changes waiting to be pushed.
    pub fn outbox_peek(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        Ok(self.store.outbox_peek(limit)?)
    }

    /// Registers the observer told which collections changed after each write and sync
    /// (`None` removes it). One observer at a time; the last one set wins.
    pub fn set_change_observer(&self, observer: Option<Arc<dyn ChangeObserver>>) {
        self.store
            .set_change_listener(observer.map(|o| Arc::new(ChangeObserverAdapter(o)) as Arc<_>));
    }

    // --- People and profiles ---

    /// Creates the person who uses this device and signs them in (first run only).
    pub fn create_device_owner(&self, person: NewPerson) -> Result<Person> {
        Ok(self.store.create_device_owner(person)?)
    }

    /// Signs an already-known person in on this device.
    pub fn set_device_owner(&self, person_id: String) -> Result<Person> {
        Ok(self.store.set_device_owner(&person_id)?)
    }

    /// The person signed in on this device, if any.
    pub fn device_owner(&self) -> Result<Option<Person>> {
        Ok(self.store.device_owner()?)
    }

    /// Enrols a person. The owner must be a professional.
    pub fn create_person(&self, person: NewPerson) -> Result<Person> {
        Ok(self.store.create_person(person)?)
    }

    /// Changes a display name: the person themselves or a professional.
    pub fn rename_person(&self, person_id: String, display_name: String) -> Result<Person> {
        Ok(self.store.rename_person(&person_id, &display_name)?)
    }

    /// One person.
    pub fn person(&self, person_id: String) -> Result<Person> {
        Ok(self.store.person(&person_id)?)
    }

    /// Everyone known to this device, optionally of one role, by name.
    pub fn people(&self, role: Option<Role>) -> Result<Vec<Person>> {
        Ok(self.store.people(role)?)
    }

    /// Creates or replaces a person's profile (the person themselves or a professional).
    pub fn save_profile(&self, profile: Profile) -> Result<()> {
        Ok(self.store.save_profile(profile)?)
    }

    /// A person's profile, if one was saved.
    pub fn profile(&self, person_id: String) -> Result<Option<Profile>> {
        Ok(self.store.profile(&person_id)?)
    }

    // --- Consent ---

    /// Records a survivor's consent (the survivor or a professional).
    pub fn grant_consent(&self, consent: NewConsent) -> Result<Consent> {
        Ok(self.store.grant_consent(consent)?)
    }

    /// Withdraws a consent.
    pub fn withdraw_consent(&self, consent_id: String) -> Result<Consent> {
        Ok(self.store.withdraw_consent(&consent_id)?)
    }

    /// A survivor's consents, newest first.
    pub fn consents(&self, survivor_id: String) -> Result<Vec<Consent>> {
        Ok(self.store.consents(&survivor_id)?)
    }

    // --- Mentorships ---

    /// Proposes a match; the owner (a professional) becomes its coordinator.
    pub fn propose_mentorship(&self, mentorship: NewMentorship) -> Result<Mentorship> {
        Ok(self.store.propose_mentorship(mentorship)?)
    }

    /// Starts a proposed mentorship or resumes a paused one (needs programme consent).
    pub fn activate_mentorship(&self, mentorship_id: String) -> Result<Mentorship> {
        Ok(self.store.activate_mentorship(&mentorship_id)?)
    }

    /// Puts an active mentorship on hold.
    pub fn pause_mentorship(
        &self,
        mentorship_id: String,
        note: Option<String>,
    ) -> Result<Mentorship> {
        Ok(self.store.pause_mentorship(&mentorship_id, note)?)
    }

    /// Ends a mentorship with a reason.
    pub fn end_mentorship(
        &self,
        mentorship_id: String,
        reason: EndingReason,
        note: Option<String>,
    ) -> Result<Mentorship> {
        Ok(self.store.end_mentorship(&mentorship_id, reason, note)?)
    }

    /// One mentorship the owner mentors or coordinates.
    pub fn mentorship(&self, mentorship_id: String) -> Result<Mentorship> {
        Ok(self.store.mentorship(&mentorship_id)?)
    }

    /// The owner's mentorships, newest first.
    pub fn my_mentorships(&self) -> Result<Vec<Mentorship>> {
        Ok(self.store.my_mentorships()?)
    }

    // --- Check-ins ---

    /// Records a check-in; a concern in it opens an escalation in the same transaction.
    pub fn record_checkin(&self, input: CheckInInput) -> Result<RecordedCheckIn> {
        Ok(self.store.record_checkin(input)?)
    }

    /// Amends a check-in with a whole corrected record; the previous version stays readable.
    pub fn amend_checkin(
        &self,
        checkin_id: String,
        input: CheckInInput,
        reason: String,
    ) -> Result<RecordedCheckIn> {
        Ok(self.store.amend_checkin(&checkin_id, input, &reason)?)
    }

    /// Marks a check-in's follow-up as done (a new version).
    pub fn complete_follow_up(&self, checkin_id: String) -> Result<CheckIn> {
        Ok(self.store.complete_follow_up(&checkin_id)?)
    }

    /// The current version of a check-in.
    pub fn checkin(&self, checkin_id: String) -> Result<CheckIn> {
        Ok(self.store.checkin(&checkin_id)?)
    }

    /// Every version of a check-in, oldest first.
    pub fn checkin_history(&self, checkin_id: String) -> Result<Vec<CheckIn>> {
        Ok(self.store.checkin_history(&checkin_id)?)
    }

    // --- Escalations ---

    /// The assigned professional acknowledges an escalation.
    pub fn acknowledge_escalation(
        &self,
        escalation_id: String,
        note: Option<String>,
    ) -> Result<Escalation> {
        Ok(self.store.acknowledge_escalation(&escalation_id, note)?)
    }

    /// The assigned professional resolves an escalation, saying what was done.
    pub fn resolve_escalation(&self, escalation_id: String, note: String) -> Result<Escalation> {
        Ok(self.store.resolve_escalation(&escalation_id, &note)?)
    }

    /// One escalation.
    pub fn escalation(&self, escalation_id: String) -> Result<Escalation> {
        Ok(self.store.escalation(&escalation_id)?)
    }

    // --- Training and supervision ---

    /// Records a completed course for a mentor (a professional records it).
    pub fn record_training(&self, training: NewTraining) -> Result<TrainingRecord> {
        Ok(self.store.record_training(training)?)
    }

    /// Records a supervision session held by the owner (a professional).
    pub fn record_supervision(&self, supervision: NewSupervision) -> Result<SupervisionSession> {
        Ok(self.store.record_supervision(supervision)?)
    }

    /// A mentor's training and supervision at a glance.
    pub fn mentor_development(&self, mentor_id: String) -> Result<MentorDevelopment> {
        Ok(self.store.mentor_development(&mentor_id)?)
    }

    /// Every mentor of the programme with their load, training and supervision, those needing
    /// attention first (a supervising professional's list).
    pub fn mentor_roster(&self) -> Result<Vec<MentorStanding>> {
        Ok(self.store.mentor_roster()?)
    }

    /// The survivors this professional is responsible for who wait for a mentor, longest
    /// waiting first (the matching screen's list).
    pub fn survivors_awaiting_mentor(&self) -> Result<Vec<AwaitingSurvivor>> {
        Ok(self.store.survivors_awaiting_mentor()?)
    }

    /// The mentors who could support a survivor, best fits first: free places, shared
    /// languages, current training (a professional's matching screen).
    pub fn mentor_matches(&self, survivor_id: String) -> Result<MentorMatches> {
        Ok(self.store.mentor_matches(&survivor_id)?)
    }

    // --- Messages ---

    /// Writes a message in a mentorship's conversation; it is queued until the next sync.
    pub fn send_message(&self, mentorship_id: String, body: String) -> Result<Message> {
        Ok(self.store.send_message(&mentorship_id, &body)?)
    }

    /// Shares a directory service in a conversation, with an optional note; it counts as a
    /// referral and shows among the survivor's shared services.
    pub fn share_service(
        &self,
        mentorship_id: String,
        service_id: String,
        note: Option<String>,
    ) -> Result<Message> {
        Ok(self
            .store
            .share_service(&mentorship_id, &service_id, note)?)
    }

    /// Sends a voice note (recorded by the app) in a mentorship's conversation: saved at once,
    /// encrypted, and sent with its audio at the next sync.
    pub fn send_voice_note(&self, mentorship_id: String, note: NewVoiceNote) -> Result<Message> {
        Ok(self.store.send_voice_note(&mentorship_id, note)?)
    }

    /// A voice note's audio, to play; `NotFound` while it is on its way to this phone.
    pub fn voice_note_audio(&self, message_id: String) -> Result<VoiceAudio> {
        Ok(self.store.voice_note_audio(&message_id)?)
    }

    /// A voice note's audio, fetched from the server now if it is not on this phone yet: what a
    /// play button calls when the sound was left out of the syncs.
    pub fn fetch_voice_note(&self, message_id: String) -> Result<VoiceAudio> {
        let transport = match self.store.sync_server_url()? {
            Some(url) => Some(self.transport(&url)?),
            None => None,
        };
        let transport = transport.as_ref().map(|t| t as &dyn Transport);
        Ok(self.store.fetch_voice_note(transport, &message_id)?)
    }

    /// Whether each sync fetches the sounds of voice notes that arrived (the default), or
    /// leaves them to `fetch_voice_note`: turn it off on a metered connection, on again on
    /// Wi-Fi. Not stored: say it again after opening the store.
    pub fn set_voice_notes_in_sync(&self, fetch: bool) {
        self.store.set_voice_notes_in_sync(fetch);
    }

    /// A conversation screen: its members and the latest `limit` messages, oldest first.
    pub fn conversation(&self, mentorship_id: String, limit: u32) -> Result<Conversation> {
        Ok(self.store.conversation(&mentorship_id, limit)?)
    }

    /// Marks everything in a conversation as read by the owner.
    pub fn mark_conversation_read(&self, mentorship_id: String) -> Result<()> {
        Ok(self.store.mark_conversation_read(&mentorship_id)?)
    }

    /// Unread messages per conversation of the owner.
    pub fn unread_counts(&self) -> Result<Vec<UnreadCount>> {
        Ok(self.store.unread_counts()?)
    }

    // --- Planned contacts ---

    /// Plans a contact of a mentorship under way, as its mentor or its coordinator.
    pub fn plan_contact(
        &self,
        mentorship_id: String,
        details: ContactDetails,
    ) -> Result<PlannedContact> {
        Ok(self.store.plan_contact(&mentorship_id, details)?)
    }

    /// Moves a planned contact or changes how, where or its note (the whole details again). A
    /// new start asks for a new answer.
    pub fn change_planned_contact(
        &self,
        contact_id: String,
        details: ContactDetails,
    ) -> Result<PlannedContact> {
        Ok(self.store.change_planned_contact(&contact_id, details)?)
    }

    /// Cancels a planned contact still to come.
    pub fn cancel_planned_contact(&self, contact_id: String) -> Result<PlannedContact> {
        Ok(self.store.cancel_planned_contact(&contact_id)?)
    }

    /// Answers a planned contact, as its survivor or a caregiver they share with.
    pub fn reply_to_planned_contact(
        &self,
        contact_id: String,
        reply: ContactReply,
    ) -> Result<PlannedContact> {
        Ok(self.store.reply_to_planned_contact(&contact_id, reply)?)
    }

    /// One planned contact as the owner sees it (past or to come), with what they may do.
    pub fn planned_contact(&self, contact_id: String) -> Result<UpcomingContact> {
        Ok(self.store.planned_contact(&contact_id)?)
    }

    /// The contacts still to come that the owner takes part in, soonest first (all mentorships
    /// under way, or one): a survivor's "next visit", a mentor's week.
    pub fn upcoming_contacts(&self, mentorship_id: Option<String>) -> Result<Vec<UpcomingContact>> {
        Ok(self.store.upcoming_contacts(mentorship_id.as_deref())?)
    }

    /// The contacts over that the owner, their mentor, has not recorded yet (oldest first; all
    /// mentorships they serve, or one): record each with a check-in naming it
    /// (`CheckInInput.planned_contact_id`), or cancel it if it did not take place.
    pub fn contacts_to_record(
        &self,
        mentorship_id: Option<String>,
    ) -> Result<Vec<UpcomingContact>> {
        Ok(self.store.contacts_to_record(mentorship_id.as_deref())?)
    }

    // --- Sync ---

    /// FOR DEVELOPMENT ONLY: also lets [`Self::enrol`] and [`Self::sync`] use plain `http://`
    /// to `host` (the Android emulator reaches the developer's machine as `10.0.2.2`). Without
    /// this, `http://` is refused (`InvalidInput` on `server_url`) unless the server is this
    /// device itself (`localhost`, `127.0.0.1`, `[::1]`). Never call it in a build that holds
    /// real people's data: what travels in clear can be read by anyone on the network.
    pub fn allow_cleartext_http_for_development(&self, host: String) {
        *self
            .cleartext_host
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(host);
    }

    /// Enrols this device with the sync server at `server_url` using a one-time enrolment
    /// code, and returns the person it signs in. The address is `https://`; plain `http://`
    /// only to this device itself (see [`Self::allow_cleartext_http_for_development`]).
    pub fn enrol(&self, server_url: String, code: String) -> Result<Person> {
        let transport = self.transport(&server_url)?;
        Ok(self.store.enrol(&transport, &server_url, &code)?)
    }

    /// The server this device is enrolled with, if any.
    pub fn sync_server_url(&self) -> Result<Option<String>> {
        Ok(self.store.sync_server_url()?)
    }

    /// Pushes local changes, then pulls every scope, over HTTPS to the enrolled server. Blocks
    /// until done; a second call meanwhile waits for the first. `NotEnrolled` before
    /// [`Self::enrol`].
    pub fn sync(&self, progress: Option<Arc<dyn SyncProgressObserver>>) -> Result<SyncSummary> {
        let transport = self.enrolled_transport()?;
        let report =
            progress.map(|observer| move |p: SyncProgress| report_progress(observer.as_ref(), p));
        let report: Option<&dyn Fn(SyncProgress)> = report.as_ref().map(|f| f as _);
        Ok(self.store.sync(&transport, report)?)
    }

    /// Rejected mutations, lost merges and unreadable rows not yet dismissed, newest first.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>> {
        Ok(self.store.sync_issues()?)
    }

    /// Dismisses a sync issue once the app has shown it.
    pub fn dismiss_sync_issue(&self, id: i64) -> Result<()> {
        Ok(self.store.dismiss_sync_issue(id)?)
    }

    // --- Screens ---

    /// The mentor's home screen: mentees, most pressing first.
    pub fn caseload(&self) -> Result<Vec<CaseloadEntry>> {
        Ok(self.store.caseload()?)
    }

    /// Open follow-ups past due, oldest first.
    pub fn overdue_follow_ups(&self) -> Result<Vec<OverdueFollowUp>> {
        Ok(self.store.overdue_follow_ups()?)
    }

    /// Everything that happened in a mentorship, newest first.
    pub fn mentorship_timeline(&self, mentorship_id: String) -> Result<Vec<TimelineEntry>> {
        Ok(self.store.mentorship_timeline(&mentorship_id)?)
    }

    /// The coordinator's unresolved escalations, urgent first.
    pub fn open_escalations(&self) -> Result<Vec<EscalationSummary>> {
        Ok(self.store.open_escalations()?)
    }

    /// The programme report for the mentorships the owner coordinates, over `from..to`
    /// (UTC milliseconds).
    pub fn programme_report(&self, from: Millis, to: Millis) -> Result<ProgrammeReport> {
        Ok(self.store.programme_report(from, to)?)
    }

    /// Everything this phone holds about its owner, as JSON text for the app to save or share
    /// ("download my data"): `{"person_id", "exported_at", "records": [{"collection", "id",
    /// "data"}]}`, records by collection then id.
    pub fn export_my_data(&self) -> Result<String> {
        let data = self.store.export_my_data()?;
        serde_json::to_string(&data).map_err(|_| PasserelleError::Storage {
            code: "encode".to_owned(),
        })
    }

    /// Removes everything personal from this phone — records, messages, bookmarks, the
    /// server account and its tokens, unsent changes — keeping the public directory, and
    /// ends the session on the server when it can be reached. For a phone handed back or
    /// passed on, or after the person's account was erased. With changes not yet sent it fails
    /// with `UnsentChanges` and removes nothing, unless `discard_unsent` (after the person
    /// agreed to lose them). Then re-key the store with a new key and destroy the old one.
    /// The phone can then be enrolled again, by anyone.
    pub fn wipe_device_data(&self, discard_unsent: bool) -> Result<WipeSummary> {
        // No transport (an address no longer allowed) only means no sign-out: the tokens go
        // with the wipe and expire on the server.
        let transport = self
            .store
            .sync_server_url()?
            .and_then(|url| self.transport(&url).ok());
        let transport = transport.as_ref().map(|t| t as &dyn Transport);
        Ok(self.store.wipe_personal_data(transport, discard_unsent)?)
    }
}
