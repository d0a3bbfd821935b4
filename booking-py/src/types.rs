//! Value objects and the pure API: `Money`, `RevenueSplit` (preview and
//! allocate), and `Booking` (create, decide-and-apply, allowed actions),
//! for a backend that owns its database and payment calls.

use std::sync::Arc;

use pyo3::basic::CompareOp;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use rust_decimal::Decimal;

use booking_core::{
    allowed_commands, Booking, BookingStatus, Currency, Money, NewBooking, PaymentEffect, Request, RevenueSplit,
    SplitMember,
};

use crate::convert::{self, dump, from_value, to_decimal, Int};
use crate::de::from_py;
use crate::errors::{core, validation};

/// An amount of money in a currency, exact: integer minor units inside.
#[pyclass(name = "Money", module = "booking", frozen, eq, hash, skip_from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyMoney(pub Money);

#[pymethods]
impl PyMoney {
    /// `Money(Decimal("19.99"), "USD")`, `Money("19.99", "USD")`,
    /// `Money(1999, "USD")` (int: minor units) or `Money("19.99 USD")`.
    #[new]
    #[pyo3(signature = (amount, currency=None))]
    fn new(amount: &Bound<'_, PyAny>, currency: Option<&str>) -> PyResult<Self> {
        convert::money(amount, currency).map(PyMoney)
    }

    /// From integer minor units (cents).
    #[staticmethod]
    fn from_minor(minor: Int<i64>, currency: &str) -> PyResult<Self> {
        Ok(PyMoney(Money::from_minor(minor.0, Currency::from_code(currency).map_err(core)?)))
    }

