//! Collaboration through the service (SPEC X1–X7): chat, files and shares,
//! notifications, reviews and monitoring, with outsiders refused
//! everywhere.

mod common;

use booking_core::*;
use chrono::{DateTime, TimeDelta, Utc};
use common::*;

type Svc = BookingService<MemoryStore, SandboxGateway, MemoryNotifier>;

fn service() -> Svc {
    let s =
        BookingService::new(MemoryStore::new(), SandboxGateway::new(), MemoryNotifier::new(), RecordingSleeper::new());
    s.gateway().set_now(t0());
    s
}

fn at(h: i64) -> DateTime<Utc> {
    t0() + hours(h)
}

fn id() -> BookingId {
    BookingId::from("b")
}

const SHA: &str = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

fn file(name: &str, category: FileCategory) -> FileUpload {
    FileUpload::new(name, category, 2_048, "audio/wav", SHA)
}

async fn run(s: &Svc, actor: &str, command: Command, h: i64) -> Outcome {
    let request = Request::new(Actor::user(actor), command.clone(), at(h));
    s.execute(&id(), request, None).await.unwrap_or_else(|e| panic!("{actor} {command:?}: {e}"))
}

/// A confirmed split booking `b` (lead 50 %, m1 30 %, m2 20 %) for
/// `client`, scheduled 72 hours ahead.
async fn confirmed(s: &Svc) {
    let new = NewBooking::split("b", "client", team(ReleaseRule::LeadOnly, true), usd(100_000), at(72), 120);
    s.create(new, t0(), None).await.unwrap();
    for m in ["lead", "m1", "m2"] {
        run(s, m, Command::Accept, 1).await;
    }
}

/// The booking delivered at hour 74 and approved at hour 75.
async fn approved(s: &Svc) {
    confirmed(s).await;
    run(s, "lead", Command::Start, 72).await;
    run(s, "lead", Command::UploadFile(file("master.wav", FileCategory::Final)), 73).await;
    run(s, "lead", Command::Deliver, 74).await;
    run(s, "client", Command::Approve, 75).await;
}

async fn send(s: &Svc, actor: Actor, text: &str, h: i64) -> Result<ChatMessage, ServiceError> {
    s.send_message(&id(), actor, NewMessage::text(text), at(h)).await
}

fn code<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> &'static str {
    r.unwrap_err().code()
}

#[tokio::test]
async fn x1_participants_chat_and_everyone_else_is_refused() {
    let s = service();
    confirmed(&s).await;
    for who in ["client", "lead", "m1", "m2"] {
        send(&s, user(who), &format!("hello from {who}"), 2).await.unwrap();
    }
    let outsider = Actor::user("eve");
    assert_eq!(code(send(&s, outsider.clone(), "let me in", 2).await), "chat.not_participant");
    let read = s.messages(&id(), &outsider, &MessageQuery::default()).await;
    assert_eq!(code(read), "chat.not_participant");
    // A mediator takes part only while the booking is disputed.
    let mediator = Actor::Mediator("mediator-1".into());
    assert_eq!(code(send(&s, mediator.clone(), "hi", 2).await), "chat.not_participant");
    run(&s, "lead", Command::Start, 72).await;
    run(&s, "client", Command::Dispute { reason: "no show".into() }, 73).await;
    send(&s, mediator.clone(), "I will look into it", 74).await.unwrap();
    let page = s.messages(&id(), &mediator, &MessageQuery::default()).await.unwrap();
    assert_eq!(page.messages.len(), 5);
    assert_eq!(page.messages[0].content, "I will look into it");
    assert_eq!(code(s.messages(&"nope".into(), &user("client"), &MessageQuery::default()).await), "service.not_found");
}

