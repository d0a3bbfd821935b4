//! [`KvStore`]: the store contract on top of conditional writes.
//!
//! Keys (ids escaped so none reaches into another's prefix): `booking/<id>`, `lease/<booking>` (the open operation's id),
//! `op/<operation>`, `idem/<key>`, `holds/<booking>` (the occupancy a
//! booking or its open claim holds), `held/<member>` (every occupancy of a
//! member), `service/<id>`, `hours/<user>`, `thread/<booking>` (the last
//! message seq), `msg/<booking>/<time>/<seq>` and `msgkey/<booking>/<key>`.
//! Every change reads what it depends on and writes with those versions
//! expected, so a racing writer makes the batch fail and the change is
//! refused (`Conflict`) or retried, never half-applied.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Kv, Versioned, Write};
use crate::availability::Availability;
use crate::booking::{later, Booking};
use crate::catalog::Service;
use crate::chat::{ChatMessage, MessageCursor, MessagePage, MessageQuery};
use crate::discovery::{ServiceHit, ServiceQuery};
use crate::ids::{BookingId, ServiceId, UserId};
use crate::metrics::{BookingFacts, Metrics, TimeRange};
use crate::ports::{Appended, Commit, IdempotencyRecord, Operation, Store, StoreError};
use crate::query::{BookingQuery, Page};
use crate::review::RatingSummary;
use crate::schedule::Occupancy;

/// How often a write that only lost a race with an unrelated change (a
/// chat counter, a member's schedule) is tried again before `Conflict`.
const RETRIES: usize = 16;

/// A [`Store`] over any [`Kv`].
///
/// ```
/// use booking_core::{KvStore, MemoryKv, Store};
/// let store = KvStore::new(MemoryKv::default());
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert!(store.load(&"nope".into()).await?.is_none());
/// # Ok::<(), booking_core::StoreError>(()) }).unwrap();
/// ```
pub struct KvStore<K> {
    kv: K,
}

impl<K: Kv> KvStore<K> {
    /// Wraps a key-value store.
    ///
    /// ```
    /// let _ = booking_core::KvStore::new(booking_core::MemoryKv::default());
    /// ```
    pub fn new(kv: K) -> KvStore<K> {
        KvStore { kv }
    }

    /// The key-value store inside.
    ///
    /// ```
    /// let s = booking_core::KvStore::new(booking_core::MemoryKv::default());
    /// let _kv: &booking_core::MemoryKv = s.kv();
    /// ```
    pub fn kv(&self) -> &K {
        &self.kv
    }

    async fn doc<T: DeserializeOwned>(&self, key: &str) -> Result<(u64, Option<T>), StoreError> {
        match self.kv.get(key).await? {
            Some(v) => Ok((v.version, Some(parse(key, &v)?))),
            None => Ok((0, None)),
        }
    }

    async fn all<T: DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>, StoreError> {
        self.kv.scan(prefix).await?.iter().map(|(k, v)| parse(k, v)).collect()
    }

    async fn bookings(&self) -> Result<Vec<Booking>, StoreError> {
        self.all("booking/").await
    }

