//! `Engine`: the service on the embedded default (in-memory store, sandbox
//! payments), with the seed's operations in snake_case. Each call runs the
//! core's async service to completion with the GIL released.

use std::future::Future;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use chrono::{DateTime, Utc};

use booking_core::{
    Actor, Availability, BookingId, BookingQuery, BookingService, BookingStatus, FileUpload, MemoryNotifier,
    MemoryStore, MessageCursor, MessageQuery, NewBooking, NewMessage, Outcome, Page, PaymentGateway, Policy, Request,
    SandboxGateway, Selection, Service, ServiceError, ServiceQuery, SlotSearch, SortBy, Store, TimeRange, TokioSleeper,
    UserId,
};

use crate::convert::{self, dump, from_value, to_decimal, Int};
use crate::de::from_py;
use crate::errors::{core, validation};
use crate::types::{PyBooking, PyMoney, PyRevenueSplit};

type Embedded = BookingService<Box<dyn Store>, Box<dyn PaymentGateway>, MemoryNotifier>;

/// What `tick` returns: the bookings that changed, and `(id, code)` of
/// the timers that failed.
type TickResult = (Vec<PyBooking>, Vec<(String, String)>);

/// The booking service: on the embedded default (an in-memory store and
/// the sandbox gateway), or on a Python key-value store and a Python
/// payment gateway (`Engine(store=..., gateway=...)`), with an in-memory
/// notifier.
#[pyclass(name = "Engine", module = "booking", frozen)]
pub struct Engine {
    service: Arc<Embedded>,
    /// The sandbox, when the engine pays through it.
    sandbox: Option<Arc<SandboxGateway>>,
    runtime: tokio::runtime::Runtime,
}

impl Engine {
    fn sandbox(&self) -> PyResult<&SandboxGateway> {
        self.sandbox
            .as_deref()
            .ok_or_else(|| validation("engine.not_sandbox", "this engine pays through your gateway, not the sandbox"))
    }

    fn run<T: Send>(&self, py: Python<'_>, f: impl Future<Output = Result<T, ServiceError>> + Send) -> PyResult<T> {
        py.detach(|| self.runtime.block_on(f)).map_err(|e| service_error(py, e))
    }

    /// Runs a service command and returns the booking after it.
    fn outcome(
        &self,
        py: Python<'_>,
        f: impl Future<Output = Result<Outcome, ServiceError>> + Send,
    ) -> PyResult<PyBooking> {
        Ok(PyBooking(self.run(py, f)?.booking))
    }
}

/// The service's error as its exception; a slot refusal (K4) also carries
/// `.alternatives`: `{"slots": [...], "providers": [...]}`.
fn service_error(py: Python<'_>, e: ServiceError) -> PyErr {
    let alternatives = match &e {
        ServiceError::Unavailable { alternatives, .. } => dump(py, &**alternatives).ok(),
        _ => None,
    };
    let err = core(e);
    if let Some(alternatives) = alternatives {
        // Setting an attribute on a fresh exception instance cannot fail.
        let _ = err.value(py).setattr("alternatives", alternatives);
    }
    err
}

fn bookings(page: Page<booking_core::Booking>) -> Vec<PyBooking> {
    page.items.into_iter().map(|b| PyBooking(Arc::new(b))).collect()
}

fn sort_key(sort_by: &str) -> PyResult<SortBy> {
    from_value(serde_json::Value::String(sort_by.to_owned()), "sort_by")
}

fn statuses(names: Vec<String>) -> PyResult<Vec<BookingStatus>> {
    names
        .iter()
        .map(|s| {
            BookingStatus::parse(s).ok_or_else(|| validation("query.invalid_status", &format!("unknown status {s:?}")))
        })
        .collect()
}

fn user(obj: &Bound<'_, PyAny>) -> PyResult<Actor> {
    convert::actor(obj)
}