#[tokio::test]
async fn x1_message_limits_and_attachments() {
    let s = service();
    confirmed(&s).await;
    assert_eq!(code(send(&s, user("client"), "", 2).await), "chat.empty");
    assert_eq!(code(send(&s, user("client"), " \n\t ", 2).await), "chat.empty");
    assert_eq!(code(send(&s, user("client"), &"é".repeat(10_001), 2).await), "chat.too_long");
    send(&s, user("client"), &"é".repeat(10_000), 2).await.unwrap();

    // Stems readable by the team only; a reference readable by all.
    let stems = file("stems.zip", FileCategory::Stems).readable_by(&[FileRole::Provider]);
    run(&s, "m1", Command::UploadFile(stems), 3).await;
    run(&s, "client", Command::UploadFile(file("ref.mp3", FileCategory::Reference)), 3).await;
    let bid = id();
    let attach = |who: &str, files: &[&str]| {
        s.send_message(&bid, user(who), NewMessage::text("see attached").with_attachments(files), at(4))
    };
    let sent = attach("lead", &["stems.zip", "ref.mp3", "stems.zip"]).await.unwrap();
    assert_eq!(sent.attachments, vec![FileId::from("stems.zip"), FileId::from("ref.mp3")], "duplicates dropped");
    assert_eq!(code(attach("client", &["stems.zip"]).await), "chat.attachment", "not visible to the client");
    assert_eq!(code(attach("client", &["missing.wav"]).await), "chat.attachment", "not a file of this booking");
    attach("client", &["ref.mp3"]).await.unwrap();
    let many: Vec<&str> = std::iter::repeat_n("ref.mp3", MAX_ATTACHMENTS + 1).collect();
    assert_eq!(code(attach("client", &many).await), "chat.too_many_attachments");
    let page = s.messages(&id(), &user("m2"), &MessageQuery::latest(100)).await.unwrap();
    assert_eq!(page.messages.len(), 3, "refused messages left no trace");
}

#[tokio::test]
async fn x1_a_closed_booking_has_a_read_only_chat() {
    let s = service();
    approved(&s).await;
    send(&s, user("client"), "thanks, sounds great", 76).await.unwrap();
    s.review(&id(), "client", 5, "superb", at(77)).await.unwrap();
    s.review(&id(), "lead", 4, "clear brief", at(77)).await.unwrap();
    // Approved, released and both reviews in: closed (B5).
    assert_eq!(code(send(&s, user("lead"), "one more thing", 78).await), "chat.closed");
    let page = s.messages(&id(), &user("lead"), &MessageQuery::default()).await.unwrap();
    assert_eq!(page.messages.len(), 1, "history stays readable");
}

#[tokio::test]
async fn x1_x4_a_message_notifies_the_others_once_even_when_retried() {
    let s = service();
    confirmed(&s).await;
    let before = s.notifier().sent().len();
    let msg = NewMessage::text("Project files uploaded to shared folder").with_key("client-msg-1");
    let first = s.send_message(&id(), user("m1"), msg.clone(), at(2)).await.unwrap();
    let again = s.send_message(&id(), user("m1"), msg, at(3)).await.unwrap();
    assert_eq!(first, again, "a retry returns the first message");
    let sent = s.notifier().sent();
    let chat: Vec<_> = sent[before..].iter().filter(|i| i.kind == NotificationKind::ChatMessage).collect();
    assert_eq!(chat.len(), 1, "the retry told nobody again");
    let ids: Vec<&str> = chat[0].recipients.iter().map(UserId::as_str).collect();
    assert_eq!(ids, ["client", "lead", "m2"], "everyone but the sender");
    assert_eq!((chat[0].channel, chat[0].subject.clone()), (Channel::InApp, Some(Subject::Message { seq: 1 })));
    let other = NewMessage::text("something else").with_key("client-msg-1");
    assert_eq!(code(s.send_message(&id(), user("m1"), other, at(3)).await), "idempotency.mismatch");
    let page = s.messages(&id(), &user("client"), &MessageQuery::default()).await.unwrap();
    assert_eq!(page.messages.len(), 1);
}