    /// The amount as an exact `decimal.Decimal`.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_decimal(py, &self.0.amount_string())
    }

    /// Integer minor units.
    #[getter]
    fn minor(&self) -> i64 {
        self.0.minor()
    }

    /// ISO 4217 code.
    #[getter]
    fn currency(&self) -> String {
        self.0.currency().code().to_owned()
    }

    /// `{"amount": "19.99", "currency": "USD"}`.
    #[allow(clippy::wrong_self_convention)] // Python methods take `self` by reference
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &self.0)
    }

    /// The inverse of `to_dict`.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_py(data, "money").map(PyMoney)
    }

    fn __repr__(&self) -> String {
        format!("Money('{}', '{}')", self.0.amount_string(), self.0.currency().code())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

/// A member from `(user_id, role, percentage)` or its JSON shape, read by
/// the core's own rules either way (a percentage is a `Decimal`, a decimal
/// `str` or an `int`).
fn member(item: &Bound<'_, PyAny>) -> PyResult<SplitMember> {
    if let Ok(t) = item.cast::<PyTuple>() {
        let (user, role, pct): (String, String, Bound<'_, PyAny>) = t.extract()?;
        return Ok(SplitMember::new(user, role, percentage(&pct)?));
    }
    if item.is_instance_of::<PyDict>() {
        return from_py(item, "split member");
    }
    Err(PyTypeError::new_err("a member is (user_id, role, percentage) or a dict with userId, role, percentage"))
}

/// A percentage by [`booking_core::parse_percentage`], the rule the JSON
/// shape uses.
fn percentage(obj: &Bound<'_, PyAny>) -> PyResult<Decimal> {
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        let whole: i64 = obj.extract().map_err(|_| validation("json.invalid", "a percentage is out of range"))?;
        return Ok(Decimal::from(whole));
    }
    let text = match convert::decimal_text(obj)? {
        Some(text) => text,
        None if obj.is_instance_of::<PyString>() => obj.extract()?,
        None if obj.is_instance_of::<PyFloat>() => return Err(PyTypeError::new_err(convert::NO_FLOATS)),
        None => return Err(PyTypeError::new_err("a percentage is a Decimal, str or int")),
    };
    booking_core::parse_percentage(&text)
        .ok_or_else(|| validation("json.invalid", &format!("percentage {text:?} is not a decimal number")))
}

/// A validated team split (S1–S10): members with exact percentages, the
/// release rule and the payout mode.
#[pyclass(name = "RevenueSplit", module = "booking", frozen, skip_from_py_object)]
#[derive(Clone)]
pub struct PyRevenueSplit(pub RevenueSplit);

#[pymethods]
impl PyRevenueSplit {
    /// `RevenueSplit([("creator-1", "lead", Decimal("60")), ...],
    /// release_rule="majority", auto_split=True)`.
    #[new]
    #[pyo3(signature = (members, release_rule="lead-only", auto_split=true))]
    fn new(members: &Bound<'_, PyAny>, release_rule: &str, auto_split: bool) -> PyResult<Self> {
        let members = members.try_iter()?.map(|m| member(&m?)).collect::<PyResult<Vec<_>>>()?;
        let rule = from_value(serde_json::Value::String(release_rule.to_owned()), "release rule")?;
        let split = RevenueSplit::new(members).map_err(core)?.with_release_rule(rule).with_auto_split(auto_split);
        Ok(PyRevenueSplit(split))
    }

    /// The split's JSON shape as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &self.0)
    }

    /// Reads and validates the JSON shape (`{"splits": [...], ...}`).
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_py(data, "split").map(PyRevenueSplit)
    }

    /// Member user ids, in order.
    #[getter]
    fn user_ids(&self) -> Vec<String> {
        self.0.user_ids().iter().map(|u| u.as_str().to_owned()).collect()
    }

    /// The platform fee and each member's part of `amount` (S3–S6): the
    /// parts always sum to what is left after the fee.
    /// With `unit` > 1, parts are whole multiples of `unit` minor units
    /// (S8) and the rest is reported as `unallocated`.
    #[pyo3(signature = (amount, fee_bps=None, currency=None, unit=None))]
    fn allocate<'py>(
        &self,
        py: Python<'py>,
        amount: &Bound<'py, PyAny>,
        fee_bps: Option<Int<u32>>,
        currency: Option<&str>,
        unit: Option<Int<i64>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let total = convert::money(amount, currency)?;
        let alloc = self.0.allocate_in_units(total, Int::or(fee_bps, 0), Int::or(unit, 1)).map_err(core)?;
        let parts = PyDict::new(py);
        for (m, part) in self.0.members().iter().zip(&alloc.parts) {
            parts.set_item(m.user_id.as_str(), PyMoney(*part))?;
        }
        let out = PyDict::new(py);
        out.set_item("fee", PyMoney(alloc.fee))?;
        out.set_item("parts", parts)?;
        out.set_item("unallocated", PyMoney(alloc.unallocated))?;
        Ok(out)
    }

    /// The fast path: integer minor units in, each member's part out.
    #[pyo3(signature = (total_minor, currency="USD", fee_bps=None))]
    fn parts(&self, total_minor: Int<i64>, currency: &str, fee_bps: Option<Int<u32>>) -> PyResult<Vec<i64>> {
        let total = Money::from_minor(total_minor.0, Currency::from_code(currency).map_err(core)?);
        Ok(self.0.allocate(total, Int::or(fee_bps, 0)).map_err(core)?.parts.iter().map(Money::minor).collect())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyRevenueSplit>().is_ok_and(|o| o.get().0 == self.0)
    }

    fn __repr__(&self) -> String {
        let members: Vec<String> =
            self.0.members().iter().map(|m| format!("('{}', '{}', '{}')", m.user_id, m.role, m.percentage)).collect();
        format!("RevenueSplit([{}], release_rule='{}')", members.join(", "), release_rule(&self.0))
    }
}

fn release_rule(split: &RevenueSplit) -> String {
    serde_json::to_value(split.release_rule()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A split preview without building a `RevenueSplit` first: the fee and
/// each member's part, or the reason the split is invalid.
#[pyfunction]
#[pyo3(signature = (amount, members, fee_bps=None, currency=None, release_rule="lead-only"))]
pub fn preview_split<'py>(
    py: Python<'py>,
    amount: &Bound<'py, PyAny>,
    members: &Bound<'py, PyAny>,
    fee_bps: Option<Int<u32>>,
    currency: Option<&str>,
    release_rule: &str,
) -> PyResult<Bound<'py, PyDict>> {
    PyRevenueSplit::new(members, release_rule, true)?.allocate(py, amount, fee_bps, currency, None)
}

