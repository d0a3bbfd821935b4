//! A previewer's team, kept in the module: the package's `splitPreviewer`
//! (`entry/split.js`) writes its team once (`split_team`), and each
//! preview then writes only a total and the percentages (`split_slide`).
//! The team's ids and roles are checked once, by the core's `SplitTeam`;
//! every preview still answers what `split_preview` would for the whole
//! split: the same problems in the same order, two messages aside, which
//! name the previewer's own inputs (members as `{userId, role}`, and a
//! count of percentages that is not the team's).

use std::cell::RefCell;

use booking_core::{Currency, Share, SplitTeam};

use crate::split::{allocate, count, currency, money, rates, share, string, total_text, Head};
use crate::wire::{answer, read, Fields, Problem};

/// A team as the wire read it: each part, or the problem it gave. A
/// preview meets them in the order `split_preview` reads its fields.
struct Team {
    currency: Result<Currency, Problem>,
    rates: Result<(u32, i64), Problem>,
    members: Result<Members, Problem>,
    /// The percentages of the preview being answered, reused.
    shares: Vec<Share>,
}

struct Members {
    /// How many members JS wrote.
    count: usize,
    /// The members read: all of them, or those before the first that
    /// could not be.
    team: SplitTeam,
    /// Why the member after the team's last could not be read (its userId
    /// or role was not a string): the percentages of the members before it
    /// are read first.
    unread: Option<Problem>,
}

impl Members {
    /// `count, (userId, role) × count`.
    fn read(fields: &mut Fields) -> Result<Members, Problem> {
        let count = count(fields.next_text(), "members: expected an array of {userId, role}")?;
        let mut pairs = Vec::with_capacity(count.min(booking_core::MAX_MEMBERS + 1));
        let mut unread = None;
        for i in 0..count {
            let pair = string(i, fields.next_text(), "userId")
                .and_then(|user_id| Ok((user_id, string(i, fields.next_text(), "role")?)));
            match pair {
                Ok(pair) => pairs.push(pair),
                Err(problem) => {
                    unread = Some(problem);
                    break;
                }
            }
        }
        Ok(Members { count, team: SplitTeam::new(pairs), unread })
    }
}

/// The teams of the live previewers, by handle; freed slots are reused.
#[derive(Default)]
struct Teams {
    slots: Vec<Option<Team>>,
    free: Vec<u32>,
}

thread_local! {
    static TEAMS: RefCell<Teams> = RefCell::new(Teams::default());
}

/// Reads the team JS wrote in `fields` fields, `currency, feeBps, unit,
/// count, (userId, role) × count`, and keeps it: returns its handle for
/// [`split_slide`]. A team's problems are not reported here but by each
/// preview, in the order a whole split's would be.
#[no_mangle]
pub extern "C" fn split_team(fields: usize) -> u32 {
    let team = read(fields, |fields, _| {
        let currency = currency(fields);
        // Past a problem, the fields after it are not read: it comes first.
        let rates = currency.as_ref().map_err(Problem::clone).and_then(|_| rates(fields));
        let members = rates.as_ref().map_err(Problem::clone).and_then(|_| Members::read(fields));
        Team { currency, rates, members, shares: Vec::new() }
    });
    TEAMS.with_borrow_mut(|teams| match teams.free.pop() {
        Some(handle) => {
            teams.slots[handle as usize] = Some(team);
            handle
        }
        None => {
            teams.slots.push(Some(team));
            // Far fewer than 2^32 teams fit in wasm32's memory.
            (teams.slots.len() - 1) as u32
        }
    })
}

/// Lets go of a team: its previewer is gone (JS calls this from a
/// `FinalizationRegistry`). A handle not in use is ignored.
#[no_mangle]
pub extern "C" fn split_team_drop(handle: u32) {
    TEAMS.with_borrow_mut(|teams| {
        if let Some(slot @ Some(_)) = teams.slots.get_mut(handle as usize) {
            *slot = None;
            teams.free.push(handle);
        }
    })
}

