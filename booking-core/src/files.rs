//! Files on a booking (SPEC X3): who may upload what, the metadata the
//! library keeps (the bytes stay with the caller), share grants with an
//! expiry, and the one question everything else asks: may this actor read
//! this file at this time?
//!
//! Rules, in the order they are checked:
//! - a mediator reads every file of a disputed booking;
//! - nobody reads a file before it was uploaded;
//! - the uploader reads their own file;
//! - the client reads files whose readers include [`FileRole::Client`], a
//!   team member (lead included) those that include [`FileRole::Provider`];
//! - anyone holding a share grant reads the file from the grant until its
//!   expiry, inclusive.
//!
//! A person who leaves the team loses the provider role at once; a share
//! grant is personal and outlives it.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::booking::{Actor, Booking, BookingStatus, Party};
use crate::ids::{BookingId, FileId, UserId};

/// How long a share lasts by default, and at most (X3).
pub const MAX_SHARE_DAYS: i64 = 30;
/// How many users one share may name.
pub const MAX_SHARE_USERS: usize = 50;
/// The longest file id, content type and such.
const MAX_NAME_CHARS: usize = 255;

/// File categories (X3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileCategory {
    /// Reference material (client or team).
    Reference,
    /// Stems (team).
    Stems,
    /// A final deliverable (team); `deliver` needs one (B2).
    Final,
    /// Client feedback.
    Feedback,
}

impl FileCategory {
    /// The categories `party` may upload: the client `reference` and
    /// `feedback`, team members `stems`, `final` and `reference`.
    ///
    /// ```
    /// use booking_core::{FileCategory, Party};
    /// assert!(FileCategory::Final.uploadable_by(Party::Lead));
    /// assert!(!FileCategory::Final.uploadable_by(Party::Client));
    /// ```
    pub fn uploadable_by(self, party: Party) -> bool {
        match party {
            Party::Client => matches!(self, FileCategory::Reference | FileCategory::Feedback),
            Party::Lead | Party::Member => {
                matches!(self, FileCategory::Stems | FileCategory::Final | FileCategory::Reference)
            }
            _ => false,
        }
    }
}

/// Who may read a file by their part on the booking (the seed's
/// `permissions: ['client', 'provider']`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// The client.
    Client,
    /// Every team member, the lead included.
    Provider,
}

/// What the caller tells the library about a file it stored: the
/// `uploadBookingFile` options.
///
/// ```
/// use booking_core::{FileCategory, FileRole, FileUpload};
/// let up = FileUpload::new("mix-v1.wav", FileCategory::Stems, 48_000_000, "audio/wav", "ab".repeat(32))
///     .readable_by(&[FileRole::Provider]);
/// assert!(up.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileUpload {
    /// The caller's id for the file (a storage key or URL), unique on the
    /// booking.
    pub file_id: FileId,
    /// Its category.
    pub category: FileCategory,
    /// Its size in bytes (at least 1).
    pub size_bytes: u64,
    /// Its media type, `type/subtype`.
    pub content_type: String,
    /// The SHA-256 of its bytes, 64 hex digits.
    pub sha256: String,
    /// Who may read it besides the uploader; both roles when not given.
    /// A `final` file must be readable by the client, who approves it.
    #[serde(default)]
    pub readers: Option<BTreeSet<FileRole>>,
}

impl FileUpload {
    /// A file readable by the client and the team.
    ///
    /// ```
    /// use booking_core::{FileCategory, FileUpload};
    /// let up = FileUpload::new("ref.mp3", FileCategory::Reference, 1, "audio/mpeg", "0".repeat(64));
    /// assert_eq!(up.readers, None);
    /// ```
    pub fn new(
        file_id: impl Into<FileId>,
        category: FileCategory,
        size_bytes: u64,
        content_type: impl Into<String>,
        sha256: impl Into<String>,
    ) -> FileUpload {
        FileUpload {
            file_id: file_id.into(),
            category,
            size_bytes,
            content_type: content_type.into(),
            sha256: sha256.into(),
            readers: None,
        }
    }

    /// Restricts who may read it (the uploader always may).
    ///
    /// ```
    /// use booking_core::{FileCategory, FileRole, FileUpload};
    /// let up = FileUpload::new("s.wav", FileCategory::Stems, 1, "audio/wav", "0".repeat(64)).readable_by(&[]);
    /// assert_eq!(up.readers.unwrap().len(), 0);
    /// ```
    pub fn readable_by(mut self, roles: &[FileRole]) -> FileUpload {
        self.readers = Some(roles.iter().copied().collect());
        self
    }

