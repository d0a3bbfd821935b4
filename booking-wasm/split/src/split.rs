//! Split previews for a team lead's sliders: every member's exact part, or
//! why the split is invalid, reported in the result rather than thrown (a
//! slider fires often, and V8 spends microseconds capturing the stack of
//! every thrown `Error`). Values cross through `wire.rs`; the rules are
//! the core's `SplitWeights`.

use booking_core::{Currency, MemberShare, Money, Share, SplitWeights};

use crate::wire::{answer, Answer, Fields, Problem};

/// A count of array items JS wrote.
#[inline]
fn count(field: Result<&str, &str>, what: &str) -> Result<usize, Problem> {
    match field {
        Ok(n) => n.parse().map_err(|_| Problem::input(what, n)),
        Err(was) => Err(Problem::input(what, was)),
    }
}

/// Member `index`'s `name` field, which must have been a string.
#[inline]
fn string<'a>(index: usize, field: Result<&'a str, &str>, name: &str) -> Result<&'a str, Problem> {
    field.map_err(|was| Problem::member(index, format!("{name} must be a string, got {was}")))
}

/// Member `index`'s percentage.
#[inline]
fn share(index: usize, field: Result<&str, &str>) -> Result<Share, Problem> {
    let pct = field.map_err(|was| {
        Problem::member(
            index,
            format!("percentage must be a decimal string such as \"33.33\" or a whole number, got {was}"),
        )
    })?;
    Share::parse(pct).ok_or_else(|| Problem::member(index, format!("percentage {pct:?} is not a decimal number")))
}

/// Reads `count, (userId, role, percentage) × count`; or, for a previewer
/// (`shares_apart`), `count, (userId, role) × count, count, percentage ×
/// count`. Problems come in member order either way: a previewer's count
/// of percentages that does not match is reported where the first
/// percentage is read.
fn members<'a>(fields: &mut Fields<'a>, shares_apart: bool) -> Result<Vec<MemberShare<'a>>, Problem> {
    let what = match shares_apart {
        true => "members: expected an array of {userId, role}",
        false => "members: expected an array of {userId, role, percentage}",
    };
    let count = count(fields.next_text(), what)?;
    let mut shares = None;
    if shares_apart {
        match percentages(fields, count) {
            Ok(cursor) => shares = Some(cursor),
            // Member 0's id and role come first, as in previewSplit; with
            // no members, the core's count of them does.
            Err(problem) if count > 0 => {
                let mut first = fields.clone();
                string(0, first.next_text(), "userId")?;
                string(0, first.next_text(), "role")?;
                return Err(problem);
            }
            Err(_) => {}
        }
    }
    let mut out = Vec::with_capacity(count.min(booking_core::MAX_MEMBERS + 1));
    for i in 0..count {
        let user_id = string(i, fields.next_text(), "userId")?;
        let role = string(i, fields.next_text(), "role")?;
        let pct = shares.as_mut().unwrap_or(&mut *fields).next_text();
        out.push(MemberShare { user_id, role, share: share(i, pct)? });
    }
    Ok(out)
}

/// The percentages after a previewer's `count` members: one per member.
fn percentages<'a>(fields: &Fields<'a>, count: usize) -> Result<Fields<'a>, Problem> {
    let mut shares = fields.clone();
    shares.skip(count.saturating_mul(2));
    let what = || format!("percentages: expected an array of {count} decimal strings, one per member");
    let given = match shares.next_text() {
        Ok(n) => n.parse::<usize>().map_err(|_| n),
        Err(was) => Err(was),
    };
    match given {
        Ok(given) if given == count => Ok(shares),
        Ok(given) => Err(Problem::input(&what(), &format!("{given}"))),
        Err(was) => Err(Problem::input(&what(), was)),
    }
}

fn integer<T: std::str::FromStr>(field: Result<&str, &str>, name: &str) -> Result<T, Problem> {
    let found = field.map_err(|was| Problem::input(&format!("{name}: expected a whole number"), was))?;
    found.parse().map_err(|_| Problem::input(&format!("{name}: expected a whole number"), found))
}

/// What every preview reads first: `total, currency, feeBps, unit`.
struct Head {
    total: Money,
    fee_bps: u32,
    unit: i64,
}