#[tokio::test]
async fn x2_paging_over_1000_messages_with_one_timestamp_returns_each_once() {
    let s = service();
    confirmed(&s).await;
    for i in 0..1_000 {
        let who = if i % 2 == 0 { "client" } else { "lead" };
        send(&s, user(who), &format!("m{i}"), 2).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut query = MessageQuery::default();
    let mut pages = 0;
    loop {
        let page = s.messages(&id(), &user("m2"), &query).await.unwrap();
        pages += 1;
        seen.extend(page.messages.iter().map(|m| m.content.clone()));
        match page.next {
            Some(cursor) => query = MessageQuery::before(cursor.to_string().parse().unwrap(), 50),
            None => break,
        }
    }
    let want: Vec<String> = (0..1_000).rev().map(|i| format!("m{i}")).collect();
    assert_eq!(seen, want, "newest first, each exactly once");
    assert_eq!(pages, 20);
    // A message arriving mid-way does not shift the older pages.
    let first = s.messages(&id(), &user("m2"), &MessageQuery::latest(10)).await.unwrap();
    send(&s, user("client"), "late arrival", 2).await.unwrap();
    let older = s.messages(&id(), &user("m2"), &MessageQuery::before(first.next.unwrap(), 10)).await.unwrap();
    assert_eq!(older.messages[0].content, "m989");
}

#[tokio::test]
async fn x2_limits_cursors_and_before_timestamp() {
    let s = service();
    confirmed(&s).await;
    for h in 2..8 {
        send(&s, user("client"), &format!("at {h}"), h).await.unwrap();
    }
    for limit in [0, 101] {
        let r = s.messages(&id(), &user("client"), &MessageQuery::latest(limit)).await;
        assert_eq!(code(r), "chat.invalid_limit");
    }
    assert_eq!(MessageQuery::default().limit, 50);
    let before = MessageQuery::before(MessageCursor::before_time(at(5)), 50);
    let page = s.messages(&id(), &user("client"), &before).await.unwrap();
    let texts: Vec<&str> = page.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["at 4", "at 3", "at 2"], "the seed's beforeTimestamp: strictly earlier");
    assert_eq!("7@not-a-time".parse::<MessageCursor>().unwrap_err().code(), "chat.invalid_cursor");
    let json: MessageQuery = serde_json::from_str(r#"{"before": "3@2026-06-01T14:00:00Z", "limit": 2}"#).unwrap();
    assert_eq!(json.before.unwrap().seq, 3);
}

#[tokio::test]
async fn x3_roles_decide_who_reads_and_outsiders_never_do() {
    let s = service();
    confirmed(&s).await;
    let private = file("stems.zip", FileCategory::Stems).readable_by(&[FileRole::Provider]);
    let mine = file("notes.txt", FileCategory::Feedback).readable_by(&[]);
    s.upload_booking_file(&id(), "m1", private, at(2)).await.unwrap();
    s.upload_booking_file(&id(), "client", mine, at(2)).await.unwrap();
    let can = |who: Actor, f: &str, h: i64| {
        let s = &s;
        let f = FileId::from(f);
        async move { s.file_access(&id(), &who, &f, at(h)).await.map(|_| ()).map_err(|e| e.code()) }
    };
    assert_eq!(can(user("lead"), "stems.zip", 2).await, Ok(()));
    assert_eq!(can(user("m2"), "stems.zip", 2).await, Ok(()));
    assert_eq!(can(user("client"), "stems.zip", 2).await, Err("file.no_access"));
    assert_eq!(can(user("client"), "notes.txt", 2).await, Ok(()), "the uploader always reads");
    assert_eq!(can(user("lead"), "notes.txt", 2).await, Err("file.no_access"));
    assert_eq!(can(user("eve"), "stems.zip", 2).await, Err("file.no_access"));
    assert_eq!(can(Actor::System, "stems.zip", 2).await, Err("file.no_access"));
    assert_eq!(can(user("m1"), "stems.zip", 1).await, Err("file.no_access"), "not before its upload");
    assert_eq!(can(user("lead"), "missing", 2).await, Err("file.not_found"));
    let mediator = Actor::Mediator("med".into());
    assert_eq!(can(mediator.clone(), "notes.txt", 80).await, Err("file.no_access"));
    run(&s, "lead", Command::Start, 72).await;
    run(&s, "client", Command::Dispute { reason: "missed session".into() }, 73).await;
    assert_eq!(can(mediator, "notes.txt", 80).await, Ok(()), "a mediator reads everything while disputed");

    let meta = s.file_access(&id(), &user("lead"), &"stems.zip".into(), at(80)).await.unwrap();
    assert_eq!((meta.size_bytes, meta.content_type.as_str(), meta.sha256.as_str()), (2_048, "audio/wav", SHA));
    assert_eq!(meta.uploaded_by, UserId::from("m1"));
    // The client may not upload stems; the team may not upload feedback.
    let r = s.upload_booking_file(&id(), "client", file("s2.zip", FileCategory::Stems), at(80)).await;
    assert_eq!(code(r), "file.category_not_allowed");
    let r = s.upload_booking_file(&id(), "eve", file("x.wav", FileCategory::Reference), at(80)).await;
    assert_eq!(code(r), "lifecycle.forbidden");
    let hidden_final = file("f.wav", FileCategory::Final).readable_by(&[FileRole::Provider]);
    assert_eq!(code(s.upload_booking_file(&id(), "lead", hidden_final, at(80)).await), "file.invalid");
}

#[tokio::test]
async fn x3_a_share_lasts_until_its_expiry_and_not_one_second_more() {
    let s = service();
    confirmed(&s).await;
    let stems = file("stems.zip", FileCategory::Stems).readable_by(&[FileRole::Provider]);
    s.upload_booking_file(&id(), "lead", stems, at(2)).await.unwrap();
    let expiry = at(2) + TimeDelta::days(7);
    let before = s.notifier().sent().len();
    let shared = s
        .share_with_team(&id(), "lead", "stems.zip".into(), vec!["guest".into(), "client".into()], Some(expiry), at(2))
        .await
        .unwrap();
    let grants = &shared.booking.file(&"stems.zip".into()).unwrap().shares;
    assert_eq!(grants.len(), 2);
    let (bid, guest, stems) = (id(), Actor::user("guest"), FileId::from("stems.zip"));
    let read = |h: DateTime<Utc>| s.file_access(&bid, &guest, &stems, h);
    assert!(read(at(1)).await.is_err(), "not before the grant");
    assert!(read(at(3)).await.is_ok());
    assert!(read(expiry).await.is_ok(), "until the expiry, inclusive");
    assert_eq!(code(read(expiry + TimeDelta::seconds(1)).await), "file.no_access");
    let client_reads = s.file_access(&id(), &user("client"), &"stems.zip".into(), at(3)).await;
    assert!(client_reads.is_ok(), "a share reaches a participant without the role too");
    // A share is in-app news for the people it names, never the sharer.
    let sent = s.notifier().sent();
    let share = sent[before..].iter().find(|i| i.kind == NotificationKind::FileShared).unwrap();
    let ids: Vec<&str> = share.recipients.iter().map(UserId::as_str).collect();
    assert_eq!(ids, ["client", "guest"]);
    assert_eq!(share.subject, Some(Subject::File { file_id: "stems.zip".into() }));
    // Chat stays closed to a grantee who is not a participant.
    assert_eq!(code(send(&s, guest.clone(), "thanks", 3).await), "chat.not_participant");
}

#[tokio::test]
async fn x3_share_rules() {
    let s = service();
    confirmed(&s).await;
    let nothing = s.share_with_team(&id(), "lead", "x".into(), vec!["g".into()], None, at(2)).await;
    assert_eq!(code(nothing), "file.nothing_to_share");
    let stems = file("stems.zip", FileCategory::Stems).readable_by(&[FileRole::Provider]);
    s.upload_booking_file(&id(), "lead", stems, at(2)).await.unwrap();
    run(&s, "client", Command::UploadFile(file("ref.mp3", FileCategory::Reference)), 2).await;
    let bid = id();
    let share = |who: &str, f: &str, with: &[&str], expires: Option<DateTime<Utc>>| {
        let with = with.iter().map(|u| UserId::from(*u)).collect();
        s.share_with_team(&bid, who.to_owned(), f.into(), with, expires, at(2))
    };
    assert_eq!(code(share("client", "stems.zip", &["g"], None).await), "file.no_access", "only readers share");
    assert_eq!(code(share("lead", "missing", &["g"], None).await), "file.not_found");
    assert_eq!(code(share("lead", "stems.zip", &[], None).await), "file.invalid_share");
    let too_long = at(2) + TimeDelta::days(30) + TimeDelta::seconds(1);
    assert_eq!(code(share("lead", "stems.zip", &["g"], Some(too_long)).await), "file.invalid_share");
    assert_eq!(code(share("lead", "stems.zip", &["g"], Some(at(2))).await), "file.invalid_share");
    assert_eq!(code(share("eve", "stems.zip", &["g"], None).await), "lifecycle.forbidden");
    // The default is 30 days; a new share replaces the user's earlier one.
    let out = share("lead", "stems.zip", &["g", "g"], None).await.unwrap();
    let grant = &out.booking.file(&"stems.zip".into()).unwrap().shares;
    assert_eq!((grant.len(), grant[0].expires_at), (1, at(2) + TimeDelta::days(MAX_SHARE_DAYS)));
    let out = share("m1", "stems.zip", &["g"], Some(at(5))).await.unwrap();
    let grant = &out.booking.file(&"stems.zip".into()).unwrap().shares;
    assert_eq!((grant.len(), grant[0].expires_at, grant[0].granted_by.as_str()), (1, at(5), "m1"));
    assert!(s.file_access(&id(), &user("g"), &"stems.zip".into(), at(6)).await.is_err(), "cut short");
}

#[tokio::test]
async fn x3_a_member_who_leaves_the_team_loses_role_access() {
    let s = service();
    confirmed(&s).await;
    let stems = file("stems.zip", FileCategory::Stems).readable_by(&[FileRole::Provider]);
    s.upload_booking_file(&id(), "lead", stems, at(2)).await.unwrap();
    let smaller = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("60")).with_payout_account("acct_lead"),
        SplitMember::new("m1", "collaborator", pct("40")),
    ])
    .unwrap();
    run(&s, "lead", Command::ProposeTeam { split: smaller }, 3).await;
    run(&s, "m1", Command::AcceptTeamChange, 3).await;
    run(&s, "m2", Command::AcceptTeamChange, 3).await;
    let gone = s.file_access(&id(), &user("m2"), &"stems.zip".into(), at(4)).await;
    assert_eq!(code(gone), "file.no_access");
    assert_eq!(code(send(&s, user("m2"), "still here?", 4).await), "chat.not_participant");
}

