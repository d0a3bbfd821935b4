//! Notification intents (SPEC X4): what to tell whom after each event. The
//! core only says what should be sent; a [`Notifier`](crate::Notifier)
//! delivers. Recipients never include the actor who caused the event.

use serde::{Deserialize, Serialize};

use crate::booking::{Actor, Booking, BookingStatus, PaymentStatus};
use crate::chat::ChatMessage;
use crate::event::{Event, EventKind};
use crate::ids::{BookingId, FileId, UserId};

/// How to reach people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// The app's notification feed.
    InApp,
    /// Email.
    Email,
}

/// What the notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotificationKind {
    /// A new booking request for the team.
    BookingRequested,
    /// The booking is confirmed.
    BookingConfirmed,
    /// The status changed.
    StatusChanged,
    /// Money was held, released or refunded.
    PaymentConfirmation,
    /// Work was delivered.
    Completed,
    /// Please review.
    ReviewRequest,
    /// Please vote on the release.
    VoteRequest,
    /// A dispute was raised; a mediator is needed.
    DisputeRaised,
    /// A command's payment steps were rolled back.
    Rollback,
    /// A new chat message.
    ChatMessage,
    /// A file was shared with the recipients.
    FileShared,
}

/// The message or file a notification is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", rename_all_fields = "camelCase")]
pub enum Subject {
    /// A chat message.
    Message {
        /// Its place in the thread.
        seq: u64,
    },
    /// A file of the booking.
    File {
        /// The file.
        file_id: FileId,
    },
}

/// One notification to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationIntent {
    /// What about.
    pub kind: NotificationKind,
    /// Channel.
    pub channel: Channel,
    /// The booking.
    pub booking_id: BookingId,
    /// Who receives it (never the actor).
    pub recipients: Vec<UserId>,
    /// Also tell the platform's mediators.
    pub mediators: bool,
    /// The status before, when it changed.
    pub old_status: Option<BookingStatus>,
    /// The status after.
    pub new_status: BookingStatus,
    /// The payment status after.
    pub payment_status: PaymentStatus,
    /// Who caused it.
    pub by: Actor,
    /// The message or file it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
}

/// The intents for `events`, just applied to `booking`.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (mut b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// let d = decide(&b, &Request::new(Actor::user("p"), Command::Confirm, now))?;
/// b.apply_all(d.events.clone())?;
/// let intents = notification_intents(&b, &d.events);
/// let email = intents.iter().find(|i| i.kind == NotificationKind::BookingConfirmed && i.channel == Channel::Email).unwrap();
/// assert_eq!(email.recipients, vec![UserId::from("c")]);
/// # Ok::<(), booking_core::Error>(())
/// ```
pub fn notification_intents(booking: &Booking, events: &[Event]) -> Vec<NotificationIntent> {
    let mut out = Vec::new();
    for event in events {
        let everyone = || everyone(booking);
        let team = || booking.team_members();
        let client = || vec![booking.client_id.clone()];
        let subject = match &event.kind {
            EventKind::FileUploaded { file } => Some(Subject::File { file_id: file.file_id.clone() }),
            EventKind::FileShared { file_id, .. } => Some(Subject::File { file_id: file_id.clone() }),
            _ => None,
        };
        let mut push = |kind,
                        channels: &[Channel],
                        recipients: Vec<UserId>,
                        old_status: Option<BookingStatus>,
                        mediators: bool| {
            let recipients: Vec<UserId> = recipients.into_iter().filter(|u| event.actor.user_id() != Some(u)).collect();
            if recipients.is_empty() && !mediators {
                return;
            }
            for &channel in channels {
                out.push(NotificationIntent {
                    kind,
                    channel,
                    booking_id: booking.id.clone(),
                    recipients: recipients.clone(),
                    mediators,
                    old_status,
                    new_status: booking.status,
                    payment_status: booking.payment_status,
                    by: event.actor.clone(),
                    subject: subject.clone(),
                });
            }
        };
        const BOTH: &[Channel] = &[Channel::InApp, Channel::Email];
        const APP: &[Channel] = &[Channel::InApp];
        match &event.kind {
            EventKind::Created { .. } => push(NotificationKind::BookingRequested, BOTH, team(), None, false),
            EventKind::StatusChanged { from, to } => {
                let kind = match to {
                    BookingStatus::Confirmed => NotificationKind::BookingConfirmed,
                    BookingStatus::Completed => NotificationKind::Completed,
                    BookingStatus::Approved => NotificationKind::ReviewRequest,
                    BookingStatus::Disputed => NotificationKind::DisputeRaised,
                    _ => NotificationKind::StatusChanged,
                };
                push(kind, BOTH, everyone(), Some(*from), *to == BookingStatus::Disputed);
            }
            EventKind::PaymentStatusChanged { to, .. } => {
                let recipients = match to {
                    PaymentStatus::Held | PaymentStatus::Refunded | PaymentStatus::Voided => client(),
                    PaymentStatus::Released | PaymentStatus::PartiallyRefunded => everyone(),
                    _ => continue,
                };
                push(NotificationKind::PaymentConfirmation, BOTH, recipients, None, false);
            }
            EventKind::VoteWindowOpened { .. } => push(NotificationKind::VoteRequest, APP, team(), None, false),
            EventKind::PaymentFailed { .. } => push(NotificationKind::Rollback, BOTH, everyone(), None, false),
            EventKind::FileShared { with, .. } => push(NotificationKind::FileShared, APP, with.clone(), None, false),
            _ => {}
        }
    }
    out
}

/// The intent for a new chat message: every other participant is told in
/// the app (mediators too while the booking is disputed).
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeDelta, TimeZone, Utc};
/// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
/// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
/// let message = NewMessage::text("hello").check(&b, &Actor::user("c"), now)?;
/// let intent = message_intent(&b, &message).unwrap();
/// assert_eq!(intent.recipients, vec![UserId::from("p")]);
/// assert_eq!(intent.kind, NotificationKind::ChatMessage);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn message_intent(booking: &Booking, message: &ChatMessage) -> Option<NotificationIntent> {
    let sender = message.sender.user_id();
    let recipients: Vec<UserId> = everyone(booking).into_iter().filter(|u| Some(u) != sender).collect();
    let mediators = booking.status == BookingStatus::Disputed && !matches!(message.sender, Actor::Mediator(_));
    if recipients.is_empty() && !mediators {
        return None;
    }
    Some(NotificationIntent {
        kind: NotificationKind::ChatMessage,
        channel: Channel::InApp,
        booking_id: booking.id.clone(),
        recipients,
        mediators,
        old_status: None,
        new_status: booking.status,
        payment_status: booking.payment_status,
        by: message.sender.clone(),
        subject: Some(Subject::Message { seq: message.seq }),
    })
}

/// The client and the team.
fn everyone(booking: &Booking) -> Vec<UserId> {
    let mut all = vec![booking.client_id.clone()];
    all.extend(booking.team_members());
    all
}
