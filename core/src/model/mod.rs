//! The peer-support records: people and profiles, mentorships, check-ins, escalations,
//! training and supervision, consent, planned contacts, messages and voice notes. Each file
//! holds a record's types, its rules and the store operations that write it.

pub mod checkin;
pub(crate) mod codes;
pub mod consent;
pub mod dimension;
pub mod escalation;
pub mod mentorship;
pub mod message;
pub mod person;
pub mod planned_contact;
pub mod training;
pub mod voice;
