//! Passerelle's offline-first core: the encrypted SQLite store on the phone, the peer-support
//! records that survivors, mentors, caregivers and professionals keep, and the queries behind
//! each screen. Plain Rust; `bindings/` exports it to Kotlin and Swift.
//!
//! Start with [`Store::open`]. Every write is validated, committed with its outbox entry in one
//! transaction, and reported saved only once durable; every failure is a typed [`Error`] whose
//! message carries no personal data.

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("passerelle_core");

pub mod clock;
pub mod directory;
pub mod error;
pub mod model;
pub mod outbox;
pub mod queries;
pub mod rights;
pub mod store;
pub mod sync;
pub mod time;
pub mod validate;
pub mod wipe;

pub use directory::{
    Bookmark, BookmarkedService, DirectoryPage, DirectoryQuery, DirectoryService, GeoPoint,
    ImportFile, ImportFormat, ImportOptions, ImportReport, LocalDateTime, ServiceHit,
    SharedService,
};
pub use error::{Error, Problem, Result, StoreError, SyncError};
pub use model::checkin::{CheckIn, CheckInInput, ContactMode, FollowUp, Reached, RecordedCheckIn};
pub use model::consent::{Consent, ConsentScope, NewConsent};
pub use model::dimension::Dimension;
pub use model::escalation::{ConcernCategory, Escalation, EscalationStatus, NewConcern, Urgency};
pub use model::mentorship::{
    EndingReason, Mentorship, MentorshipEvent, MentorshipEventKind, MentorshipStatus, NewMentorship,
};
pub use model::message::{Conversation, Message, MessageStatus, UnreadCount};
pub use model::person::{
    CaregiverProfile, CommunicationNeed, JobRole, MentorProfile, NewPerson, Person,
    ProfessionalProfile, Profile, Relationship, Role, SurvivorProfile,
};
pub use model::planned_contact::{ContactDetails, ContactReply, PlannedContact, UpcomingContact};
pub use model::training::{
    MentorDevelopment, NewSupervision, NewTraining, SupervisionFormat, SupervisionSession,
    TrainingRecord,
};
pub use model::voice::{
    NewVoiceNote, VOICE_NOTE_MAX_BYTES, VOICE_NOTE_MAX_MS, VoiceAudio, VoiceMediaType, VoiceNote,
};
pub use outbox::OutboxEntry;
pub use queries::caseload::{CaseloadEntry, OverdueFollowUp};
pub use queries::matching::{AwaitingSurvivor, MentorCandidate, MentorMatches};
pub use queries::report::{
    DimensionCount, DoseLine, ModeCount, PlannedContactOutcomes, ProgrammeReport, ReachedCount,
};
pub use queries::supervision::MentorStanding;
pub use queries::timeline::{EscalationSummary, TimelineEntry};
pub use rights::{ExportedRecord, MyData};
pub use store::{ChangeListener, Durability, Key, Store, StoreOptions};
pub use sync::client::{SyncIssue, SyncProgress, SyncStage, SyncSummary};
pub use sync::transport::{HttpTransport, Transport, TransportError};
pub use time::{Clock, Millis};
pub use wipe::WipeSummary;