#[tokio::test]
async fn x3_b2_deliver_needs_a_final_file() {
    let s = service();
    confirmed(&s).await;
    run(&s, "lead", Command::Start, 72).await;
    run(&s, "m1", Command::UploadFile(file("stems.zip", FileCategory::Stems)), 73).await;
    let early = s.execute(&id(), Request::new(user("lead"), Command::Deliver, at(73)), None).await;
    assert_eq!(code(early), "lifecycle.missing_final_file");
    run(&s, "m1", Command::UploadFile(file("master.wav", FileCategory::Final)), 73).await;
    let out = run(&s, "lead", Command::Deliver, 74).await;
    assert_eq!(out.booking.status, BookingStatus::Completed);
}

#[tokio::test]
async fn x5_both_sides_review_once_inside_the_window() {
    let s = service();
    confirmed(&s).await;
    assert_eq!(code(s.review(&id(), "client", 5, "", at(2)).await), "lifecycle.invalid_transition");
    run(&s, "lead", Command::Start, 72).await;
    run(&s, "lead", Command::UploadFile(file("master.wav", FileCategory::Final)), 73).await;
    run(&s, "lead", Command::Deliver, 74).await;
    run(&s, "client", Command::Approve, 75).await;
    for bad in [0, 6] {
        assert_eq!(code(s.review(&id(), "client", bad, "", at(76)).await), "lifecycle.invalid_rating");
    }
    assert_eq!(code(s.review(&id(), "m1", 5, "", at(76)).await), "lifecycle.forbidden", "members do not review");
    assert_eq!(code(s.review(&id(), "eve", 5, "", at(76)).await), "lifecycle.forbidden");
    s.review(&id(), "client", 4, "Great mix, fast turnaround", at(76)).await.unwrap();
    assert_eq!(code(s.review(&id(), "client", 5, "again", at(76)).await), "lifecycle.already_done");
    let rating = s.rating(&"lead".into()).await.unwrap();
    assert_eq!((rating.count(), rating.mean().unwrap().to_string()), (1, "4.00".into()));
    assert_eq!(s.rating(&"client".into()).await.unwrap().count(), 0, "the lead's review rates the client");
    // The window is 14 days; after it the booking is closed (B5, T4).
    let late = at(75) + TimeDelta::days(14);
    assert_eq!(code(s.review(&id(), "lead", 5, "", late).await), "lifecycle.closed");
    s.review(&id(), "lead", 5, "Clear brief", late - TimeDelta::seconds(1)).await.unwrap();
    let b = s.get(&id()).await.unwrap();
    assert_eq!(b.reviews.len(), 2);
}