fn head(fields: &mut Fields) -> Result<Head, Problem> {
    let total =
        fields.next_text().map_err(|was| Problem::input("total: expected a decimal string such as \"250.00\"", was))?;
    let currency =
        fields.next_text().map_err(|was| Problem::input("currency: expected a code such as \"USD\"", was))?;
    let currency = Currency::from_code(currency).map_err(|e| Problem::of(&e))?;
    let total = Money::from_decimal_str(total, currency).map_err(|e| Problem::of(&e))?;
    Ok(Head { total, fee_bps: integer(fields.next_text(), "feeBps")?, unit: integer(fields.next_text(), "unit")? })
}

/// Checks and allocates (SPEC S1–S8), writing `fee, unallocated, total,
/// currency, part…` to `out`, or returns the problem.
fn allocate(head: &Head, members: &[MemberShare], out: &mut Answer) -> Result<(), Problem> {
    let split = SplitWeights::new(members).map_err(|e| Problem::split(&e))?;
    let alloc = split.allocate_in_units(head.total, head.fee_bps, head.unit).map_err(|e| Problem::split(&e))?;
    out.amount(&alloc.fee);
    out.amount(&alloc.unallocated);
    out.amount(&head.total);
    out.field(head.total.currency().code());
    for part in &alloc.parts {
        out.amount(part);
    }
    Ok(())
}

/// Previews the split JS wrote in `fields` fields: `total, currency,
/// feeBps, unit, count, (userId, role, percentage) × count`. Answers
/// `fee, unallocated, total, currency, part…`, each member's exact part in
/// member order (SPEC S2–S8), or the problem. Returns the wire's header;
/// the package's `previewSplit` (`entry/split.js`) is the JS face of it.
#[no_mangle]
pub extern "C" fn split_preview(fields: usize) -> *const u32 {
    answer(fields, |fields, out| allocate(&head(fields)?, &members(fields, false)?, out))
}

/// Previews the split a previewer wrote in `fields` fields: `total,
/// currency, feeBps, unit, count, (userId, role) × count, count,
/// percentage × count`. Answers as [`split_preview`] does. The package's
/// `splitPreviewer` (`entry/split.js`) is its JS face: the team's fields
/// are encoded once, and only the total and percentages change.
#[no_mangle]
pub extern "C" fn split_slide(fields: usize) -> *const u32 {
    answer(fields, |fields, out| allocate(&head(fields)?, &members(fields, true)?, out))
}

