//! The transition table as data (SPEC B, B6).
//!
//! [`decide`](crate::decide) checks every command against this table before
//! anything else, so the table, the "what may I do now" answer
//! ([`allowed_commands`](crate::allowed_commands)) and the diagram
//! ([`mermaid`]) cannot drift apart.

use std::fmt::Write as _;

use serde::Serialize;

use crate::booking::{BookingStatus, Party};

/// The kinds of command, for the table and for UI buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommandKind {
    /// Create a booking.
    Create,
    /// A team member accepts a split booking.
    Accept,
    /// The lead confirms a solo booking.
    Confirm,
    /// The lead or a member declines; the system declines unanswered ones.
    Decline,
    /// The lead starts work.
    Start,
    /// The lead delivers.
    Deliver,
    /// The client asks for a revision.
    RequestRevision,
    /// The client approves; the system approves after the review period.
    Approve,
    /// The client or the lead cancels.
    Cancel,
    /// The client or a member raises a dispute.
    Dispute,
    /// A mediator resolves a dispute.
    Resolve,
    /// A member votes on the release.
    Vote,
    /// The system closes the release vote window.
    CloseVote,
    /// The lead pays out the team's pending balance.
    Distribute,
    /// The lead proposes a new team.
    ProposeTeam,
    /// A member (old or new) accepts a proposed team.
    AcceptTeamChange,
    /// A participant records a file.
    UploadFile,
    /// Share a file with named users.
    ShareFile,
    /// The client or the lead writes a review.
    Review,
}

impl CommandKind {
    /// The kebab-case name: `"request-revision"`.
    ///
    /// ```
    /// assert_eq!(booking_core::CommandKind::RequestRevision.as_str(), "request-revision");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::Create => "create",
            CommandKind::Accept => "accept",
            CommandKind::Confirm => "confirm",
            CommandKind::Decline => "decline",
            CommandKind::Start => "start",
            CommandKind::Deliver => "deliver",
            CommandKind::RequestRevision => "request-revision",
            CommandKind::Approve => "approve",
            CommandKind::Cancel => "cancel",
            CommandKind::Dispute => "dispute",
            CommandKind::Resolve => "resolve",
            CommandKind::Vote => "vote",
            CommandKind::CloseVote => "close-vote",
            CommandKind::Distribute => "distribute",
            CommandKind::ProposeTeam => "propose-team",
            CommandKind::AcceptTeamChange => "accept-team-change",
            CommandKind::UploadFile => "upload-file",
            CommandKind::ShareFile => "share-file",
            CommandKind::Review => "review",
        }
    }
}

impl std::fmt::Display for CommandKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table: a command, the statuses it may start from, the
/// other statuses it may lead to (empty when it never changes the status by
/// itself), and who may send it. A team change can also set off what the
/// commands it stands in for would: a `propose-team` that leaves every
/// member of a pending split booking accepted confirms it, like the last
/// `accept`; a change applied after delivery counts the release vote again
/// over the new team, and a failed vote disputes, like a `vote` (R4, R5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The command.
    pub command: CommandKind,
    /// Statuses it is allowed from (empty for `create`).
    pub from: &'static [BookingStatus],
    /// Statuses it can lead to.
    pub to: &'static [BookingStatus],
    /// Who may send it.
    pub who: &'static [Party],
}

use BookingStatus::{Approved, Cancelled, Completed, Confirmed, Disputed, InProgress, Pending, Revision};
use Party::{Client, Invitee, Lead, Mediator, Member, System};

const fn row(
    command: CommandKind,
    from: &'static [BookingStatus],
    to: &'static [BookingStatus],
    who: &'static [Party],
) -> Transition {
    Transition { command, from, to, who }
}

/// Statuses in which the team may still change (S10).
const OPEN_TEAM: &[BookingStatus] = &[Pending, Confirmed, InProgress, Revision, Completed];
/// The same, after confirmation: a change there needs everyone's acceptance.
const OPEN_WORK: &[BookingStatus] = &[Confirmed, InProgress, Revision, Completed];

