//! Errors. Each area has its own enum with a stable machine code per
//! variant (`"split.sum_not_100"`, `"lifecycle.forbidden"`, …); codes are
//! API and never change meaning, messages are prose for people. [`Error`]
//! gathers them for callers that handle everything in one place.

use chrono::{DateTime, Utc};

use crate::booking::{BookingKind, BookingStatus};
use crate::escrow::LedgerError;
use crate::ids::BookingId;
use crate::money::MoneyError;
use crate::policy::PolicyError;
use crate::split::SplitError;
use crate::transitions::CommandKind;

/// Why a command was refused. Nothing changes when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// The actor may not send this command (a different error from an
    /// invalid transition: the command is possible, just not for them).
    #[error("forbidden: {reason}")]
    Forbidden {
        /// The command.
        command: CommandKind,
        /// Who may, and why this actor may not.
        reason: String,
    },
    /// The command is not possible from the booking's status (B1).
    #[error("cannot {command} a booking that is {status}")]
    InvalidTransition {
        /// The command.
        command: CommandKind,
        /// The booking's status.
        status: BookingStatus,
    },
    /// The booking is closed (B5): reads only.
    #[error("booking {booking} is closed and accepts no more commands")]
    Closed {
        /// The booking.
        booking: BookingId,
    },
    /// A timer command sent before it is due.
    #[error("{command} is not due yet: {reason}")]
    NotDue {
        /// The command.
        command: CommandKind,
        /// What it waits for.
        reason: String,
    },
    /// Confirming after the provider's response window: the card hold may
    /// have lapsed, and the system declines the booking (T1, E2).
    #[error("the provider's response window ended at {deadline}; the booking can no longer be confirmed")]
    Expired {
        /// When the window ended.
        deadline: DateTime<Utc>,
    },
    /// A command for the other kind of booking (solo vs split).
    #[error("{command} does not apply to a {kind:?} booking: {hint}")]
    WrongKind {
        /// The command.
        command: CommandKind,
        /// The booking's kind.
        kind: BookingKind,
        /// What to do instead.
        hint: &'static str,
    },
    /// The actor already did this.
    #[error("{reason}")]
    AlreadyDone {
        /// The command.
        command: CommandKind,
        /// What was already done.
        reason: String,
    },
    /// `deliver` without a `final` file since the last revision request (B2).
    #[error("upload at least one file in category \"final\" before delivering (since the last revision request)")]
    MissingFinalFile,
    /// No revisions left (B3).
    #[error("no revisions left: the service includes {included} and all have been used")]
    NoRevisionsLeft {
        /// Revisions the booking started with.
        included: u32,
    },
    /// Empty or over-long text where text is required.
    #[error("{field} {problem}")]
    InvalidText {
        /// Which text.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// A vote that cannot be cast now.
    #[error("cannot vote now: {reason}")]
    VoteNotOpen {
        /// Why.
        reason: &'static str,
    },
    /// `distribute` with nothing pending.
    #[error("nothing to distribute: the team's pending balance is empty")]
    NothingToDistribute,
    /// A dispute over money already paid out.
    #[error("nothing is left in escrow to dispute")]
    NothingInEscrow,
    /// A review outside the review window (T4).
    #[error("reviews are accepted for {days} days after approval, and that window is over")]
    ReviewWindowClosed {
        /// The window in days.
        days: i64,
    },
    /// A rating outside 1–5.
    #[error("a rating is 1 to 5 stars, got {rating}")]
    InvalidRating {
        /// The rating given.
        rating: u8,
    },
    /// A file upload, share or access was refused (X3).
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// A booking that cannot be created.
    #[error("invalid booking: {reason}")]
    InvalidBooking {
        /// Why.
        reason: String,
    },
    /// A team that does not fit the booking.
    #[error("invalid team: {reason}")]
    InvalidTeam {
        /// Why.
        reason: String,
    },
    /// A dispute resolution whose amounts do not add up (D3).
    #[error("invalid resolution: {reason}")]
    InvalidResolution {
        /// Why.
        reason: String,
    },
    /// A command dated before the booking's latest event.
    #[error("command time {at} is before the booking's last update at {last}")]
    ClockWentBack {
        /// The command's time.
        at: DateTime<Utc>,
        /// The last update.
        last: DateTime<Utc>,
    },
    /// A split problem.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// A money problem.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// A policy problem.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A ledger problem.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A stored history that breaks the rules.
    #[error("corrupt booking: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}

impl LifecycleError {
    /// The stable machine code, e.g. `"lifecycle.forbidden"`.
    ///
    /// ```
    /// use booking_core::{LifecycleError, CommandKind, BookingStatus};
    /// let e = LifecycleError::InvalidTransition { command: CommandKind::Start, status: BookingStatus::Pending };
    /// assert_eq!(e.code(), "lifecycle.invalid_transition");
    /// assert_eq!(e.to_string(), "cannot start a booking that is pending");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            LifecycleError::Forbidden { .. } => "lifecycle.forbidden",
            LifecycleError::InvalidTransition { .. } => "lifecycle.invalid_transition",
            LifecycleError::Closed { .. } => "lifecycle.closed",
            LifecycleError::NotDue { .. } => "lifecycle.not_due",
            LifecycleError::Expired { .. } => "lifecycle.expired",
            LifecycleError::WrongKind { .. } => "lifecycle.wrong_kind",
            LifecycleError::AlreadyDone { .. } => "lifecycle.already_done",
            LifecycleError::MissingFinalFile => "lifecycle.missing_final_file",
            LifecycleError::NoRevisionsLeft { .. } => "lifecycle.no_revisions_left",
            LifecycleError::InvalidText { .. } => "lifecycle.invalid_text",
            LifecycleError::VoteNotOpen { .. } => "lifecycle.vote_not_open",
            LifecycleError::NothingToDistribute => "lifecycle.nothing_to_distribute",
            LifecycleError::NothingInEscrow => "lifecycle.nothing_in_escrow",
            LifecycleError::ReviewWindowClosed { .. } => "lifecycle.review_window_closed",
            LifecycleError::InvalidRating { .. } => "lifecycle.invalid_rating",
            LifecycleError::File(e) => e.code(),
            LifecycleError::InvalidBooking { .. } => "lifecycle.invalid_booking",
            LifecycleError::InvalidTeam { .. } => "lifecycle.invalid_team",
            LifecycleError::InvalidResolution { .. } => "lifecycle.invalid_resolution",
            LifecycleError::ClockWentBack { .. } => "lifecycle.clock_went_back",
            LifecycleError::Split(e) => e.code(),
            LifecycleError::Money(e) => e.code(),
            LifecycleError::Policy(e) => e.code(),
            LifecycleError::Ledger(e) => e.code(),
            LifecycleError::Corrupt { .. } => "booking.corrupt",
        }
    }
}