    /// Checks the metadata on its own (the booking's rules come on upload).
    ///
    /// ```
    /// use booking_core::{FileCategory, FileUpload};
    /// let bad = FileUpload::new("f", FileCategory::Final, 0, "audio/wav", "0".repeat(64));
    /// assert_eq!(bad.check().unwrap_err().code(), "file.invalid");
    /// ```
    pub fn check(&self) -> Result<(), FileError> {
        let invalid = |reason: String| Err(FileError::Invalid { reason });
        let id = self.file_id.as_str();
        if id.trim().is_empty() || id.chars().count() > MAX_NAME_CHARS {
            return invalid(format!("a file id is 1 to {MAX_NAME_CHARS} characters"));
        }
        if self.size_bytes == 0 {
            return invalid(format!("file {id} is empty: sizeBytes must be at least 1"));
        }
        if !is_media_type(&self.content_type) {
            return invalid(format!("content type {:?} is not of the form type/subtype", self.content_type));
        }
        if self.sha256.len() != 64 || !self.sha256.bytes().all(|c| c.is_ascii_hexdigit()) {
            return invalid(format!("sha256 of file {id} must be 64 hex digits"));
        }
        if self.category == FileCategory::Final && self.readers.as_ref().is_some_and(|r| !r.contains(&FileRole::Client))
        {
            return invalid(format!("final file {id} must be readable by the client, who approves it"));
        }
        Ok(())
    }

    /// Checks this upload by `party` against the booking (X3).
    pub(crate) fn check_on(&self, booking: &Booking, party: Party) -> Result<(), FileError> {
        if !self.category.uploadable_by(party) {
            return Err(FileError::CategoryNotAllowed { party, category: self.category });
        }
        self.check()?;
        if booking.file(&self.file_id).is_some() {
            return Err(FileError::Duplicate { file: self.file_id.clone() });
        }
        Ok(())
    }

    /// The record kept on the booking.
    pub(crate) fn record(&self, uploaded_by: UserId, uploaded_at: DateTime<Utc>) -> BookingFile {
        BookingFile {
            file_id: self.file_id.clone(),
            category: self.category,
            uploaded_by,
            uploaded_at,
            size_bytes: self.size_bytes,
            content_type: self.content_type.to_ascii_lowercase(),
            sha256: self.sha256.to_ascii_lowercase(),
            readers: self.readers.clone().unwrap_or_else(|| BTreeSet::from([FileRole::Client, FileRole::Provider])),
            shares: Vec::new(),
        }
    }
}

fn is_media_type(s: &str) -> bool {
    let token = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&c));
    s.len() <= MAX_NAME_CHARS && s.split_once('/').is_some_and(|(a, b)| token(a) && token(b))
}

/// Access to one file granted to one user until an expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareGrant {
    /// Who may read.
    pub user_id: UserId,
    /// Who shared it.
    pub granted_by: UserId,
    /// From when.
    pub granted_at: DateTime<Utc>,
    /// Until when, inclusive.
    pub expires_at: DateTime<Utc>,
}

/// A file recorded on the booking (its bytes live with the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingFile {
    /// The file.
    pub file_id: FileId,
    /// Its category.
    pub category: FileCategory,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Media type, lowercase.
    pub content_type: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Who may read it by role.
    pub readers: BTreeSet<FileRole>,
    /// Share grants, the latest per user.
    #[serde(default)]
    pub shares: Vec<ShareGrant>,
}

impl BookingFile {
    /// Records a grant, replacing the user's earlier one (so a share can be
    /// extended or cut short).
    pub(crate) fn grant(&mut self, grant: ShareGrant) {
        self.shares.retain(|g| g.user_id != grant.user_id);
        self.shares.push(grant);
    }
}

/// The expiry of a share asked at `at`: `expires_at`, or 30 days on.
pub(crate) fn share_expiry(
    file: &FileId,
    expires_at: Option<DateTime<Utc>>,
    with: &[UserId],
    at: DateTime<Utc>,
) -> Result<DateTime<Utc>, FileError> {
    let invalid = |reason: String| Err(FileError::InvalidShare { reason });
    if with.is_empty() || with.len() > MAX_SHARE_USERS {
        return invalid(format!("a share names 1 to {MAX_SHARE_USERS} users"));
    }
    if with.iter().any(|u| u.as_str().trim().is_empty()) {
        return invalid("a share names users by non-empty ids".into());
    }
    let longest = crate::booking::later(at, TimeDelta::days(MAX_SHARE_DAYS));
    match expires_at {
        None => Ok(longest),
        Some(e) if e <= at => invalid(format!("the share of {file} would expire at {e}, which is not after {at}")),
        Some(e) if e > longest => {
            invalid(format!("a share lasts at most {MAX_SHARE_DAYS} days: {e} is after {longest}"))
        }
        Some(e) => Ok(e),
    }
}

