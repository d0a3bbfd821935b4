//! The marketplace side of the service: the catalog, quotes, discovery,
//! working hours, slot checks and alternatives (SPEC K). Reads go through
//! the [`Store`]; the rules are the pure ones in `schedule`, `catalog` and
//! `discovery`.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::{BookingService, ServiceError};
use crate::availability::Availability;
use crate::catalog::{Quote, Selection, Service};
use crate::discovery::{FreeAt, ServiceHit, ServiceQuery};
use crate::ids::{ServiceId, UserId};
use crate::lifecycle::NewBooking;
use crate::ports::{Notifier, PaymentGateway, Store};
use crate::query::Page;
use crate::review::RatingSummary;
use crate::schedule::{check_slot, free_slots, Slot, SlotRefusal};

/// Free slots nearby and other providers free at the time asked (SPEC K4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alternatives {
    /// Free starts of the same provider or team, nearest first.
    pub slots: Vec<DateTime<Utc>>,
    /// Services of the same category by other providers who are free at
    /// the time asked, best rated first.
    pub providers: Vec<ServiceHit>,
}

/// A search for free slots: whose, how long, around when, how many.
///
/// ```
/// use booking_core::*;
/// use chrono::{TimeZone, Utc};
/// let at = Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap();
/// let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, at, 60);
/// let search = SlotSearch::for_booking(&new);
/// assert_eq!((search.limit, search.within.num_days()), (5, 14));
/// # Ok::<(), MoneyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSearch {
    /// The lead (whose hours count) and every member (whose bookings count).
    pub members: Vec<UserId>,
    /// The slot asked for: its start is the point slots are nearest to.
    pub slot: Slot,
    /// How far from the start to look, either way (default 14 days).
    pub within: TimeDelta,
    /// How many slots (default 5).
    pub limit: usize,
}

impl SlotSearch {
    /// Slots like the one a booking request asks for.
    ///
    /// ```
    /// # use booking_core::*;
    /// # use chrono::{TimeZone, Utc};
    /// let team = RevenueSplit::new(vec![SplitMember::new("l", "lead", 50.into()), SplitMember::new("m", "vocals", 50.into())])?;
    /// let new = NewBooking::split("b", "c", team, Money::parse("1 USD")?, Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap(), 60);
    /// assert_eq!(SlotSearch::for_booking(&new).members.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_booking(new: &NewBooking) -> SlotSearch {
        let members = match &new.revenue_split {
            Some(team) => team.user_ids(),
            None => vec![new.provider_id.clone()],
        };
        SlotSearch { members, slot: Slot::of(new), within: TimeDelta::days(14), limit: 5 }
    }
}

impl<S: Store, G: PaymentGateway, N: Notifier> BookingService<S, G, N> {
    /// Adds or replaces a service in the catalog, after checking it.
    ///
    /// ```
    /// use booking_core::*;
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// service.put_service(Service::new("mix", "creator-1", "Mixing", "mixing", Money::parse("200 USD")?, 120)).await?;
    /// assert_eq!(service.service(&"mix".into()).await?.title, "Mixing");
    /// # Ok::<(), ServiceError>(()) }).unwrap();
    /// ```
    pub async fn put_service(&self, service: Service) -> Result<(), ServiceError> {
        service.validate()?;
        Ok(self.retry_store(|| self.store.put_service(&service)).await?)
    }

    /// A service of the catalog (`catalog.not_found` if there is none).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = booking_core::BookingService::in_memory();
    /// assert_eq!(service.service(&"nope".into()).await.unwrap_err().code(), "catalog.not_found");
    /// # });
    /// ```
    pub async fn service(&self, id: &ServiceId) -> Result<Service, ServiceError> {
        let found = self.retry_store(|| self.store.service(id)).await?;
        found.ok_or_else(|| ServiceError::ServiceNotFound { id: id.clone() })
    }

