//! Fixtures shared by the integration tests.
#![allow(dead_code)]

use booking_core::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

/// `impl Store for $ty` with the methods given, every other one passed
/// through to the wrapped store in field `$inner`.
#[macro_export]
macro_rules! delegate_store {
    ($ty:ty, $inner:tt, { $($own:tt)* }) => {
        #[async_trait::async_trait]
        impl Store for $ty {
        $($own)*
        async fn load(&self, id: &BookingId) -> Result<Option<Booking>, StoreError> {
            self.$inner.load(id).await
        }
        async fn abandon(&self, id: &str) -> Result<(), StoreError> {
            self.$inner.abandon(id).await
        }
        async fn mark_compensating(&self, id: &str) -> Result<(), StoreError> {
            self.$inner.mark_compensating(id).await
        }
        async fn open_operations(&self) -> Result<Vec<Operation>, StoreError> {
            self.$inner.open_operations().await
        }
        async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
            self.$inner.idempotency(key).await
        }
        async fn query(&self, q: &BookingQuery) -> Result<Page<Booking>, StoreError> {
            self.$inner.query(q).await
        }
        async fn open_bookings(&self) -> Result<Vec<BookingId>, StoreError> {
            self.$inner.open_bookings().await
        }
        async fn busy(
            &self,
            members: &[UserId],
            from: chrono::DateTime<chrono::Utc>,
            to: chrono::DateTime<chrono::Utc>,
        ) -> Result<Vec<Occupancy>, StoreError> {
            self.$inner.busy(members, from, to).await
        }
        async fn put_service(&self, service: &Service) -> Result<(), StoreError> {
            self.$inner.put_service(service).await
        }
        async fn service(&self, id: &ServiceId) -> Result<Option<Service>, StoreError> {
            self.$inner.service(id).await
        }
        async fn search_services(&self, query: &ServiceQuery) -> Result<Page<ServiceHit>, StoreError> {
            self.$inner.search_services(query).await
        }
        async fn put_availability(&self, user: &UserId, availability: &Availability) -> Result<(), StoreError> {
            self.$inner.put_availability(user, availability).await
        }
        async fn availability(&self, user: &UserId) -> Result<Option<Availability>, StoreError> {
            self.$inner.availability(user).await
        }
        async fn rating(&self, user: &UserId) -> Result<RatingSummary, StoreError> {
            self.$inner.rating(user).await
        }
        async fn append_message(&self, message: ChatMessage) -> Result<Appended, StoreError> {
            self.$inner.append_message(message).await
        }
        async fn messages(&self, booking: &BookingId, query: &MessageQuery) -> Result<MessagePage, StoreError> {
            self.$inner.messages(booking, query).await
        }
        async fn metrics(&self, range: &TimeRange) -> Result<Metrics, StoreError> {
            self.$inner.metrics(range).await
        }
        }
    };
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
}

pub fn hours(h: i64) -> TimeDelta {
    TimeDelta::hours(h)
}

pub fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

pub fn pct(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

/// A solo booking of 100.00 USD scheduled 72 h after t0 for 2 h.
pub fn solo() -> Booking {
    solo_with(Policy::standard())
}

pub fn solo_with(policy: Policy) -> Booking {
    let new = NewBooking::solo("b1", "client", "lead", usd(10_000), t0() + hours(72), 120).with_policy(policy);
    Booking::create(new, t0()).unwrap().0
}

/// A split booking of 1000.00 USD: lead 50 %, m1 30 %, m2 20 %.
pub fn team(rule: ReleaseRule, auto_split: bool) -> RevenueSplit {
    RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("50")).with_payout_account("acct_lead"),
        SplitMember::new("m1", "collaborator", pct("30")),
        SplitMember::new("m2", "mix-engineer", pct("20")),
    ])
    .unwrap()
    .with_release_rule(rule)
    .with_auto_split(auto_split)
}

pub fn split(rule: ReleaseRule, auto_split: bool) -> Booking {
    split_with(team(rule, auto_split), Policy::standard())
}

pub fn split_with(team: RevenueSplit, policy: Policy) -> Booking {
    let new = NewBooking::split("b2", "client", team, usd(100_000), t0() + hours(72), 120).with_policy(policy);
    Booking::create(new, t0()).unwrap().0
}