#[pymethods]
impl Engine {
    /// A fresh engine: in memory with sandbox payments, or on `store` (a
    /// `booking.KeyValueStore`) and `gateway` (a `booking.PaymentGateway`).
    #[new]
    #[pyo3(signature = (store=None, gateway=None))]
    fn new(store: Option<&Bound<'_, PyAny>>, gateway: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| validation("engine.runtime", &e.to_string()))?;
        let store: Box<dyn Store> = match store {
            Some(kv) => Box::new(crate::store::kv_store(kv)?),
            None => Box::new(MemoryStore::new()),
        };
        let (gateway, sandbox): (Box<dyn PaymentGateway>, _) = match gateway {
            Some(g) => (Box::new(crate::gateway::gateway(g)?), None),
            None => {
                let sandbox = Arc::new(SandboxGateway::new());
                (Box::new(sandbox.clone()), Some(sandbox))
            }
        };
        let service = BookingService::new(store, gateway, MemoryNotifier::new(), TokioSleeper);
        Ok(Engine { service: Arc::new(service), sandbox, runtime })
    }

    /// Sets the sandbox's clock (card holds expire after 7 days on it).
    fn set_sandbox_time(&self, now: &Bound<'_, PyAny>) -> PyResult<()> {
        self.sandbox()?.set_now(convert::datetime(now)?);
        Ok(())
    }

