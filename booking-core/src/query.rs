//! Dashboard queries (SPEC X6): the seed's `getProviderBookings` and
//! `getClientBookings`. The filter and the order are defined here once, so
//! every store answers the same way (the conformance suite checks it).

use serde::{Deserialize, Serialize};

use crate::booking::{Booking, BookingStatus};
use crate::ids::UserId;

/// Whose bookings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "userId", rename_all = "kebab-case")]
pub enum Viewer {
    /// Bookings where the user is the lead or a team member.
    Provider(UserId),
    /// Bookings the user made as a client.
    Client(UserId),
}

/// Sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum SortBy {
    /// The session's start.
    #[default]
    ScheduledDate,
    /// Creation time.
    CreatedAt,
    /// Time of the latest event.
    UpdatedAt,
}

/// A dashboard query: whose bookings, which statuses, in what order, which
/// page. Ties in the sort key are broken by booking id, so paging is stable.
///
/// ```
/// use booking_core::{BookingQuery, BookingStatus, SortBy};
/// let q = BookingQuery::provider("creator-1")
///     .with_statuses(&[BookingStatus::Confirmed, BookingStatus::InProgress])
///     .sorted_by(SortBy::ScheduledDate);
/// assert_eq!(q.limit, 50);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingQuery {
    /// Whose bookings.
    pub viewer: Viewer,
    /// Only these statuses (empty: all).
    #[serde(default)]
    pub statuses: Vec<BookingStatus>,
    /// `false` hides approved and cancelled bookings.
    #[serde(default = "yes")]
    pub include_completed: bool,
    /// Sort key.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Newest (latest) first.
    #[serde(default)]
    pub descending: bool,
    /// Items to skip.
    #[serde(default)]
    pub offset: usize,
    /// Page size, 1 to 100 (default 50).
    #[serde(default = "fifty")]
    pub limit: usize,
}

fn yes() -> bool {
    true
}

fn fifty() -> usize {
    50
}

/// One page of results and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The page.
    pub items: Vec<T>,
    /// Matches before paging.
    pub total: usize,
}

impl BookingQuery {
    /// Bookings where `user` is the lead or a team member.
    ///
    /// ```
    /// let q = booking_core::BookingQuery::provider("p");
    /// assert!(q.include_completed);
    /// ```
    pub fn provider(user: impl Into<UserId>) -> BookingQuery {
        BookingQuery::new(Viewer::Provider(user.into()))
    }

    /// Bookings `user` made as a client.
    ///
    /// ```
    /// let q = booking_core::BookingQuery::client("c").including_completed(false);
    /// assert!(!q.include_completed);
    /// ```
    pub fn client(user: impl Into<UserId>) -> BookingQuery {
        BookingQuery::new(Viewer::Client(user.into()))
    }

    fn new(viewer: Viewer) -> BookingQuery {
        BookingQuery {
            viewer,
            statuses: Vec::new(),
            include_completed: true,
            sort_by: SortBy::ScheduledDate,
            descending: false,
            offset: 0,
            limit: 50,
        }
    }

    /// Only these statuses.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(BookingQuery::client("c").with_statuses(&[BookingStatus::Pending]).statuses.len(), 1);
    /// ```
    pub fn with_statuses(mut self, statuses: &[BookingStatus]) -> Self {
        self.statuses = statuses.to_vec();
        self
    }

    /// Whether approved and cancelled bookings show.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(!BookingQuery::client("c").including_completed(false).include_completed);
    /// ```
    pub fn including_completed(mut self, include: bool) -> Self {
        self.include_completed = include;
        self
    }

    /// The sort key.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(BookingQuery::client("c").sorted_by(SortBy::CreatedAt).sort_by, SortBy::CreatedAt);
    /// ```
    pub fn sorted_by(mut self, sort_by: SortBy) -> Self {
        self.sort_by = sort_by;
        self
    }

    /// The page: skip `offset`, return at most `limit` (clamped to 1–100).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(BookingQuery::client("c").page(10, 500).limit, 100);
    /// ```
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = limit.clamp(1, 100);
        self
    }

    /// `true` when the booking belongs in the result.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeDelta, TimeZone, Utc};
    /// # let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let (b, _) = Booking::create(NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(3), 90), now)?;
    /// assert!(BookingQuery::provider("p").matches(&b));
    /// assert!(!BookingQuery::provider("c").matches(&b));
    /// # Ok::<(), booking_core::Error>(())
    /// ```
    pub fn matches(&self, b: &Booking) -> bool {
        let mine = match &self.viewer {
            Viewer::Provider(u) => b.revenue_split.member(u).is_some(),
            Viewer::Client(u) => &b.client_id == u,
        };
        let done = matches!(b.status, BookingStatus::Approved | BookingStatus::Cancelled);
        mine && (self.statuses.is_empty() || self.statuses.contains(&b.status)) && (self.include_completed || !done)
    }

    /// Filters, sorts and pages `bookings` (the reference answer for a store
    /// that holds bookings in memory).
    ///
    /// ```
    /// # use booking_core::*;
    /// let page = BookingQuery::client("c").apply(Vec::new());
    /// assert_eq!(page.total, 0);
    /// ```
    pub fn apply(&self, bookings: impl IntoIterator<Item = Booking>) -> Page<Booking> {
        let mut items: Vec<Booking> = bookings.into_iter().filter(|b| self.matches(b)).collect();
        let key = |b: &Booking| match self.sort_by {
            SortBy::ScheduledDate => b.scheduled_date,
            SortBy::CreatedAt => b.created_at,
            SortBy::UpdatedAt => b.updated_at,
        };
        items.sort_by(|a, b| {
            let order = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
        paged(items, self.offset, self.limit, |b| b)
    }
}

/// The page of sorted `items` that skips `offset` and holds at most `limit`
/// (clamped to 1–100), each turned into what the page shows.
pub(crate) fn paged<T, U>(items: Vec<T>, offset: usize, limit: usize, show: impl FnMut(T) -> U) -> Page<U> {
    let total = items.len();
    let items = items.into_iter().skip(offset).take(limit.clamp(1, 100)).map(show).collect();
    Page { items, total }
}
