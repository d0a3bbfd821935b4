//! The service over the embedded default (SPEC O1–O6, X4, E5): retries,
//! rollbacks, idempotent replays, conflicts, crash recovery, timers and
//! dashboards, with the sandbox's balances checked against the ledgers.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use booking_core::*;
use common::*;

type Service<S = MemoryStore> = BookingService<S, SandboxGateway, MemoryNotifier>;

fn service() -> Service {
    let s =
        BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new());
    s.gateway().set_now(t0());
    s
}

fn req(actor: Actor, command: Command, at_hours: i64) -> Request {
    Request::new(actor, command, t0() + hours(at_hours))
}

fn split_new(id: &str, team: RevenueSplit) -> NewBooking {
    NewBooking::split(id, "client", team, usd(100_000), t0() + hours(72), 120)
        .with_policy(Policy::standard().with_fee_bps(500))
}

async fn run(s: &Service<impl Store>, id: &str, actor: Actor, command: Command, at: i64) -> Outcome {
    s.execute(&id.into(), req(actor.clone(), command.clone(), at), None)
        .await
        .unwrap_or_else(|e| panic!("{actor} {command:?}: {e}"))
}

/// Plays a split booking to release through the service.
async fn to_release(s: &Service<impl Store>, id: &str) -> Outcome {
    for m in ["lead", "m1", "m2"] {
        run(s, id, user(m), Command::Accept, 1).await;
    }
    run(s, id, user("lead"), Command::Start, 72).await;
    run(s, id, user("lead"), testing::upload("final", FileCategory::Final), 73).await;
    run(s, id, user("lead"), Command::Deliver, 74).await;
    run(s, id, user("client"), Command::Approve, 75).await
}

#[tokio::test]
async fn o1_a_split_booking_runs_to_release_and_the_sandbox_agrees_with_the_ledger() {
    let s = service();
    let team = team(ReleaseRule::LeadOnly, true);
    let created = s.create(split_new("b", team), t0(), None).await.unwrap();
    assert_eq!(created.effects.len(), 1);
    let out = to_release(&s, "b").await;
    assert_eq!(out.booking.payment_status, PaymentStatus::Released);
    assert_eq!(s.gateway().balance("acct_lead", Currency::USD), 47_500);
    assert_eq!(s.gateway().balance("user:m1", Currency::USD), 28_500);
    assert_eq!(s.gateway().balance("platform", Currency::USD), 5_000);
    agrees(&s, &out.booking);
    assert_eq!(s.get(&"b".into()).await.unwrap(), *out.booking);
}

#[tokio::test]
async fn x4_notifications_follow_events_and_never_go_to_the_actor() {
    let s = service();
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap();
    to_release(&s, "b").await;
    let sent = s.notifier().sent();
    assert!(!sent.is_empty());
    for n in &sent {
        assert!(n.by.user_id().is_none_or(|u| !n.recipients.contains(u)), "{n:?}");
    }
    let kinds = |k: NotificationKind, c: Channel| sent.iter().any(|n| n.kind == k && n.channel == c);
    assert!(kinds(NotificationKind::BookingRequested, Channel::Email));
    assert!(kinds(NotificationKind::BookingConfirmed, Channel::Email));
    assert!(kinds(NotificationKind::PaymentConfirmation, Channel::Email));
    assert!(kinds(NotificationKind::Completed, Channel::Email));
    assert!(kinds(NotificationKind::ReviewRequest, Channel::Email));
    let started = sent.iter().find(|n| n.new_status == BookingStatus::InProgress && n.old_status.is_some()).unwrap();
    assert_eq!(started.old_status, Some(BookingStatus::Confirmed));
    assert_eq!(started.by, user("lead"));
}

/// Lets a test keep a handle on the sleeper the service owns.
struct Shared(Arc<RecordingSleeper>);

#[async_trait]
impl Sleeper for Shared {
    async fn sleep(&self, d: std::time::Duration) {
        self.0.sleep(d).await
    }
}