/// Previews team `handle`'s split with the total and percentages JS
/// wrote in `fields` fields: `total, count, percentage × count`. Answers
/// `fee, unallocated, part…` (SPEC S2–S8), or the problem `split_preview`
/// would give for the whole split (see the module's note on two
/// messages). A count of percentages that is not the team's is reported
/// where the first member's percentage would be.
#[no_mangle]
pub extern "C" fn split_slide(handle: u32, fields: usize) -> *const u32 {
    TEAMS.with_borrow_mut(|teams| {
        answer(fields, |fields, out| {
            let Some(Some(team)) = teams.slots.get_mut(handle as usize) else {
                return Err(Problem::input("previewer: no team was read for it", "a team let go of"));
            };
            let total = total_text(fields)?;
            let currency = team.currency.clone()?;
            let total = money(total, currency)?;
            let (fee_bps, unit) = team.rates.clone()?;
            let members = team.members.as_ref().map_err(Problem::clone)?;
            shares(fields, members, &mut team.shares)?;
            let weights = members.team.weights(&team.shares).map_err(|e| Problem::split(&e))?;
            allocate(&Head { total, fee_bps, unit }, &weights, false, out)
        })
    })
}

/// Reads `count, percentage × count` into `out`, one per member, with the
/// problems in member order: member `i`'s percentage, then (for the
/// first unread member) its id or role.
fn shares(fields: &mut Fields, members: &Members, out: &mut Vec<Share>) -> Result<(), Problem> {
    out.clear();
    let n = members.count;
    let given = fields.next_text();
    if given.map(str::parse) != Ok(Ok(n)) && n > 0 {
        // Member 0's id and role come first, as in previewSplit.
        if let (Some(problem), true) = (&members.unread, members.team.is_empty()) {
            return Err(problem.clone());
        }
        let what = format!("percentages: expected an array of {n} decimal strings, one per member");
        return Err(Problem::input(&what, given.unwrap_or_else(|was| was)));
    }
    for i in 0..members.team.len() {
        out.push(share(i, fields.next_text())?);
    }
    members.unread.clone().map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::tests::{preview, THREE};
    use crate::wire::{last, pack};

    /// Writes a team's fields and keeps the team: its handle.
    fn team(fields: &[Result<&str, &str>]) -> u32 {
        split_team(pack(fields))
    }

    /// A whole split's team, as a previewer writes it once: `currency,
    /// feeBps, unit, count, (userId, role) × count`.
    fn team_fields<'a>(whole: &[Result<&'a str, &'a str>]) -> Vec<Result<&'a str, &'a str>> {
        let mut out = whole[1..5].to_vec();
        out.extend(whole[5..].chunks(3).flat_map(|m| [m[0], m[1]]));
        out
    }

    fn three() -> Vec<Result<&'static str, &'static str>> {
        team_fields(&THREE)
    }

    /// A preview: the total, then the percentages.
    fn slide(handle: u32, total: &str, shares: &[Result<&str, &str>]) -> (bool, Vec<String>) {
        let count = shares.len().to_string();
        let mut fields = vec![Ok(total), Ok(count.as_str())];
        fields.extend_from_slice(shares);
        split_slide(handle, pack(&fields));
        last()
    }

    const SHARES: [Result<&str, &str>; 3] = [Ok("33.33"), Ok("33.33"), Ok("33.34")];

    #[test]
    fn s7_a_previewer_answers_the_fee_what_is_left_and_the_parts() {
        let handle = team(&three());
        assert_eq!(
            slide(handle, "1.00", &SHARES),
            (false, vec!["0.00".into(), "0.00".into(), "0.33".into(), "0.33".into(), "0.34".into()])
        );
        // The same parts as the whole split's, again and again.
        let whole = preview(&THREE).1;
        assert_eq!(slide(handle, "1.00", &SHARES).1[2..], whole[4..]);
        split_team_drop(handle);
    }

    /// A whole split's fields (`total, currency, feeBps, unit, count,
    /// (userId, role, percentage) × count`) through a previewer, and
    /// through `split_preview`: the two answers.
    fn both(whole: &[Result<&str, &str>]) -> ((bool, Vec<String>), (bool, Vec<String>)) {
        let handle = team(&team_fields(whole));
        let shares: Vec<_> = whole[5..].chunks(3).map(|m| m[2]).collect();
        let slid = slide(handle, whole[0].unwrap_or("?"), &shares);
        split_team_drop(handle);
        (slid, preview(whole))
    }

    #[test]
    fn s2_a_previewer_meets_the_problems_of_the_whole_split_in_its_order() {
        // Changes to THREE, made to a previewer's team or shares.
        let cases: &[&[(usize, Result<&str, &str>)]] = &[
            &[(1, Ok("xyz"))],                         // the currency
            &[(0, Ok("1.001"))],                       // the total, in that currency
            &[(2, Err("null"))],                       // the fee
            &[(3, Ok("0"))],                           // the unit
            &[(8, Ok("a"))],                           // a repeated user
            &[(10, Err("the number 33.33, a float"))], // a percentage that is not text
            &[(9, Err("null"))],                       // a role that is not text
            &[(13, Ok("33.33"))],                      // the sum
            &[(6, Ok("mix"))],                         // no lead
            // A percentage before a member that cannot be read comes
            // first; one after it is never read.
            &[(7, Ok("x")), (11, Err("null"))],
            &[(11, Err("null")), (13, Ok("x"))],
            // A blank id after a bad percentage, and before one.
            &[(7, Ok("-1")), (8, Ok(" "))],
            &[(8, Ok(" ")), (13, Ok("-1"))],
        ];
        for changes in cases {
            let mut whole = THREE;
            for &(at, value) in *changes {
                whole[at] = value;
            }
            let (slid, expected) = both(&whole);
            assert!(expected.0, "{changes:?} is a problem");
            assert_eq!(slid, expected, "{changes:?}");
        }
    }

    #[test]
    fn s2_a_previewer_of_too_many_members_answers_as_the_whole_split() {
        let count = (booking_core::MAX_MEMBERS + 1).to_string();
        let ids: Vec<String> = (0..=booking_core::MAX_MEMBERS).map(|i| format!("u{i}")).collect();
        let mut whole = vec![Ok("1.00"), Ok("USD"), Ok("0"), Ok("1"), Ok(count.as_str())];
        for (i, id) in ids.iter().enumerate() {
            whole.extend([Ok(id.as_str()), Ok(if i == 0 { "lead" } else { "x" }), Ok("1")]);
        }
        let (slid, expected) = both(&whole);
        assert_eq!(expected.1[0], "split.member_count");
        assert_eq!(slid, expected);
        // Fields that cannot be read still come before the count.
        whole[5 + 3 * 50] = Err("null");
        let (slid, expected) = both(&whole);
        assert_eq!(expected.1[..2], ["split.invalid_member", "50"]);
        assert_eq!(slid, expected);
    }

    #[test]
    fn s2_a_previewer_needs_one_percentage_per_member() {
        let handle = team(&three());
        let expected = "percentages: expected an array of 3 decimal strings, one per member";
        assert_eq!(slide(handle, "1.00", &SHARES[..2]).1, ["json.invalid", "", &format!("{expected}, got 2")]);
        split_slide(handle, pack(&[Ok("1.00")]));
        assert_eq!(last().1[2], format!("{expected}, got missing"));
        split_slide(handle, pack(&[Ok("1.00"), Err("null")]));
        assert_eq!(last().1[2], format!("{expected}, got null"));
        // Member 0's id and role come first, as in previewSplit.
        let mut first = three();
        first[4] = Err("null");
        assert_eq!(slide(team(&first), "1.00", &SHARES[..2]).1[2], "member 0: userId must be a string, got null");
        // A member after the first that cannot be read does not.
        let mut third = three();
        third[8] = Err("null");
        assert_eq!(slide(team(&third), "1.00", &SHARES[..2]).1[2], format!("{expected}, got 2"));
        // No members: that is the problem, whatever the percentages.
        let mut empty = THREE[..5].to_vec();
        empty[4] = Ok("0");
        assert_eq!(slide(team(&empty[1..]), "1.00", &[Ok("100")]), preview(&empty));
        assert_eq!(preview(&empty).1[0], "split.member_count");
    }

    #[test]
    fn handles_are_reused_and_a_team_let_go_of_answers_a_problem() {
        let a = team(&three());
        split_team_drop(a);
        split_team_drop(a);
        let b = team(&three());
        assert_eq!(a, b);
        let c = team(&three());
        assert_ne!(b, c);
        split_team_drop(c);
        assert_eq!(slide(c, "1.00", &SHARES).1[0], "json.invalid");
        assert!(!slide(b, "1.00", &SHARES).0);
    }
}
