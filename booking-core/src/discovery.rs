//! Finding services (the seed's "User searches for creators"): filters on
//! category, tags, price, rating and "free at this time", sorted by rating
//! or price, paged. Defined here once so every store answers alike (the
//! conformance suite compares a store with [`ServiceQuery::apply`]).

use chrono::{DateTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::availability::Availability;
use crate::catalog::Service;
use crate::ids::UserId;
use crate::money::Money;
use crate::query::{paged, Page};
use crate::review::RatingSummary;
use crate::schedule::{check_slot, Occupancy, Slot};

/// Order of results. Ties fall back to the service id, so paging is stable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceSort {
    /// Best mean rating first (exact), more reviews first among equals,
    /// unrated last.
    #[default]
    Rating,
    /// Cheapest base price first (grouped by currency).
    PriceAscending,
    /// Dearest base price first (grouped by currency).
    PriceDescending,
}

/// "Free at this time": the service's provider (every member, for a team)
/// could take a session of the service's length starting then, with this
/// buffer around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeAt {
    /// The start asked for.
    pub start: DateTime<Utc>,
    /// The gap wanted on each side.
    #[serde(with = "crate::policy::secs", default = "thirty_minutes")]
    pub buffer: TimeDelta,
}

fn thirty_minutes() -> TimeDelta {
    TimeDelta::minutes(30)
}

impl FreeAt {
    /// Free at `start`, with the standard 30-minute buffer.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let f = booking_core::FreeAt::new(Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap());
    /// assert_eq!(f.buffer.num_minutes(), 30);
    /// ```
    pub fn new(start: DateTime<Utc>) -> FreeAt {
        FreeAt { start, buffer: thirty_minutes() }
    }

    /// `true` when the service's people are free then: inside the lead's
    /// hours (if published) and clear of every member's bookings in `busy`.
    /// Notice and advance are the booking's business, not the provider's,
    /// and are not checked here.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeZone, Utc, Weekday};
    /// let s = Service::new("s", "p", "Mix", "mixing", Money::parse("100 USD")?, 60);
    /// let hours = Availability::new("UTC")?.with_hours(&[Weekday::Wed], &["10:00-12:00"])?;
    /// let wed_10 = FreeAt::new(Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap());
    /// assert!(wed_10.fits(&s, Some(&hours), &[]));
    /// let wed_1130 = FreeAt::new(Utc.with_ymd_and_hms(2026, 7, 1, 11, 30, 0).unwrap());
    /// assert!(!wed_1130.fits(&s, Some(&hours), &[]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fits(&self, service: &Service, availability: Option<&Availability>, busy: &[Occupancy]) -> bool {
        let slot = Slot {
            start: self.start,
            length: TimeDelta::minutes(i64::from(service.estimated_duration_minutes)),
            buffer: self.buffer,
            min_notice: TimeDelta::zero(),
            max_advance: TimeDelta::MAX,
        };
        check_slot(&slot, availability, busy, &service.members(), None, self.start).is_ok()
    }
}

/// A service found, with its provider's rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHit {
    /// The service.
    pub service: Service,
    /// Its provider's (the lead's) rating.
    pub rating: RatingSummary,
}

/// A discovery query. Every filter is optional; text matches ignore ASCII
/// case.
///
/// ```
/// use booking_core::*;
/// let q = ServiceQuery::default()
///     .in_category("mixing")
///     .with_tags(&["hip-hop"])
///     .priced_between(None, Some(Money::parse("300 USD")?))
///     .rated_at_least("4.5".parse()?)
///     .sorted_by(ServiceSort::PriceAscending);
/// assert_eq!(q.limit, 20);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceQuery {
    /// Only this category.
    #[serde(default)]
    pub category: Option<String>,
    /// Only services carrying every one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Only base prices at least this (and in its currency).
    #[serde(default)]
    pub min_price: Option<Money>,
    /// Only base prices at most this (and in its currency).
    #[serde(default)]
    pub max_price: Option<Money>,
    /// Only providers whose exact mean rating is at least this.
    #[serde(default)]
    pub min_rating: Option<Decimal>,
    /// Only services whose people are free then.
    #[serde(default)]
    pub free_at: Option<FreeAt>,
    /// Leave out this provider's services (alternatives to them).
    #[serde(default)]
    pub exclude_provider: Option<UserId>,
    /// Order.
    #[serde(default)]
    pub sort_by: ServiceSort,
    /// Items to skip.
    #[serde(default)]
    pub offset: usize,
    /// Page size, 1 to 100 (default 20).
    #[serde(default = "twenty")]
    pub limit: usize,
}

fn twenty() -> usize {
    20
}

impl Default for ServiceQuery {
    fn default() -> Self {
        ServiceQuery {
            category: None,
            tags: Vec::new(),
            min_price: None,
            max_price: None,
            min_rating: None,
            free_at: None,
            exclude_provider: None,
            sort_by: ServiceSort::Rating,
            offset: 0,
            limit: twenty(),
        }
    }
}