fn recording(gateway: SandboxGateway, attempts: u32) -> (Service, Arc<RecordingSleeper>) {
    gateway.set_now(t0());
    let sleeper = Arc::new(RecordingSleeper::new());
    let s = BookingService::new(MemoryStore::new(), gateway, MemoryNotifier::new(), Shared(sleeper.clone()))
        .with_retry(RetryPolicy { max_attempts: attempts, ..RetryPolicy::default() });
    (s, sleeper)
}

#[tokio::test]
async fn o2_transient_payment_failures_are_retried() {
    let (s, sleeper) = recording(SandboxGateway::new(), 5);
    let new = split_new("b", team(ReleaseRule::LeadOnly, true)).with_payment_method(test_cards::FLAKY);
    s.create(new, t0(), None).await.unwrap();
    let out = to_release(&s, "b").await;
    assert_eq!(out.booking.payment_status, PaymentStatus::Released);
    // The flaky card fails each step after the hold once: capture, 3 transfers.
    let delays = sleeper.delays();
    assert_eq!(delays.len(), 4, "{delays:?}");
    assert!(delays.iter().all(|d| *d <= s.retry_policy().ceiling(0)), "first retries wait at most 200 ms");
    assert_eq!(s.gateway().movements().len(), 4, "capture + 3 transfers, each applied once");
    agrees(&s, &out.booking);
}

#[tokio::test]
async fn o2_backoff_delays_are_full_jitter_under_the_ceiling() {
    let (s, sleeper) = recording(SandboxGateway::new().with_faults(7, 600), 12);
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap();
    let out = to_release(&s, "b").await;
    agrees(&s, &out.booking);
    let delays = sleeper.delays();
    assert!(delays.len() >= 3, "60 % faults over 5 steps must retry: {delays:?}");
    assert!(delays.iter().all(|d| *d <= s.retry_policy().cap));
    assert!(delays.windows(2).any(|w| w[0] != w[1]), "jittered, not fixed");
}

/// A gateway in an outage: every call fails with a retryable error until
/// it comes back.
struct Outage {
    inner: SandboxGateway,
    down: std::sync::atomic::AtomicBool,
}

impl Outage {
    fn check(&self) -> Result<(), PaymentError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(PaymentError::retryable("network", "gateway unreachable"));
        }
        Ok(())
    }
}

#[async_trait]
impl PaymentGateway for Outage {
    async fn authorize(&self, call: PaymentCall<'_>, method: Option<&str>) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.authorize(call, method).await
    }
    async fn capture(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.capture(call).await
    }
    async fn void(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.void(call).await
    }
    async fn transfer(&self, call: PaymentCall<'_>, user: &UserId, account: Option<&str>) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.transfer(call, user, account).await
    }
    async fn refund(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.refund(call).await
    }
    async fn reverse(&self, booking: &BookingId, step: &PaymentEffect) -> Result<(), PaymentError> {
        self.check()?;
        self.inner.reverse(booking, step).await
    }
}

#[tokio::test]
async fn o2_o5_an_outage_exhausts_the_retries_and_recovery_finishes_the_command_later() {
    let gateway = Outage { inner: SandboxGateway::new(), down: true.into() };
    let sleeper = Arc::new(RecordingSleeper::new());
    let s = BookingService::new(MemoryStore::new(), gateway, MemoryNotifier::new(), Shared(sleeper.clone()))
        .with_retry(RetryPolicy { max_attempts: 3, ..RetryPolicy::default() });
    let err = s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap_err();
    assert_eq!(err.code(), "payment.unavailable");
    assert!(
        matches!(err, ServiceError::Payment { rolled_back: false, .. }),
        "the undo could not reach the gateway either"
    );
    assert!(sleeper.delays().len() >= 2, "3 attempts, 2 waits, then the undo's");
    assert_eq!(s.recover(t0()).await.unwrap(), RecoveryReport::default(), "within its lease: left alone");
    let later = t0() + hours(1);
    assert_eq!(s.recover(later).await.unwrap().still_open, 1, "still down: the rollback cannot finish");
    s.gateway().down.store(false, Ordering::SeqCst);
    assert_eq!(s.recover(later).await.unwrap().rolled_back, 1, "a rollback once begun is finished, never redone");
    let b = s.get(&"b".into()).await.unwrap();
    assert_eq!((b.status, b.payment_status), (BookingStatus::Cancelled, PaymentStatus::Failed));
    assert_eq!(s.gateway().inner.held_for(&b.id), 0);
}