    /// Creates a booking from its JSON shape and authorizes the hold.
    #[pyo3(signature = (new, now, idempotency_key=None))]
    fn create_booking(
        &self,
        py: Python<'_>,
        new: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyBooking> {
        let new: NewBooking = from_py(new, "new booking")?;
        let now = convert::datetime(now)?;
        self.outcome(py, self.service.create(new, now, idempotency_key))
    }

    /// The seed's `createSplitBooking`: a team booking led by the split's lead.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (booking_id, client_id, team, price, scheduled_date, estimated_duration_minutes, now, policy="standard", fee_bps=None, idempotency_key=None))]
    fn create_split_booking(
        &self,
        py: Python<'_>,
        booking_id: &str,
        client_id: &str,
        team: &PyRevenueSplit,
        price: &Bound<'_, PyAny>,
        scheduled_date: &Bound<'_, PyAny>,
        estimated_duration_minutes: Int<u32>,
        now: &Bound<'_, PyAny>,
        policy: &str,
        fee_bps: Option<Int<u32>>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyBooking> {
        let policy = Policy::preset(policy)
            .ok_or_else(|| {
                validation("policy.unknown", &format!("no policy preset {policy:?} (standard, verified, signature)"))
            })?
            .with_fee_bps(Int::or(fee_bps, 0));
        let new = NewBooking::split(
            booking_id,
            client_id,
            team.0.clone(),
            convert::money(price, None)?,
            convert::datetime(scheduled_date)?,
            estimated_duration_minutes.0,
        )
        .with_policy(policy);
        let now = convert::datetime(now)?;
        self.outcome(py, self.service.create(new, now, idempotency_key))
    }

    /// Runs any command (`"confirm"`, or a dict such as
    /// `{"type": "request-revision", "feedback": "..."}`).
    #[pyo3(signature = (booking_id, actor, command, at, idempotency_key=None))]
    fn execute(
        &self,
        py: Python<'_>,
        booking_id: &str,
        actor: &Bound<'_, PyAny>,
        command: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        idempotency_key: Option<&str>,
    ) -> PyResult<PyBooking> {
        let request = Request::new(user(actor)?, convert::command(command)?, convert::datetime(at)?);
        let id = BookingId::from(booking_id);
        self.outcome(py, self.service.execute(&id, request, idempotency_key))
    }

    /// The seed's `updateBookingStatus(id, status, {updatedBy, notes})`.
    #[pyo3(signature = (booking_id, status, updated_by, at, notes=None))]
    fn update_booking_status(
        &self,
        py: Python<'_>,
        booking_id: &str,
        status: &str,
        updated_by: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
        notes: Option<String>,
    ) -> PyResult<PyBooking> {
        let status = statuses(vec![status.to_owned()])?[0];
        let (actor, at) = (user(updated_by)?, convert::datetime(at)?);
        let id = BookingId::from(booking_id);
        self.outcome(py, self.service.update_booking_status(&id, status, actor, notes, at))
    }

    /// The seed's `requestRevision(id, {feedback})`.
    fn request_revision(
        &self,
        py: Python<'_>,
        booking_id: &str,
        client_id: &str,
        feedback: String,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyBooking> {
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.request_revision(&id, client_id, feedback, at))
    }

    /// The seed's `releaseFunds(id, {approved: true, approvedBy})`.
    fn release_funds(
        &self,
        py: Python<'_>,
        booking_id: &str,
        approved_by: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyBooking> {
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.release_funds(&id, approved_by, at))
    }

    /// The seed's `distributeSplitPayment(id)`.
    fn distribute_split_payment(
        &self,
        py: Python<'_>,
        booking_id: &str,
        lead_id: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyBooking> {
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.distribute_split_payment(&id, lead_id, at))
    }

    /// The booking's current state.
    fn get(&self, py: Python<'_>, booking_id: &str) -> PyResult<PyBooking> {
        let id = BookingId::from(booking_id);
        Ok(PyBooking(Arc::new(self.run(py, self.service.get(&id))?)))
    }

    /// The seed's `getProviderBookings(user, {status, sortBy})`.
    #[pyo3(signature = (user_id, status=Vec::new(), sort_by="scheduledDate", offset=None, limit=None))]
    fn get_provider_bookings(
        &self,
        py: Python<'_>,
        user_id: &str,
        status: Vec<String>,
        sort_by: &str,
        offset: Option<Int<usize>>,
        limit: Option<Int<usize>>,
    ) -> PyResult<Vec<PyBooking>> {
        let q = BookingQuery::provider(user_id)
            .with_statuses(&statuses(status)?)
            .sorted_by(sort_key(sort_by)?)
            .page(Int::or(offset, 0), Int::or(limit, 50));
        Ok(bookings(self.run(py, self.service.query(&q))?))
    }

    /// The seed's `getClientBookings(user, {includeCompleted, sortBy})`.
    #[pyo3(signature = (user_id, include_completed=true, sort_by="scheduledDate", offset=None, limit=None))]
    fn get_client_bookings(
        &self,
        py: Python<'_>,
        user_id: &str,
        include_completed: bool,
        sort_by: &str,
        offset: Option<Int<usize>>,
        limit: Option<Int<usize>>,
    ) -> PyResult<Vec<PyBooking>> {
        let q = BookingQuery::client(user_id)
            .including_completed(include_completed)
            .sorted_by(sort_key(sort_by)?)
            .page(Int::or(offset, 0), Int::or(limit, 50));
        Ok(bookings(self.run(py, self.service.query(&q))?))
    }

    /// The seed's `sendBookingMessage`: the stored message as a dict.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (booking_id, sender, content, at, attachments=Vec::new(), idempotency_key=None))]
    fn send_booking_message<'py>(
        &self,
        py: Python<'py>,
        booking_id: &str,
        sender: &Bound<'py, PyAny>,
        content: String,
        at: &Bound<'py, PyAny>,
        attachments: Vec<String>,
        idempotency_key: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let message =
            NewMessage { content, attachments: attachments.into_iter().map(Into::into).collect(), idempotency_key };
        let (sender, at, id) = (user(sender)?, convert::datetime(at)?, BookingId::from(booking_id));
        let sent = self.run(py, self.service.send_message(&id, sender, message, at))?;
        dump(py, &sent)
    }

    /// The seed's `getBookingMessages`: `{"messages": [...newest first],
    /// "next": cursor or None}`; pass `next` back as `before`.
    #[pyo3(signature = (booking_id, reader, limit=None, before=None))]
    fn get_booking_messages<'py>(
        &self,
        py: Python<'py>,
        booking_id: &str,
        reader: &Bound<'py, PyAny>,
        limit: Option<Int<usize>>,
        before: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let before = match before {
            None => None,
            Some(b) if b.is_instance_of::<pyo3::types::PyString>() => {
                Some(b.extract::<String>()?.parse::<MessageCursor>().map_err(core)?)
            }
            Some(b) => Some(MessageCursor::before_time(convert::datetime(b)?)),
        };
        let query = MessageQuery { before, limit: Int::or(limit, 50) };
        let (reader, id) = (user(reader)?, BookingId::from(booking_id));
        let page = self.run(py, self.service.messages(&id, &reader, &query))?;
        dump(py, &page)
    }