/// Checks the team JS wrote in `fields` fields, `count, (userId, role,
/// percentage) × count` (SPEC S1, S2): answers nothing when the split is
/// valid, else the problem. The package's `validateSplit` is its JS face.
#[no_mangle]
pub extern "C" fn split_validate(fields: usize) -> *const u32 {
    answer(fields, |fields, _| SplitWeights::new(&members(fields, false)?).map(drop).map_err(|e| Problem::split(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{last, pack};

    const THREE: [Result<&str, &str>; 14] = [
        Ok("1.00"),
        Ok("usd"),
        Ok("0"),
        Ok("1"),
        Ok("3"),
        Ok("a"),
        Ok("lead"),
        Ok("33.33"),
        Ok("b"),
        Ok("mix"),
        Ok("33.33"),
        Ok("c"),
        Ok("vocals"),
        Ok("33.34"),
    ];

    fn preview(fields: &[Result<&str, &str>]) -> (bool, Vec<String>) {
        split_preview(pack(fields));
        last()
    }

    #[test]
    fn s7_the_answer_is_fee_unallocated_total_currency_then_the_parts() {
        let (problem, fields) = preview(&THREE);
        assert!(!problem);
        assert_eq!(fields, ["0.00", "0.00", "1.00", "USD", "0.33", "0.33", "0.34"]);
    }

    #[test]
    fn s2_a_problem_is_its_code_the_member_and_the_message() {
        let mut team = THREE;
        team[8] = Ok("a");
        assert_eq!(
            preview(&team),
            (
                true,
                vec![
                    "split.duplicate_user".into(),
                    "1".into(),
                    "user a appears more than once (members 0 and 1)".into()
                ]
            )
        );
        team[8] = Ok("b");
        team[13] = Ok("33.33");
        assert_eq!(preview(&team).1, ["split.sum_not_100", "", "percentages sum to 99.99, not 100"]);
    }

    #[test]
    fn s2_a_field_that_was_not_text_is_named_and_missing_fields_are_missing() {
        let mut team = THREE;
        team[10] = Err("the number 33.33, a float");
        assert_eq!(
            preview(&team).1[2],
            "member 1: percentage must be a decimal string such as \"33.33\" or a whole number, \
             got the number 33.33, a float"
        );
        // A count larger than the members written: the next member's
        // fields are missing.
        let mut short = THREE.to_vec();
        short[4] = Ok("4");
        assert_eq!(preview(&short).1[2], "member 3: userId must be a string, got missing");
        assert_eq!(preview(&[Err("null")]).1[2], "total: expected a decimal string such as \"250.00\", got null");
        assert_eq!(preview(&[]).1[2], "total: expected a decimal string such as \"250.00\", got missing");
    }

    #[test]
    fn s2_more_fields_than_were_written_read_as_none() {
        split_preview(pack(&THREE) + 10);
        assert_eq!(last().1[2], "total: expected a decimal string such as \"250.00\", got missing");
    }

    /// THREE as a previewer writes it: the team, then the percentages.
    fn slid() -> Vec<Result<&'static str, &'static str>> {
        let members = THREE[5..].chunks(3);
        let mut out = THREE[..5].to_vec();
        out.extend(members.clone().flat_map(|m| [m[0], m[1]]));
        out.push(Ok("3"));
        out.extend(members.map(|m| m[2]));
        out
    }

    fn slide(fields: &[Result<&str, &str>]) -> (bool, Vec<String>) {
        split_slide(pack(fields));
        last()
    }

    #[test]
    fn s7_a_previewer_answers_as_the_preview_does() {
        assert_eq!(slide(&slid()), preview(&THREE));
        let mut team = slid();
        team[13] = Err("the number 33.33, a float");
        assert_eq!(slide(&team).1[..2], ["split.invalid_member", "1"]);
        team[13] = Ok("33.33");
        team[7] = Ok("a");
        assert_eq!(slide(&team).1[..2], ["split.duplicate_user", "1"]);
    }

    #[test]
    fn s2_a_previewer_needs_one_percentage_per_member() {
        let expected = "percentages: expected an array of 3 decimal strings, one per member";
        assert_eq!(slide(&slid()[..11]).1[2], format!("{expected}, got missing"));
        let mut two = slid()[..14].to_vec();
        two[11] = Ok("2");
        assert_eq!(slide(&two).1, ["json.invalid", "", &format!("{expected}, got 2")]);
        let mut none = slid()[..12].to_vec();
        none[11] = Err("null");
        assert_eq!(slide(&none).1[2], format!("{expected}, got null"));
        // Member 0's id and role come first, as in previewSplit.
        let mut first = two.clone();
        first[5] = Err("null");
        assert_eq!(slide(&first).1[2], "member 0: userId must be a string, got null");
        // No members: that is the problem, whatever the percentages.
        let mut empty = slid()[..5].to_vec();
        empty[4] = Ok("0");
        let (whole, mut slid_empty) = (preview(&empty).1, empty.clone());
        slid_empty.push(Ok("1"));
        slid_empty.push(Ok("100"));
        assert_eq!(slide(&slid_empty).1, whole);
        assert_eq!(whole[0], "split.member_count");
        // A count past everything written: the percentages are missing.
        let mut short = slid();
        short[4] = Ok("9");
        assert_eq!(slide(&short).1[2], expected.replace('3', "9") + ", got missing");
    }

    #[test]
    fn s1_validate_answers_nothing_for_a_valid_team() {
        split_validate(pack(&THREE[4..]));
        assert_eq!(last(), (false, vec![]));
        let mut team = THREE[4..].to_vec();
        team[2] = Ok("mix");
        split_validate(pack(&team));
        assert_eq!(last().1, ["split.lead_count", "", "exactly one member must have role \"lead\", found 0"]);
    }
}
