//! Split previews for a team lead's sliders: every member's exact part, or
//! why the split is invalid, reported in the result rather than thrown (a
//! slider fires often, and V8 spends microseconds capturing the stack of
//! every thrown `Error`). Values cross through `wire.rs`; the rules are
//! the core's `SplitWeights`.

use booking_core::{Currency, MemberShare, Money, Share, SplitWeights};

use crate::wire::{answer, Answer, Fields, Problem};

/// A count of array items JS wrote.
#[inline]
pub(crate) fn count(field: Result<&str, &str>, what: &str) -> Result<usize, Problem> {
    match field {
        Ok(n) => n.parse().map_err(|_| Problem::input(what, n)),
        Err(was) => Err(Problem::input(what, was)),
    }
}

/// Member `index`'s `name` field, which must have been a string.
#[inline]
pub(crate) fn string<'a>(index: usize, field: Result<&'a str, &str>, name: &str) -> Result<&'a str, Problem> {
    field.map_err(|was| Problem::member(index, format!("{name} must be a string, got {was}")))
}

/// Member `index`'s percentage.
#[inline]
pub(crate) fn share(index: usize, field: Result<&str, &str>) -> Result<Share, Problem> {
    let pct = field.map_err(|was| {
        Problem::member(
            index,
            format!("percentage must be a decimal string such as \"33.33\" or a whole number, got {was}"),
        )
    })?;
    Share::parse(pct).ok_or_else(|| Problem::member(index, format!("percentage {pct:?} is not a decimal number")))
}

/// Reads `count, (userId, role, percentage) × count`.
fn members<'a>(fields: &mut Fields<'a>) -> Result<Vec<MemberShare<'a>>, Problem> {
    let count = count(fields.next_text(), "members: expected an array of {userId, role, percentage}")?;
    let mut out = Vec::with_capacity(count.min(booking_core::MAX_MEMBERS + 1));
    for i in 0..count {
        let user_id = string(i, fields.next_text(), "userId")?;
        let role = string(i, fields.next_text(), "role")?;
        out.push(MemberShare { user_id, role, share: share(i, fields.next_text())? });
    }
    Ok(out)
}

fn integer<T: std::str::FromStr>(field: Result<&str, &str>, name: &str) -> Result<T, Problem> {
    let found = field.map_err(|was| Problem::input(&format!("{name}: expected a whole number"), was))?;
    found.parse().map_err(|_| Problem::input(&format!("{name}: expected a whole number"), found))
}

/// What every preview reads first: `total, currency, feeBps, unit`.
pub(crate) struct Head {
    pub(crate) total: Money,
    pub(crate) fee_bps: u32,
    pub(crate) unit: i64,
}

/// The total's text, read before anything else.
pub(crate) fn total_text<'a>(fields: &mut Fields<'a>) -> Result<&'a str, Problem> {
    fields.next_text().map_err(|was| Problem::input("total: expected a decimal string such as \"250.00\"", was))
}

pub(crate) fn currency(fields: &mut Fields) -> Result<Currency, Problem> {
    let code = fields.next_text().map_err(|was| Problem::input("currency: expected a code such as \"USD\"", was))?;
    Currency::from_code(code).map_err(|e| Problem::of(&e))
}

/// The total in `currency`: its decimals must fit the currency.
pub(crate) fn money(total: &str, currency: Currency) -> Result<Money, Problem> {
    Money::from_decimal_str(total, currency).map_err(|e| Problem::of(&e))
}

/// `feeBps, unit`.
pub(crate) fn rates(fields: &mut Fields) -> Result<(u32, i64), Problem> {
    Ok((integer(fields.next_text(), "feeBps")?, integer(fields.next_text(), "unit")?))
}

fn head(fields: &mut Fields) -> Result<Head, Problem> {
    let total = total_text(fields)?;
    let total = money(total, currency(fields)?)?;
    let (fee_bps, unit) = rates(fields)?;
    Ok(Head { total, fee_bps, unit })
}

/// Allocates (SPEC S3–S8), writing `fee, unallocated`, then (when
/// `echo`) `total, currency`, then `part…` to `out`, or returns the
/// problem.
pub(crate) fn allocate(head: &Head, split: &SplitWeights, echo: bool, out: &mut Answer) -> Result<(), Problem> {
    let alloc = split.allocate_in_units(head.total, head.fee_bps, head.unit).map_err(|e| Problem::split(&e))?;
    out.amount(&alloc.fee);
    out.amount(&alloc.unallocated);
    if echo {
        out.amount(&head.total);
        out.field(head.total.currency().code());
    }
    for part in &alloc.parts {
        out.amount(part);
    }
    Ok(())
}

/// Checks the members by the split rules (SPEC S1, S2).
fn weights(members: &[MemberShare]) -> Result<SplitWeights, Problem> {
    SplitWeights::new(members).map_err(|e| Problem::split(&e))
}

/// Previews the split JS wrote in `fields` fields: `total, currency,
/// feeBps, unit, count, (userId, role, percentage) × count`. Answers
/// `fee, unallocated, total, currency, part…`, each member's exact part in
/// member order (SPEC S2–S8), or the problem. Returns the wire's header;
/// the package's `previewSplit` (`entry/split.js`) is the JS face of it.
#[no_mangle]
pub extern "C" fn split_preview(fields: usize) -> *const u32 {
    answer(fields, |fields, out| {
        let head = head(fields)?;
        allocate(&head, &weights(&members(fields)?)?, true, out)
    })
}

/// Checks the team JS wrote in `fields` fields, `count, (userId, role,
/// percentage) × count` (SPEC S1, S2): answers nothing when the split is
/// valid, else the problem. The package's `validateSplit` is its JS face.
#[no_mangle]
pub extern "C" fn split_validate(fields: usize) -> *const u32 {
    answer(fields, |fields, _| weights(&members(fields)?).map(drop))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::{last, pack};

    pub(crate) const THREE: [Result<&str, &str>; 14] = [
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

    pub(crate) fn preview(fields: &[Result<&str, &str>]) -> (bool, Vec<String>) {
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
