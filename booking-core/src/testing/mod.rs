//! The store conformance suite (feature `testing`): one set of checks any
//! [`Store`] implementation runs to show it keeps the contract the service
//! relies on (SPEC O3, O4, O5, X6, K1, K5): atomic versioned commits,
//! operation leases, idempotency records, dashboard queries, exactly one
//! winner among concurrent writers, no member ever double-booked, the
//! catalog, discovery and ratings, chat threads and metrics (X1, X2, X7).
//!
//! ```
//! # #[cfg(feature = "testing")]
//! # tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(async {
//! let passed = booking_core::testing::check_store(booking_core::MemoryStore::new).await.unwrap();
//! assert!(passed >= 10);
//! # });
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};

mod collab;
mod slots;

use crate::{
    Actor, Booking, BookingId, BookingQuery, BookingStatus, Command, Commit, FileCategory, IdempotencyRecord, Money,
    NewBooking, Operation, Request, RevenueSplit, SortBy, SplitMember, Store, StoreError,
};

/// The first check a store failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("store conformance check {check:?} failed: {reason}")]
pub struct ConformanceFailure {
    /// The check.
    pub check: &'static str,
    /// What went wrong.
    pub reason: String,
}

type Check = Result<(), String>;

fn ensure(ok: bool, reason: impl FnOnce() -> String) -> Check {
    if ok {
        Ok(())
    } else {
        Err(reason())
    }
}

fn t(hours: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_304_400 + hours * 3_600, 0).unwrap_or_default()
}

/// A command recording file `id` with sample metadata (1 KiB of
/// `audio/wav`), for tests that need a file on a booking, such as the
/// `final` file `deliver` asks for.
///
/// ```
/// use booking_core::{testing::upload, Command, FileCategory};
/// let Command::UploadFile(file) = upload("mix.wav", FileCategory::Final) else { unreachable!() };
/// assert_eq!(file.size_bytes, 1024);
/// ```
pub fn upload(id: impl Into<crate::FileId>, category: FileCategory) -> Command {
    Command::UploadFile(crate::FileUpload::new(id, category, 1024, "audio/wav", SAMPLE_SHA256))
}

/// The SHA-256 of an empty input, as sample metadata.
const SAMPLE_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A booking made by `client`, scheduled `hours_ahead` after creation, with
/// a two-member team.
fn booking(id: &str, client: &str, hours_ahead: i64) -> Result<Arc<Booking>, String> {
    booking_created(id, client, 0, hours_ahead)
}

/// The same, created at hour `created`, scheduled `hours_ahead` later.
fn booking_created(id: &str, client: &str, created: i64, hours_ahead: i64) -> Result<Arc<Booking>, String> {
    let team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", 60.into()),
        SplitMember::new("member", "collaborator", 40.into()),
    ])
    .map_err(|e| e.to_string())?;
    let price = Money::parse("100.00 USD").map_err(|e| e.to_string())?;
    let new = NewBooking::split(id, client, team, price, t(created + hours_ahead), 60);
    Booking::create(new, t(created)).map(|(b, _)| Arc::new(b)).map_err(|e| e.to_string())
}

/// The booking after one more command, with the events it appended.
fn advanced(b: &Booking, actor: &str, command: Command) -> Result<(Arc<Booking>, Vec<crate::Event>), String> {
    advanced_at(b, actor, command, b.updated_at)
}

/// The same, at `at`.
fn advanced_at(
    b: &Booking,
    actor: &str,
    command: Command,
    at: DateTime<Utc>,
) -> Result<(Arc<Booking>, Vec<crate::Event>), String> {
    let mut next = b.clone();
    next.handle(Request::new(Actor::user(actor), command, at)).map_err(|e| e.to_string())?;
    let events = next.history.since(b.history.len()).cloned().collect();
    Ok((Arc::new(next), events))
}

fn insert<'a>(b: &'a Arc<Booking>, events: &'a [crate::Event]) -> Commit<'a> {
    Commit { booking: b, expected_version: 0, events, operation: None, idempotency: None }
}

fn events_of(b: &Booking) -> Vec<crate::Event> {
    b.history.to_vec()
}

fn operation(b: &Booking, events: Vec<crate::Event>) -> Operation {
    Operation {
        id: format!("{}@{}", b.id, b.version),
        booking_id: b.id.clone(),
        expected_version: b.version,
        events,
        effects: Vec::new(),
        idempotency: None,
        started_at: b.updated_at,
        compensating: false,
        claim: None,
    }
}

fn conflict(r: &Result<(), StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict { .. }))
}

