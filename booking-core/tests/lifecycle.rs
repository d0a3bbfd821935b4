//! The booking lifecycle, rule by rule (SPEC B, C, D, E, R, T, S9, S10).

mod common;

use booking_core::*;
use common::*;

#[test]
fn b1_anything_not_in_the_table_is_an_invalid_transition_and_changes_nothing() {
    let b = solo();
    refused(&b, user("lead"), Command::Start, 1, "lifecycle.invalid_transition");
    refused(&b, user("lead"), Command::Deliver, 1, "lifecycle.invalid_transition");
    refused(&b, user("client"), Command::Approve, 1, "lifecycle.invalid_transition");
    refused(&b, mediator(), Command::Resolve { resolution: Resolution::ReleaseAll }, 1, "lifecycle.invalid_transition");
}

#[test]
fn b_wrong_actor_is_forbidden_not_invalid() {
    let b = solo();
    refused(&b, user("client"), Command::Confirm, 1, "lifecycle.forbidden");
    refused(&b, user("stranger"), Command::Cancel { reason: None }, 1, "lifecycle.forbidden");
    refused(&b, mediator(), Command::Confirm, 1, "lifecycle.forbidden");
    refused(&b, Actor::System, Command::Confirm, 1, "lifecycle.forbidden");
    let err = decide(&b, &Request::new(user("client"), Command::Confirm, t0())).unwrap_err();
    assert_eq!(err.to_string(), "forbidden: only the lead may confirm, not the client");
}

#[test]
fn b_every_accepted_command_appends_an_event_with_who_and_when() {
    let mut b = solo();
    let before = b.history.len();
    ok(&mut b, user("lead"), Command::Confirm, 2);
    let added: Vec<&Event> = b.history.since(before).collect();
    assert!(!added.is_empty());
    assert!(added.iter().all(|e| e.actor == user("lead") && e.at == t0() + hours(2)));
    assert_eq!(b.version as usize, b.history.len());
}

#[test]
fn b2_deliver_needs_a_final_file_since_the_last_revision_request() {
    let mut b = solo();
    ok(&mut b, user("lead"), Command::Confirm, 1);
    ok(&mut b, user("lead"), Command::Start, 72);
    ok(&mut b, user("lead"), testing::upload("stems", FileCategory::Stems), 73);
    refused(&b, user("lead"), Command::Deliver, 73, "lifecycle.missing_final_file");
    final_file(&mut b, "v1", 73);
    ok(&mut b, user("lead"), Command::Deliver, 74);
    ok(&mut b, user("client"), Command::RequestRevision { feedback: "Louder vocals".into() }, 75);
    refused(&b, user("lead"), Command::Deliver, 76, "lifecycle.missing_final_file");
    final_file(&mut b, "v2", 76);
    ok(&mut b, user("lead"), Command::Deliver, 77);
    assert_eq!(b.status, BookingStatus::Completed);
}

#[test]
fn b3_revisions_are_counted_and_need_feedback() {
    let mut b = solo();
    deliver(&mut b);
    assert_eq!(b.revisions_remaining, 2);
    refused(&b, user("client"), Command::RequestRevision { feedback: "  ".into() }, 75, "lifecycle.invalid_text");
    for round in 0..2 {
        ok(&mut b, user("client"), Command::RequestRevision { feedback: "Adjust the mix levels".into() }, 75 + round);
        final_file(&mut b, &format!("r{round}"), 76 + round);
        ok(&mut b, user("lead"), Command::Deliver, 76 + round);
    }
    assert_eq!(b.revisions_remaining, 0);
    refused(
        &b,
        user("client"),
        Command::RequestRevision { feedback: "Once more".into() },
        80,
        "lifecycle.no_revisions_left",
    );
    assert!(!allowed_commands(&b, &user("client"), t0() + hours(80)).contains(&CommandKind::RequestRevision));
}

#[test]
fn b4_status_updates_record_updated_by_and_notes() {
    let mut b = solo();
    let req =
        Request::status_update(&b, BookingStatus::Confirmed, user("lead"), t0() + hours(1), Some("Happy to".into()))
            .unwrap();
    b.handle(req).unwrap();
    let req = Request::status_update(
        &b,
        BookingStatus::InProgress,
        user("lead"),
        t0() + hours(72),
        Some("Started working on the project".into()),
    )
    .unwrap();
    b.handle(req).unwrap();
    let last_start = b.history.iter().rev().find(|e| e.notes.is_some()).unwrap();
    assert_eq!(last_start.notes.as_deref(), Some("Started working on the project"));
    assert_eq!(last_start.actor, user("lead"));
    let needs_feedback = Request::status_update(&b, BookingStatus::Revision, user("client"), t0(), None).unwrap_err();
    assert_eq!(needs_feedback.code(), "lifecycle.invalid_text");
}

#[test]
fn b5_closed_bookings_accept_nothing() {
    let mut b = solo();
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    assert!(!b.is_closed(t0() + hours(76)));
    ok(&mut b, user("client"), Command::Review { rating: 5, text: "Great".into() }, 76);
    ok(&mut b, user("lead"), Command::Review { rating: 4, text: "Clear brief".into() }, 76);
    assert!(b.is_closed(t0() + hours(76)));
    refused(&b, user("lead"), testing::upload("late", FileCategory::Stems), 77, "lifecycle.closed");
    assert!(allowed_commands(&b, &user("client"), t0() + hours(77)).is_empty());
    let cancelled = {
        let mut c = solo();
        ok(&mut c, user("client"), Command::Cancel { reason: None }, 1);
        c
    };
    assert!(cancelled.is_closed(t0() + hours(1)));
}

