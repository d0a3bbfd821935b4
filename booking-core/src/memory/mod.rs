//! The embedded default: an in-memory [`Store`], a sandbox
//! [`PaymentGateway`] that behaves like a card processor, a notifier that
//! records, and sleepers. Nothing to set up; safe under concurrent use.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::currency::Currency;
use crate::event::PaymentEffect;
use crate::ids::{BookingId, UserId};
use crate::money::Money;
use crate::notify::NotificationIntent;
use crate::ports::{Notifier, PaymentCall, PaymentError, PaymentGateway, Sleeper};

mod store;
pub use store::MemoryStore;

fn lock<'a, T>(m: &'a Mutex<T>, what: &str) -> Result<MutexGuard<'a, T>, String> {
    m.lock().map_err(|_| format!("{what} lock poisoned by a panicked thread"))
}

/// Test payment methods the sandbox understands (any other method, or
/// none, is a good card).
pub mod test_cards {
    /// Declined at authorization (permanent).
    pub const DECLINED: &str = "pm_card_declined";
    /// Insufficient funds at authorization (permanent).
    pub const INSUFFICIENT_FUNDS: &str = "pm_card_insufficient_funds";
    /// Every step after the hold (capture, transfers, refunds, void) fails
    /// once with a retryable error first.
    pub const FLAKY: &str = "pm_card_flaky";
    /// A connected account that refuses transfers (permanent).
    pub const CLOSED_ACCOUNT: &str = "acct_closed";
}

#[derive(Debug, Clone)]
struct Hold {
    amount: Money,
    expires_at: DateTime<Utc>,
    captured: bool,
    voided: bool,
    flaky: bool,
}

/// One money movement the sandbox made, for audits and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The step's idempotency key.
    pub key: String,
    /// The booking.
    pub booking_id: BookingId,
    /// `capture`, `transfer`, `refund`, or `reverse-…`.
    pub kind: String,
    /// The amount.
    pub amount: Money,
    /// The connected account, for transfers.
    pub account: Option<String>,
}

#[derive(Default)]
struct SandboxState {
    now: Option<DateTime<Utc>>,
    holds: HashMap<BookingId, Hold>,
    /// Each processed key: the call it was (booking, amount) and its answer.
    done: HashMap<String, (BookingId, Money, Result<(), PaymentError>)>,
    reversed: HashSet<String>,
    attempts: HashMap<String, u32>,
    held: HashMap<BookingId, i64>,
    balances: BTreeMap<(String, Currency), i64>,
    movements: Vec<Movement>,
    faults: Option<(u64, u32)>,
}

/// A card processor in memory: holds that lapse after the authorization
/// window, captures no larger than the hold, refunds and transfers no larger
/// than what is held for the booking, a balance per connected account,
/// test cards that decline or fail transiently ([`test_cards`]), and
/// optional seeded random faults (a failure before the call applies, or a
/// timeout after it applied). Every call is idempotent by its key.
///
/// ```
/// use booking_core::{SandboxGateway, PaymentGateway, PaymentCall, Money, IdempotencyKey};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let gw = SandboxGateway::new();
/// let key = IdempotencyKey::from("booking/b/authorize");
/// let call = PaymentCall { booking_id: &"b".into(), key: &key, amount: Money::parse("10 USD").unwrap() };
/// gw.authorize(call, Some(booking_core::test_cards::DECLINED)).await.unwrap_err();
/// # });
/// ```
pub struct SandboxGateway {
    state: Mutex<SandboxState>,
    authorization_validity: TimeDelta,
}

impl Default for SandboxGateway {
    fn default() -> Self {
        SandboxGateway::new()
    }
}

const PLATFORM: &str = "platform";

impl SandboxGateway {
    /// A sandbox whose holds last 7 days.
    ///
    /// ```
    /// let _ = booking_core::SandboxGateway::new();
    /// ```
    pub fn new() -> SandboxGateway {
        SandboxGateway { state: Mutex::new(SandboxState::default()), authorization_validity: TimeDelta::days(7) }
    }