/// Runs every check against fresh stores from `make`, returning how many
/// passed or the first failure. Needs a multi-thread tokio runtime (the
/// concurrency checks spawn tasks).
pub async fn check_store<S, F>(make: F) -> Result<usize, ConformanceFailure>
where
    S: Store + 'static,
    F: Fn() -> S,
{
    let checks: [(&'static str, CheckFn<S>); 27] = [
        ("load of a missing booking is None", |s| Box::pin(load_missing(s))),
        ("insert then load round-trips", |s| Box::pin(round_trip(s))),
        ("insert of an existing id is a duplicate", |s| Box::pin(duplicate(s))),
        ("a stale commit conflicts and changes nothing", |s| Box::pin(stale(s))),
        ("an open operation blocks other writers until it commits", |s| Box::pin(lease(s))),
        ("begin on a stale version or twice conflicts", |s| Box::pin(begin_conflicts(s))),
        ("abandon closes an operation", |s| Box::pin(abandon(s))),
        ("a commit naming an operation that is not open conflicts", |s| Box::pin(stale_operation(s))),
        ("mark_compensating is kept on the open operation", |s| Box::pin(compensating(s))),
        ("an idempotency key is recorded once", |s| Box::pin(key_once(s))),
        ("idempotency records are kept with their commit", |s| Box::pin(idempotency(s))),
        ("queries filter, sort and page like BookingQuery::apply", |s| Box::pin(queries(s))),
        ("open_bookings lists bookings with timers", |s| Box::pin(open_bookings(s))),
        ("concurrent commits on one version: exactly one wins", |s| Box::pin(racing_commits(s))),
        ("concurrent begins on one version: exactly one wins", |s| Box::pin(racing_begins(s))),
        ("K1 a booking clashes with a member's booking within the buffer", |s| Box::pin(slots::clashes(s))),
        ("K5 concurrent inserts for one slot: exactly one wins", |s| Box::pin(slots::racing_inserts(s))),
        ("K5 concurrent create claims for one slot: exactly one wins", |s| Box::pin(slots::racing_claims(s))),
        ("K5 cancelling or abandoning frees the slot", |s| Box::pin(slots::freed(s))),
        ("K5 a new team member's clash fails the commit", |s| Box::pin(slots::team_change(s))),
        ("K1 busy lists the members' held time once each", |s| Box::pin(slots::busy(s))),
        ("catalog round-trips and searches like ServiceQuery::apply", |s| Box::pin(slots::catalog(s))),
        ("ratings count client reviews of the bookings a provider led", |s| Box::pin(slots::ratings(s))),
        ("X1 messages take the thread's next seq; a repeated key stores nothing", |s| Box::pin(collab::sequence(s))),
        ("X1 concurrent appends take distinct seqs", |s| Box::pin(collab::concurrent(s))),
        ("X2 pages go newest first, each message once, ties included", |s| Box::pin(collab::paging(s))),
        ("X7 metrics count the cohort like Metrics::of", |s| Box::pin(collab::metrics(s))),
    ];
    for (check, run) in checks {
        run(Arc::new(make())).await.map_err(|reason| ConformanceFailure { check, reason })?;
    }
    Ok(checks.len())
}

/// One check: a fresh store in, a verdict out.
type CheckFn<S> = fn(Arc<S>) -> Pin<Box<dyn Future<Output = Check> + Send>>;

async fn load_missing<S: Store>(s: Arc<S>) -> Check {
    let got = s.load(&BookingId::from("missing")).await.map_err(|e| e.to_string())?;
    ensure(got.is_none(), || "found a booking that was never stored".into())
}

async fn round_trip<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let got = s.load(&b.id).await.map_err(|e| e.to_string())?;
    ensure(got.as_ref() == Some(&*b), || "the loaded booking differs from the one stored".into())
}

async fn duplicate<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let again = s.commit(insert(&b, &events_of(&b))).await;
    ensure(matches!(again, Err(StoreError::Duplicate { .. })), || format!("second insert gave {again:?}"))
}

async fn stale<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let (next, events) = advanced(&b, "lead", Command::Accept)?;
    let commit =
        Commit { booking: &next, expected_version: b.version, events: &events, operation: None, idempotency: None };
    s.commit(commit).await.map_err(|e| e.to_string())?;
    let (other, other_events) = advanced(&b, "member", Command::Accept)?;
    let stale = Commit {
        booking: &other,
        expected_version: b.version,
        events: &other_events,
        operation: None,
        idempotency: None,
    };
    let r = s.commit(stale).await;
    ensure(conflict(&r), || format!("a commit on a stale version gave {r:?}"))?;
    let got = s.load(&b.id).await.map_err(|e| e.to_string())?;
    ensure(got.as_ref() == Some(&*next), || "a refused commit changed the booking".into())
}