#[test]
fn b5_the_review_window_ending_closes_an_approved_booking() {
    let mut b = solo();
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    assert!(!b.is_closed(t0() + hours(75 + 14 * 24 - 1)));
    assert!(b.is_closed(t0() + hours(75 + 14 * 24)));
}

#[test]
fn b6_transition_table_lists_answers_and_draws() {
    assert!(TRANSITIONS.iter().any(|t| t.command == CommandKind::Resolve && t.who == [Party::Mediator]));
    let b = solo();
    let lead = allowed_commands(&b, &user("lead"), t0());
    assert_eq!(lead, vec![CommandKind::Confirm, CommandKind::Decline, CommandKind::Cancel, CommandKind::UploadFile]);
    assert!(allowed_commands(&b, &user("stranger"), t0()).is_empty());
    let diagram = mermaid();
    assert!(diagram.contains("completed --> revision : request-revision (client)"));
    assert!(diagram.contains("disputed --> in_progress : resolve (mediator)"));
    let readme = include_str!("../../README.md");
    assert!(readme.contains(diagram.trim()), "README's diagram is stale: paste booking_core::mermaid() into it");
}

#[test]
fn b6_allowed_commands_agree_with_decide() {
    let mut b = split(ReleaseRule::Majority, true);
    for m in ["lead", "m1", "m2"] {
        ok(&mut b, user(m), Command::Accept, 1);
    }
    for actor in [user("client"), user("lead"), user("m1"), mediator(), Actor::System] {
        let allowed = allowed_commands(&b, &actor, t0() + hours(2));
        for t in TRANSITIONS.iter().filter(|t| t.command != CommandKind::Create) {
            let probe = match t.command {
                CommandKind::Start => Some(Command::Start),
                CommandKind::Cancel => Some(Command::Cancel { reason: None }),
                CommandKind::Approve => Some(Command::Approve),
                CommandKind::Accept => Some(Command::Accept),
                _ => None,
            };
            if let Some(cmd) = probe {
                let accepted = decide(&b, &Request::new(actor.clone(), cmd, t0() + hours(2))).is_ok();
                assert_eq!(accepted, allowed.contains(&t.command), "{actor} {}", t.command);
            }
        }
    }
}

#[test]
fn b7_a_booking_keeps_the_policy_it_was_created_under() {
    let mut policy = Policy::verified().with_fee_bps(1_000);
    policy.version = 3;
    let mut b = solo_with(policy.clone());
    let json = b.to_json().unwrap();
    let mut b2 = Booking::from_json(&json).unwrap();
    assert_eq!(*b2.policy, policy);
    deliver(&mut b);
    deliver(&mut b2);
    ok(&mut b, user("client"), Command::Approve, 75);
    assert_eq!(b.ledger.fees(), usd(1_000));
}

#[test]
fn e1_e4_release_balances_the_ledger_to_the_cent() {
    let mut b = split_with(team(ReleaseRule::LeadOnly, true), Policy::standard().with_fee_bps(750));
    deliver(&mut b);
    let effects = ok(&mut b, user("client"), Command::Approve, 75);
    assert_eq!(b.ledger.escrow(), usd(0));
    assert_eq!(b.ledger.fees(), usd(7_500));
    assert_eq!(b.ledger.paid_to(&"lead".into()), usd(46_250));
    assert_eq!(b.ledger.paid_to(&"m1".into()), usd(27_750));
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(18_500));
    let released_plus = b.ledger.released().minor() + b.ledger.refunded().minor() + b.ledger.fees().minor();
    assert_eq!(released_plus, b.ledger.captured().minor());
    check_money(&b);
    let accounts: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            PaymentEffect::Transfer { account, .. } => Some(account.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(accounts[0].as_deref(), Some("acct_lead"));
}

#[test]
fn e2_hold_is_authorized_at_create_and_captured_at_confirmation() {
    let new = NewBooking::solo("b9", "client", "lead", usd(5_000), t0() + hours(48), 60);
    let (mut b, effects) = Booking::create(new, t0()).unwrap();
    let authorize =
        PaymentEffect::Authorize { key: "booking/b9/v0/authorize".into(), amount: usd(5_000), payment_method: None };
    assert_eq!(effects, vec![authorize]);
    assert_eq!(b.payment_status, PaymentStatus::Authorized);
    assert!(b.ledger.entries().is_empty());
    let effects = ok(&mut b, user("lead"), Command::Confirm, 1);
    assert_eq!(effects, vec![PaymentEffect::Capture { key: "booking/b9/v2/capture".into(), amount: usd(5_000) }]);
    assert_eq!(b.payment_status, PaymentStatus::Held);
    assert_eq!(b.ledger.escrow(), usd(5_000));
}

#[test]
fn e3_before_hold_until_no_timer_releases() {
    let mut b = solo();
    ok(&mut b, user("lead"), Command::Confirm, 1);
    ok(&mut b, user("lead"), Command::Start, 2);
    final_file(&mut b, "f", 3);
    ok(&mut b, user("lead"), Command::Deliver, 3);
    // Review period (7 days) ends at 3 + 168 h; hold_until is 72 + 2 h: the later one wins.
    assert!(tick(&b, t0() + hours(170)).is_empty());
    let due = tick(&b, t0() + hours(171));
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].command, Command::Approve);
    // And with a delivery long before the session, hold_until gates it.
    let mut early = solo_with({
        let mut p = Policy::standard();
        p.auto_approve_after = chrono::TimeDelta::hours(1);
        p
    });
    ok(&mut early, user("lead"), Command::Confirm, 1);
    ok(&mut early, user("lead"), Command::Start, 2);
    final_file(&mut early, "f", 3);
    ok(&mut early, user("lead"), Command::Deliver, 3);
    assert!(tick(&early, t0() + hours(73)).is_empty(), "hold_until is t0 + 74 h");
    refused(&early, Actor::System, Command::Approve, 73, "lifecycle.not_due");
    assert_eq!(tick(&early, t0() + hours(74)).len(), 1);
    // The client may approve before hold_until.
    ok(&mut early, user("client"), Command::Approve, 4);
    assert_eq!(early.payment_status, PaymentStatus::Released);
}