#[tokio::test]
async fn o2_a_declined_card_fails_the_create_and_stores_nothing() {
    let s = service();
    let new = split_new("b", team(ReleaseRule::LeadOnly, true)).with_payment_method(test_cards::DECLINED);
    let err = s.create(new, t0(), None).await.unwrap_err();
    assert_eq!(err.code(), "payment.declined");
    assert!(err.to_string().contains("card_declined"), "{err}");
    let b = s.get(&"b".into()).await.unwrap();
    assert_eq!(
        (b.status, b.payment_status),
        (BookingStatus::Cancelled, PaymentStatus::Failed),
        "recorded, not reusable"
    );
    assert!(b
        .history
        .iter()
        .any(|e| matches!(&e.kind, EventKind::PaymentFailed { code, .. } if code == "card_declined")));
    assert!(s.store().open_operations().await.unwrap().is_empty());
    let again = s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap_err();
    assert_eq!(again.code(), "store.duplicate");
}

#[tokio::test]
async fn o5_a_permanent_failure_mid_release_rolls_back_and_leaves_the_booking_unchanged() {
    let s = service();
    let team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("50")),
        SplitMember::new("m1", "collaborator", pct("30")),
        SplitMember::new("m2", "mix-engineer", pct("20")).with_payout_account(test_cards::CLOSED_ACCOUNT),
    ])
    .unwrap();
    s.create(split_new("b", team), t0(), None).await.unwrap();
    for m in ["lead", "m1", "m2"] {
        run(&s, "b", user(m), Command::Accept, 1).await;
    }
    run(&s, "b", user("lead"), Command::Start, 72).await;
    run(&s, "b", user("lead"), testing::upload("f", FileCategory::Final), 73).await;
    let before = run(&s, "b", user("lead"), Command::Deliver, 74).await.booking;
    let err = s.execute(&"b".into(), req(user("client"), Command::Approve, 75), None).await.unwrap_err();
    assert_eq!(err.code(), "payment.declined");
    assert!(matches!(err, ServiceError::Payment { rolled_back: true, .. }));
    let after = s.get(&"b".into()).await.unwrap();
    assert_eq!(
        (after.status, after.payment_status),
        (before.status, before.payment_status),
        "the booking is unchanged"
    );
    assert_eq!(after.ledger, before.ledger);
    assert_eq!(after.version, before.version + 1, "only the failure is recorded");
    assert!(
        matches!(&after.history.last().unwrap().kind, EventKind::PaymentFailed { code, .. } if code == "account_closed")
    );
    // The retry is a new attempt with new keys: the reversed transfers are not
    // answered from the gateway's cache.
    let retry = s.execute(&"b".into(), req(user("client"), Command::Approve, 76), None).await.unwrap_err();
    assert!(matches!(retry, ServiceError::Payment { rolled_back: true, .. }));
    assert_eq!(s.gateway().balance("user:lead", Currency::USD), 0);
    assert_eq!(s.gateway().balance("user:lead", Currency::USD), 0, "the lead's transfer was reversed");
    assert_eq!(s.gateway().held_for(&"b".into()), 100_000);
    assert!(s.notifier().sent().iter().any(|n| n.kind == NotificationKind::Rollback));
    assert!(s.store().open_operations().await.unwrap().is_empty());
}