/// Bookings `n` (created `n` hours after t0) played to an end:
/// `approve` (approval after `hours_to_approve`, then a review of
/// `stars`), `cancel` after capture, `decline` before it, or `open`.
async fn outcome(s: &Svc, n: i64, end: &str, hours_to_approve: i64, stars: u8) {
    let bid = BookingId::new(format!("m{n}"));
    let created = at(n);
    let new = NewBooking::solo(bid.clone(), format!("client{n}"), "lead", usd(10_000), created + hours(72), 60);
    s.create(new, created, None).await.unwrap();
    let step = |actor: String, command: Command, when: DateTime<Utc>| {
        let bid = bid.clone();
        async move { s.execute(&bid, Request::new(Actor::User(actor.into()), command, when), None).await.unwrap() }
    };
    let client = format!("client{n}");
    match end {
        "decline" => {
            step("lead".into(), Command::Decline { reason: None }, created).await;
        }
        "open" => {}
        _ => {
            step("lead".into(), Command::Confirm, created).await;
            if end == "cancel" {
                step(client, Command::Cancel { reason: None }, created).await;
                return;
            }
            let done = created + hours(hours_to_approve);
            step("lead".into(), Command::Start, created + hours(72)).await;
            step("lead".into(), Command::UploadFile(file("final.wav", FileCategory::Final)), created + hours(72)).await;
            step("lead".into(), Command::Deliver, created + hours(73)).await;
            step(client.clone(), Command::Approve, done).await;
            step(client, Command::Review { rating: stars, text: String::new() }, done).await;
        }
    }
}