#[test]
fn e5_every_payment_step_has_a_key_derived_from_booking_and_step() {
    let mut b = split(ReleaseRule::LeadOnly, true);
    let mut keys = vec!["booking/b2/v0/authorize".to_string()];
    for m in ["lead", "m1", "m2"] {
        keys.extend(ok(&mut b, user(m), Command::Accept, 1).iter().map(|e| e.key().to_owned()));
    }
    ok(&mut b, user("lead"), Command::Start, 72);
    final_file(&mut b, "f", 73);
    ok(&mut b, user("lead"), Command::Deliver, 74);
    keys.extend(ok(&mut b, user("client"), Command::Approve, 75).iter().map(|e| e.key().to_owned()));
    assert_eq!(
        keys,
        [
            "booking/b2/v0/authorize",
            "booking/b2/v4/capture",
            "booking/b2/v14/release/lead",
            "booking/b2/v14/release/m1",
            "booking/b2/v14/release/m2"
        ]
    );
    let ledger_keys: Vec<&str> = b.ledger.entries().iter().map(|e| e.key.as_str()).collect();
    assert!(ledger_keys.iter().all(|k| keys.iter().any(|key| key == k)));
}

#[test]
fn e6_disputed_bookings_are_frozen() {
    let mut b = solo();
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Dispute { reason: "Not what was agreed".into() }, 75);
    refused(&b, user("client"), Command::Approve, 76, "lifecycle.invalid_transition");
    refused(&b, user("client"), Command::Cancel { reason: None }, 76, "lifecycle.invalid_transition");
    refused(&b, user("lead"), Command::Deliver, 76, "lifecycle.invalid_transition");
    assert!(tick(&b, t0() + hours(1000)).is_empty());
    assert_eq!(b.ledger.escrow(), usd(10_000));
}

#[test]
fn r1_r3_unanimous_waits_for_everyone_then_releases_at_once() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("m1"), Command::Vote { approve: true }, 75);
    ok(&mut b, user("client"), Command::Approve, 76);
    assert_eq!(b.payment_status, PaymentStatus::Releasing);
    assert!(b.ledger.released().is_zero());
    let effects = ok(&mut b, user("m2"), Command::Vote { approve: true }, 77);
    assert_eq!(effects.len(), 3, "R3: the vote passing releases at once");
    assert_eq!(b.payment_status, PaymentStatus::Released);
    assert_eq!(b.vote.outcome, VoteOutcome::Passed);
}

#[test]
fn r2_members_vote_early_and_are_paid_the_moment_the_client_approves() {
    let mut b = split(ReleaseRule::Majority, true);
    refused(&b, user("m1"), Command::Vote { approve: true }, 1, "lifecycle.invalid_transition");
    deliver(&mut b);
    assert_eq!(b.vote.votes.get(&UserId::from("lead")), Some(&true), "deliver is the lead's approve vote");
    ok(&mut b, user("m1"), Command::Vote { approve: true }, 75);
    assert_eq!(b.vote.outcome, VoteOutcome::Passed);
    let effects = ok(&mut b, user("client"), Command::Approve, 76);
    assert_eq!(effects.len(), 3);
    assert_eq!(b.payment_status, PaymentStatus::Released);
}

#[test]
fn r4_r5_a_reject_under_unanimous_fails_at_once_and_disputes() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    ok(&mut b, user("m2"), Command::Vote { approve: false }, 76);
    assert_eq!(b.vote.outcome, VoteOutcome::Failed);
    assert_eq!(b.status, BookingStatus::Disputed);
    assert_eq!(b.ledger.escrow(), usd(100_000), "funds stay frozen");
    assert!(b.dispute.as_ref().unwrap().raised_by.is_none());
}

#[test]
fn r6_t3_missing_votes_count_as_approve_when_the_window_ends() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    refused(&b, Actor::System, Command::CloseVote, 75 + 7 * 24 - 1, "lifecycle.not_due");
    assert!(tick(&b, t0() + hours(75 + 7 * 24 - 1)).is_empty());
    let due = tick(&b, t0() + hours(75 + 7 * 24));
    assert_eq!(due.len(), 1);
    b.handle(due[0].clone()).unwrap();
    assert_eq!(b.payment_status, PaymentStatus::Released);
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(20_000));
}

#[test]
fn r7_a_solo_booking_needs_no_vote() {
    let mut b = solo();
    deliver(&mut b);
    refused(&b, user("lead"), Command::Vote { approve: true }, 75, "lifecycle.vote_not_open");
    ok(&mut b, user("client"), Command::Approve, 75);
    assert_eq!(b.payment_status, PaymentStatus::Released);
}