#[tokio::test]
async fn o3_an_idempotent_replay_moves_no_money_and_another_command_with_the_key_is_refused() {
    let s = service();
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), Some("create-1")).await.unwrap();
    let again = s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), Some("create-1")).await.unwrap();
    assert!(again.replayed);
    for m in ["lead", "m1"] {
        run(&s, "b", user(m), Command::Accept, 1).await;
    }
    let first = s.execute(&"b".into(), req(user("m2"), Command::Accept, 1), Some("k")).await.unwrap();
    let moves = s.gateway().movements().len();
    let replay = s.execute(&"b".into(), req(user("m2"), Command::Accept, 2), Some("k")).await.unwrap();
    assert!(replay.replayed && !first.replayed);
    assert_eq!(replay.effects, first.effects);
    assert_eq!(s.gateway().movements().len(), moves, "nothing moved twice");
    let err = s.execute(&"b".into(), req(user("lead"), Command::Start, 72), Some("k")).await.unwrap_err();
    assert_eq!(err.code(), "idempotency.mismatch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o3_racing_creates_with_one_key_create_once_and_all_get_its_result() {
    let s = Arc::new(service());
    let racers: Vec<_> = (0..16)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move {
                s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), Some("create-b")).await
            })
        })
        .collect();
    let mut created = 0;
    for r in racers {
        let out = r.await.unwrap().unwrap();
        created += usize::from(!out.replayed);
        assert_eq!(out.booking.id.as_str(), "b");
    }
    assert_eq!(created, 1);
    assert_eq!(s.gateway().movements().len(), 0, "one hold, no money moved yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o4_concurrent_writers_lose_no_update_and_exactly_one_wins_a_transition() {
    let s = Arc::new(service());
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap();
    let uploads: Vec<_> = (0..40)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                // The test's sleeper does not wait, so the service's backoff
                // spreads nobody out, and a writer can lose all its
                // attempts. That is reported (service.contention), not lost:
                // the client tries again, as a real one would.
                loop {
                    let cmd = testing::upload(format!("ref-{i}"), FileCategory::Reference);
                    match s.execute(&"b".into(), req(user("client"), cmd, 1), None).await {
                        Err(e) if e.code() == "service.contention" => continue,
                        other => break other,
                    }
                }
            })
        })
        .collect();
    for u in uploads {
        u.await.unwrap().unwrap();
    }
    assert_eq!(s.get(&"b".into()).await.unwrap().files.len(), 40, "no lost update");
    for m in ["lead", "m1"] {
        run(&s, "b", user(m), Command::Accept, 2).await;
    }
    let racers: Vec<_> = (0..20)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.execute(&"b".into(), req(user("m2"), Command::Accept, 2), None).await })
        })
        .collect();
    let mut wins = 0;
    for r in racers {
        match r.await.unwrap() {
            Ok(_) => wins += 1,
            // A loser may also run out of attempts while others write.
            Err(e) => assert!(
                matches!(e.code(), "lifecycle.already_done" | "lifecycle.invalid_transition" | "service.contention"),
                "{e}"
            ),
        }
    }
    assert_eq!(wins, 1);
    let b = s.get(&"b".into()).await.unwrap();
    assert_eq!(s.gateway().held_for(&b.id), 100_000, "captured once");
}

#[tokio::test]
async fn o5_a_crash_between_payment_and_save_is_completed_by_recovery_without_paying_twice() {
    let to_fail = Arc::new(AtomicU32::new(0));
    let countdown = to_fail.clone();
    let store = CrashingStore::new(move || {
        countdown.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
    });
    let s = BookingService::new(store, SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new());
    s.gateway().set_now(t0());
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap();
    for m in ["lead", "m1", "m2"] {
        run(&s, "b", user(m), Command::Accept, 1).await;
    }
    run(&s, "b", user("lead"), Command::Start, 72).await;
    run(&s, "b", user("lead"), testing::upload("f", FileCategory::Final), 73).await;
    run(&s, "b", user("lead"), Command::Deliver, 74).await;
    to_fail.store(5, Ordering::SeqCst); // every retry of the save fails
    let err = s.execute(&"b".into(), req(user("client"), Command::Approve, 75), None).await.unwrap_err();
    assert_eq!(err.code(), "store.unavailable");
    assert_eq!(s.store().open_operations().await.unwrap().len(), 1, "the operation stays open");
    let paid = s.gateway().balance("acct_lead", Currency::USD);
    assert_eq!(paid, 47_500, "the money moved before the crash");
    // While the operation is open nobody else may change the booking.
    let blocked = s.execute(&"b".into(), req(user("client"), Command::Dispute { reason: "x".into() }, 76), None).await;
    assert!(blocked.is_err());
    let report = s.recover(t0() + hours(80)).await.unwrap();
    assert_eq!(report, RecoveryReport { completed: 1, ..RecoveryReport::default() });
    let b = s.get(&"b".into()).await.unwrap();
    assert_eq!(b.payment_status, PaymentStatus::Released);
    assert_eq!(s.gateway().balance("acct_lead", Currency::USD), 47_500, "paid once");
    agrees(&s, &b);
    assert_eq!(s.recover(t0() + hours(81)).await.unwrap(), RecoveryReport::default(), "nothing left to do");
}