impl Booking {
    /// The file with this id.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (b, _) = Booking::create(new, now)?;
    /// assert!(b.file(&"nope".into()).is_none());
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn file(&self, id: &FileId) -> Option<&BookingFile> {
        self.files.iter().find(|f| &f.file_id == id).map(|f| &**f)
    }

    /// May `actor` read file `id` at `at` (X3)? The file, or why not. A
    /// mediator reads every file while the booking is disputed; otherwise
    /// nobody reads a file before its upload; the uploader reads their own;
    /// the client and team members read by [`FileRole`]; a share grant
    /// gives access from when it was granted until its expiry, inclusive.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// # let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90);
    /// let (mut b, _) = Booking::create(new, now)?;
    /// let up = FileUpload::new("stems.zip", FileCategory::Stems, 9, "application/zip", "0".repeat(64))
    ///     .readable_by(&[FileRole::Provider]);
    /// let d = decide(&b, &Request::new(Actor::user("p"), Command::UploadFile(up), now))?;
    /// b.apply_all(d.events)?;
    /// assert!(b.file_access(&Actor::user("p"), &"stems.zip".into(), now).is_ok());
    /// assert_eq!(b.file_access(&Actor::user("c"), &"stems.zip".into(), now).unwrap_err().code(), "file.no_access");
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn file_access(&self, actor: &Actor, id: &FileId, at: DateTime<Utc>) -> Result<&BookingFile, FileError> {
        let file = self.file(id).ok_or_else(|| FileError::NotFound { file: id.clone(), booking: self.id.clone() })?;
        let refuse = |reason: String| Err(FileError::NoAccess { actor: actor.to_string(), file: id.clone(), reason });
        if matches!(actor, Actor::Mediator(_)) && self.status == BookingStatus::Disputed {
            return Ok(file);
        }
        let Actor::User(user) = actor else {
            return refuse("only people read files, and mediators only while the booking is disputed".into());
        };
        if at < file.uploaded_at {
            return refuse(format!("it was uploaded at {}", file.uploaded_at));
        }
        let role = match self.party(actor) {
            Some(Party::Client) => Some(FileRole::Client),
            Some(Party::Lead | Party::Member) => Some(FileRole::Provider),
            _ => None,
        };
        if &file.uploaded_by == user || role.is_some_and(|r| file.readers.contains(&r)) {
            return Ok(file);
        }
        match file.shares.iter().find(|g| &g.user_id == user) {
            Some(g) if g.granted_at <= at && at <= g.expires_at => Ok(file),
            Some(g) if at > g.expires_at => refuse(format!("the share expired at {}", g.expires_at)),
            _ => refuse("it is not shared with them and their role may not read it".into()),
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The booking has no such file.
    #[error("booking {booking} has no file {file}")]
    NotFound {
        /// The file.
        file: FileId,
        /// The booking.
        booking: BookingId,
    },
    /// The actor may not read it now.
    #[error("{actor} may not read file {file}: {reason}")]
    NoAccess {
        /// Who asked.
        actor: String,
        /// The file.
        file: FileId,
        /// Why not.
        reason: String,
    },
    /// The actor may read no file of the booking, so has none to share.
    #[error("{actor} may read no file of this booking, so has none to share")]
    NothingToShare {
        /// Who asked.
        actor: String,
    },
    /// This party may not upload this category.
    #[error("the {} may not upload {category:?} files", party.as_str())]
    CategoryNotAllowed {
        /// The uploader's part.
        party: Party,
        /// The category.
        category: FileCategory,
    },
    /// The id is already recorded on the booking.
    #[error("file {file} is already recorded on this booking")]
    Duplicate {
        /// The file.
        file: FileId,
    },
    /// The metadata is not valid.
    #[error("invalid file: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// The share is not valid.
    #[error("invalid share: {reason}")]
    InvalidShare {
        /// What is wrong.
        reason: String,
    },
}

impl FileError {
    /// The stable machine code, e.g. `"file.no_access"`.
    ///
    /// ```
    /// let e = booking_core::FileError::Invalid { reason: "empty".into() };
    /// assert_eq!(e.code(), "file.invalid");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            FileError::NotFound { .. } => "file.not_found",
            FileError::NoAccess { .. } => "file.no_access",
            FileError::NothingToShare { .. } => "file.nothing_to_share",
            FileError::CategoryNotAllowed { .. } => "file.category_not_allowed",
            FileError::Duplicate { .. } => "file.duplicate",
            FileError::Invalid { .. } => "file.invalid",
            FileError::InvalidShare { .. } => "file.invalid_share",
        }
    }
}