#[test]
fn r8_one_vote_per_member_changeable_until_decided_and_non_members_cannot_vote() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("m1"), Command::Vote { approve: true }, 75);
    ok(&mut b, user("m1"), Command::Vote { approve: true }, 75);
    assert_eq!(b.vote.votes.len(), 2);
    refused(&b, user("client"), Command::Vote { approve: true }, 75, "lifecycle.forbidden");
    refused(&b, user("stranger"), Command::Vote { approve: true }, 75, "lifecycle.forbidden");
    let mut m = split(ReleaseRule::Majority, true);
    deliver(&mut m);
    ok(&mut m, user("lead"), Command::Vote { approve: false }, 75);
    ok(&mut m, user("lead"), Command::Vote { approve: true }, 75);
    ok(&mut m, user("m2"), Command::Vote { approve: true }, 76);
    assert_eq!(m.vote.outcome, VoteOutcome::Passed);
    refused(&m, user("m1"), Command::Vote { approve: false }, 77, "lifecycle.vote_not_open");
}

#[test]
fn c1_cancelling_or_declining_a_pending_booking_voids_the_hold() {
    for (actor, command) in [
        (user("client"), Command::Cancel { reason: Some("Changed plans".into()) }),
        (user("lead"), Command::Decline { reason: None }),
        (user("lead"), Command::Cancel { reason: None }),
    ] {
        let mut b = solo();
        let effects = ok(&mut b, actor, command, 1);
        assert_eq!(effects, vec![PaymentEffect::Void { key: "booking/b1/v2/void".into(), amount: usd(10_000) }]);
        assert_eq!((b.status, b.payment_status), (BookingStatus::Cancelled, PaymentStatus::Voided));
        assert!(b.ledger.entries().is_empty());
    }
    let mut s = split(ReleaseRule::LeadOnly, true);
    ok(&mut s, user("m2"), Command::Decline { reason: None }, 1);
    assert_eq!(s.status, BookingStatus::Cancelled);
}

#[test]
fn c2_client_cancellation_refunds_by_tier_and_the_team_keeps_the_rest_by_split() {
    // 72 h before at t0+0 … cancel at t0+30 → 42 h before → 50 % under standard.
    let mut b = split_with(team(ReleaseRule::LeadOnly, true), Policy::standard().with_fee_bps(1_000));
    for m in ["lead", "m1", "m2"] {
        ok(&mut b, user(m), Command::Accept, 1);
    }
    ok(&mut b, user("client"), Command::Cancel { reason: None }, 30);
    assert_eq!(b.ledger.refunded(), usd(50_000));
    assert_eq!(b.ledger.fees(), usd(5_000));
    assert_eq!(b.ledger.paid_to(&"lead".into()), usd(22_500));
    assert_eq!(b.ledger.paid_to(&"m1".into()), usd(13_500));
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(9_000));
    assert_eq!(b.payment_status, PaymentStatus::PartiallyRefunded);
    check_money(&b);
}

#[test]
fn c2_boundaries_are_inclusive() {
    for (at, refund) in [(24, 10_000), (25, 5_000), (48, 5_000), (49, 0)] {
        let mut b = solo();
        ok(&mut b, user("lead"), Command::Confirm, 1);
        ok(&mut b, user("client"), Command::Cancel { reason: None }, at);
        assert_eq!(b.ledger.refunded(), usd(refund), "cancel {} h before", 72 - at);
    }
}

#[test]
fn c3_a_lead_cancelling_a_confirmed_booking_refunds_everything() {
    let mut b = solo();
    ok(&mut b, user("lead"), Command::Confirm, 1);
    let effects = ok(&mut b, user("lead"), Command::Cancel { reason: Some("Ill".into()) }, 71);
    assert_eq!(effects, vec![PaymentEffect::Refund { key: "booking/b1/v5/refund".into(), amount: usd(10_000) }]);
    assert_eq!(b.payment_status, PaymentStatus::Refunded);
}

#[test]
fn c4_from_in_progress_on_cancelling_is_only_through_a_dispute() {
    let mut b = solo();
    ok(&mut b, user("lead"), Command::Confirm, 1);
    ok(&mut b, user("lead"), Command::Start, 2);
    refused(&b, user("client"), Command::Cancel { reason: None }, 3, "lifecycle.invalid_transition");
    ok(&mut b, user("client"), Command::Dispute { reason: "No show".into() }, 3);
}

#[test]
fn c5_refunds_round_half_up_and_refund_plus_kept_is_captured() {
    let new = NewBooking::solo("odd", "client", "lead", usd(999), t0() + hours(72), 60).with_policy(Policy::verified());
    let (mut b, _) = Booking::create(new, t0()).unwrap();
    ok(&mut b, user("lead"), Command::Confirm, 1);
    ok(&mut b, user("client"), Command::Cancel { reason: None }, 22); // 50 h before → 75 %
    assert_eq!(b.ledger.refunded(), usd(749));
    assert_eq!(b.ledger.refunded().minor() + b.ledger.paid_to(&"lead".into()).minor(), 999);
    check_money(&b);
}

#[test]
fn d1_a_dispute_needs_a_reason_and_freezes_escrow() {
    let mut b = solo();
    deliver(&mut b);
    refused(&b, user("client"), Command::Dispute { reason: "".into() }, 75, "lifecycle.invalid_text");
    ok(&mut b, user("client"), Command::Dispute { reason: "Missing stems".into() }, 75);
    let d = b.dispute.clone().unwrap();
    assert_eq!((d.raised_by, d.previous_status), (Some("client".into()), BookingStatus::Completed));
}

fn disputed_split() -> Booking {
    let mut b = split_with(team(ReleaseRule::LeadOnly, true), Policy::standard().with_fee_bps(500));
    deliver(&mut b);
    ok(&mut b, user("m1"), Command::Dispute { reason: "Split is unfair".into() }, 75);
    b
}

