//! The in-memory [`Store`]: bookings, operations, idempotency records, the
//! time each active booking holds per member, the catalog, working hours and
//! ratings, behind one lock so every method is one atomic step.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use super::lock;
use crate::availability::Availability;
use crate::booking::Booking;
use crate::catalog::Service;
use crate::chat::{ChatMessage, MessageCursor, MessagePage, MessageQuery};
use crate::discovery::{ServiceHit, ServiceQuery};
use crate::ids::{BookingId, ServiceId, UserId};
use crate::metrics::{BookingFacts, Metrics, TimeRange};
use crate::ports::{Appended, Commit, IdempotencyRecord, Operation, Store, StoreError};
use crate::query::{BookingQuery, Page};
use crate::review::RatingSummary;
use crate::schedule::Occupancy;

#[derive(Default)]
struct StoreState {
    bookings: HashMap<BookingId, Arc<Booking>>,
    operations: BTreeMap<String, Operation>,
    open: HashMap<BookingId, String>,
    idempotency: HashMap<String, IdempotencyRecord>,
    slots: Slots,
    services: BTreeMap<ServiceId, Service>,
    availability: HashMap<UserId, Availability>,
    ratings: HashMap<UserId, RatingSummary>,
    /// What the metrics need of each booking, by creation time (X7).
    facts: BTreeMap<(DateTime<Utc>, BookingId), BookingFacts>,
    threads: HashMap<BookingId, Thread>,
}

/// One booking's chat, in `(sent_at, seq)` order.
#[derive(Default)]
struct Thread {
    last_seq: u64,
    messages: BTreeMap<MessageCursor, ChatMessage>,
    keys: HashMap<String, MessageCursor>,
}

/// The time held by active bookings and open create claims, indexed by
/// member and start.
#[derive(Default)]
struct Slots {
    held: HashMap<BookingId, Occupancy>,
    by_member: HashMap<UserId, BTreeSet<(DateTime<Utc>, BookingId)>>,
    /// The longest length plus buffer ever held: how far back a booking
    /// that reaches a given time can start.
    reach: TimeDelta,
    /// The widest buffer ever held.
    widest: TimeDelta,
}

impl Slots {
    /// Occupancies of `member` whose buffered span meets `[from, to)`.
    fn near<'a>(&'a self, member: &UserId, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<&'a Occupancy> {
        let Some(starts) = self.by_member.get(member) else { return Vec::new() };
        let lo = from.checked_sub_signed(self.reach).unwrap_or(DateTime::<Utc>::MIN_UTC);
        let hi = crate::booking::later(to, self.widest);
        starts
            .range((lo, BookingId::from(""))..)
            .take_while(|(start, _)| *start <= hi)
            .filter_map(|(_, id)| self.held.get(id))
            .filter(|o| o.meets(from, to))
            .collect()
    }

    /// The first member and booking `occupancy` clashes with.
    fn clash(&self, occupancy: &Occupancy) -> Option<(UserId, BookingId)> {
        let (from, to) = (
            occupancy.start.checked_sub_signed(occupancy.buffer).unwrap_or(DateTime::<Utc>::MIN_UTC),
            crate::booking::later(occupancy.end, occupancy.buffer),
        );
        occupancy.members.iter().find_map(|m| {
            self.near(m, from, to)
                .into_iter()
                .find(|o| {
                    o.booking_id != occupancy.booking_id && o.clashes(occupancy.start, occupancy.end, occupancy.buffer)
                })
                .map(|o| (m.clone(), o.booking_id.clone()))
        })
    }

    /// Fails with `SlotTaken` if `occupancy` clashes.
    fn check(&self, occupancy: &Occupancy) -> Result<(), StoreError> {
        match self.clash(occupancy) {
            Some((member, other)) => Err(StoreError::SlotTaken { id: occupancy.booking_id.clone(), member, other }),
            None => Ok(()),
        }
    }

    /// Makes `id` hold `occupancy` (or nothing).
    fn set(&mut self, id: &BookingId, occupancy: Option<Occupancy>) {
        if let Some(old) = self.held.remove(id) {
            for m in &old.members {
                if let Some(starts) = self.by_member.get_mut(m) {
                    starts.remove(&(old.start, id.clone()));
                }
            }
        }
        if let Some(o) = occupancy {
            self.reach = self.reach.max((o.end - o.start) + o.buffer);
            self.widest = self.widest.max(o.buffer);
            for m in &o.members {
                self.by_member.entry(m.clone()).or_default().insert((o.start, id.clone()));
            }
            self.held.insert(id.clone(), o);
        }
    }

    /// Everything held by any of `members` near `[from, to)`, once each.
    fn busy(&self, members: &[UserId], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Occupancy> {
        let mut seen = BTreeMap::new();
        for m in members {
            for o in self.near(m, from, to) {
                seen.entry(&o.booking_id).or_insert(o);
            }
        }
        seen.into_values().cloned().collect()
    }
}

