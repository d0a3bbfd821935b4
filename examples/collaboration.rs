//! Chat, files, reviews and monitoring (SPEC X) on the embedded default:
//! `cargo run --example collaboration`.
//!
//! A client books a producer and a mix engineer. They talk in the booking's
//! chat, the team shares stems among themselves and with an outside
//! mastering engineer for a week, the lead delivers with a `final` file,
//! the client approves and both sides review. Then the monitoring numbers
//! for the month, computed from the event history.

use booking_core::*;
use chrono::{TimeDelta, TimeZone, Utc};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).single().unwrap_or_default();
    let at = |hours: i64| t0 + TimeDelta::hours(hours);
    let service = BookingService::in_memory();
    let id = BookingId::from("bk-2001");
    let team = RevenueSplit::new(vec![
        SplitMember::new("producer", "lead", 70.into()),
        SplitMember::new("mixer", "mix-engineer", 30.into()),
    ])?;
    let new = NewBooking::split(id.clone(), "artist", team, Money::parse("600.00 EUR")?, at(72), 240);
    service.create(new, t0, None).await?;
    let act = |who: &str, command: Command, hours: i64| {
        let (service, id) = (&service, id.clone());
        let request = Request::new(Actor::user(who), command, at(hours));
        async move { service.execute(&id, request, None).await }
    };
    act("producer", Command::Accept, 1).await?;
    act("mixer", Command::Accept, 1).await?;

    // Files: the bytes live in your storage; the booking keeps what they
    // are and who may read them (X3).
    let reference = FileUpload::new("refs/vibe.mp3", FileCategory::Reference, 4_200_000, "audio/mpeg", "a1".repeat(32));
    service.upload_booking_file(&id, "artist", reference, at(2)).await?;
    let stems = FileUpload::new("stems/v1.zip", FileCategory::Stems, 310_000_000, "application/zip", "b2".repeat(32))
        .readable_by(&[FileRole::Provider]);
    service.upload_booking_file(&id, "producer", stems, at(3)).await?;
    let week = at(3) + TimeDelta::days(7);
    let stems_id = FileId::from("stems/v1.zip");
    service.share_with_team(&id, "producer", stems_id.clone(), vec!["mastering-eng".into()], Some(week), at(3)).await?;
    for (who, when) in
        [("mixer", at(4)), ("artist", at(4)), ("mastering-eng", at(4)), ("mastering-eng", week + TimeDelta::seconds(1))]
    {
        let verdict = match service.file_access(&id, &Actor::user(who), &stems_id, when).await {
            Ok(file) => format!("yes ({} bytes, {})", file.size_bytes, file.content_type),
            Err(e) => format!("no: {} [{}]", e, e.code()),
        };
        println!("may {who} read the stems at {when}? {verdict}");
    }

    // Chat (X1, X2): participants only, attachments must be visible to the
    // sender, history pages newest first.
    let chat = |who: &str, text: &str, files: &[&str], hours: i64| {
        let (service, id) = (&service, id.clone());
        let message = NewMessage::text(text).with_attachments(files);
        let sender = Actor::user(who);
        async move { service.send_message(&id, sender, message, at(hours)).await }
    };
    chat("artist", "Here is the vibe I am after", &["refs/vibe.mp3"], 5).await?;
    chat("producer", "Stems are up for the team", &["stems/v1.zip"], 6).await?;
    chat("mixer", "Got them, starting the rough mix", &[], 6).await?;
    if let Err(e) = chat("artist", "Can I hear the stems?", &["stems/v1.zip"], 7).await {
        println!("refused: {e} [{}]", e.code());
    }
    if let Err(e) = chat("stranger", "hello?", &[], 7).await {
        println!("refused: {e} [{}]", e.code());
    }
    let page = service.messages(&id, &Actor::user("artist"), &MessageQuery::latest(2)).await?;
    println!("\nlatest messages, newest first:");
    for m in &page.messages {
        println!("  #{} {}: {}", m.seq, m.sender, m.content);
    }
    if let Some(cursor) = page.next {
        let older = service.messages(&id, &Actor::user("artist"), &MessageQuery::before(cursor, 50)).await?;
        println!("  … and {} older (cursor {cursor})", older.messages.len());
    }

    // Delivery needs a `final` file the client can read (B2).
    act("producer", Command::Start, 72).await?;
    let master = FileUpload::new("final/master.wav", FileCategory::Final, 98_000_000, "audio/wav", "c3".repeat(32));
    service.upload_booking_file(&id, "mixer", master, at(90)).await?;
    act("producer", Command::Deliver, 91).await?;
    let approved = service.release_funds(&id, "artist", at(96)).await?;
    println!("\napproved; the producer was paid {}", approved.booking.ledger.paid_to(&"producer".into()));

    // Reviews (X5): once each, inside the window.
    service.review(&id, "artist", 5, "Nailed the vibe", at(97)).await?;
    service.review(&id, "producer", 5, "Clear references, quick answers", at(98)).await?;
    let rating = service.rating(&"producer".into()).await?;
    println!("producer rating: {} from {} review(s)", rating.mean().unwrap_or_default(), rating.count());
    if let Err(e) = chat("artist", "Thanks again!", &[], 99).await {
        println!("refused: {e} [{}]", e.code());
    }

    // Monitoring (X7) for June.
    let june = TimeRange::new(t0, Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).single().unwrap_or_default())?;
    let m = service.metrics(june).await?;
    let pct = |r: Rate| r.percent().map_or("n/a".to_owned(), |p| format!("{p}%"));
    println!("\nJune: {} booking(s) created", m.created);
    println!("  success rate            {}", pct(m.success_rate()));
    println!("  payment completion rate {}", pct(m.payment_completion_rate()));
    let hours = m.average_time_to_approval().map(|d| d.num_hours());
    println!("  average time to approval {} h", hours.unwrap_or_default());
    println!(
        "  satisfaction            {} (4–5 stars: {})",
        m.satisfaction.mean().unwrap_or_default(),
        pct(m.satisfied_share())
    );
    let notes = service.notifier().sent();
    println!(
        "\n{} notification intents sent, {} of them for chat",
        notes.len(),
        notes.iter().filter(|n| n.kind == NotificationKind::ChatMessage).count()
    );
    Ok(())
}