#[test]
fn d2_each_resolution_moves_the_money_it_says() {
    let mut b = disputed_split();
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::ReleaseAll }, 76);
    assert_eq!((b.status, b.payment_status), (BookingStatus::Approved, PaymentStatus::Released));
    assert_eq!(b.ledger.fees(), usd(5_000));

    let mut b = disputed_split();
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::RefundAll }, 76);
    assert_eq!((b.status, b.payment_status), (BookingStatus::Cancelled, PaymentStatus::Refunded));

    let mut b = disputed_split();
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::Partial { refund: usd(40_000) } }, 76);
    assert_eq!((b.status, b.payment_status), (BookingStatus::Approved, PaymentStatus::PartiallyRefunded));
    assert_eq!(b.ledger.fees(), usd(3_000));
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(11_400));

    let mut b = disputed_split();
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::ResumeWork }, 76);
    assert_eq!(b.status, BookingStatus::InProgress);
    assert_eq!(b.vote, ReleaseVote::default());
    assert_eq!(b.ledger.escrow(), usd(100_000));

    let mut b = disputed_split();
    let payouts = vec![
        Payout { user_id: "lead".into(), amount: usd(40_000) },
        Payout { user_id: "m1".into(), amount: usd(30_000) },
        Payout { user_id: "m2".into(), amount: usd(15_500) },
    ];
    ok(
        &mut b,
        mediator(),
        Command::Resolve { resolution: Resolution::Reallocate { refund: usd(10_000), payouts } },
        76,
    );
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(15_500));
    assert_eq!(b.ledger.fees(), usd(4_500));
    check_money(&b);
}

#[test]
fn d3_resolution_amounts_are_validated() {
    let b = disputed_split();
    let code = "lifecycle.invalid_resolution";
    refused(&b, mediator(), Command::Resolve { resolution: Resolution::Partial { refund: usd(-1) } }, 76, code);
    refused(&b, mediator(), Command::Resolve { resolution: Resolution::Partial { refund: usd(100_001) } }, 76, code);
}

#[test]
fn d3_reallocation_must_sum_exactly_and_name_only_members() {
    let b = disputed_split();
    let code = "lifecycle.invalid_resolution";
    let p = |u: &str, m| Payout { user_id: u.into(), amount: usd(m) };
    let realloc = |payouts| Command::Resolve { resolution: Resolution::Reallocate { refund: usd(0), payouts } };
    refused(&b, mediator(), realloc(vec![p("lead", 50_000), p("m1", 44_999)]), 76, code);
    refused(&b, mediator(), realloc(vec![p("lead", 50_000), p("client", 45_000)]), 76, code);
    refused(&b, mediator(), realloc(vec![p("lead", 50_000), p("lead", 45_000)]), 76, code);
    refused(&b, mediator(), realloc(vec![p("lead", 96_000), p("m1", -1_000)]), 76, code);
    let mut b = b;
    ok(&mut b, mediator(), realloc(vec![p("lead", 50_000), p("m1", 45_000)]), 76);
    assert_eq!(b.ledger.paid_to(&"m2".into()), usd(0));
}

#[test]
fn t1_unanswered_pending_bookings_are_declined_by_the_system() {
    let mut b = solo();
    refused(&b, Actor::System, Command::Decline { reason: None }, 47, "lifecycle.not_due");
    let due = tick(&b, t0() + hours(48));
    assert_eq!(due.len(), 1);
    let effects = b.handle(due[0].clone()).unwrap();
    assert_eq!(effects[0].key(), "booking/b1/v2/void");
    assert_eq!(b.status, BookingStatus::Cancelled);
}

#[test]
fn t2_completed_bookings_are_approved_after_the_review_period() {
    let mut b = solo();
    deliver(&mut b);
    ok(&mut b, user("client"), Command::RequestRevision { feedback: "More bass".into() }, 80);
    final_file(&mut b, "v2", 90);
    ok(&mut b, user("lead"), Command::Deliver, 90);
    assert!(tick(&b, t0() + hours(90 + 167)).is_empty(), "counted from the latest delivery");
    let due = tick(&b, t0() + hours(90 + 168));
    b.handle(due[0].clone()).unwrap();
    assert_eq!((b.status, b.payment_status), (BookingStatus::Approved, PaymentStatus::Released));
}

#[test]
fn t4_reviews_are_accepted_for_14_days_after_approval_once_each() {
    let mut b = solo();
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    refused(&b, user("client"), Command::Review { rating: 6, text: "".into() }, 76, "lifecycle.invalid_rating");
    refused(&b, user("client"), Command::Review { rating: 0, text: "".into() }, 76, "lifecycle.invalid_rating");
    ok(&mut b, user("client"), Command::Review { rating: 5, text: "Superb".into() }, 76);
    refused(&b, user("client"), Command::Review { rating: 4, text: "again".into() }, 77, "lifecycle.already_done");
    refused(&b, user("lead"), Command::Review { rating: 4, text: "".into() }, 75 + 14 * 24, "lifecycle.closed");
    let mut c = solo();
    deliver(&mut c);
    ok(&mut c, user("client"), Command::Approve, 75);
    ok(&mut c, user("client"), Command::Review { rating: 5, text: "".into() }, 76);
    ok(&mut c, user("lead"), Command::Review { rating: 3, text: "".into() }, 75 + 14 * 24 - 1);
}