#[tokio::test]
async fn t1_tick_declines_unanswered_bookings_through_the_gateway() {
    let s = service();
    s.create(split_new("b", team(ReleaseRule::LeadOnly, true)), t0(), None).await.unwrap();
    assert!(s.tick(t0() + hours(47)).await.unwrap().outcomes.is_empty());
    let report = s.tick(t0() + hours(48)).await.unwrap();
    assert_eq!(report.outcomes.len(), 1);
    assert_eq!(report.outcomes[0].booking.payment_status, PaymentStatus::Voided);
    assert!(s.tick(t0() + hours(49)).await.unwrap().outcomes.is_empty());
}

#[tokio::test]
async fn x6_dashboards_filter_sort_and_page() {
    let s = service();
    for (i, hours_ahead) in [(0, 96), (1, 48), (2, 72)] {
        let new = NewBooking::split(
            format!("b{i}"),
            "client",
            team(ReleaseRule::LeadOnly, true),
            usd(1_000),
            t0() + hours(hours_ahead),
            60,
        );
        s.create(new, t0(), None).await.unwrap();
    }
    for m in ["lead", "m1", "m2"] {
        run(&s, "b1", user(m), Command::Accept, 1).await;
    }
    run(&s, "b2", user("client"), Command::Cancel { reason: None }, 1).await;
    let page = s.get_provider_bookings("m1", &[], SortBy::ScheduledDate).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["b1", "b2", "b0"]);
    let confirmed = s
        .get_provider_bookings("m2", &[BookingStatus::Confirmed, BookingStatus::InProgress], SortBy::ScheduledDate)
        .await
        .unwrap();
    assert_eq!(confirmed.items.len(), 1);
    let open = s.get_client_bookings("client", false, SortBy::CreatedAt).await.unwrap();
    assert_eq!(open.total, 2, "includeCompleted: false hides the cancelled one");
    let paged = s.query(&BookingQuery::client("client").page(1, 1)).await.unwrap();
    assert_eq!((paged.items.len(), paged.total), (1, 3));
    assert!(s.get_client_bookings("someone-else", true, SortBy::CreatedAt).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn b4_update_booking_status_and_the_seed_calls() {
    let s = service();
    let team = team(ReleaseRule::LeadOnly, false);
    s.create_split_booking("b", "client", team, usd(100_000), t0() + hours(72), 120, t0()).await.unwrap();
    for m in ["lead", "m1", "m2"] {
        s.update_booking_status(&"b".into(), BookingStatus::Confirmed, user(m), None, t0() + hours(1)).await.unwrap();
    }
    let started = s
        .update_booking_status(
            &"b".into(),
            BookingStatus::InProgress,
            user("lead"),
            Some("Started working on the project".into()),
            t0() + hours(72),
        )
        .await
        .unwrap();
    assert_eq!(started.events[0].notes.as_deref(), Some("Started working on the project"));
    run(&s, "b", user("lead"), testing::upload("f", FileCategory::Final), 73).await;
    run(&s, "b", user("lead"), Command::Deliver, 74).await;
    s.request_revision(&"b".into(), "client", "Please adjust the mix levels", t0() + hours(75)).await.unwrap();
    run(&s, "b", user("lead"), testing::upload("f2", FileCategory::Final), 76).await;
    run(&s, "b", user("lead"), Command::Deliver, 76).await;
    let released = s.release_funds(&"b".into(), "client", t0() + hours(77)).await.unwrap();
    assert_eq!(released.booking.team_pending(), usd(100_000));
    let paid = s.distribute_split_payment(&"b".into(), "lead", t0() + hours(78)).await.unwrap();
    assert_eq!(paid.effects.len(), 3);
    agrees(&s, &paid.booking);
}