    /// The seed's `uploadBookingFile`: records a file's metadata (`fileId`,
    /// `category`, `sizeBytes`, `contentType`, `sha256`, `readers`).
    fn upload_booking_file(
        &self,
        py: Python<'_>,
        booking_id: &str,
        uploaded_by: &str,
        file: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyBooking> {
        let file: FileUpload = from_py(file, "file")?;
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.upload_booking_file(&id, uploaded_by, file, at))
    }

    /// The seed's `shareWithTeam`: named users may read the file until
    /// `expires_at` (30 days when `None`, at most 30 days ahead).
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (booking_id, shared_by, file_id, share_with, at, expires_at=None))]
    fn share_with_team(
        &self,
        py: Python<'_>,
        booking_id: &str,
        shared_by: &str,
        file_id: &str,
        share_with: Vec<String>,
        at: &Bound<'_, PyAny>,
        expires_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBooking> {
        let expires_at = expires_at.map(convert::datetime).transpose()?;
        let with: Vec<UserId> = share_with.into_iter().map(Into::into).collect();
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.share_with_team(&id, shared_by, file_id.into(), with, expires_at, at))
    }

    /// The file's metadata if `actor` may read it at `at`; raises
    /// `ForbiddenError` (`file.no_access`) otherwise.
    fn file_access<'py>(
        &self,
        py: Python<'py>,
        booking_id: &str,
        actor: &Bound<'py, PyAny>,
        file_id: &str,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (actor, at, id) = (user(actor)?, convert::datetime(at)?, BookingId::from(booking_id));
        let file = self.run(py, self.service.file_access(&id, &actor, &file_id.into(), at))?;
        dump(py, &file)
    }

    /// A review (X5): 1–5 stars and text, once per side, inside the window.
    fn review(
        &self,
        py: Python<'_>,
        booking_id: &str,
        author: &str,
        rating: Int<u8>,
        text: String,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyBooking> {
        let (id, at) = (BookingId::from(booking_id), convert::datetime(at)?);
        self.outcome(py, self.service.review(&id, author, rating.0, text, at))
    }

    /// Monitoring (X7) over the bookings created in `[start, end)`:
    /// counts, rates in percent (`Decimal`, or `None` with nothing to
    /// count) and the mean time to approval in seconds.
    fn metrics<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        end: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let range = TimeRange::new(convert::datetime(start)?, convert::datetime(end)?).map_err(core)?;
        let m = self.run(py, self.service.metrics(range))?;
        let pct = |r: booking_core::Rate| -> PyResult<Bound<'py, PyAny>> {
            match r.percent() {
                Some(p) => to_decimal(py, &p.to_string()),
                None => Ok(py.None().into_bound(py)),
            }
        };
        let out = PyDict::new(py);
        out.set_item("created", m.created)?;
        out.set_item("approved", m.approved)?;
        out.set_item("captured", m.captured)?;
        out.set_item("released", m.released)?;
        out.set_item("success_rate", pct(m.success_rate())?)?;
        out.set_item("payment_completion_rate", pct(m.payment_completion_rate())?)?;
        out.set_item("average_seconds_to_approval", m.average_time_to_approval().map(|d| d.num_seconds()))?;
        let mean = m.satisfaction.mean().map(|d| to_decimal(py, &d.to_string())).transpose()?;
        out.set_item("mean_rating", mean)?;
        out.set_item("satisfied_share", pct(m.satisfied_share())?)?;
        out.set_item("reviews", m.satisfaction.count())?;
        Ok(out)
    }

    /// Runs every due timer (T1–T4) at `now`: the bookings that changed,
    /// and `(booking id, error code)` for timers that failed.
    fn tick(&self, py: Python<'_>, now: &Bound<'_, PyAny>) -> PyResult<TickResult> {
        let now = convert::datetime(now)?;
        let report = self.run(py, self.service.tick(now))?;
        let changed = report.outcomes.into_iter().map(|o| PyBooking(o.booking)).collect();
        let failed = report.failures.into_iter().map(|(id, e)| (id.as_str().to_owned(), e.code().to_owned())).collect();
        Ok((changed, failed))
    }

    /// Adds or replaces a catalog service (its JSON shape, validated).
    fn put_service(&self, py: Python<'_>, service: &Bound<'_, PyAny>) -> PyResult<()> {
        let service: Service = from_py(service, "service")?;
        self.run(py, self.service.put_service(service))
    }

    /// A catalog service as a dict; `NotFoundError` if there is none.
    fn get_service<'py>(&self, py: Python<'py>, service_id: &str) -> PyResult<Bound<'py, PyAny>> {
        let found = self.run(py, self.service.service(&service_id.into()))?;
        dump(py, &found)
    }

    /// Prices options on a service: one line per option, exact total.
    /// `selections` are dicts `{"optionId": ..., "quantity": n}`.
    fn quote<'py>(
        &self,
        py: Python<'py>,
        service_id: &str,
        selections: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let selections: Vec<Selection> = from_py(selections, "selections")?;
        let quote = self.run(py, self.service.quote(&service_id.into(), &selections))?;
        dump(py, &quote)
    }

    /// Discovery (K4): a query dict (category, tags, price range, minimum
    /// rating, free at, sort, page) → `{"items": [...], "total": n}`.
    fn search_services<'py>(&self, py: Python<'py>, query: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let query: ServiceQuery = from_py(query, "service query")?;
        let page = self.run(py, self.service.search_services(&query))?;
        dump(py, &page)
    }

    /// Publishes a provider's working hours (IANA zone, weekly windows,
    /// overrides, grid).
    fn put_availability(&self, py: Python<'_>, user_id: &str, availability: &Bound<'_, PyAny>) -> PyResult<()> {
        let availability: Availability = from_py(availability, "availability")?;
        self.run(py, self.service.put_availability(&user_id.into(), availability))
    }

    /// A provider's rating from client reviews: count, distribution and
    /// exact mean (`Decimal`, or `None` before any review).
    fn rating<'py>(&self, py: Python<'py>, user_id: &str) -> PyResult<Bound<'py, PyDict>> {
        let r = self.run(py, self.service.rating(&user_id.into()))?;
        let out = PyDict::new(py);
        out.set_item("count", r.count())?;
        out.set_item("distribution", r.distribution.to_vec())?;
        out.set_item("mean", r.mean().map(|m| to_decimal(py, &m.to_string())).transpose()?)?;
        Ok(out)
    }

    /// The nearest free starts (K4) for a booking like `new` (its JSON
    /// shape), within 14 days of its date.
    #[pyo3(signature = (new, now, limit=None))]
    fn free_slots(
        &self,
        py: Python<'_>,
        new: &Bound<'_, PyAny>,
        now: &Bound<'_, PyAny>,
        limit: Option<Int<usize>>,
    ) -> PyResult<Vec<DateTime<Utc>>> {
        let new: NewBooking = from_py(new, "new booking")?;
        let mut search = SlotSearch::for_booking(&new);
        search.limit = Int::or(limit, search.limit);
        let now = convert::datetime(now)?;
        self.run(py, self.service.free_slots(&search, now))
    }

    /// Every notification intent sent so far, as dicts.
    fn notifications<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        dump(py, &self.service.notifier().sent())
    }

    /// The sandbox's balances by account (sandbox engines only).
    fn balances<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for (account, money) in self.sandbox()?.balances() {
            out.set_item(account, PyMoney(money))?;
        }
        Ok(out)
    }
}