#[test]
fn p_response_window_is_checked_against_authorization_validity_at_create() {
    let mut p = Policy::standard();
    p.provider_response_window = chrono::TimeDelta::days(10);
    let new = NewBooking::solo("x", "client", "lead", usd(100), t0() + hours(72), 60).with_policy(p);
    assert_eq!(Booking::create(new, t0()).unwrap_err().code(), "policy.response_window_too_long");
}

#[test]
fn s9_auto_split_false_holds_the_release_until_the_lead_distributes_once() {
    let mut b = split(ReleaseRule::LeadOnly, false);
    deliver(&mut b);
    let effects = ok(&mut b, user("client"), Command::Approve, 75);
    assert!(effects.is_empty());
    assert_eq!(b.team_pending(), usd(100_000));
    assert_eq!(b.payment_status, PaymentStatus::Released);
    refused(&b, user("m1"), Command::Distribute, 76, "lifecycle.forbidden");
    let effects = ok(&mut b, user("lead"), Command::Distribute, 76);
    let keys: Vec<&str> = effects.iter().map(|e| e.key()).collect();
    assert_eq!(keys, ["booking/b2/v19/release/lead", "booking/b2/v19/release/m1", "booking/b2/v19/release/m2"]);
    assert_eq!(b.ledger.paid_to(&"m1".into()), usd(30_000));
    assert!(b.team_pending().is_zero());
    refused(&b, user("lead"), Command::Distribute, 77, "lifecycle.nothing_to_distribute");
    check_money(&b);
}

#[test]
fn s10_team_changes_while_pending_need_changed_members_to_accept_again() {
    let mut b = split(ReleaseRule::LeadOnly, true);
    ok(&mut b, user("lead"), Command::Accept, 1);
    ok(&mut b, user("m1"), Command::Accept, 1);
    let new_team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("50")).with_payout_account("acct_lead"),
        SplitMember::new("m1", "collaborator", pct("30")),
        SplitMember::new("m3", "specialist", pct("20")),
    ])
    .unwrap();
    ok(&mut b, user("lead"), Command::ProposeTeam { split: new_team.clone() }, 2);
    assert_eq!(*b.revenue_split, new_team);
    assert_eq!(b.accepted_by.len(), 2, "lead and unchanged m1 keep their acceptance");
    refused(&b, user("m2"), Command::Accept, 3, "lifecycle.forbidden");
    ok(&mut b, user("m3"), Command::Accept, 3);
    assert_eq!(b.status, BookingStatus::Confirmed);
    let bad = RevenueSplit::new(vec![SplitMember::new("m1", "lead", pct("100"))]).unwrap();
    let mut p = split(ReleaseRule::LeadOnly, true);
    refused(&p, user("lead"), Command::ProposeTeam { split: bad }, 1, "lifecycle.invalid_team");
    refused(&p, user("m1"), Command::ProposeTeam { split: new_team }, 1, "lifecycle.forbidden");
    ok(&mut p, user("m1"), Command::Accept, 1);
}

#[test]
fn s10_after_confirmation_every_member_old_and_new_accepts_and_the_price_stays() {
    let mut b = split(ReleaseRule::LeadOnly, true);
    for m in ["lead", "m1", "m2"] {
        ok(&mut b, user(m), Command::Accept, 1);
    }
    let new_team = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("40")),
        SplitMember::new("m1", "collaborator", pct("40")),
        SplitMember::new("m3", "specialist", pct("20")),
    ])
    .unwrap();
    ok(&mut b, user("lead"), Command::ProposeTeam { split: new_team.clone() }, 2);
    assert_ne!(*b.revenue_split, new_team);
    for m in ["m1", "m2"] {
        ok(&mut b, user(m), Command::AcceptTeamChange, 3);
    }
    refused(&b, user("m1"), Command::AcceptTeamChange, 3, "lifecycle.already_done");
    assert!(b.team_change.is_some());
    ok(&mut b, user("m3"), Command::AcceptTeamChange, 4);
    assert_eq!(*b.revenue_split, new_team);
    assert_eq!(b.price, usd(100_000));
    ok(&mut b, user("m3"), testing::upload("s", FileCategory::Stems), 5);
    refused(&b, user("m2"), testing::upload("t", FileCategory::Stems), 5, "lifecycle.forbidden");
}

#[test]
fn x3_files_by_category_and_uploader() {
    let mut b = solo();
    refused(&b, user("client"), testing::upload("f", FileCategory::Final), 1, "file.category_not_allowed");
    refused(&b, user("lead"), testing::upload("f", FileCategory::Feedback), 1, "file.category_not_allowed");
    ok(&mut b, user("client"), testing::upload("ref", FileCategory::Reference), 1);
    refused(&b, user("lead"), testing::upload("ref", FileCategory::Reference), 1, "file.duplicate");
}

