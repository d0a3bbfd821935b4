//! Conformance checks for chat threads (SPEC X1, X2) and metrics (X7).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{advanced_at, booking_created, ensure, events_of, insert, t, upload, Check};
use crate::{
    Actor, Booking, BookingId, ChatMessage, Command, Commit, FileCategory, MessageCursor, MessageQuery, Metrics, Store,
    StoreError, TimeRange,
};

fn message(booking: &str, content: String, hours: i64, key: Option<&str>) -> ChatMessage {
    ChatMessage {
        booking_id: BookingId::from(booking),
        seq: 0,
        sender: Actor::user("client"),
        content,
        attachments: Vec::new(),
        sent_at: t(hours),
        idempotency_key: key.map(str::to_owned),
    }
}

pub(super) async fn sequence<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    let first = s.append_message(message("b1", "one".into(), 1, Some("k1"))).await.map_err(e)?;
    let second = s.append_message(message("b1", "two".into(), 1, None)).await.map_err(e)?;
    let other = s.append_message(message("b2", "elsewhere".into(), 1, Some("k1"))).await.map_err(e)?;
    ensure(first.message.seq == 1 && second.message.seq == 2, || {
        format!("seqs were {} and {}, want 1 and 2", first.message.seq, second.message.seq)
    })?;
    ensure(other.message.seq == 1 && !other.replayed, || "threads share a counter or keys".into())?;
    let again = s.append_message(message("b1", "one, again".into(), 2, Some("k1"))).await.map_err(e)?;
    ensure(again.replayed && again.message == first.message, || format!("a repeated key gave {again:?}"))?;
    let page = s.messages(&"b1".into(), &MessageQuery::latest(100)).await.map_err(e)?;
    ensure(page.messages.len() == 2, || format!("a replay stored a message: {} in the thread", page.messages.len()))
}

pub(super) async fn concurrent<S: Store + 'static>(s: Arc<S>) -> Check {
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move { s.append_message(message("b1", format!("m{i}"), 1, None)).await })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for task in tasks {
        let appended = task.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
        seqs.insert(appended.message.seq);
    }
    ensure(seqs == (1..=16).collect(), || format!("16 concurrent appends got seqs {seqs:?}"))
}

pub(super) async fn paging<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    // 60 messages, the middle 40 sharing one timestamp.
    for i in 0..60 {
        let hours = if (10..50).contains(&i) { 5 } else { i };
        s.append_message(message("b1", format!("m{i}"), hours, None)).await.map_err(e)?;
    }
    let mut seen = Vec::new();
    let mut query = MessageQuery::latest(7);
    loop {
        let page = s.messages(&"b1".into(), &query).await.map_err(e)?;
        ensure(page.messages.len() <= 7, || format!("a page of 7 held {}", page.messages.len()))?;
        seen.extend(page.messages.iter().map(ChatMessage::cursor));
        match page.next {
            Some(next) => query = MessageQuery::before(next, 7),
            None => break,
        }
    }
    let mut want = seen.clone();
    want.sort_by(|a, b| b.cmp(a));
    want.dedup();
    ensure(seen.len() == 60 && seen == want, || {
        format!("paging returned {} messages, {} distinct, in order: {}", seen.len(), want.len(), seen == want)
    })?;
    let before = MessageQuery::before(MessageCursor::before_time(t(5)), 100);
    let older = s.messages(&"b1".into(), &before).await.map_err(e)?;
    ensure(older.messages.len() == 5 && older.messages.iter().all(|m| m.sent_at < t(5)), || {
        format!("before_time(5h) returned {} messages, want the 5 older ones", older.messages.len())
    })?;
    let none = s.messages(&"nothing".into(), &MessageQuery::latest(50)).await.map_err(e)?;
    ensure(none.messages.is_empty() && none.next.is_none(), || "an empty thread has messages".into())
}

pub(super) async fn metrics<S: Store>(s: Arc<S>) -> Check {
    let e = |e: StoreError| e.to_string();
    let mut stored: Vec<Arc<Booking>> = Vec::new();
    for (i, created) in [0, 10, 20, 30].into_iter().enumerate() {
        let b = booking_created(&format!("b{i}"), "client", created, 72)?;
        s.commit(insert(&b, &events_of(&b))).await.map_err(e)?;
        stored.push(b);
    }
    // b0 and b2 run to approval and a review; b1 is captured only.
    for i in [0, 1, 2] {
        let base = i64::try_from(i * 10).unwrap_or_default();
        let mut steps = vec![("lead", Command::Accept), ("member", Command::Accept)];
        if i != 1 {
            steps.extend([
                ("lead", Command::Start),
                ("lead", upload("final.wav", FileCategory::Final)),
                ("lead", Command::Deliver),
                ("client", Command::Approve),
                ("client", Command::Review { rating: if i == 0 { 5 } else { 3 }, text: String::new() }),
            ]);
        }
        for (step, (actor, command)) in steps.into_iter().enumerate() {
            let b = stored[i].clone();
            let at = t(base + 1 + i64::try_from(step).unwrap_or_default());
            let (next, events) = advanced_at(&b, actor, command, at)?;
            s.commit(Commit { expected_version: b.version, ..insert(&next, &events) }).await.map_err(e)?;
            stored[i] = next;
        }
    }
    let ranges = [(0, 100), (0, 5), (5, 25), (15, 16), (25, 40), (0, 24)];
    for (from, to) in ranges {
        let range = TimeRange::new(t(from), t(to)).map_err(|e| e.to_string())?;
        let got = s.metrics(&range).await.map_err(e)?;
        let want = Metrics::of(range, stored.iter().map(|b| &**b));
        ensure(got == want, || format!("metrics over hours {from}..{to}: got {got:?}, want {want:?}"))?;
    }
    let all = s.metrics(&TimeRange::new(t(0), t(100)).map_err(|e| e.to_string())?).await.map_err(e)?;
    ensure((all.created, all.approved, all.captured, all.released) == (4, 2, 3, 2), || format!("{all:?}"))
}