/// Bookings, operations and idempotency records in memory, with the
/// catalog, working hours and ratings. Keys are kept for the life of the
/// store (SPEC O3 asks for at least 24 hours).
///
/// ```
/// use booking_core::{MemoryStore, Store};
/// let store = MemoryStore::new();
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert!(store.load(&"nope".into()).await?.is_none());
/// # Ok::<(), booking_core::StoreError>(()) }).unwrap();
/// ```
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<StoreState>,
}

impl MemoryStore {
    /// An empty store.
    ///
    /// ```
    /// let _ = booking_core::MemoryStore::new();
    /// ```
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn state(&self) -> Result<MutexGuard<'_, StoreState>, StoreError> {
        lock(&self.state, "store").map_err(|message| StoreError::Unavailable { message })
    }
}

fn check_version(state: &StoreState, id: &BookingId, expected: u64, operation: Option<&str>) -> Result<(), StoreError> {
    let found = state.bookings.get(id).map(|b| b.version);
    match found {
        Some(_) if expected == 0 => return Err(StoreError::Duplicate { id: id.clone() }),
        Some(v) if v != expected => return Err(StoreError::Conflict { id: id.clone(), expected, found: v }),
        None if expected != 0 => return Err(StoreError::Conflict { id: id.clone(), expected, found: 0 }),
        _ => {}
    }
    // Another attempt's lease, or a commit for an operation that is no
    // longer (or never was) open: both lose.
    if state.open.get(id).map(String::as_str) != operation {
        return Err(StoreError::Conflict { id: id.clone(), expected, found: found.unwrap_or(0) });
    }
    Ok(())
}