async fn lease<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let (next, events) = advanced(&b, "lead", Command::Accept)?;
    let op = operation(&b, events.clone());
    s.begin(&op).await.map_err(|e| e.to_string())?;
    let (other, other_events) = advanced(&b, "client", upload("x", FileCategory::Reference))?;
    let intruder = Commit {
        booking: &other,
        expected_version: b.version,
        events: &other_events,
        operation: None,
        idempotency: None,
    };
    let r = s.commit(intruder).await;
    ensure(conflict(&r), || format!("a write during an open operation gave {r:?}"))?;
    let ours = Commit {
        booking: &next,
        expected_version: b.version,
        events: &events,
        operation: Some(&op.id),
        idempotency: None,
    };
    s.commit(ours).await.map_err(|e| format!("the operation's own commit failed: {e}"))?;
    let open = s.open_operations().await.map_err(|e| e.to_string())?;
    ensure(open.is_empty(), || "the commit did not close its operation".into())
}

async fn begin_conflicts<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let (_, events) = advanced(&b, "lead", Command::Accept)?;
    let mut stale = operation(&b, events.clone());
    stale.expected_version = b.version + 7;
    let r = s.begin(&stale).await;
    ensure(conflict(&r), || format!("begin on a wrong version gave {r:?}"))?;
    let op = operation(&b, events);
    s.begin(&op).await.map_err(|e| e.to_string())?;
    let mut second = op.clone();
    second.id.push_str("-2");
    let r = s.begin(&second).await;
    ensure(conflict(&r), || format!("a second begin on one booking gave {r:?}"))?;
    let listed = s.open_operations().await.map_err(|e| e.to_string())?;
    ensure(listed == vec![op], || format!("open_operations listed {listed:?}"))
}

async fn abandon<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let op = operation(&b, Vec::new());
    s.begin(&op).await.map_err(|e| e.to_string())?;
    s.abandon(&op.id).await.map_err(|e| e.to_string())?;
    let open = s.open_operations().await.map_err(|e| e.to_string())?;
    ensure(open.is_empty(), || "abandon left the operation open".into())?;
    let (next, events) = advanced(&b, "lead", Command::Accept)?;
    let commit =
        Commit { booking: &next, expected_version: b.version, events: &events, operation: None, idempotency: None };
    s.commit(commit).await.map_err(|e| format!("the booking stayed locked after abandon: {e}"))
}

async fn stale_operation<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let (next, events) = advanced(&b, "lead", Command::Accept)?;
    let op = operation(&b, events.clone());
    s.begin(&op).await.map_err(|e| e.to_string())?;
    s.abandon(&op.id).await.map_err(|e| e.to_string())?;
    // A recovery holding an old copy of the operation must not commit it.
    let late = Commit {
        booking: &next,
        expected_version: b.version,
        events: &events,
        operation: Some(&op.id),
        idempotency: None,
    };
    let r = s.commit(late).await;
    ensure(conflict(&r), || format!("a commit for a closed operation gave {r:?}"))
}

async fn compensating<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let op = operation(&b, Vec::new());
    s.begin(&op).await.map_err(|e| e.to_string())?;
    s.mark_compensating(&op.id).await.map_err(|e| e.to_string())?;
    let open = s.open_operations().await.map_err(|e| e.to_string())?;
    ensure(open.len() == 1 && open[0].compensating, || format!("open operations: {open:?}"))?;
    let r = s.mark_compensating("no-such-operation").await;
    ensure(conflict(&r), || format!("marking an unknown operation gave {r:?}"))
}

async fn key_once<S: Store>(s: Arc<S>) -> Check {
    let record = |b: &Booking| IdempotencyRecord {
        key: "same-key".into(),
        fingerprint: b.id.to_string(),
        booking_id: b.id.clone(),
        events: Vec::new(),
        effects: Vec::new(),
        recorded_at: b.created_at,
    };
    let (first, second) = (booking("k1", "client", 72)?, booking("k2", "client", 96)?);
    let (r1, e1) = (record(&first), events_of(&first));
    s.commit(Commit { idempotency: Some(&r1), ..insert(&first, &e1) }).await.map_err(|e| e.to_string())?;
    let (r2, e2) = (record(&second), events_of(&second));
    let r = s.commit(Commit { idempotency: Some(&r2), ..insert(&second, &e2) }).await;
    ensure(conflict(&r), || format!("recording a key twice gave {r:?}"))?;
    let kept = s.idempotency("same-key").await.map_err(|e| e.to_string())?;
    ensure(kept == Some(r1), || "the first record was overwritten".into())
}

async fn idempotency<S: Store>(s: Arc<S>) -> Check {
    let b = booking("b1", "client", 72)?;
    let record = IdempotencyRecord {
        key: "create-b1".into(),
        fingerprint: "f".into(),
        booking_id: b.id.clone(),
        events: events_of(&b),
        effects: Vec::new(),
        recorded_at: b.created_at,
    };
    let events = events_of(&b);
    let commit = Commit { idempotency: Some(&record), ..insert(&b, &events) };
    s.commit(commit).await.map_err(|e| e.to_string())?;
    let got = s.idempotency("create-b1").await.map_err(|e| e.to_string())?;
    ensure(got.as_ref() == Some(&record), || format!("the record read back as {got:?}"))?;
    let none = s.idempotency("other").await.map_err(|e| e.to_string())?;
    ensure(none.is_none(), || "an unknown key has a record".into())
}