#[test]
fn o6_json_round_trips_and_bad_json_is_a_typed_error() {
    let mut b = split(ReleaseRule::Majority, false);
    deliver(&mut b);
    let json = b.to_json().unwrap();
    assert!(json.contains("\"escrowReleaseRule\":\"majority\""));
    assert!(json.contains("\"status\":\"completed\""));
    assert_eq!(Booking::from_json(&json).unwrap(), b);
    assert_eq!(Booking::replay(b.history.to_vec()).unwrap(), b);
    let tampered = json.replacen("\"percentage\":\"50\"", "\"percentage\":\"51\"", 1);
    let err = Booking::from_json(&tampered).unwrap_err();
    assert_eq!(err.code(), "json.invalid");
    assert!(err.to_string().contains("percentages sum to 101, not 100"), "{err}");
    let wrong_lead = json.replacen("\"providerId\":\"lead\"", "\"providerId\":\"m1\"", 1);
    assert_eq!(Booking::from_json(&wrong_lead).unwrap_err().code(), "booking.corrupt");
    for junk in ["", "null", "{}", "[1,2]", "{\"id\":5}"] {
        assert_eq!(Booking::from_json(junk).unwrap_err().code(), "json.invalid", "{junk}");
    }
    let cmd: Command = from_json(r#"{"type":"request-revision","feedback":"x"}"#).unwrap();
    assert_eq!(cmd.kind(), CommandKind::RequestRevision);
    assert_eq!(from_json::<Command>(r#"{"type":"launch"}"#).unwrap_err().code(), "json.invalid");
}

#[test]
fn create_validates_the_request() {
    let base = || NewBooking::solo("n", "client", "lead", usd(100), t0() + hours(72), 60);
    let edits: [fn(&mut NewBooking); 5] = [
        |n| n.price = usd(0),
        |n| n.estimated_duration_minutes = 0,
        |n| n.scheduled_date = t0(),
        |n| n.client_id = "".into(),
        |n| n.client_id = "lead".into(),
    ];
    for edit in edits {
        let mut new = base();
        edit(&mut new);
        let code = Booking::create(new, t0()).unwrap_err().code();
        assert!(code == "lifecycle.invalid_booking" || code == "lifecycle.invalid_team", "{code}");
    }
    let mut negative = base();
    negative.price = usd(-5);
    assert_eq!(Booking::create(negative, t0()).unwrap_err().code(), "money.negative");
}

#[test]
fn commands_dated_before_the_last_event_are_refused() {
    let mut b = solo();
    ok(&mut b, user("lead"), Command::Confirm, 5);
    refused(&b, user("lead"), Command::Start, 4, "lifecycle.clock_went_back");
}

#[test]
fn r_no_vote_once_escrow_is_empty_so_a_paid_booking_cannot_reopen() {
    // Found by the E1/E4 property: a resolution paid everything out, then a
    // vote "failed" and sent an empty booking back to work.
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("m1"), Command::Dispute { reason: "Credits".into() }, 75);
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::ResumeWork }, 76);
    ok(&mut b, user("m1"), Command::Dispute { reason: "Still".into() }, 77);
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::Partial { refund: usd(1_000) } }, 78);
    assert_eq!(b.payment_status, PaymentStatus::PartiallyRefunded);
    refused(&b, user("m2"), Command::Vote { approve: false }, 79, "lifecycle.vote_not_open");
    refused(&b, user("m2"), Command::Dispute { reason: "x".into() }, 79, "lifecycle.nothing_in_escrow");
}

#[test]
fn o6_absurd_values_from_json_are_errors_or_saturate_never_panics() {
    // Windows at the edge of what a duration can hold, and a session at the
    // end of time: every timer check saturates instead of overflowing.
    let mut b = solo();
    let json = b.to_json().unwrap();
    let huge = json
        .replace("\"voteWindow\":604800", "\"voteWindow\":9223372036854")
        .replace("\"reviewWindow\":1209600", "\"reviewWindow\":9223372036854");
    assert_ne!(huge, json);
    let far: Booking = Booking::from_json(&huge).unwrap();
    assert!(tick(&far, t0() + hours(100_000)).len() <= 1);
    ok(&mut b, user("lead"), Command::Confirm, 1);
    // A ledger whose entries would overflow 64-bit sums is refused.
    let entry = r#"{"from":{"kind":"client"},"to":{"kind":"escrow"},"amount":{"amount":"90000000000000000.00","currency":"USD"},"key":"k"}"#;
    let ledger = format!(r#"{{"currency":"USD","entries":[{entry},{entry}]}}"#);
    let err = from_json::<Ledger>(&ledger).unwrap_err();
    assert!(err.to_string().contains("overflow"), "{err}");
    let one = format!(r#"{{"currency":"USD","entries":[{entry}]}}"#);
    assert!(from_json::<Ledger>(&one).is_ok());
}

// Regressions from a review of the core against the SPEC.

#[test]
fn s2_percentages_near_decimal_max_are_an_error_not_a_panic() {
    let json = r#"{"splits":[{"userId":"a","role":"lead","percentage":"50000000000000000000000000000"},{"userId":"b","role":"x","percentage":"50000000000000000000000000000"}]}"#;
    assert_eq!(from_json::<RevenueSplit>(json).unwrap_err().code(), "json.invalid");
}

#[test]
fn m3_a_price_too_large_for_the_ledger_sums_is_refused() {
    let new = NewBooking::solo(
        "x",
        "client",
        "lead",
        Money::from_minor(MAX_PRICE_MINOR + 1, Currency::JPY),
        t0() + hours(72),
        60,
    );
    assert_eq!(Booking::create(new, t0()).unwrap_err().code(), "lifecycle.invalid_booking");
}

#[test]
fn d2_resume_work_after_a_releasing_approval_holds_the_payment_again() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    assert_eq!(b.payment_status, PaymentStatus::Releasing);
    ok(&mut b, user("m1"), Command::Dispute { reason: "Credits".into() }, 76);
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::ResumeWork }, 77);
    assert_eq!((b.status, b.payment_status), (BookingStatus::InProgress, PaymentStatus::Held));
}