/// Every error the crate returns, for callers that handle them in one place.
///
/// ```
/// use booking_core::{Error, Money};
/// let err: Error = Money::parse("1.001 USD").unwrap_err().into();
/// assert_eq!(err.code(), "money.too_many_decimals");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Splits.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// Policies.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The ledger.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The lifecycle.
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    /// JSON that is malformed or does not describe a valid value.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// What is wrong.
        message: String,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
    },
    /// A value whose parts are valid but do not fit together.
    #[error("corrupt booking: {reason}")]
    Corrupt {
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// The stable machine code of the underlying error.
    ///
    /// ```
    /// use booking_core::{Booking, Error};
    /// let err = Booking::from_json("[]").unwrap_err();
    /// assert_eq!(err.code(), "json.invalid");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Money(e) => e.code(),
            Error::Split(e) => e.code(),
            Error::Policy(e) => e.code(),
            Error::Ledger(e) => e.code(),
            Error::Lifecycle(e) => e.code(),
            Error::Json { .. } => "json.invalid",
            Error::Corrupt { .. } => "booking.corrupt",
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json { message: e.to_string(), line: e.line(), column: e.column() }
    }
}

/// Reads any of the crate's JSON types (a split, a policy, a command, a
/// booking, …) with errors as [`Error`] rather than `serde_json::Error`.
///
/// ```
/// use booking_core::{from_json, RevenueSplit};
/// let err = from_json::<RevenueSplit>(r#"{"splits":[{"userId":"a","role":"lead","percentage":"99"}]}"#).unwrap_err();
/// assert_eq!(err.code(), "json.invalid");
/// assert!(err.to_string().contains("percentages sum to 99, not 100"));
/// ```
pub fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    serde_json::from_str(json).map_err(Error::from)
}