pub fn user(u: &str) -> Actor {
    Actor::user(u)
}

pub fn mediator() -> Actor {
    Actor::Mediator("mediator".into())
}

/// Sends a command at `t0 + at_hours`, expecting success.
pub fn ok(b: &mut Booking, actor: Actor, command: Command, at_hours: i64) -> Vec<PaymentEffect> {
    let req = Request::new(actor.clone(), command.clone(), t0() + hours(at_hours));
    b.handle(req).unwrap_or_else(|e| panic!("{actor} {command:?}: {e}"))
}

/// Sends a command expecting a refusal with `code`; checks nothing changed.
pub fn refused(b: &Booking, actor: Actor, command: Command, at_hours: i64, code: &str) {
    let before = b.clone();
    let err = decide(b, &Request::new(actor, command, t0() + hours(at_hours))).unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(*b, before);
}

pub fn final_file(b: &mut Booking, id: &str, at_hours: i64) {
    ok(b, user("lead"), testing::upload(id, FileCategory::Final), at_hours);
}

/// Confirms (solo) or has every member accept (split), starts and
/// delivers with a final file.
pub fn deliver(b: &mut Booking) {
    if b.is_split() {
        for m in b.team_members() {
            ok(b, user(m.as_str()), Command::Accept, 1);
        }
    } else {
        ok(b, user("lead"), Command::Confirm, 1);
    }
    ok(b, user("lead"), Command::Start, 72);
    final_file(b, "final-1", 73);
    ok(b, user("lead"), Command::Deliver, 74);
}

pub fn check_money(b: &Booking) {
    b.ledger.check().unwrap();
}

/// The sandbox agrees with the ledger to the cent (E1, E4).
pub fn agrees<S: Store, N: Notifier>(s: &BookingService<S, SandboxGateway, N>, b: &Booking) {
    b.ledger.check().unwrap();
    let held = b.ledger.escrow().minor() + b.ledger.fees().minor() + b.team_pending().minor();
    assert_eq!(s.gateway().held_for(&b.id), held, "platform holds escrow + fee + pending");
    for m in b.revenue_split.members() {
        let account = m.payout_account.clone().unwrap_or_else(|| format!("user:{}", m.user_id));
        let paid: i64 = s
            .gateway()
            .movements()
            .iter()
            .filter(|mv| {
                mv.booking_id == b.id && mv.account.as_deref() == Some(account.as_str()) && mv.kind == "transfer"
            })
            .map(|mv| mv.amount.minor())
            .sum();
        let reversed: i64 = s
            .gateway()
            .movements()
            .iter()
            .filter(|mv| {
                mv.booking_id == b.id && mv.kind == "reverse" && mv.key.ends_with(&format!("/release/{}", m.user_id))
            })
            .map(|mv| mv.amount.minor())
            .sum();
        assert_eq!(paid - reversed, b.ledger.paid_to(&m.user_id).minor(), "paid to {} on {}", m.user_id, b.id);
    }
    let movements = s.gateway().movements();
    let moved: Vec<&str> =
        movements.iter().filter(|m| m.booking_id == b.id && m.kind != "reverse").map(|m| m.key.as_str()).collect();
    let unique: std::collections::BTreeSet<&str> = moved.iter().copied().collect();
    assert_eq!(unique.len(), moved.len(), "a step moved money twice on {}", b.id);
}

/// The in-memory store, failing `commit` whenever `crash()` says so, as a
/// crash between a command's payments and its save would.
pub struct CrashingStore {
    pub inner: MemoryStore,
    crash: Box<dyn Fn() -> bool + Send + Sync>,
    pub crashes: std::sync::atomic::AtomicU32,
}

impl CrashingStore {
    pub fn new(crash: impl Fn() -> bool + Send + Sync + 'static) -> CrashingStore {
        CrashingStore { inner: MemoryStore::new(), crash: Box::new(crash), crashes: 0.into() }
    }
}

delegate_store!(CrashingStore, inner, {
    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        if (self.crash)() {
            self.crashes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return Err(StoreError::Unavailable { message: "simulated crash before the save".into() });
        }
        self.inner.commit(commit).await
    }
    async fn begin(&self, op: &Operation) -> Result<(), StoreError> {
        self.inner.begin(op).await
    }
});