/// A policy preset (`standard`, `verified`, `signature`) as its JSON shape,
/// with the platform fee set, for a new booking's `policy`.
#[pyfunction]
#[pyo3(signature = (name, fee_bps=None))]
pub fn policy_preset<'py>(py: Python<'py>, name: &str, fee_bps: Option<Int<u32>>) -> PyResult<Bound<'py, PyAny>> {
    let policy = booking_core::Policy::preset(name).ok_or_else(|| {
        validation("policy.unknown", &format!("no policy preset {name:?} (standard, verified, signature)"))
    })?;
    dump(py, &policy.with_fee_bps(Int::or(fee_bps, 0)))
}

/// The release vote's outcome (R1, R4, R6, R8): `"pending"`, `"passed"` or
/// `"failed"`. `votes` maps user ids to approve (`True`) or reject.
#[pyfunction]
#[pyo3(signature = (release_rule, members, lead, votes, window_closed=false))]
pub fn tally(
    release_rule: &str,
    members: Vec<String>,
    lead: &str,
    votes: std::collections::BTreeMap<String, bool>,
    window_closed: bool,
) -> PyResult<String> {
    let rule = from_value(serde_json::Value::String(release_rule.to_owned()), "release rule")?;
    let members: Vec<booking_core::UserId> = members.into_iter().map(Into::into).collect();
    let votes = votes.into_iter().map(|(u, v)| (booking_core::UserId::from(u), v)).collect();
    let outcome = booking_core::tally(rule, &members, &lead.into(), &votes, window_closed);
    Ok(serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
}

/// What a command did: its events and the payment steps to perform (each
/// with its idempotency key), as dicts.
#[pyclass(name = "Decision", module = "booking", frozen)]
pub struct PyDecision {
    /// The booking after the decision; its events are its history's tail.
    after: Arc<Booking>,
    /// How many events the booking had before.
    from: usize,
    effects: Vec<PaymentEffect>,
}

impl PyDecision {
    fn new_events(&self) -> Vec<&booking_core::Event> {
        self.after.history.since(self.from).collect()
    }
}

#[pymethods]
impl PyDecision {
    /// The events appended, oldest first.
    #[getter]
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &self.new_events())
    }

    /// The payment steps, in order.
    #[getter]
    fn effects<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &self.effects)
    }

    fn __repr__(&self) -> String {
        format!("Decision({} events, {} payment steps)", self.new_events().len(), self.effects.len())
    }
}

static BOOKING_STATUS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BOOKING_STATUSES: PyOnceLock<Vec<Py<PyAny>>> = PyOnceLock::new();
static PAYMENT_STATUS: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A booking's state (immutable: `handle` returns the next state).
#[pyclass(name = "Booking", module = "booking", frozen, skip_from_py_object)]
pub struct PyBooking(pub Arc<Booking>);

#[pymethods]
impl PyBooking {
    /// Creates a booking from its JSON shape (the seed's camelCase fields)
    /// at `now`: the new state and its decision (the card authorization).
    #[staticmethod]
    fn create(new: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<(PyBooking, PyDecision)> {
        let new: NewBooking = from_py(new, "new booking")?;
        let now = convert::datetime(now)?;
        let decision = booking_core::decide_create(new, now).map_err(core)?;
        let booking = Arc::new(Booking::replay(decision.events).map_err(core)?);
        Ok((PyBooking(booking.clone()), PyDecision { after: booking, from: 0, effects: decision.effects }))
    }

    /// Decides `command` by `actor` at `at` and applies it: the next state
    /// and what happened. A refusal raises and changes nothing.
    fn handle(
        &self,
        actor: &Bound<'_, PyAny>,
        command: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<(PyBooking, PyDecision)> {
        let request = Request::new(convert::actor(actor)?, convert::command(command)?, convert::datetime(at)?);
        let decision = booking_core::decide(&self.0, &request).map_err(core)?;
        let mut next = Booking::clone(&self.0);
        next.apply_all(decision.events).map_err(core)?;
        let (next, from) = (Arc::new(next), self.0.history.len());
        Ok((PyBooking(next.clone()), PyDecision { after: next, from, effects: decision.effects }))
    }

    /// The commands `actor` may send at `at` (B6), in table order.
    fn allowed_actions(&self, actor: &Bound<'_, PyAny>, at: &Bound<'_, PyAny>) -> PyResult<Vec<&'static str>> {
        let (actor, at) = (convert::actor(actor)?, convert::datetime(at)?);
        Ok(allowed_commands(&self.0, &actor, at).into_iter().map(|k| k.as_str()).collect())
    }

    /// The timer commands due at `now` (T1–T4), as dicts.
    fn due<'py>(&self, py: Python<'py>, now: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for request in booking_core::tick(&self.0, convert::datetime(now)?) {
            out.append(dump(py, &request.command)?)?;
        }
        Ok(out)
    }

