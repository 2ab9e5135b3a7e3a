//! Messaging: one conversation per mentorship between the survivor, the mentor, and the
//! caregivers the survivor consented to share with. A message is written offline, queued,
//! sent, delivered and read; the same (hlc, id) order shows on every device; receipts are one
//! row per member ("delivered/read up to this stamp"), not one per message.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::codes::code_enum;
use super::mentorship::load_mentorship;
use super::person::{Person, Role, load_person, owner};
use super::voice::{VoiceNote, voice_of};
use crate::directory::referral::keep_message_notice;
use crate::error::{Error, Result};
use crate::store::rows::Collection;
use crate::store::{Store, Tx};
use crate::sync::spec::MESSAGE_MAX;
use crate::time::Millis;
use crate::validate::{new_id, optional_text, parse_id, required_text};

code_enum! {
    /// Where one of my messages is, or whether I have read someone else's.
    pub enum MessageStatus as "message status" {
        /// Written on this device, not yet accepted by the server (a voice note: with its audio).
        Pending = "pending",
        /// Accepted by the server.
        Sent = "sent",
        /// On another member's device.
        Delivered = "delivered",
        /// Read by another member.
        Read = "read",
        /// Someone else's message I have not read yet.
        Unread = "unread",
        /// Someone else's message I have read.
        Seen = "seen",
    }
}

/// One message as a screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Message {
    /// UUIDv7.
    pub id: String,
    /// The conversation (mentorship).
    pub mentorship_id: String,
    /// Who wrote it.
    pub sender_id: String,
    /// Their display name.
    pub sender_name: String,
    /// Whether the device owner wrote it.
    pub mine: bool,
    /// The text, 1 to 2,000 characters.
    pub body: String,
    /// When it was written (the writer's clock).
    pub written_at: Millis,
    /// Its place in the conversation: order by it, then by id.
    pub order_stamp: i64,
    /// Pending, sent, delivered or read (mine); unread or seen (others').
    pub status: MessageStatus,
    /// The directory service this message shares, if it shares one (the body is then an
    /// optional note).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub shared_service_id: Option<String>,
    /// The voice note this message carries, if it is one (the body is then an optional
    /// caption).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub voice: Option<VoiceNote>,
}

/// A conversation screen in one call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Conversation {
    /// The mentorship.
    pub mentorship_id: String,
    /// Who takes part.
    pub members: Vec<Person>,
    /// The latest messages, oldest first.
    pub messages: Vec<Message>,
    /// Others' messages the owner has not read.
    pub unread: u32,
}

/// Unread messages in one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UnreadCount {
    /// The mentorship.
    pub mentorship_id: String,
    /// Others' messages not read yet.
    pub unread: u32,
}

/// The members of a mentorship's conversation: its survivor, its mentor, and the caregivers
/// with a sharing consent in force.
pub(crate) fn conversation_members(c: &Connection, mentorship_id: &str) -> Result<Vec<String>> {
    let m = load_mentorship(c, mentorship_id)?;
    let mut members = vec![m.survivor_id.clone(), m.mentor_id];
    let mut stmt = c.prepare_cached(
        "SELECT caregiver_id FROM consent WHERE survivor_id = ?1 AND scope = 'share_with_caregiver'
           AND withdrawn_at IS NULL AND caregiver_id IS NOT NULL ORDER BY caregiver_id",
    )?;
    for id in stmt.query_map([&m.survivor_id], |r| r.get::<_, String>(0))? {
        members.push(id?);
    }
    Ok(members)
}

/// The owner, who must be a member of the conversation.
pub(crate) fn member(c: &Connection, mentorship_id: &str) -> Result<Person> {
    let me = owner(c)?;
    if conversation_members(c, mentorship_id)?.contains(&me.id) {
        Ok(me)
    } else {
        Err(Error::NotAllowed(
            "only the survivor, the mentor and consented caregivers take part in a conversation",
        ))
    }
}

/// The deterministic id of a member's receipt row, the same on every device (and the only id
/// the server accepts for it).
pub fn receipt_id(mentorship_id: &str, person_id: &str) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_OID,
        format!("passerelle/receipt/{mentorship_id}/{person_id}").as_bytes(),
    )
    .to_string()
}

