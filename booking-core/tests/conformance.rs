//! The in-memory store and the key-value store over an in-memory map pass
//! the store conformance suite (O3, O4, O5, X6, K1, K5, X1, X2, X7).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_the_memory_store_passes_the_conformance_suite() {
    let passed = booking_core::testing::check_store(booking_core::MemoryStore::new).await.unwrap();
    assert_eq!(passed, 27);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_a_store_over_any_compare_and_set_kv_passes_the_conformance_suite() {
    let passed = testing::check_store(|| KvStore::new(MemoryKv::default())).await.unwrap();
    assert_eq!(passed, 27);
}

mod common;

use booking_core::*;
use common::*;

/// A store that lets the last writer win: exactly the lost update the
/// suite exists to catch.
#[derive(Default)]
struct LastWriterWins(MemoryStore);

delegate_store!(LastWriterWins, 0, {
    async fn commit(&self, commit: Commit<'_>) -> Result<(), StoreError> {
        let current = self.0.load(&commit.booking.id).await?.map_or(0, |b| b.version);
        let mut forced = Booking::clone(commit.booking);
        forced.version = current + commit.events.len() as u64;
        self.0.commit(Commit { booking: &std::sync::Arc::new(forced), expected_version: current, ..commit }).await
    }
    async fn begin(&self, op: &Operation) -> Result<(), StoreError> {
        self.0.begin(op).await
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_the_suite_catches_a_store_that_loses_updates() {
    let failure = testing::check_store(LastWriterWins::default).await.unwrap_err();
    assert_eq!(failure.check, "insert of an existing id is a duplicate");
}

/// The whole service runs on the key-value store too: a split booking to
/// release, the sandbox agreeing with the ledger, and a chat thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o1_the_service_runs_a_split_booking_on_a_kv_store() {
    let s = BookingService::new(
        KvStore::new(MemoryKv::default()),
        SandboxGateway::new(),
        MemoryNotifier::new(),
        RecordingSleeper::new(),
    );
    s.gateway().set_now(t0());
    let team = team(ReleaseRule::LeadOnly, true);
    let new = NewBooking::split("b", "client", team, usd(100_000), t0() + hours(72), 120)
        .with_policy(Policy::standard().with_fee_bps(500));
    s.create(new.clone(), t0(), None).await.unwrap();
    // K5 on the key-value store: the same team at the same time is refused.
    let mut clash = new;
    clash.id = "b2".into();
    assert_eq!(s.create(clash, t0(), None).await.unwrap_err().code(), "schedule.overlap");
    let id = BookingId::from("b");
    let run = |who: &str, command: Command, h: i64| {
        let request = Request::new(user(who), command, t0() + hours(h));
        let (s, id) = (&s, id.clone());
        async move { s.execute(&id, request, None).await.unwrap() }
    };
    for m in ["lead", "m1", "m2"] {
        run(m, Command::Accept, 1).await;
    }
    for i in 0..120 {
        s.send_message(&id, user("client"), NewMessage::text(format!("m{i}")), t0() + hours(2)).await.unwrap();
    }
    run("lead", Command::Start, 72).await;
    run("lead", testing::upload("final", FileCategory::Final), 73).await;
    run("lead", Command::Deliver, 74).await;
    let done = run("client", Command::Approve, 75).await;
    assert_eq!(done.booking.payment_status, PaymentStatus::Released);
    agrees(&s, &done.booking);
    let mut seen = 0;
    let mut query = MessageQuery::latest(50);
    loop {
        let page = s.messages(&id, &user("m1"), &query).await.unwrap();
        seen += page.messages.len();
        let Some(next) = page.next else { break };
        query = MessageQuery::before(next, 50);
    }
    assert_eq!(seen, 120);
    let m = s.metrics(TimeRange::new(t0(), t0() + hours(1)).unwrap()).await.unwrap();
    assert_eq!((m.created, m.approved, m.released), (1, 1, 1));
}
