//! A 2-member split booking from creation to release on the pure core:
//! `cargo run --example pure_core`. (The quickstart runs the same story
//! through the service with a store and a payment gateway.)
//!
//! The seed's walkthrough: client-123 books service-456 from a team of
//! creator-1 (lead, 60 %) and creator-2 (mix engineer, 40 %). Both accept,
//! the lead delivers, the client asks for one revision, the lead delivers
//! again, creator-2 votes to release, and the client's approval releases
//! escrow: the platform's 5 % fee first, then the split, to the cent.

use booking_core::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

fn main() -> Result<(), Error> {
    let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).single().ok_or(Error::Corrupt { reason: "bad date".into() })?;
    let at = |hours: i64| t0 + TimeDelta::hours(hours);

    let team = RevenueSplit::new(vec![
        SplitMember::new("creator-1", "lead", 60.into()).with_payout_account("acct_creator1"),
        SplitMember::new("creator-2", "mix-engineer", 40.into()).with_payout_account("acct_creator2"),
    ])?
    .with_release_rule(ReleaseRule::Majority);
    let policy = Policy::standard().with_fee_bps(500);
    let new = NewBooking::split("bk-1001", "client-123", team, Money::parse("1000.00 USD")?, at(72), 180)
        .with_details("service-456", "Mix and master: 2 songs", "Vocals up front, warm low end")
        .with_policy(policy);

    let (mut booking, hold) = Booking::create(new, t0)?;
    let mut payments = hold;
    let mut run = |b: &mut Booking, who: &str, command: Command, when: DateTime<Utc>, notes: Option<&str>| {
        let actor = if who == "system" { Actor::System } else { Actor::user(who) };
        let mut request = Request::new(actor, command, when);
        if let Some(n) = notes {
            request = request.with_notes(n);
        }
        b.handle(request).map(|effects| payments.extend(effects))
    };

    run(&mut booking, "creator-1", Command::Accept, at(1), None)?;
    run(&mut booking, "creator-2", Command::Accept, at(2), Some("Happy to mix this"))?;
    run(&mut booking, "creator-1", Command::Start, at(72), Some("Started working on the project"))?;
    let upload = |id: &str| {
        Command::UploadFile(FileUpload::new(id, FileCategory::Final, 48_000_000, "audio/wav", "9f".repeat(32)))
    };
    run(&mut booking, "creator-2", upload("mix-v1.wav"), at(74), None)?;
    run(&mut booking, "creator-1", Command::Deliver, at(75), None)?;
    run(
        &mut booking,
        "client-123",
        Command::RequestRevision { feedback: "Please adjust the mix levels".into() },
        at(80),
        None,
    )?;
    run(&mut booking, "creator-2", upload("mix-v2.wav"), at(90), None)?;
    run(&mut booking, "creator-1", Command::Deliver, at(91), None)?;
    // Members may vote from delivery on; under `majority` the lead's
    // delivery is one of two votes, so creator-2's vote passes the release.
    run(&mut booking, "creator-2", Command::Vote { approve: true }, at(92), None)?;
    run(&mut booking, "client-123", Command::Approve, at(96), Some("Sounds great"))?;

    println!("Booking {} — {} — {}", booking.id, booking.title, booking.price);
    println!("status {}, payment {}\n", booking.status, booking.payment_status);
    println!("Timeline");
    for event in &booking.history {
        println!("  {event}");
    }
    println!("\nPayment steps for the gateway (idempotency keys)");
    for p in &payments {
        println!("  {:<36} {}", p.key(), p.amount());
    }
    println!("\nLedger (double entry)");
    for e in booking.ledger.entries() {
        println!("  {:>14}  {:<18} → {:<18} {}", e.amount.to_string(), e.from.to_string(), e.to.to_string(), e.key);
    }
    println!("\nPayouts");
    for m in booking.revenue_split.members() {
        println!("  {:<10} {:<13} {:>6}%  {}", m.user_id, m.role, m.percentage, booking.ledger.paid_to(&m.user_id));
    }
    let l = &booking.ledger;
    println!("  platform fee                    {}", l.fees());
    println!(
        "\ncaptured {} = released {} + refunded {} + fee {} ; escrow now {}",
        l.captured(),
        l.released(),
        l.refunded(),
        l.fees(),
        l.escrow()
    );
    l.check().map_err(|reason| Error::Corrupt { reason })?;
    Ok(())
}