    /// Fails `per_mille` of calls (0–1000) with a retryable error, from a
    /// seeded generator: half before the call applies, half as a timeout
    /// after it applied.
    ///
    /// ```
    /// let _ = booking_core::SandboxGateway::new().with_faults(42, 100);
    /// ```
    pub fn with_faults(self, seed: u64, per_mille: u32) -> SandboxGateway {
        if let Ok(mut s) = self.state.lock() {
            s.faults = Some((seed | 1, per_mille.min(1000)));
        }
        self
    }

    /// Sets the sandbox's clock (holds expire against it).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// let gw = booking_core::SandboxGateway::new();
    /// gw.set_now(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());
    /// ```
    pub fn set_now(&self, now: DateTime<Utc>) {
        if let Ok(mut s) = self.state.lock() {
            s.now = Some(now);
        }
    }

    /// A connected account's (or `"platform"`'s) balance in minor units.
    ///
    /// ```
    /// use booking_core::{SandboxGateway, Currency};
    /// assert_eq!(SandboxGateway::new().balance("acct_1", Currency::USD), 0);
    /// ```
    pub fn balance(&self, account: &str, currency: Currency) -> i64 {
        self.state.lock().map(|s| s.balances.get(&(account.to_owned(), currency)).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// Every account with a non-zero balance.
    ///
    /// ```
    /// assert!(booking_core::SandboxGateway::new().balances().is_empty());
    /// ```
    pub fn balances(&self) -> Vec<(String, Money)> {
        self.state
            .lock()
            .map(|s| {
                s.balances
                    .iter()
                    .filter(|(_, v)| **v != 0)
                    .map(|((a, c), v)| (a.clone(), Money::from_minor(*v, *c)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// What the platform still holds for a booking: captured, less
    /// transfers and refunds (escrow plus the platform's fee).
    ///
    /// ```
    /// assert_eq!(booking_core::SandboxGateway::new().held_for(&"b".into()), 0);
    /// ```
    pub fn held_for(&self, booking: &BookingId) -> i64 {
        self.state.lock().map(|s| s.held.get(booking).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// The card authorization standing for a booking (placed, not yet
    /// captured, voided or lapsed at the sandbox's clock), in minor units.
    ///
    /// ```
    /// assert_eq!(booking_core::SandboxGateway::new().authorized_for(&"b".into()), 0);
    /// ```
    pub fn authorized_for(&self, booking: &BookingId) -> i64 {
        let standing = |s: &SandboxState| {
            let hold = s.holds.get(booking)?;
            let lapsed = s.now.is_some_and(|now| hold.expires_at <= now);
            (!hold.captured && !hold.voided && !lapsed).then_some(hold.amount.minor())
        };
        self.state.lock().map(|s| standing(&s).unwrap_or(0)).unwrap_or(0)
    }

    /// Every money movement, in order.
    ///
    /// ```
    /// assert!(booking_core::SandboxGateway::new().movements().is_empty());
    /// ```
    pub fn movements(&self) -> Vec<Movement> {
        self.state.lock().map(|s| s.movements.clone()).unwrap_or_default()
    }

    fn run(
        &self,
        call: PaymentCall<'_>,
        kind: &str,
        apply: impl FnOnce(&mut SandboxState, DateTime<Utc>) -> Result<Option<Movement>, PaymentError>,
    ) -> Result<(), PaymentError> {
        let mut s = lock(&self.state, "sandbox").map_err(|m| PaymentError::retryable("sandbox_unavailable", m))?;
        let key = call.key.as_str().to_owned();
        if let Some((booking, amount, first)) = s.done.get(&key) {
            if booking != call.booking_id || *amount != call.amount {
                return Err(PaymentError::permanent(
                    "idempotency_key_reused",
                    format!("key {key} was used for a different {kind}"),
                ));
            }
            return first.clone();
        }
        if call.amount.minor() <= 0 {
            return Err(PaymentError::permanent(
                "invalid_amount",
                format!("{kind} needs a positive amount, got {}", call.amount),
            ));
        }
        if s.holds.get(call.booking_id).is_some_and(|h| h.amount.currency() != call.amount.currency()) {
            return Err(PaymentError::permanent("currency_mismatch", format!("{kind} is not in the hold's currency")));
        }
        let attempts = s.attempts.entry(key.clone()).or_insert(0);
        *attempts += 1;
        let first_attempt = *attempts == 1;
        if first_attempt && s.holds.get(call.booking_id).is_some_and(|h| h.flaky) {
            return Err(PaymentError::retryable("rate_limited", format!("{kind}: too many requests, retry later")));
        }
        let fault = next_fault(&mut s);
        if fault == Some(false) {
            return Err(PaymentError::retryable("network", format!("{kind}: connection reset before the call")));
        }
        let now = s.now.unwrap_or(DateTime::<Utc>::MIN_UTC);
        let result = apply(&mut s, now).map(|movement| {
            if let Some(m) = movement {
                s.movements.push(m);
            }
        });
        if !matches!(&result, Err(e) if e.is_retryable()) {
            s.done.insert(key, (call.booking_id.clone(), call.amount, result.clone()));
        }
        if fault == Some(true) && result.is_ok() {
            return Err(PaymentError::retryable("timeout", format!("{kind}: no answer in time (it did apply)")));
        }
        result
    }
}

/// `None`: no fault; `Some(false)`: fail before applying; `Some(true)`:
/// time out after applying.
fn next_fault(s: &mut SandboxState) -> Option<bool> {
    let (state, per_mille) = s.faults.as_mut()?;
    // xorshift64*: deterministic for a seed.
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D);
    ((r % 1000) < u64::from(*per_mille)).then_some(r & (1 << 40) != 0)
}

fn add(s: &mut SandboxState, account: &str, amount: Money, sign: i64) {
    let balance = s.balances.entry((account.to_owned(), amount.currency())).or_insert(0);
    *balance = balance.saturating_add(amount.minor().saturating_mul(sign));
}

fn movement(call: &PaymentCall<'_>, kind: &str, account: Option<&str>) -> Option<Movement> {
    Some(Movement {
        key: call.key.as_str().to_owned(),
        booking_id: call.booking_id.clone(),
        kind: kind.to_owned(),
        amount: call.amount,
        account: account.map(str::to_owned),
    })
}

fn take_held(s: &mut SandboxState, call: &PaymentCall<'_>, what: &str) -> Result<(), PaymentError> {
    let held = s.held.entry(call.booking_id.clone()).or_insert(0);
    if *held < call.amount.minor() {
        return Err(PaymentError::permanent(
            "insufficient_escrow",
            format!("cannot {what} {}: only {} is held for booking {}", call.amount, *held, call.booking_id),
        ));
    }
    *held -= call.amount.minor();
    add(s, PLATFORM, call.amount, -1);
    Ok(())
}

fn payout_account(user: &UserId, account: Option<&str>) -> String {
    account.map_or_else(|| format!("user:{user}"), str::to_owned)
}

#[async_trait]
impl PaymentGateway for SandboxGateway {
    async fn authorize(&self, call: PaymentCall<'_>, payment_method: Option<&str>) -> Result<(), PaymentError> {
        let validity = self.authorization_validity;
        self.run(call, "authorize", |s, now| {
            match payment_method {
                Some(test_cards::DECLINED) => {
                    return Err(PaymentError::permanent("card_declined", "the card was declined"))
                }
                Some(test_cards::INSUFFICIENT_FUNDS) => {
                    return Err(PaymentError::permanent("insufficient_funds", "the card has insufficient funds"))
                }
                _ => {}
            }
            let hold = Hold {
                amount: call.amount,
                expires_at: now.checked_add_signed(validity).unwrap_or(DateTime::<Utc>::MAX_UTC),
                captured: false,
                voided: false,
                flaky: payment_method == Some(test_cards::FLAKY),
            };
            s.holds.insert(call.booking_id.clone(), hold);
            Ok(None)
        })
    }

    async fn capture(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.run(call, "capture", |s, now| {
            let hold = s.holds.get_mut(call.booking_id).filter(|h| !h.voided && !h.captured).ok_or_else(|| {
                PaymentError::permanent("no_hold", format!("booking {} has no open hold to capture", call.booking_id))
            })?;
            if now > hold.expires_at {
                return Err(PaymentError::permanent("authorization_expired", "the card authorization has lapsed"));
            }
            if call.amount.minor() > hold.amount.minor() || call.amount.currency() != hold.amount.currency() {
                return Err(PaymentError::permanent("amount_too_large", "cannot capture more than the hold"));
            }
            hold.captured = true;
            *s.held.entry(call.booking_id.clone()).or_insert(0) += call.amount.minor();
            add(s, PLATFORM, call.amount, 1);
            Ok(movement(&call, "capture", None))
        })
    }

    async fn void(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.run(call, "void", |s, _| {
            let hold = s.holds.get_mut(call.booking_id).filter(|h| !h.captured).ok_or_else(|| {
                PaymentError::permanent("no_hold", format!("booking {} has no uncaptured hold", call.booking_id))
            })?;
            hold.voided = true;
            Ok(None)
        })
    }

    async fn transfer(&self, call: PaymentCall<'_>, user: &UserId, account: Option<&str>) -> Result<(), PaymentError> {
        let to = payout_account(user, account);
        self.run(call, "transfer", |s, _| {
            if to == test_cards::CLOSED_ACCOUNT {
                return Err(PaymentError::permanent("account_closed", format!("{user}'s payout account is closed")));
            }
            take_held(s, &call, "transfer")?;
            add(s, &to, call.amount, 1);
            Ok(movement(&call, "transfer", Some(&to)))
        })
    }

    async fn refund(&self, call: PaymentCall<'_>) -> Result<(), PaymentError> {
        self.run(call, "refund", |s, _| {
            take_held(s, &call, "refund")?;
            Ok(movement(&call, "refund", None))
        })
    }

    async fn reverse(&self, booking_id: &BookingId, step: &PaymentEffect) -> Result<(), PaymentError> {
        let mut s = lock(&self.state, "sandbox").map_err(|m| PaymentError::retryable("sandbox_unavailable", m))?;
        let key = step.key().to_owned();
        if !matches!(s.done.get(&key), Some((_, _, Ok(())))) || s.reversed.contains(&key) {
            return Ok(()); // never happened, or already undone
        }
        let amount = step.amount();
        match step {
            PaymentEffect::Authorize { .. } => match s.holds.get_mut(booking_id) {
                Some(h) if h.captured => {
                    return Err(PaymentError::permanent(
                        "already_captured",
                        "the hold was captured; reverse the capture",
                    ))
                }
                Some(h) => h.voided = true,
                None => {}
            },
            PaymentEffect::Capture { .. } => {
                let held = s.held.entry(booking_id.clone()).or_insert(0);
                if *held < amount.minor() {
                    return Err(PaymentError::permanent("insufficient_escrow", "part of the capture was paid out"));
                }
                *held -= amount.minor();
                add(&mut s, PLATFORM, amount, -1);
            }
            PaymentEffect::Transfer { user_id, account, .. } => {
                let from = payout_account(user_id, account.as_deref());
                add(&mut s, &from, amount, -1);
                *s.held.entry(booking_id.clone()).or_insert(0) += amount.minor();
                add(&mut s, PLATFORM, amount, 1);
            }
            PaymentEffect::Void { .. } | PaymentEffect::Refund { .. } => {
                return Err(PaymentError::permanent("irreversible", format!("{key} cannot be undone")));
            }
        }
        s.reversed.insert(key.clone());
        s.movements.push(Movement {
            key,
            booking_id: booking_id.clone(),
            kind: "reverse".into(),
            amount,
            account: None,
        });
        Ok(())
    }
}

/// A list that concurrent callers append to and read snapshots of.
struct Log<T>(Mutex<Vec<T>>);

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log(Mutex::new(Vec::new()))
    }
}

impl<T: Clone> Log<T> {
    fn extend(&self, items: impl IntoIterator<Item = T>) {
        if let Ok(mut log) = self.0.lock() {
            log.extend(items);
        }
    }

    fn snapshot(&self) -> Vec<T> {
        self.0.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

/// Records every intent it is given.
///
/// ```
/// assert!(booking_core::MemoryNotifier::new().sent().is_empty());
/// ```
#[derive(Default)]
pub struct MemoryNotifier {
    sent: Log<NotificationIntent>,
}

impl MemoryNotifier {
    /// An empty notifier.
    ///
    /// ```
    /// let _ = booking_core::MemoryNotifier::new();
    /// ```
    pub fn new() -> MemoryNotifier {
        MemoryNotifier::default()
    }

    /// Everything sent so far.
    ///
    /// ```
    /// assert_eq!(booking_core::MemoryNotifier::new().sent().len(), 0);
    /// ```
    pub fn sent(&self) -> Vec<NotificationIntent> {
        self.sent.snapshot()
    }
}

#[async_trait]
impl Notifier for MemoryNotifier {
    async fn notify(&self, intents: Vec<NotificationIntent>) {
        self.sent.extend(intents);
    }
}

/// A sleeper that does not sleep but records each requested delay, so
/// tests see the backoff without waiting for it.
///
/// ```
/// assert!(booking_core::RecordingSleeper::new().delays().is_empty());
/// ```
#[derive(Default)]
pub struct RecordingSleeper {
    delays: Log<Duration>,
}

impl RecordingSleeper {
    /// A sleeper with no delays recorded.
    ///
    /// ```
    /// let _ = booking_core::RecordingSleeper::new();
    /// ```
    pub fn new() -> RecordingSleeper {
        RecordingSleeper::default()
    }

    /// The delays asked for so far.
    ///
    /// ```
    /// assert!(booking_core::RecordingSleeper::new().delays().is_empty());
    /// ```
    pub fn delays(&self) -> Vec<Duration> {
        self.delays.snapshot()
    }
}

#[async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, delay: Duration) {
        self.delays.extend([delay]);
    }
}

/// Real sleeps on the tokio runtime (feature `tokio`, on by default).
#[cfg(feature = "tokio")]
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleeper;

#[cfg(feature = "tokio")]
#[async_trait]
impl Sleeper for TokioSleeper {
    async fn sleep(&self, delay: Duration) {
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdempotencyKey;
    use chrono::TimeZone;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, Currency::USD)
    }

    fn call<'a>(booking: &'a BookingId, key: &'a IdempotencyKey, amount: Money) -> PaymentCall<'a> {
        PaymentCall { booking_id: booking, key, amount }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().map(|rt| rt.block_on(f)).unwrap()
    }

    #[test]
    fn e2_holds_lapse_after_the_authorization_window() {
        block(async {
            let gw = SandboxGateway::new();
            let t0 = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
            gw.set_now(t0);
            let b = BookingId::from("b");
            gw.authorize(call(&b, &"a".into(), usd(1_000)), None).await.unwrap();
            gw.set_now(t0 + TimeDelta::days(7) + TimeDelta::seconds(1));
            let err = gw.capture(call(&b, &"c".into(), usd(1_000))).await.unwrap_err();
            assert_eq!((err.code.as_str(), err.is_retryable()), ("authorization_expired", false));
        });
    }

    #[test]
    fn captures_stay_within_the_hold_and_refunds_within_what_is_held() {
        block(async {
            let gw = SandboxGateway::new();
            let b = BookingId::from("b");
            gw.authorize(call(&b, &"a".into(), usd(1_000)), None).await.unwrap();
            let too_much = gw.capture(call(&b, &"c1".into(), usd(1_001))).await.unwrap_err();
            assert_eq!(too_much.code, "amount_too_large");
            gw.capture(call(&b, &"c2".into(), usd(1_000))).await.unwrap();
            gw.refund(call(&b, &"r1".into(), usd(600))).await.unwrap();
            let over = gw.refund(call(&b, &"r2".into(), usd(401))).await.unwrap_err();
            assert_eq!(over.code, "insufficient_escrow");
            assert_eq!(gw.held_for(&b), 400);
            assert_eq!(gw.balance("platform", Currency::USD), 400);
        });
    }

    #[test]
    fn e5_a_repeated_key_answers_the_first_result_and_moves_nothing() {
        block(async {
            let gw = SandboxGateway::new();
            let b = BookingId::from("b");
            gw.authorize(call(&b, &"a".into(), usd(1_000)), None).await.unwrap();
            gw.capture(call(&b, &"c".into(), usd(1_000))).await.unwrap();
            let key = IdempotencyKey::from("t");
            for _ in 0..3 {
                gw.transfer(call(&b, &key, usd(700)), &"u".into(), Some("acct_u")).await.unwrap();
            }
            assert_eq!(gw.balance("acct_u", Currency::USD), 700);
            let declined = IdempotencyKey::from("d");
            let closed = Some(test_cards::CLOSED_ACCOUNT);
            let first = gw.transfer(call(&b, &declined, usd(1)), &"v".into(), closed).await.unwrap_err();
            let again = gw.transfer(call(&b, &declined, usd(1)), &"v".into(), closed).await.unwrap_err();
            assert_eq!(first, again);
            let other = gw.transfer(call(&b, &key, usd(5)), &"u".into(), Some("acct_u")).await.unwrap_err();
            assert_eq!(other.code, "idempotency_key_reused");
        });
    }

    #[test]
    fn o5_reversing_undoes_a_step_once_and_a_step_that_never_happened_needs_nothing() {
        block(async {
            let gw = SandboxGateway::new();
            let b = BookingId::from("b");
            gw.authorize(call(&b, &"a".into(), usd(1_000)), None).await.unwrap();
            gw.capture(call(&b, &"c".into(), usd(1_000))).await.unwrap();
            let step =
                PaymentEffect::Transfer { key: "t".into(), amount: usd(300), user_id: "u".into(), account: None };
            gw.reverse(&b, &step).await.unwrap(); // never happened: nothing to undo
            gw.transfer(call(&b, &"t".into(), usd(300)), &"u".into(), None).await.unwrap();
            gw.reverse(&b, &step).await.unwrap();
            gw.reverse(&b, &step).await.unwrap();
            assert_eq!(gw.balance("user:u", Currency::USD), 0);
            assert_eq!(gw.held_for(&b), 1_000);
            let refund = PaymentEffect::Refund { key: "r".into(), amount: usd(1) };
            gw.refund(call(&b, &"r".into(), usd(1))).await.unwrap();
            assert_eq!(gw.reverse(&b, &refund).await.unwrap_err().code, "irreversible");
        });
    }

    #[test]
    fn declined_cards_fail_permanently() {
        block(async {
            let gw = SandboxGateway::new();
            let b = BookingId::from("b");
            for (card, code) in
                [(test_cards::DECLINED, "card_declined"), (test_cards::INSUFFICIENT_FUNDS, "insufficient_funds")]
            {
                let err = gw.authorize(call(&b, &card.into(), usd(1)), Some(card)).await.unwrap_err();
                assert_eq!((err.code.as_str(), err.is_retryable()), (code, false));
            }
        });
    }
}
