//! The seed's split booking through the service on the embedded default
//! (in-memory store, sandbox payments): `cargo run --example quickstart`.
//!
//! client-123 books a team of creator-1 (lead, 60 %) and creator-2 (mix
//! engineer, 40 %) with a card whose first call on each payment step fails
//! transiently, so the service retries with backoff. Both accept (the hold
//! is captured), the lead delivers, the client asks for a revision, the
//! lead delivers again, creator-2 votes to release, and the client's
//! approval pays the platform's 5 % fee and each member, to the cent.

use std::time::Duration;

use async_trait::async_trait;
use booking_core::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

/// Sleeps for real between retries and says so.
struct Announce;

#[async_trait]
impl Sleeper for Announce {
    async fn sleep(&self, delay: Duration) {
        println!("  (payment step failed transiently; retrying in {} ms)", delay.as_millis());
        tokio::time::sleep(delay).await;
    }
}

#[tokio::main]
async fn main() -> Result<(), ServiceError> {
    let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).single().unwrap_or_default();
    let at = |hours: i64| t0 + TimeDelta::hours(hours);
    let service = BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), Announce);
    service.gateway().set_now(t0);

    let team = RevenueSplit::new(vec![
        SplitMember::new("creator-1", "lead", 60.into()).with_payout_account("acct_creator1"),
        SplitMember::new("creator-2", "mix-engineer", 40.into()).with_payout_account("acct_creator2"),
    ])
    .map_err(LifecycleError::from)?
    .with_release_rule(ReleaseRule::Majority);
    let new = NewBooking::split("bk-1001", "client-123", team, Money::parse("1000.00 USD")?, at(72), 180)
        .with_details("service-456", "Mix and master: 2 songs", "Vocals up front, warm low end")
        .with_policy(Policy::standard().with_fee_bps(500))
        .with_payment_method(test_cards::FLAKY);
    let id = BookingId::from("bk-1001");

    println!("Running the booking through the service…");
    service.create(new, t0, Some("create-bk-1001")).await?;
    let step = |who: &str, command: Command, when: DateTime<Utc>| {
        let actor = Actor::user(who);
        let service = &service;
        let id = id.clone();
        async move { service.execute(&id, Request::new(actor, command, when), None).await }
    };
    step("creator-1", Command::Accept, at(1)).await?;
    step("creator-2", Command::Accept, at(2)).await?;
    service
        .update_booking_status(
            &id,
            BookingStatus::InProgress,
            Actor::user("creator-1"),
            Some("Started working on the project".into()),
            at(72),
        )
        .await?;
    // The bytes live in your storage; the booking records what they are.
    let upload = |file: &str, sha256: &str| {
        Command::UploadFile(FileUpload::new(file, FileCategory::Final, 48_000_000, "audio/wav", sha256))
    };
    step("creator-2", upload("mix-v1.wav", &"1a".repeat(32)), at(74)).await?;
    step("creator-1", Command::Deliver, at(75)).await?;
    service.request_revision(&id, "client-123", "Please adjust the mix levels", at(80)).await?;
    step("creator-2", upload("mix-v2.wav", &"2b".repeat(32)), at(90)).await?;
    step("creator-1", Command::Deliver, at(91)).await?;
    step("creator-2", Command::Vote { approve: true }, at(92)).await?;
    let done = service.release_funds(&id, "client-123", at(96)).await?;
    let booking = done.booking;

    println!("\nBooking {} — {} — {}", booking.id, booking.title, booking.price);
    println!("status {}, payment {}\n", booking.status, booking.payment_status);
    println!("Timeline");
    for event in &booking.history {
        println!("  {event}");
    }
    println!("\nLedger (double entry)");
    for e in booking.ledger.entries() {
        println!("  {:>14}  {:<18} → {:<18} {}", e.amount.to_string(), e.from.to_string(), e.to.to_string(), e.key);
    }
    let l = &booking.ledger;
    println!(
        "  captured {} = released {} + refunded {} + fee {}; escrow now {}",
        l.captured(),
        l.released(),
        l.refunded(),
        l.fees(),
        l.escrow()
    );
    println!("\nPayouts");
    for m in booking.revenue_split.members() {
        println!("  {:<10} {:<13} {:>3}%  {}", m.user_id, m.role, m.percentage, l.paid_to(&m.user_id));
    }
    println!("\nSandbox balances (what the payment provider holds)");
    for (account, balance) in service.gateway().balances() {
        println!("  {account:<16} {balance}");
    }
    println!("\nNotifications sent");
    for n in service.notifier().sent() {
        let to: Vec<&str> = n.recipients.iter().map(UserId::as_str).collect();
        let channel = if n.channel == Channel::Email { "email" } else { "in-app" };
        println!(
            "  {:<7} {:<20} to {:<32} ({} → {})",
            channel,
            format!("{:?}", n.kind),
            to.join(", "),
            n.by,
            n.new_status
        );
    }
    l.check().map_err(|reason| LifecycleError::Corrupt { reason })?;
    Ok(())
}