#[tokio::test]
async fn x7_metrics_from_the_event_history() {
    let s = service();
    outcome(&s, 0, "approve", 80, 5).await;
    outcome(&s, 1, "approve", 100, 4).await;
    outcome(&s, 2, "approve", 90, 2).await;
    outcome(&s, 3, "cancel", 0, 0).await;
    outcome(&s, 4, "decline", 0, 0).await;
    outcome(&s, 5, "open", 0, 0).await;
    outcome(&s, 30, "approve", 75, 1).await; // created outside the range
    let range = TimeRange::new(t0(), at(24)).unwrap();
    let m = s.metrics(range).await.unwrap();
    assert_eq!((m.created, m.approved, m.captured, m.released), (6, 3, 4, 3));
    assert_eq!(m.success_rate().percent().unwrap().to_string(), "50.00");
    assert_eq!(m.payment_completion_rate().percent().unwrap().to_string(), "75.00");
    assert_eq!(m.average_time_to_approval(), Some(TimeDelta::hours(90)));
    assert_eq!(m.satisfaction.mean().unwrap().to_string(), "3.67");
    assert_eq!(m.satisfied_share(), Rate { part: 2, whole: 3 });
    // The cohort is by creation; outcomes count whenever they happened.
    let wider = s.metrics(TimeRange::new(t0(), at(31)).unwrap()).await.unwrap();
    assert_eq!((wider.created, wider.approved, wider.satisfaction.count()), (7, 4, 4));
    let late = s.metrics(TimeRange::new(at(30), at(31)).unwrap()).await.unwrap();
    assert_eq!((late.created, late.average_time_to_approval()), (1, Some(TimeDelta::hours(75))));
    let empty = s.metrics(TimeRange::new(at(500), at(600)).unwrap()).await.unwrap();
    assert_eq!((empty.success_rate().percent(), empty.average_time_to_approval()), (None, None));
    assert_eq!(TimeRange::new(at(2), at(1)).unwrap_err().code(), "metrics.invalid_range");
    let bad: Result<TimeRange, _> =
        serde_json::from_str(r#"{"from":"2026-06-02T00:00:00Z","to":"2026-06-01T00:00:00Z"}"#);
    assert!(bad.is_err(), "JSON goes through the same check");
}