#[async_trait]
impl Store for MemoryStore {
    async fn load(&self, id: &BookingId) -> Result<Option<Booking>, StoreError> {
        Ok(self.state()?.bookings.get(id).map(|b| Booking::clone(b)))
    }

    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        let mut state = self.state()?;
        let booking = commit.booking;
        let id = &booking.id;
        check_version(&state, id, commit.expected_version, commit.operation)?;
        if booking.version != commit.expected_version + commit.events.len() as u64 {
            return Err(StoreError::Corrupt {
                message: format!("booking {id}'s version does not match its new events"),
            });
        }
        if let Some(record) = commit.idempotency {
            if state.idempotency.contains_key(&record.key) {
                // A racing request with the same key committed first.
                return Err(StoreError::Conflict { id: id.clone(), expected: commit.expected_version, found: 0 });
            }
        }
        let occupancy = Occupancy::of(booking);
        if let Some(o) = occupancy.as_ref().filter(|o| state.slots.held.get(id) != Some(*o)) {
            state.slots.check(o)?;
        }
        // Nothing can fail from here on.
        if let Some(op) = commit.operation {
            state.operations.remove(op);
            state.open.remove(id);
        }
        if let Some(record) = commit.idempotency {
            state.idempotency.insert(record.key.clone(), record.clone());
        }
        state.slots.set(id, occupancy);
        let facts = state
            .facts
            .entry((booking.created_at, id.clone()))
            .or_insert_with(|| BookingFacts::new(booking.created_at));
        let rated_before = facts.client_rating.is_some();
        for event in commit.events {
            facts.record(booking, event);
        }
        // The client reviews once (X5): count it for the lead when it lands.
        if let Some(stars) = facts.client_rating.filter(|_| !rated_before) {
            state.ratings.entry(booking.provider_id.clone()).or_default().add(stars);
        }
        state.bookings.insert(id.clone(), booking.clone());
        Ok(())
    }

    async fn begin(&self, operation: &Operation) -> Result<(), StoreError> {
        let mut state = self.state()?;
        let id = &operation.booking_id;
        check_version(&state, id, operation.expected_version, None)?;
        if let Some(claim) = &operation.claim {
            if claim.booking_id != *id {
                return Err(StoreError::Corrupt {
                    message: format!("operation {} claims for another booking", operation.id),
                });
            }
            state.slots.check(claim)?;
            state.slots.set(id, Some(claim.clone()));
        }
        state.open.insert(id.clone(), operation.id.clone());
        state.operations.insert(operation.id.clone(), operation.clone());
        Ok(())
    }

    async fn abandon(&self, operation_id: &str) -> Result<(), StoreError> {
        let mut state = self.state()?;
        if let Some(op) = state.operations.remove(operation_id) {
            state.open.remove(&op.booking_id);
            if op.claim.is_some() {
                // Back to what the stored booking holds, if anything.
                let held = state.bookings.get(&op.booking_id).and_then(|b| Occupancy::of(b));
                state.slots.set(&op.booking_id, held);
            }
        }
        Ok(())
    }

    async fn mark_compensating(&self, operation_id: &str) -> Result<(), StoreError> {
        let mut state = self.state()?;
        match state.operations.get_mut(operation_id) {
            Some(op) => {
                op.compensating = true;
                Ok(())
            }
            None => Err(StoreError::Conflict { id: BookingId::from(operation_id), expected: 0, found: 0 }),
        }
    }

    async fn open_operations(&self) -> Result<Vec<Operation>, StoreError> {
        Ok(self.state()?.operations.values().cloned().collect())
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self.state()?.idempotency.get(key).cloned())
    }

    async fn query(&self, query: &BookingQuery) -> Result<Page<Booking>, StoreError> {
        let state = self.state()?;
        Ok(query.apply(state.bookings.values().filter(|b| query.matches(b)).map(|b| Booking::clone(b))))
    }

    async fn open_bookings(&self) -> Result<Vec<BookingId>, StoreError> {
        let state = self.state()?;
        let mut ids: Vec<BookingId> =
            state.bookings.values().filter(|b| b.may_have_timers()).map(|b| b.id.clone()).collect();
        ids.sort();
        Ok(ids)
    }

    async fn busy(
        &self,
        members: &[UserId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError> {
        Ok(self.state()?.slots.busy(members, from, to))
    }

    async fn put_service(&self, service: &Service) -> Result<(), StoreError> {
        self.state()?.services.insert(service.id.clone(), service.clone());
        Ok(())
    }

    async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError> {
        Ok(self.state()?.services.get(id).cloned())
    }

    async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, StoreError> {
        let state = self.state()?;
        let rating = |s: &Service| state.ratings.get(&s.provider_id).copied().unwrap_or_default();
        let free = |s: &Service| {
            query.free_at.is_none_or(|at| {
                let length = TimeDelta::minutes(i64::from(s.estimated_duration_minutes));
                let from = at.start.checked_sub_signed(at.buffer).unwrap_or(at.start);
                let busy = state.slots.busy(&s.members(), from, crate::booking::later(at.start, length + at.buffer));
                at.fits(s, state.availability.get(&s.provider_id), &busy)
            })
        };
        let candidates =
            state.services.values().map(|s| (s, rating(s))).filter(|(s, r)| query.matches(s, r) && free(s));
        Ok(query.apply(candidates))
    }

    async fn put_availability(&self, user: &UserId, availability: &Availability) -> Result<(), StoreError> {
        self.state()?.availability.insert(user.clone(), availability.clone());
        Ok(())
    }

    async fn availability(&self, user: &UserId) -> Result<Option<Availability>, StoreError> {
        Ok(self.state()?.availability.get(user).cloned())
    }

    async fn rating(&self, user: &UserId) -> Result<RatingSummary, StoreError> {
        Ok(self.state()?.ratings.get(user).copied().unwrap_or_default())
    }

    async fn append_message(&self, mut message: ChatMessage) -> Result<Appended, StoreError> {
        let mut state = self.state()?;
        let thread = state.threads.entry(message.booking_id.clone()).or_default();
        let replay = message.idempotency_key.as_ref().and_then(|k| thread.keys.get(k));
        if let Some(first) = replay.and_then(|cursor| thread.messages.get(cursor)) {
            return Ok(Appended { message: first.clone(), replayed: true });
        }
        thread.last_seq += 1;
        message.seq = thread.last_seq;
        if let Some(key) = &message.idempotency_key {
            thread.keys.insert(key.clone(), message.cursor());
        }
        thread.messages.insert(message.cursor(), message.clone());
        Ok(Appended { message, replayed: false })
    }

    async fn messages(&self, booking: &BookingId, query: &MessageQuery) -> Result<MessagePage, StoreError> {
        let state = self.state()?;
        let Some(thread) = state.threads.get(booking) else { return Ok(MessagePage::of([], query.limit)) };
        let older = match query.before {
            Some(cursor) => thread.messages.range(..cursor),
            None => thread.messages.range(..),
        };
        Ok(MessagePage::of(older.rev().map(|(_, m)| m.clone()), query.limit))
    }

    async fn metrics(&self, range: &TimeRange) -> Result<Metrics, StoreError> {
        let state = self.state()?;
        let mut metrics = Metrics::new(*range);
        let cohort = state.facts.range((range.from, BookingId::from(""))..).take_while(|((at, _), _)| *at < range.to);
        for (_, facts) in cohort {
            metrics.add_facts(facts);
        }
        Ok(metrics)
    }
}