    /// The price of a catalog service with options, line by line.
    ///
    /// ```
    /// use booking_core::*;
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let mix = Service::new("mix", "creator-1", "Mixing", "mixing", Money::parse("200 USD")?, 120)
    ///     .with_option(ServiceOption::new("stems", "Stems export", OptionKind::AddOn { price: Money::parse("15 USD")? }));
    /// service.put_service(mix).await?;
    /// let quote = service.quote(&"mix".into(), &[Selection::one("stems")]).await?;
    /// assert_eq!(quote.total.to_string(), "215.00 USD");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn quote(&self, id: &ServiceId, selections: &[Selection]) -> Result<Quote, ServiceError> {
        Ok(self.service(id).await?.quote(selections)?)
    }

    /// Services matching a discovery query.
    ///
    /// ```
    /// use booking_core::*;
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// service.put_service(Service::new("mix", "creator-1", "Mixing", "mixing", Money::parse("200 USD")?, 120)).await?;
    /// service.put_service(Service::new("voc", "creator-2", "Vocals", "vocals", Money::parse("90 USD")?, 60)).await?;
    /// let page = service.search_services(&ServiceQuery::default().in_category("vocals")).await?;
    /// assert_eq!(page.items[0].service.id.as_str(), "voc");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, ServiceError> {
        Ok(self.retry_store(|| self.store.search_services(query)).await?)
    }

    /// Publishes a provider's working hours.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::Weekday;
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let hours = Availability::new("Europe/Berlin")?.with_hours(&[Weekday::Mon], &["10:00-18:00"])?;
    /// service.put_availability(&"creator-1".into(), hours.clone()).await?;
    /// assert_eq!(service.availability(&"creator-1".into()).await?, Some(hours));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn put_availability(&self, user: &UserId, availability: Availability) -> Result<(), ServiceError> {
        Ok(self.retry_store(|| self.store.put_availability(user, &availability)).await?)
    }

    /// A provider's working hours, if published.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = booking_core::BookingService::in_memory();
    /// assert_eq!(service.availability(&"someone".into()).await.unwrap(), None);
    /// # });
    /// ```
    pub async fn availability(&self, user: &UserId) -> Result<Option<Availability>, ServiceError> {
        Ok(self.retry_store(|| self.store.availability(user)).await?)
    }

    /// A provider's rating from their clients' reviews.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = booking_core::BookingService::in_memory();
    /// assert_eq!(service.rating(&"someone".into()).await.unwrap().count(), 0);
    /// # });
    /// ```
    pub async fn rating(&self, user: &UserId) -> Result<RatingSummary, ServiceError> {
        Ok(self.retry_store(|| self.store.rating(user)).await?)
    }

    /// Free starts near the slot asked for, nearest first (SPEC K4).
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc, Weekday};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(); // a Monday
    /// service.put_availability(&"p".into(), Availability::new("UTC")?.with_hours(&[Weekday::Wed], &["10:00-11:00"])?).await?;
    /// let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::days(2), 60);
    /// let free = service.free_slots(&SlotSearch::for_booking(&new), now).await?;
    /// let wed_10 = now + TimeDelta::days(2) + TimeDelta::hours(1);
    /// assert_eq!(free, vec![wed_10, wed_10 + TimeDelta::days(7)]); // the Wednesday after next is beyond 14 days
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn free_slots(
        &self,
        search: &SlotSearch,
        now: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, ServiceError> {
        let Some(lead) = search.members.first() else { return Ok(Vec::new()) };
        let availability = self.availability(lead).await?;
        let s = &search.slot;
        let from = s.start.checked_sub_signed(search.within + s.buffer).unwrap_or(s.start);
        let to = crate::booking::later(s.start, search.within + s.length + s.buffer);
        let busy = self.retry_store(|| self.store.busy(&search.members, from, to)).await?;
        Ok(free_slots(s, availability.as_ref(), &busy, &search.members, search.within, search.limit, now))
    }

    /// Checks that a booking request's slot is free (SPEC K3); if not,
    /// fails with [`ServiceError::Unavailable`], its reason and
    /// alternatives. [`create`](Self::create) runs this first.
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let service = BookingService::in_memory();
    /// let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
    /// let new = NewBooking::solo("b", "c", "p", Money::parse("1 USD")?, now + TimeDelta::hours(2), 60);
    /// assert_eq!(service.check_slot(&new, now).await.unwrap_err().code(), "schedule.too_soon");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn check_slot(&self, new: &NewBooking, now: DateTime<Utc>) -> Result<(), ServiceError> {
        let search = SlotSearch::for_booking(new);
        let availability = self.availability(&new.provider_id).await?;
        let s = &search.slot;
        let from = s.start.checked_sub_signed(s.buffer).unwrap_or(s.start);
        let busy = self
            .retry_store(|| self.store.busy(&search.members, from, crate::booking::later(s.end(), s.buffer)))
            .await?;
        match check_slot(s, availability.as_ref(), &busy, &search.members, Some(&new.id), now) {
            Ok(()) => Ok(()),
            Err(refusal) => Err(self.unavailable(new, refusal, now).await),
        }
    }

    /// The refusal with its alternatives (or the error finding them).
    pub(super) async fn unavailable(&self, new: &NewBooking, refusal: SlotRefusal, now: DateTime<Utc>) -> ServiceError {
        match self.alternatives(new, &refusal, now).await {
            Ok(alternatives) => ServiceError::Unavailable { refusal, alternatives: Box::new(alternatives) },
            Err(e) => e,
        }
    }

    /// Alternatives to a refused request (SPEC K4): up to 5 free slots of
    /// the same people within 14 days, and up to 5 services of the same
    /// category (if the request names a catalog service) by other
    /// providers free at the time asked, best rated first. When the time
    /// asked is too soon or too far, no provider can take it either.
    async fn alternatives(
        &self,
        new: &NewBooking,
        refusal: &SlotRefusal,
        now: DateTime<Utc>,
    ) -> Result<Alternatives, ServiceError> {
        let slots = self.free_slots(&SlotSearch::for_booking(new), now).await?;
        let timing = matches!(refusal, SlotRefusal::TooSoon { .. } | SlotRefusal::TooFar { .. });
        let category = match self.retry_store(|| self.store.service(&new.service_id)).await? {
            Some(service) if !timing => service.category,
            _ => return Ok(Alternatives { slots, providers: Vec::new() }),
        };
        let query = ServiceQuery {
            category: Some(category),
            free_at: Some(FreeAt { start: new.scheduled_date, buffer: new.policy.buffer }),
            exclude_provider: Some(new.provider_id.clone()),
            limit: 5,
            ..ServiceQuery::default()
        };
        let providers = self.search_services(&query).await?.items;
        Ok(Alternatives { slots, providers })
    }
}