impl ServiceQuery {
    /// Only this category.
    ///
    /// ```
    /// assert_eq!(booking_core::ServiceQuery::default().in_category("vocals").category.as_deref(), Some("vocals"));
    /// ```
    pub fn in_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// Only services with all these tags.
    ///
    /// ```
    /// assert_eq!(booking_core::ServiceQuery::default().with_tags(&["a", "b"]).tags.len(), 2);
    /// ```
    pub fn with_tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// Only base prices in `[min, max]` (either may be open).
    ///
    /// ```
    /// # use booking_core::*;
    /// let q = ServiceQuery::default().priced_between(Some(Money::parse("10 USD")?), None);
    /// assert!(q.max_price.is_none());
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn priced_between(mut self, min: Option<Money>, max: Option<Money>) -> Self {
        self.min_price = min;
        self.max_price = max;
        self
    }

    /// Only providers rated at least `min` on average.
    ///
    /// ```
    /// assert!(booking_core::ServiceQuery::default().rated_at_least(4.into()).min_rating.is_some());
    /// ```
    pub fn rated_at_least(mut self, min: Decimal) -> Self {
        self.min_rating = Some(min);
        self
    }

    /// Only services whose people are free at this time.
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
    /// assert!(booking_core::ServiceQuery::default().free_at(at).free_at.is_some());
    /// ```
    pub fn free_at(mut self, start: DateTime<Utc>) -> Self {
        self.free_at = Some(FreeAt::new(start));
        self
    }

    /// The order.
    ///
    /// ```
    /// use booking_core::{ServiceQuery, ServiceSort};
    /// assert_eq!(ServiceQuery::default().sorted_by(ServiceSort::PriceDescending).sort_by, ServiceSort::PriceDescending);
    /// ```
    pub fn sorted_by(mut self, sort_by: ServiceSort) -> Self {
        self.sort_by = sort_by;
        self
    }

    /// The page: skip `offset`, return at most `limit` (clamped to 1–100).
    ///
    /// ```
    /// assert_eq!(booking_core::ServiceQuery::default().page(0, 0).limit, 1);
    /// ```
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = limit.clamp(1, 100);
        self
    }

    /// `true` when a service passes every filter but "free at", which needs
    /// the provider's time ([`FreeAt::fits`]).
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = Service::new("s", "p", "Mix", "Mixing", Money::parse("100 USD")?, 60);
    /// assert!(ServiceQuery::default().in_category("mixing").matches(&s, &RatingSummary::default()));
    /// assert!(!ServiceQuery::default().rated_at_least(1.into()).matches(&s, &RatingSummary::default()));
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn matches(&self, service: &Service, rating: &RatingSummary) -> bool {
        let price = service.base_price;
        let in_range = |bound: Option<Money>, ok: fn(i64, i64) -> bool| {
            bound.is_none_or(|b| b.currency() == price.currency() && ok(price.minor(), b.minor()))
        };
        self.category.as_deref().is_none_or(|c| service.in_category(c))
            && self.tags.iter().all(|t| service.has_tag(t))
            && in_range(self.min_price, |p, b| p >= b)
            && in_range(self.max_price, |p, b| p <= b)
            && self.min_rating.is_none_or(|min| rating.at_least(min))
            && self.exclude_provider.as_ref().is_none_or(|p| &service.provider_id != p)
    }

    /// Filters (all but "free at", which the caller has applied), sorts and
    /// pages services with their providers' ratings: the reference answer.
    /// Only the page is copied.
    ///
    /// ```
    /// # use booking_core::*;
    /// let a = Service::new("a", "p", "t", "mixing", Money::parse("9 USD")?, 60);
    /// let b = Service::new("b", "q", "t", "mixing", Money::parse("5 USD")?, 60);
    /// let unrated = RatingSummary::default();
    /// let page = ServiceQuery::default().sorted_by(ServiceSort::PriceAscending).apply([(&a, unrated), (&b, unrated)]);
    /// assert_eq!(page.items[0].service.id.as_str(), "b");
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn apply<'a>(&self, services: impl IntoIterator<Item = (&'a Service, RatingSummary)>) -> Page<ServiceHit> {
        let mut items: Vec<(&Service, RatingSummary)> =
            services.into_iter().filter(|(s, r)| self.matches(s, r)).collect();
        let price = |s: &Service| (s.base_price.currency(), s.base_price.minor());
        items.sort_by(|(a, ra), (b, rb)| {
            let order = match self.sort_by {
                ServiceSort::Rating => ra.cmp_best_first(rb),
                ServiceSort::PriceAscending => price(a).cmp(&price(b)),
                ServiceSort::PriceDescending => price(b).cmp(&price(a)),
            };
            order.then_with(|| a.id.cmp(&b.id))
        });
        paged(items, self.offset, self.limit, |(service, rating)| ServiceHit { service: service.clone(), rating })
    }
}