#[test]
fn t4_the_latest_approval_starts_the_review_window() {
    let mut b = split(ReleaseRule::Unanimous, true);
    deliver(&mut b);
    ok(&mut b, user("client"), Command::Approve, 75);
    ok(&mut b, user("m1"), Command::Dispute { reason: "Credits".into() }, 76);
    ok(&mut b, mediator(), Command::Resolve { resolution: Resolution::ResumeWork }, 77);
    final_file(&mut b, "v2", 400);
    ok(&mut b, user("lead"), Command::Deliver, 400);
    for m in ["m1", "m2"] {
        ok(&mut b, user(m), Command::Vote { approve: true }, 401);
    }
    ok(&mut b, user("client"), Command::Approve, 480);
    assert_eq!(b.payment_status, PaymentStatus::Released);
    assert!(!b.is_closed(t0() + hours(481)), "14 days count from the second approval");
    ok(&mut b, user("client"), Command::Review { rating: 5, text: String::new() }, 482);
}

#[test]
fn t1_e2_a_booking_cannot_be_confirmed_after_the_response_window() {
    let b = solo();
    refused(&b, user("lead"), Command::Confirm, 48, "lifecycle.expired");
    let s = split(ReleaseRule::LeadOnly, true);
    refused(&s, user("m1"), Command::Accept, 49, "lifecycle.expired");
    assert!(!allowed_commands(&b, &user("lead"), t0() + hours(48)).contains(&CommandKind::Confirm));
}

#[test]
fn s10_changing_the_release_rule_while_pending_needs_everyone_to_accept_again() {
    let mut b = split(ReleaseRule::Unanimous, true);
    ok(&mut b, user("lead"), Command::Accept, 1);
    ok(&mut b, user("m1"), Command::Accept, 1);
    let looser = team(ReleaseRule::LeadOnly, true);
    ok(&mut b, user("lead"), Command::ProposeTeam { split: looser }, 2);
    assert_eq!(b.accepted_by.iter().map(|u| u.as_str()).collect::<Vec<_>>(), ["lead"]);
}

#[test]
fn r8_deliver_after_the_vote_is_decided_casts_no_vote() {
    let mut b = split(ReleaseRule::LeadOnly, true);
    deliver(&mut b);
    assert_eq!(b.vote.outcome, VoteOutcome::Passed);
    ok(&mut b, user("client"), Command::RequestRevision { feedback: "Tweak".into() }, 75);
    final_file(&mut b, "v2", 76);
    let before = b.history.len();
    ok(&mut b, user("lead"), Command::Deliver, 76);
    assert!(b
        .history
        .since(before)
        .all(|e| !matches!(e.kind, EventKind::VoteCast { .. } | EventKind::VoteDecided { .. })));
}

#[test]
fn o6_replaying_a_history_that_breaks_the_rules_is_an_error() {
    let b = solo();
    let mut events = b.history.to_vec();
    if let EventKind::Created { booking } = &mut events[0].kind {
        std::sync::Arc::make_mut(booking).price = usd(-100);
    }
    assert_eq!(Booking::replay(events).unwrap_err().code(), "booking.corrupt");
}

#[test]
fn s10_r4_a_team_change_during_a_release_vote_is_counted_over_the_new_team() {
    // Found in review: removing the one member who had not voted left the
    // vote pending until someone voted again.
    let mut b = split_with(team(ReleaseRule::Unanimous, true), Policy::standard().with_fee_bps(500));
    deliver(&mut b);
    ok(&mut b, user("m1"), Command::Vote { approve: true }, 75);
    ok(&mut b, user("client"), Command::Approve, 76);
    assert_eq!(b.payment_status, PaymentStatus::Releasing);
    let smaller = RevenueSplit::new(vec![
        SplitMember::new("lead", "lead", pct("60")),
        SplitMember::new("m1", "collaborator", pct("40")),
    ])
    .unwrap()
    .with_release_rule(ReleaseRule::Unanimous);
    refused(&b, user("lead"), Command::ProposeTeam { split: smaller.clone() }, 77, "lifecycle.invalid_transition");
    // Before the client approves, the change goes through and the vote is
    // decided over the new team at once.
    let mut c = split_with(team(ReleaseRule::Unanimous, true), Policy::standard().with_fee_bps(500));
    deliver(&mut c);
    ok(&mut c, user("m1"), Command::Vote { approve: true }, 75);
    ok(&mut c, user("lead"), Command::ProposeTeam { split: smaller }, 76);
    for m in ["m1", "m2"] {
        ok(&mut c, user(m), Command::AcceptTeamChange, 77);
    }
    assert_eq!(c.vote.outcome, VoteOutcome::Passed);
    ok(&mut c, user("client"), Command::Approve, 78);
    assert_eq!(c.ledger.paid_to(&"m1".into()), usd(38_000));
    assert_eq!(c.ledger.paid_to(&"m2".into()), usd(0));
    check_money(&c);
}

#[test]
fn o6_apply_all_keeps_the_events_before_one_the_state_refuses() {
    let b = solo();
    let confirm = decide(&b, &Request::new(user("lead"), Command::Confirm, t0() + hours(1))).unwrap();
    let created = b.history[0].clone();
    let mut shared = b.clone();
    let (len, version) = (b.history.len(), b.version);
    let err = shared.apply_all(confirm.events.iter().cloned().chain([created])).unwrap_err();
    assert_eq!(err.code(), "booking.corrupt");
    assert_eq!(shared.status, BookingStatus::Confirmed);
    assert_eq!(shared.history.len(), len + confirm.events.len());
    assert_eq!(shared.version, version + confirm.events.len() as u64);
    assert_eq!(shared.history.last(), confirm.events.last());
    assert_eq!((b.history.len(), b.status), (len, BookingStatus::Pending), "the clone's history is its own");
}