/// How a caller handles a refusal, read from its stable code: the classes
/// the Python exceptions and the JavaScript `Error` names are made of, so
/// every binding sorts the same code the same way.
///
/// ```
/// use booking_core::ErrorKind;
/// assert_eq!(ErrorKind::of("split.sum_not_100"), ErrorKind::Validation);
/// assert_eq!(ErrorKind::of("lifecycle.forbidden").name(), "ForbiddenError");
/// assert_eq!(ErrorKind::of("schedule.overlap"), ErrorKind::Conflict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input: an amount, a split, a command's payload.
    Validation,
    /// The actor may not do this.
    Forbidden,
    /// Not possible from the booking's status.
    InvalidTransition,
    /// Someone else changed it first, or the slot is taken.
    Conflict,
    /// The payment failed for good; nothing changed.
    PaymentDeclined,
    /// The payment provider kept failing; try later.
    PaymentRetryable,
    /// No such booking, file or service.
    NotFound,
    /// The store failed: neither bad input nor a refusal.
    Unavailable,
}

impl ErrorKind {
    /// The kind of the refusal with this code; unknown codes are
    /// [`ErrorKind::Validation`].
    ///
    /// ```
    /// # use booking_core::ErrorKind;
    /// assert_eq!(ErrorKind::of("payment.unavailable"), ErrorKind::PaymentRetryable);
    /// ```
    pub fn of(code: &str) -> ErrorKind {
        match code {
            "lifecycle.forbidden" | "chat.not_participant" | "file.no_access" => ErrorKind::Forbidden,
            "lifecycle.invalid_transition" | "lifecycle.closed" | "chat.closed" => ErrorKind::InvalidTransition,
            "store.conflict"
            | "store.duplicate"
            | "store.slot_taken"
            | "service.contention"
            | "idempotency.mismatch" => ErrorKind::Conflict,
            c if c.starts_with("schedule.") => ErrorKind::Conflict,
            "payment.declined" => ErrorKind::PaymentDeclined,
            "payment.unavailable" => ErrorKind::PaymentRetryable,
            "store.unavailable" | "store.corrupt" => ErrorKind::Unavailable,
            "service.not_found" | "catalog.not_found" | "file.not_found" => ErrorKind::NotFound,
            _ => ErrorKind::Validation,
        }
    }

    /// The error class name the bindings use: `"ValidationError"`, …, and
    /// the base `"BookingError"` for [`ErrorKind::Unavailable`].
    ///
    /// ```
    /// # use booking_core::ErrorKind;
    /// assert_eq!(ErrorKind::Unavailable.name(), "BookingError");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationError",
            ErrorKind::Forbidden => "ForbiddenError",
            ErrorKind::InvalidTransition => "InvalidTransitionError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::PaymentDeclined => "PaymentDeclinedError",
            ErrorKind::PaymentRetryable => "PaymentRetryableError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Unavailable => "BookingError",
        }
    }
}

/// Every error of the crate: a stable machine code and a message for
/// people, so a binding or a logger can handle them all one way.
///
/// ```
/// use booking_core::{Coded, Currency, Money};
/// fn report(e: &dyn Coded) -> String {
///     format!("{}: {e}", e.code())
/// }
/// let err = Money::from_minor(i64::MAX, Currency::USD).checked_add(Money::from_minor(1, Currency::USD)).unwrap_err();
/// assert!(report(&err).starts_with("money.overflow: "));
/// ```
pub trait Coded: std::fmt::Display {
    /// The stable machine code, e.g. `"split.sum_not_100"`.
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),* $(,)?) => {
        $(impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        })*
    };
}

coded!(
    Error,
    LifecycleError,
    MoneyError,
    SplitError,
    PolicyError,
    LedgerError,
    crate::ports::StoreError,
    crate::files::FileError,
    crate::catalog::CatalogError,
    crate::chat::ChatError,
    crate::service::ServiceError,
    crate::schedule::SlotRefusal,
    crate::availability::ScheduleError,
    crate::metrics::MetricsError,
);
