//! The seed's "User searches for creators → Views profiles → Selects
//! service → Initiates booking", on the embedded default: search the
//! catalog, quote a service with options, try a slot someone already took,
//! read the refusal and its alternatives, and book the first alternative.
//!
//! Run: `cargo run --example marketplace`

use booking_core::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc, Weekday};

type Svc = BookingService<MemoryStore, SandboxGateway, MemoryNotifier>;

const WEEKDAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];

fn usd(amount: &str) -> Result<Money, MoneyError> {
    Money::parse(&format!("{amount} USD"))
}

/// An earlier session of `provider`'s, run to the client's review, so the
/// catalog has ratings to sort by.
async fn past_session(s: &Svc, provider: &str, stars: u8, n: u32, now: DateTime<Utc>) -> Result<(), ServiceError> {
    let at = now + TimeDelta::days(60) + TimeDelta::hours(i64::from(n) * 3);
    let id = BookingId::new(format!("past-{provider}-{n}"));
    s.create(NewBooking::solo(id.clone(), format!("fan-{n}"), provider, usd("100")?, at, 60), now, None).await?;
    let client = format!("fan-{n}");
    let master =
        FileUpload::new("final.wav", FileCategory::Final, 52_428_800, "audio/wav", "c0ffee".repeat(10) + "beef");
    let final_mix = Command::UploadFile(master);
    let review = Command::Review { rating: stars, text: "great session".into() };
    let steps = [
        (provider, Command::Confirm, now),
        (provider, Command::Start, at),
        (provider, final_mix, at),
        (provider, Command::Deliver, at),
        (client.as_str(), Command::Approve, at),
        (client.as_str(), review, at),
    ];
    for (who, command, when) in steps {
        s.execute(&id, Request::new(Actor::user(who), command, when), None).await?;
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let s = BookingService::in_memory();
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap(); // a Monday
    s.gateway().set_now(now);

    // Earlier sessions, reviewed by their clients: the ratings discovery
    // sorts by.
    for (n, (provider, stars)) in [("maya", 5), ("maya", 4), ("sam", 5), ("ana", 4), ("ana", 3)].into_iter().enumerate()
    {
        past_session(&s, provider, stars, n as u32, now).await?;
    }

    // The catalog: a Berlin team, a New York and a São Paulo mixer, a
    // Tokyo vocal coach, each with working hours in their own time zone.
    let team = RevenueSplit::new(vec![
        SplitMember::new("maya", "lead", 70.into()),
        SplitMember::new("leo", "mix-engineer", 30.into()),
    ])?;
    let maya = Service::new("maya-mix", "maya", "Mix & master (analog)", "mixing", usd("300")?, 120)
        .with_team(team)
        .with_tags(["hip-hop", "analog"])
        .with_revisions(1)
        .with_option(ServiceOption::new("rush", "Delivery in 48 h", OptionKind::Rush { surcharge_bps: 2_500 }))
        .with_option(
            ServiceOption::new("rev", "Extra revision", OptionKind::ExtraRevisions { price_each: usd("40")? }).up_to(3),
        )
        .with_option(ServiceOption::new("stems", "Stems export", OptionKind::AddOn { price: usd("25")? }));
    let catalog = [
        (maya, "Europe/Berlin", "10:00-18:00"),
        (
            Service::new("sam-mix", "sam", "Hip-hop mixdown", "mixing", usd("250")?, 120).with_tags(["hip-hop"]),
            "America/New_York",
            "09:00-17:00",
        ),
        (
            Service::new("ana-mix", "ana", "Mix with stems", "mixing", usd("180")?, 120)
                .with_tags(["hip-hop", "baile"]),
            "America/Sao_Paulo",
            "04:00-20:00",
        ),
        (
            Service::new("kai-voc", "kai", "Vocal coaching", "vocals", usd("90")?, 60).with_tags(["hip-hop"]),
            "Asia/Tokyo",
            "10:00-19:00",
        ),
    ];
    for (service, zone, hours) in catalog {
        let availability = Availability::new(zone)?.with_hours(&WEEKDAYS, &[hours])?;
        s.put_availability(&service.provider_id, availability).await?;
        s.put_service(service).await?;
    }

    // 1. Search: hip-hop mixing up to 400 USD, best rated first.
    let query = ServiceQuery::default()
        .in_category("mixing")
        .with_tags(&["hip-hop"])
        .priced_between(None, Some(usd("400")?))
        .sorted_by(ServiceSort::Rating);
    let found = s.search_services(&query).await?;
    println!("Search: hip-hop mixing up to 400 USD ({} found)", found.total);
    for hit in &found.items {
        let n = hit.rating.count();
        let rating = hit
            .rating
            .mean()
            .map_or("new".to_owned(), |m| format!("{m}★ ({n} review{})", if n == 1 { "" } else { "s" }));
        println!(
            "  {:<6} {:<24} {:>12}  {rating}",
            hit.service.provider_id.as_str(),
            hit.service.title,
            hit.service.base_price.to_string()
        );
    }

    // 2. Quote Maya's service with options.
    let picked = [Selection::one("rush"), Selection::new("rev", 2), Selection::one("stems")];
    let quote = s.quote(&"maya-mix".into(), &picked).await?;
    println!("\nQuote for maya-mix:");
    for line in &quote.lines {
        println!("  {:<24} {:>12}   {}", line.label, line.amount.to_string(), line.explanation);
    }
    println!(
        "  {:<24} {:>12}   {} minutes, {} revisions",
        "total",
        quote.total.to_string(),
        quote.estimated_duration_minutes,
        quote.included_revisions
    );

    // 3. Someone else booked Maya's team for Wednesday 10:00 Berlin time.
    let berlin = s.availability(&"maya".into()).await?.ok_or("no hours")?;
    let wed_10 = berlin
        .instant(chrono::NaiveDate::from_ymd_opt(2026, 6, 3).unwrap().and_hms_opt(10, 0, 0).unwrap())
        .ok_or("no such time")?;
    let service = s.service(&"maya-mix".into()).await?;
    let other = service.new_booking(&service.quote(&[])?, "early-bird", "another-client", wed_10)?;
    s.create(other, now, None).await?;

    // 4. Our client asks for the same slot and is refused, with alternatives.
    let asked = service.new_booking(&quote, "b-1", "client-123", wed_10)?;
    let alternatives = match s.create(asked.clone(), now, None).await {
        Err(ServiceError::Unavailable { refusal, alternatives }) => {
            println!("\nWednesday 10:00 Berlin refused [{}]: {refusal}", refusal.code());
            println!("  Nearest free times for maya's team (Berlin time):");
            for t in &alternatives.slots {
                println!("    {}", berlin.local(*t).format("%a %d %b %H:%M"));
            }
            println!("  Other providers free at that time, best rated first:");
            for hit in &alternatives.providers {
                let rating = hit.rating.mean().map_or("new".to_owned(), |m| format!("{m}★"));
                println!(
                    "    {:<6} {:<24} {:>12}  {rating}",
                    hit.service.provider_id.as_str(),
                    hit.service.title,
                    hit.service.base_price.to_string()
                );
            }
            alternatives
        }
        Ok(_) => return Err("the taken slot was booked twice".into()),
        Err(e) => return Err(e.into()),
    };

    // 5. Book the first alternative.
    let first = *alternatives.slots.first().ok_or("no free slot nearby")?;
    let mut retry = asked;
    retry.scheduled_date = first;
    let booked = s.create(retry, now, None).await?;
    let b = &booked.booking;
    println!(
        "\nBooked {} for {} at {} Berlin time: {} for {} minutes, team {:?}, status {}, card hold {}",
        b.id,
        b.client_id,
        berlin.local(b.scheduled_date).format("%a %d %b %H:%M"),
        b.price,
        b.estimated_duration_minutes,
        b.team_members().iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        b.status,
        Money::from_minor(s.gateway().authorized_for(&b.id), b.price.currency()),
    );
    Ok(())
}