    /// The schedules of `members`, with their versions.
    async fn schedules(&self, members: &[UserId]) -> Result<BTreeMap<UserId, (u64, Vec<Occupancy>)>, StoreError> {
        let mut out = BTreeMap::new();
        for m in members {
            if !out.contains_key(m) {
                let (version, held) = self.doc::<Vec<Occupancy>>(&key("held", m)).await?;
                out.insert(m.clone(), (version, held.unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// The writes that make booking `id` hold `new` instead of `old`,
    /// failing with `SlotTaken` if `new` clashes with a member's other time.
    async fn hold(
        &self,
        id: &BookingId,
        holds_version: u64,
        old: Option<&Occupancy>,
        new: Option<&Occupancy>,
    ) -> Result<Vec<Write>, StoreError> {
        if old == new {
            // Unchanged: touching the members' schedules would only make
            // unrelated commits of the same people conflict.
            return Ok(Vec::new());
        }
        let members: Vec<UserId> =
            old.iter().chain(new.iter()).flat_map(|o| o.members.iter().cloned()).collect::<Vec<_>>();
        let mut schedules = self.schedules(&members).await?;
        if let Some(o) = new {
            for m in &o.members {
                let held = schedules.get(m).map(|(_, h)| h.as_slice()).unwrap_or_default();
                if let Some(other) = held.iter().find(|h| h.booking_id != *id && h.clashes(o.start, o.end, o.buffer)) {
                    return Err(StoreError::SlotTaken {
                        id: id.clone(),
                        member: m.clone(),
                        other: other.booking_id.clone(),
                    });
                }
            }
        }
        let mut writes = Vec::new();
        for (member, (version, held)) in &mut schedules {
            held.retain(|h| h.booking_id != *id);
            if let Some(o) = new.filter(|o| o.members.contains(member)) {
                held.push(o.clone());
            }
            writes.push(put_or_delete(key("held", member), *version, (!held.is_empty()).then_some(&*held))?);
        }
        writes.push(put_or_delete(key("holds", id), holds_version, new)?);
        Ok(writes)
    }

    /// Runs `attempt` until its batch applies, up to [`RETRIES`] times.
    async fn retrying<F, Fut>(&self, id: &BookingId, mut attempt: F) -> Result<(), StoreError>
    where
        F: FnMut() -> Fut + Send,
        Fut: std::future::Future<Output = Result<Vec<Write>, StoreError>> + Send,
    {
        for _ in 0..RETRIES {
            if self.kv.write(attempt().await?).await? {
                return Ok(());
            }
        }
        Err(StoreError::Conflict { id: id.clone(), expected: 0, found: 0 })
    }

    async fn ratings(&self) -> Result<HashMap<UserId, RatingSummary>, StoreError> {
        let mut out: HashMap<UserId, RatingSummary> = HashMap::new();
        for b in self.bookings().await? {
            // The client's review, as the metrics and the memory store count it.
            if let Some(stars) = BookingFacts::of(&b).client_rating {
                out.entry(b.provider_id).or_default().add(stars);
            }
        }
        Ok(out)
    }

    /// Checks the stored version and the lease as a commit or a begin
    /// needs them: the booking document's version, and the lease's.
    async fn check_booking(
        &self,
        id: &BookingId,
        expected: u64,
        operation: Option<&str>,
    ) -> Result<(u64, u64), StoreError> {
        let (doc_version, stored) = self.doc::<Booking>(&key("booking", id)).await?;
        let found = stored.as_ref().map(|b| b.version);
        match found {
            Some(_) if expected == 0 => return Err(StoreError::Duplicate { id: id.clone() }),
            Some(v) if v != expected => return Err(StoreError::Conflict { id: id.clone(), expected, found: v }),
            None if expected != 0 => return Err(StoreError::Conflict { id: id.clone(), expected, found: 0 }),
            _ => {}
        }
        // Another attempt's lease, or a commit for an operation that is no
        // longer (or never was) open: both lose.
        let (lease_version, lease) = self.doc::<String>(&key("lease", id)).await?;
        if lease.as_deref() != operation {
            return Err(StoreError::Conflict { id: id.clone(), expected, found: found.unwrap_or(0) });
        }
        Ok((doc_version, lease_version))
    }
}

/// `<kind>/<id>` with `%` and `/` in the id escaped, so no id can reach
/// into another's prefix.
fn key(kind: &str, id: impl std::fmt::Display) -> String {
    format!("{kind}/{}", id.to_string().replace('%', "%25").replace('/', "%2F"))
}

fn parse<T: DeserializeOwned>(key: &str, v: &Versioned) -> Result<T, StoreError> {
    serde_json::from_str(&v.value).map_err(|e| StoreError::Corrupt { message: format!("{key}: {e}") })
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt { message: e.to_string() })
}

fn put_or_delete<T: Serialize + ?Sized>(key: String, expected: u64, value: Option<&T>) -> Result<Write, StoreError> {
    Ok(match value {
        Some(v) => Write::Put { key, expected, value: json(v)? },
        None if expected == 0 => Write::Check { key, expected },
        None => Write::Delete { key, expected },
    })
}

/// `msg/<booking>/<time>/<seq>`: key order is `(sent_at, seq)` order.
fn message_key(booking: &BookingId, cursor: &MessageCursor) -> String {
    let secs = cursor.at.timestamp().saturating_add(1 << 40);
    format!("{}/{secs:016}.{:09}/{:020}", key("msg", booking), cursor.at.timestamp_subsec_nanos(), cursor.seq)
}

#[async_trait]
impl<K: Kv> Store for KvStore<K> {
    async fn load(&self, id: &BookingId) -> Result<Option<Booking>, StoreError> {
        Ok(self.doc(&key("booking", id)).await?.1)
    }

    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        let booking = commit.booking;
        let id = &booking.id;
        let (doc_version, lease_version) = self.check_booking(id, commit.expected_version, commit.operation).await?;
        if booking.version != commit.expected_version + commit.events.len() as u64 {
            return Err(StoreError::Corrupt {
                message: format!("booking {id}'s version does not match its new events"),
            });
        }
        let conflict = || StoreError::Conflict { id: id.clone(), expected: commit.expected_version, found: 0 };
        let mut writes = vec![Write::Put { key: key("booking", id), expected: doc_version, value: json(&**booking)? }];
        if let Some(record) = commit.idempotency {
            let k = key("idem", &record.key);
            if self.kv.get(&k).await?.is_some() {
                // A racing request with the same key committed first.
                return Err(conflict());
            }
            writes.push(Write::Put { key: k, expected: 0, value: json(record)? });
        }
        if let Some(op) = commit.operation {
            let op_version = self.kv.get(&key("op", op)).await?.map_or(0, |v| v.version);
            writes.push(Write::Delete { key: key("lease", id), expected: lease_version });
            writes.push(Write::Delete { key: key("op", op), expected: op_version });
        }
        let (holds_version, old) = self.doc::<Occupancy>(&key("holds", id)).await?;
        writes.extend(self.hold(id, holds_version, old.as_ref(), Occupancy::of(booking).as_ref()).await?);
        if self.kv.write(writes).await? {
            Ok(())
        } else {
            Err(conflict())
        }
    }

    async fn begin(&self, operation: &Operation) -> Result<(), StoreError> {
        let id = &operation.booking_id;
        let (doc_version, _) = self.check_booking(id, operation.expected_version, None).await?;
        let mut writes = vec![
            Write::Check { key: key("booking", id), expected: doc_version },
            Write::Put { key: key("lease", id), expected: 0, value: json(&operation.id)? },
            Write::Put { key: key("op", &operation.id), expected: 0, value: json(operation)? },
        ];
        if let Some(claim) = &operation.claim {
            if claim.booking_id != *id {
                return Err(StoreError::Corrupt {
                    message: format!("operation {} claims for another booking", operation.id),
                });
            }
            let (holds_version, old) = self.doc::<Occupancy>(&key("holds", id)).await?;
            writes.extend(self.hold(id, holds_version, old.as_ref(), Some(claim)).await?);
        }
        if self.kv.write(writes).await? {
            Ok(())
        } else {
            Err(StoreError::Conflict { id: id.clone(), expected: operation.expected_version, found: 0 })
        }
    }

    async fn abandon(&self, operation_id: &str) -> Result<(), StoreError> {
        let op_key = key("op", operation_id);
        let Some(id) = self.doc::<Operation>(&op_key).await?.1.map(|op| op.booking_id) else { return Ok(()) };
        let id = &id;
        self.retrying(id, || async {
            let (op_version, op) = self.doc::<Operation>(&op_key).await?;
            let Some(op) = op else { return Ok(Vec::new()) };
            let (lease_version, _) = self.doc::<String>(&key("lease", id)).await?;
            let mut writes = vec![
                Write::Delete { key: op_key.clone(), expected: op_version },
                Write::Delete { key: key("lease", id), expected: lease_version },
            ];
            if op.claim.is_some() {
                // Back to what the stored booking holds, if anything.
                let stored = self.doc::<Booking>(&key("booking", id)).await?.1;
                let (holds_version, old) = self.doc::<Occupancy>(&key("holds", id)).await?;
                let held = stored.as_ref().and_then(Occupancy::of);
                writes.extend(self.hold(id, holds_version, old.as_ref(), held.as_ref()).await?);
            }
            Ok(writes)
        })
        .await
    }

    async fn mark_compensating(&self, operation_id: &str) -> Result<(), StoreError> {
        let k = key("op", operation_id);
        let missing = || StoreError::Conflict { id: BookingId::from(operation_id), expected: 0, found: 0 };
        let (version, op) = self.doc::<Operation>(&k).await?;
        let mut op = op.ok_or_else(missing)?;
        op.compensating = true;
        if self.kv.write(vec![Write::Put { key: k, expected: version, value: json(&op)? }]).await? {
            Ok(())
        } else {
            Err(missing())
        }
    }

    async fn open_operations(&self) -> Result<Vec<Operation>, StoreError> {
        self.all("op/").await
    }

    async fn idempotency(&self, idempotency_key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self.doc(&key("idem", idempotency_key)).await?.1)
    }

    async fn query(&self, query: &BookingQuery) -> Result<Page<Booking>, StoreError> {
        Ok(query.apply(self.bookings().await?))
    }

    async fn open_bookings(&self) -> Result<Vec<BookingId>, StoreError> {
        let mut ids: Vec<BookingId> =
            self.bookings().await?.into_iter().filter(|b| b.may_have_timers()).map(|b| b.id).collect();
        ids.sort();
        Ok(ids)
    }

    async fn busy(
        &self,
        members: &[UserId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Occupancy>, StoreError> {
        let mut seen = BTreeMap::new();
        for (_, (_, held)) in self.schedules(members).await? {
            for o in held.into_iter().filter(|o| o.meets(from, to)) {
                seen.entry(o.booking_id.clone()).or_insert(o);
            }
        }
        Ok(seen.into_values().collect())
    }

    async fn put_service(&self, service: &Service) -> Result<(), StoreError> {
        let k = key("service", service.id.as_str());
        let value = json(service)?;
        self.retrying(&BookingId::from(service.id.as_str()), || async {
            let version = self.kv.get(&k).await?.map_or(0, |v| v.version);
            Ok(vec![Write::Put { key: k.clone(), expected: version, value: value.clone() }])
        })
        .await
    }

    async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError> {
        Ok(self.doc(&key("service", id.as_str())).await?.1)
    }

    async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, StoreError> {
        let services: Vec<Service> = self.all("service/").await?;
        let ratings = self.ratings().await?;
        let mut candidates = Vec::new();
        for s in &services {
            let rating = ratings.get(&s.provider_id).copied().unwrap_or_default();
            if !query.matches(s, &rating) {
                continue;
            }
            if let Some(at) = query.free_at {
                let length = TimeDelta::minutes(i64::from(s.estimated_duration_minutes));
                let from = at.start.checked_sub_signed(at.buffer).unwrap_or(at.start);
                let busy = self.busy(&s.members(), from, later(at.start, length + at.buffer)).await?;
                let hours = self.availability(&s.provider_id).await?;
                if !at.fits(s, hours.as_ref(), &busy) {
                    continue;
                }
            }
            candidates.push((s, rating));
        }
        Ok(query.apply(candidates))
    }

    async fn put_availability(&self, user: &UserId, availability: &Availability) -> Result<(), StoreError> {
        let k = key("hours", user.as_str());
        let value = json(availability)?;
        self.retrying(&BookingId::from(user.as_str()), || async {
            let version = self.kv.get(&k).await?.map_or(0, |v| v.version);
            Ok(vec![Write::Put { key: k.clone(), expected: version, value: value.clone() }])
        })
        .await
    }

    async fn availability(&self, user: &UserId) -> Result<Option<Availability>, StoreError> {
        Ok(self.doc(&key("hours", user.as_str())).await?.1)
    }

    async fn rating(&self, user: &UserId) -> Result<RatingSummary, StoreError> {
        Ok(self.ratings().await?.remove(user).unwrap_or_default())
    }

    async fn append_message(&self, message: ChatMessage) -> Result<Appended, StoreError> {
        let booking = message.booking_id.clone();
        for _ in 0..RETRIES {
            let key_doc =
                message.idempotency_key.as_ref().map(|k| format!("{}/{}", key("msgkey", &booking), key("k", k)));
            if let Some(k) = &key_doc {
                if let (_, Some(first_key)) = self.doc::<String>(k).await? {
                    if let (_, Some(first)) = self.doc::<ChatMessage>(&first_key).await? {
                        return Ok(Appended { message: first, replayed: true });
                    }
                }
            }
            let (version, last) = self.doc::<u64>(&key("thread", &booking)).await?;
            let mut stored = message.clone();
            stored.seq = last.unwrap_or(0) + 1;
            let msg_key = message_key(&booking, &stored.cursor());
            let mut writes = vec![
                Write::Put { key: key("thread", &booking), expected: version, value: json(&stored.seq)? },
                Write::Put { key: msg_key.clone(), expected: 0, value: json(&stored)? },
            ];
            if let Some(k) = key_doc {
                writes.push(Write::Put { key: k, expected: 0, value: json(&msg_key)? });
            }
            if self.kv.write(writes).await? {
                return Ok(Appended { message: stored, replayed: false });
            }
        }
        Err(StoreError::Conflict { id: booking, expected: 0, found: 0 })
    }

    async fn messages(&self, booking: &BookingId, query: &MessageQuery) -> Result<MessagePage, StoreError> {
        let mut all: Vec<ChatMessage> = self.all(&format!("{}/", key("msg", booking))).await?;
        if let Some(before) = query.before {
            all.retain(|m| m.cursor() < before);
        }
        Ok(MessagePage::of(all.into_iter().rev(), query.limit))
    }

    async fn metrics(&self, range: &TimeRange) -> Result<Metrics, StoreError> {
        let bookings = self.bookings().await?;
        Ok(Metrics::of(*range, bookings.iter()))
    }
}