/// Moves the owner's receipt forward to `delivered`/`read` stamps (never backwards).
fn advance_receipt(
    tx: &mut Tx<'_>,
    mentorship_id: &str,
    me: &str,
    delivered: i64,
    read: i64,
) -> Result<bool> {
    let id = receipt_id(mentorship_id, me);
    let current: Option<(i64, i64)> = tx
        .conn
        .query_row(
            "SELECT delivered_up_to, read_up_to FROM conversation_read WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (old_delivered, old_read) = current.unwrap_or((0, 0));
    let read = read.max(old_read);
    let delivered = delivered.max(read).max(old_delivered);
    if current.is_some() && (delivered, read) == (old_delivered, old_read) {
        return Ok(false);
    }
    tx.upsert(
        Collection::ConversationRead,
        &id,
        vec![
            ("mentorship_id", Value::Text(mentorship_id.to_owned())),
            ("person_id", Value::Text(me.to_owned())),
            ("delivered_up_to", Value::Integer(delivered)),
            ("read_up_to", Value::Integer(read)),
        ],
    )
}

/// Writes one message of `kind` (`text`; `service`, its attachment the service's id; `voice`,
/// its attachment the audio's hash) from the owner, who must be a member, and moves their own
/// read mark past it.
pub(crate) fn write_message(
    tx: &mut Tx<'_>,
    mentorship_id: &str,
    body: String,
    kind: &str,
    attachment: Option<String>,
) -> Result<Message> {
    let me = member(&tx.conn, mentorship_id)?;
    let id = new_id();
    let stamp = tx.insert(
        Collection::Message,
        &id,
        vec![
            ("mentorship_id", Value::Text(mentorship_id.to_owned())),
            ("sender_id", Value::Text(me.id.clone())),
            ("kind", Value::Text(kind.to_owned())),
            ("body", Value::Text(body.clone())),
            ("attachment_ref", attachment.clone().into()),
        ],
    )?;
    // Writing in a conversation means having read it up to here.
    advance_receipt(tx, mentorship_id, &me.id, stamp.as_i64(), stamp.as_i64())?;
    Ok(Message {
        id,
        mentorship_id: mentorship_id.to_owned(),
        sender_id: me.id,
        sender_name: me.display_name,
        mine: true,
        body,
        written_at: tx.now,
        order_stamp: stamp.as_i64(),
        status: MessageStatus::Pending,
        shared_service_id: attachment.filter(|_| kind == "service"),
        voice: None,
    })
}

impl Store {
    /// Writes a message to a conversation the owner takes part in. Works offline: it is queued
    /// and shows as pending until the server accepts it.
    pub fn send_message(&self, mentorship_id: &str, body: &str) -> Result<Message> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        let body = required_text("body", body, MESSAGE_MAX)?;
        self.write(|tx| write_message(tx, &mentorship_id, body, "text", None))
    }

    /// Shares a directory service in a conversation, with an optional note. The survivor sees
    /// it in the conversation and among their shared services, and can bookmark it; the
    /// programme report counts it as a referral.
    pub fn share_service(
        &self,
        mentorship_id: &str,
        service_id: &str,
        note: Option<String>,
    ) -> Result<Message> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        let service_id = parse_id("service_id", service_id)?;
        let note = optional_text("note", note.as_deref(), MESSAGE_MAX)?.unwrap_or_default();
        self.write(|tx| {
            let known: bool = tx.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM dir_service WHERE id = ?1)",
                [&service_id],
                |r| r.get(0),
            )?;
            if !known {
                return Err(Error::NotFound("service"));
            }
            let message = write_message(tx, &mentorship_id, note, "service", Some(service_id))?;
            keep_message_notice(tx, &owner(&tx.conn)?, &message)?;
            Ok(message)
        })
    }

    /// A conversation with its latest `limit` messages (oldest first), members and unread
    /// count, in one call.
    pub fn conversation(&self, mentorship_id: &str, limit: u32) -> Result<Conversation> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        self.read(|c| {
            let me = member(c, &mentorship_id)?;
            let ids = conversation_members(c, &mentorship_id)?;
            let members = ids.iter().filter_map(|id| load_person(c, id).ok()).collect();
            let (my_read, others_read, others_delivered): (i64, i64, i64) = c.query_row(
                "SELECT coalesce(max(CASE WHEN person_id = ?2 THEN read_up_to END), 0),
                        coalesce(max(CASE WHEN person_id <> ?2 THEN read_up_to END), 0),
                        coalesce(max(CASE WHEN person_id <> ?2 THEN delivered_up_to END), 0)
                 FROM conversation_read WHERE mentorship_id = ?1",
                (&mentorship_id, &me.id),
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let mut stmt = c.prepare_cached(
                "SELECT * FROM (
                   SELECT m.id, m.sender_id, coalesce(p.display_name, ''), m.body, m.created_at, m.hlc,
                          EXISTS (SELECT 1 FROM outbox o WHERE o.collection = 'message' AND o.row_id = m.id)
                            OR coalesce(v.state IN ('to_send', 'refused'), 0),
                          CASE WHEN m.kind = 'service' THEN m.attachment_ref END,
                          m.kind, v.media_type, v.duration_ms
                   FROM message m LEFT JOIN person p ON p.id = m.sender_id
                     LEFT JOIN voice_note v ON v.message_id = m.id
                   WHERE m.mentorship_id = ?1 ORDER BY m.hlc DESC, m.id DESC LIMIT ?2)
                 ORDER BY 6, 1",
            )?;
            let messages = stmt
                .query_map((&mentorship_id, limit), |r| {
                    let sender_id: String = r.get(1)?;
                    let stamp: i64 = r.get(5)?;
                    let pending: bool = r.get(6)?;
                    let mine = sender_id == me.id;
                    let status = match (mine, pending) {
                        (true, true) => MessageStatus::Pending,
                        (true, false) if others_read >= stamp => MessageStatus::Read,
                        (true, false) if others_delivered >= stamp => MessageStatus::Delivered,
                        (true, false) => MessageStatus::Sent,
                        (false, _) if my_read >= stamp => MessageStatus::Seen,
                        (false, _) => MessageStatus::Unread,
                    };
                    Ok(Message {
                        id: r.get(0)?,
                        mentorship_id: mentorship_id.clone(),
                        sender_id,
                        sender_name: r.get(2)?,
                        mine,
                        body: r.get(3)?,
                        written_at: r.get(4)?,
                        order_stamp: stamp,
                        status,
                        shared_service_id: r.get(7)?,
                        voice: voice_of(&r.get::<_, String>(8)?, r.get(9)?, r.get(10)?),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let unread: u32 = c.query_row(
                "SELECT count(*) FROM message WHERE mentorship_id = ?1 AND sender_id <> ?2 AND hlc > ?3",
                (&mentorship_id, &me.id, my_read),
                |r| r.get(0),
            )?;
            Ok(Conversation { mentorship_id, members, messages, unread })
        })
    }

    /// Marks everything in a conversation as read by the owner.
    pub fn mark_conversation_read(&self, mentorship_id: &str) -> Result<()> {
        let mentorship_id = parse_id("mentorship_id", mentorship_id)?;
        self.write(|tx| {
            let me = member(&tx.conn, &mentorship_id)?;
            let newest: i64 = tx.conn.query_row(
                "SELECT coalesce(max(hlc), 0) FROM message WHERE mentorship_id = ?1",
                [&mentorship_id],
                |r| r.get(0),
            )?;
            advance_receipt(tx, &mentorship_id, &me.id, newest, newest)?;
            Ok(())
        })
    }

    /// Unread counts of every conversation the owner takes part in.
    pub fn unread_counts(&self) -> Result<Vec<UnreadCount>> {
        self.read(|c| {
            let me = owner(c)?;
            let mut stmt = c.prepare_cached(
                "SELECT m.mentorship_id, count(*) FROM message m
                 WHERE m.sender_id <> ?1
                   AND m.hlc > coalesce((SELECT read_up_to FROM conversation_read r
                                         WHERE r.mentorship_id = m.mentorship_id AND r.person_id = ?1), 0)
                 GROUP BY m.mentorship_id ORDER BY m.mentorship_id",
            )?;
            let rows = stmt.query_map([&me.id], |r| Ok(UnreadCount { mentorship_id: r.get(0)?, unread: r.get(1)? }))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// After a pull: tells the senders that their messages reached this device. Returns
    /// whether a receipt was queued.
    pub(crate) fn mark_delivered(&self) -> Result<bool> {
        self.write(|tx| {
            let Ok(me) = owner(&tx.conn) else { return Ok(false) };
            let newest: Vec<(String, i64)> = tx
                .conn
                .prepare(
                    "SELECT mentorship_id, max(hlc) FROM message WHERE sender_id <> ?1 GROUP BY mentorship_id",
                )?
                .query_map([&me.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut queued = false;
            for (mentorship_id, stamp) in newest {
                if matches!(me.role, Role::Survivor | Role::Mentor | Role::Caregiver)
                    && conversation_members(&tx.conn, &mentorship_id)?.contains(&me.id)
                {
                    queued |= advance_receipt(tx, &mentorship_id, &me.id, stamp, 0)?;
                }
            }
            Ok(queued)
        })
    }
}