    #[getter]
    fn id(&self) -> &str {
        self.0.id.as_str()
    }

    /// A `booking.BookingStatus` (a `str` enum).
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let members = BOOKING_STATUSES.get_or_try_init(py, || -> PyResult<Vec<Py<PyAny>>> {
            let class = BOOKING_STATUS.import(py, "booking", "BookingStatus")?;
            BookingStatus::ALL.iter().map(|s| Ok(class.call1((s.as_str(),))?.unbind())).collect()
        })?;
        let index = BookingStatus::ALL.iter().position(|s| *s == self.0.status).unwrap_or_default();
        Ok(members[index].bind(py).clone())
    }

    /// A `booking.PaymentStatus` (a `str` enum).
    #[getter]
    fn payment_status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PAYMENT_STATUS.import(py, "booking", "PaymentStatus")?.call1((self.0.payment_status.to_string(),))
    }

    #[getter]
    fn version(&self) -> u64 {
        self.0.version
    }

    #[getter]
    fn client_id(&self) -> &str {
        self.0.client_id.as_str()
    }

    #[getter]
    fn provider_id(&self) -> &str {
        self.0.provider_id.as_str()
    }

    #[getter]
    fn price(&self) -> PyMoney {
        PyMoney(self.0.price)
    }

    /// What escrow holds now.
    #[getter]
    fn escrow(&self) -> PyMoney {
        PyMoney(self.0.ledger.escrow())
    }

    /// What the team's pending balance holds (`auto_split=False`).
    #[getter]
    fn team_pending(&self) -> PyMoney {
        PyMoney(self.0.team_pending())
    }

    /// What each member has been paid, by user id.
    fn paid<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for m in self.0.revenue_split.members() {
            out.set_item(m.user_id.as_str(), PyMoney(self.0.ledger.paid_to(&m.user_id)))?;
        }
        Ok(out)
    }

    /// The full state as the core's JSON shape.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &*self.0)
    }

    /// Reads and checks a state from its JSON shape.
    #[staticmethod]
    fn from_dict(data: &Bound<'_, PyAny>) -> PyResult<PyBooking> {
        let b: Booking = from_py(data, "booking")?;
        Ok(PyBooking(Arc::new(b)))
    }

    /// The JSON text of the state.
    fn to_json(&self) -> PyResult<String> {
        self.0.to_json().map_err(core)
    }

    /// Reads and checks a state from JSON text.
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<PyBooking> {
        Booking::from_json(json).map(|b| PyBooking(Arc::new(b))).map_err(core)
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyBooking>() else { return Ok(py.NotImplemented()) };
        let same = *self.0 == *other.get().0;
        match op {
            CompareOp::Eq => Ok(same.into_pyobject(py)?.to_owned().into_any().unbind()),
            CompareOp::Ne => Ok((!same).into_pyobject(py)?.to_owned().into_any().unbind()),
            _ => Ok(py.NotImplemented()),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Booking(id='{}', status='{}', payment_status='{}', price='{}', version={})",
            self.0.id, self.0.status, self.0.payment_status, self.0.price, self.0.version
        )
    }
}