/// Statuses in which files may be recorded and shared (all but cancelled).
const FILES_OPEN: &[BookingStatus] = &[Pending, Confirmed, InProgress, Revision, Completed, Approved, Disputed];

/// The lifecycle, row by row (the SPEC's table plus votes, team changes,
/// files, reviews and distribution).
pub const TRANSITIONS: &[Transition] = &[
    row(CommandKind::Create, &[], &[Pending], &[Client]),
    row(CommandKind::Accept, &[Pending], &[Confirmed], &[Lead, Member]),
    row(CommandKind::Confirm, &[Pending], &[Confirmed], &[Lead]),
    row(CommandKind::Decline, &[Pending], &[Cancelled], &[Lead, Member, System]),
    row(CommandKind::Start, &[Confirmed], &[InProgress], &[Lead]),
    row(CommandKind::Deliver, &[InProgress, Revision], &[Completed], &[Lead]),
    row(CommandKind::RequestRevision, &[Completed], &[Revision], &[Client]),
    row(CommandKind::Approve, &[Completed], &[Approved], &[Client, System]),
    row(CommandKind::Cancel, &[Pending, Confirmed], &[Cancelled], &[Client, Lead]),
    row(CommandKind::Dispute, &[InProgress, Revision, Completed, Approved], &[Disputed], &[Client, Lead, Member]),
    row(CommandKind::Resolve, &[Disputed], &[Approved, Cancelled, InProgress], &[Mediator]),
    row(CommandKind::Vote, &[InProgress, Revision, Completed, Approved], &[Disputed], &[Lead, Member]),
    row(CommandKind::CloseVote, &[Approved], &[Disputed], &[System]),
    row(CommandKind::Distribute, &[Approved, Cancelled], &[], &[Lead]),
    row(CommandKind::ProposeTeam, OPEN_TEAM, &[], &[Lead]),
    row(CommandKind::AcceptTeamChange, OPEN_WORK, &[], &[Lead, Member, Invitee]),
    row(CommandKind::UploadFile, FILES_OPEN, &[], &[Client, Lead, Member]),
    row(CommandKind::ShareFile, FILES_OPEN, &[], &[Client, Lead, Member]),
    row(CommandKind::Review, &[Approved], &[], &[Client, Lead]),
];

/// The row for a command.
///
/// ```
/// use booking_core::{transition, BookingStatus, CommandKind};
/// assert_eq!(transition(CommandKind::Start).from, &[BookingStatus::Confirmed]);
/// ```
pub fn transition(command: CommandKind) -> &'static Transition {
    TRANSITIONS.iter().find(|t| t.command == command).unwrap_or(&TRANSITIONS[0])
}

/// The lifecycle as a Mermaid state diagram: every status change the table
/// allows, labelled with the command and who may send it. Commands that do
/// not change the status (votes, files, reviews) are left out.
///
/// ```
/// let diagram = booking_core::mermaid();
/// assert!(diagram.starts_with("stateDiagram-v2"));
/// assert!(diagram.contains("pending --> confirmed : confirm (lead)"));
/// ```
pub fn mermaid() -> String {
    let mut out = String::from("stateDiagram-v2\n");
    let name = |s: BookingStatus| s.as_str().replace('-', "_");
    for t in TRANSITIONS {
        let who: Vec<&str> = t.who.iter().map(|p| p.as_str()).collect();
        let label = format!("{} ({})", t.command, who.join(", "));
        if t.from.is_empty() {
            for to in t.to {
                let _ = writeln!(out, "    [*] --> {} : {label}", name(*to));
            }
        }
        for from in t.from {
            for to in t.to.iter().filter(|to| *to != from) {
                let _ = writeln!(out, "    {} --> {} : {label}", name(*from), name(*to));
            }
        }
    }
    out
}