async fn queries<S: Store>(s: Arc<S>) -> Check {
    let mut all = Vec::new();
    for (i, client, ahead) in [(0, "c1", 96), (1, "c1", 48), (2, "c2", 72), (3, "c1", 84), (4, "c1", 60)] {
        let mut b = booking(&format!("q{i}"), client, ahead)?;
        if i == 4 {
            b = advanced(&b, client, Command::Cancel { reason: None })?.0;
        }
        s.commit(Commit {
            booking: &b,
            expected_version: 0,
            events: &events_of(&b),
            operation: None,
            idempotency: None,
        })
        .await
        .map_err(|e| e.to_string())?;
        all.push(b);
    }
    let queries = [
        BookingQuery::provider("member"),
        BookingQuery::provider("member").with_statuses(&[BookingStatus::Cancelled]),
        BookingQuery::client("c1").including_completed(false).sorted_by(SortBy::CreatedAt),
        BookingQuery::client("c1").page(1, 2),
        BookingQuery { descending: true, ..BookingQuery::client("c1") },
        BookingQuery::client("nobody"),
    ];
    for q in queries {
        let got = s.query(&q).await.map_err(|e| e.to_string())?;
        let want = q.apply(all.iter().map(|b| Booking::clone(b)));
        let ids = |p: &crate::Page<Booking>| p.items.iter().map(|b| b.id.to_string()).collect::<Vec<_>>();
        ensure(ids(&got) == ids(&want) && got.total == want.total, || {
            format!("{q:?}: got {:?} of {}, want {:?} of {}", ids(&got), got.total, ids(&want), want.total)
        })?;
    }
    Ok(())
}

async fn open_bookings<S: Store>(s: Arc<S>) -> Check {
    let pending = booking("p", "client", 72)?;
    let fresh = booking("c", "client", 72)?;
    let cancelled = advanced(&fresh, "client", Command::Cancel { reason: None })?.0;
    for b in [&pending, &cancelled] {
        s.commit(insert(b, &events_of(b))).await.map_err(|e| e.to_string())?;
    }
    let open = s.open_bookings().await.map_err(|e| e.to_string())?;
    ensure(open.contains(&pending.id) && !open.contains(&cancelled.id), || format!("open_bookings gave {open:?}"))
}

/// Runs `n` racers at once; counts the ones that won. A racer's `Err`
/// other than a conflict fails the check.
async fn race<Fut>(n: usize, racer: impl Fn(usize) -> Fut) -> Result<usize, String>
where
    Fut: Future<Output = Result<Result<(), StoreError>, String>> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(racer(i))).collect();
    let mut wins = 0;
    for task in tasks {
        match task.await.map_err(|e| e.to_string())?? {
            Ok(()) => wins += 1,
            Err(StoreError::Conflict { .. } | StoreError::SlotTaken { .. }) => {}
            Err(e) => return Err(format!("a racer failed with {e}")),
        }
    }
    Ok(wins)
}

async fn racing_commits<S: Store + 'static>(s: Arc<S>) -> Check {
    let b = booking("race", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let wins = race(32, |i| {
        let (s, b) = (s.clone(), b.clone());
        async move {
            let cmd = upload(format!("f{i}"), FileCategory::Reference);
            let (next, events) = advanced(&b, "client", cmd)?;
            let commit = Commit {
                booking: &next,
                expected_version: b.version,
                events: &events,
                operation: None,
                idempotency: None,
            };
            Ok(s.commit(commit).await)
        }
    })
    .await?;
    ensure(wins == 1, || format!("{wins} of 32 racing commits won"))?;
    let got = s.load(&b.id).await.map_err(|e| e.to_string())?;
    ensure(got.is_some_and(|g| g.version == b.version + 1 && g.files.len() == 1), || {
        "the winner was not stored whole".into()
    })
}

async fn racing_begins<S: Store + 'static>(s: Arc<S>) -> Check {
    let b = booking("race", "client", 72)?;
    s.commit(insert(&b, &events_of(&b))).await.map_err(|e| e.to_string())?;
    let wins = race(32, |i| {
        let (s, b) = (s.clone(), b.clone());
        async move {
            let mut op = operation(&b, Vec::new());
            op.id = format!("{}-{i}", op.id);
            Ok(s.begin(&op).await)
        }
    })
    .await?;
    ensure(wins == 1, || format!("{wins} of 32 racing begins won"))
}
