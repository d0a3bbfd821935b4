//! The service catalog and quotes: what a creator (or a team) sells, the
//! options a client may pick, and the exact price of a choice, line by line.
//!
//! Prices are [`Money`]; every option's price effect is an integer number of
//! minor units, except rush, a percentage of the base price rounded half up
//! to the minor unit once, on its own line, so the lines always add up to
//! the total.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::ids::{BookingId, ServiceId, UserId};
use crate::lifecycle::{NewBooking, MAX_DURATION_MINUTES, MAX_PRICE_MINOR};
use crate::money::{mul_div_round_half_up, Money};
use crate::split::RevenueSplit;

/// Longest title, category or tag, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Most options a service may offer.
pub const MAX_OPTIONS: usize = 50;
/// Largest rush surcharge: 1 000 % of the base price.
pub const MAX_SURCHARGE_BPS: u32 = 100_000;

/// A catalog or quote failure, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A field of the service is not acceptable.
    #[error("service {field} is invalid: {reason}")]
    Invalid {
        /// The field, e.g. `"title"` or `"options[2].price"`.
        field: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The selection names an option the service does not offer.
    #[error("the service has no option {option:?}; pick one of its options' ids")]
    UnknownOption {
        /// The option id asked for.
        option: String,
    },
    /// An option was picked twice, zero times or more often than allowed.
    #[error("option {option:?} takes 1 to {max} units, named once in the selection; {quantity} were asked for")]
    Quantity {
        /// The option.
        option: String,
        /// Units asked for, summed over every mention of the option.
        quantity: u32,
        /// The most allowed.
        max: u32,
    },
    /// The quote's total or duration is beyond what a booking may carry.
    #[error("the quote is too large: {what}")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
    },
    /// A quote was used with a service it was not made for.
    #[error("the quote is for service {quoted}, not {service}")]
    WrongService {
        /// The quote's service.
        quoted: ServiceId,
        /// The service it was used with.
        service: ServiceId,
    },
}

impl CatalogError {
    /// The stable machine code, e.g. `"catalog.unknown_option"`.
    ///
    /// ```
    /// let e = booking_core::CatalogError::TooLarge { what: "total" };
    /// assert_eq!(e.code(), "catalog.too_large");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            CatalogError::Invalid { .. } => "catalog.invalid",
            CatalogError::UnknownOption { .. } => "catalog.unknown_option",
            CatalogError::Quantity { .. } => "catalog.quantity",
            CatalogError::TooLarge { .. } => "catalog.too_large",
            CatalogError::WrongService { .. } => "catalog.wrong_service",
        }
    }
}

/// What picking an option does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum OptionKind {
    /// One more revision per unit, at a price each.
    #[serde(rename_all = "camelCase")]
    ExtraRevisions {
        /// Price of one revision.
        price_each: Money,
    },
    /// Priority delivery: a surcharge on the base price, in basis points
    /// (2 500 = 25 %), rounded half up to the minor unit. Picked at most once.
    #[serde(rename_all = "camelCase")]
    Rush {
        /// The surcharge, in basis points of the base price.
        surcharge_bps: u32,
    },
    /// One more hour of session per unit: adds 60 minutes to the booking.
    #[serde(rename_all = "camelCase")]
    ExtraHours {
        /// Price of one hour.
        price_per_hour: Money,
    },
    /// Anything else, at a price per unit (a vocal tuning pass, stems export).
    #[serde(rename_all = "camelCase")]
    AddOn {
        /// Price of one unit.
        price: Money,
    },
}

/// An option a client may add to a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceOption {
    /// Unique within the service.
    pub id: String,
    /// What the client sees.
    pub label: String,
    /// Its price effect.
    pub kind: OptionKind,
    /// The most units one booking may take (rush: 1).
    pub max_quantity: u32,
}

impl ServiceOption {
    /// An option with its id, label and effect; `max_quantity` 1.
    ///
    /// ```
    /// use booking_core::{OptionKind, ServiceOption};
    /// let rush = ServiceOption::new("rush", "48-hour delivery", OptionKind::Rush { surcharge_bps: 2_500 });
    /// assert_eq!(rush.max_quantity, 1);
    /// ```
    pub fn new(id: impl Into<String>, label: impl Into<String>, kind: OptionKind) -> ServiceOption {
        ServiceOption { id: id.into(), label: label.into(), kind, max_quantity: 1 }
    }

    /// Allows up to `max` units.
    ///
    /// ```
    /// use booking_core::{Money, OptionKind, ServiceOption};
    /// let hours = ServiceOption::new("hour", "Extra hour", OptionKind::ExtraHours { price_per_hour: Money::parse("40 USD")? })
    ///     .up_to(8);
    /// assert_eq!(hours.max_quantity, 8);
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn up_to(mut self, max: u32) -> ServiceOption {
        self.max_quantity = max;
        self
    }
}

/// A service a provider (or a team) offers.
///
/// ```
/// use booking_core::*;
/// let service = Service::new("mix-1", "creator-1", "Mixing", "mixing", Money::parse("200.00 USD")?, 120)
///     .with_tags(["hip-hop", "analog"])
///     .with_option(ServiceOption::new("rush", "Rush", OptionKind::Rush { surcharge_bps: 2_500 }));
/// service.validate()?;
/// let quote = service.quote(&[Selection::one("rush")])?;
/// assert_eq!(quote.total.to_string(), "250.00 USD");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The service's id.
    pub id: ServiceId,
    /// The provider; for a team service, the team's lead.
    pub provider_id: UserId,
    /// The team and its split, for a team service.
    #[serde(default)]
    pub team: Option<RevenueSplit>,
    /// What the client sees.
    pub title: String,
    /// The category (matched without regard to ASCII case), e.g. `"mixing"`.
    pub category: String,
    /// Tags (matched without regard to ASCII case).
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// The price before options.
    pub base_price: Money,
    /// How long a session takes before extra hours.
    pub estimated_duration_minutes: u32,
    /// Revisions included before extra ones.
    pub included_revisions: u32,
    /// The options a client may pick.
    #[serde(default)]
    pub options: Vec<ServiceOption>,
}

impl Service {
    /// A solo service with no tags, options or included revisions (add
    /// them with the `with_*` methods).
    ///
    /// ```
    /// use booking_core::{Money, Service};
    /// let s = Service::new("s-1", "creator-1", "Vocal tuning", "vocals", Money::parse("80 USD")?, 60);
    /// assert_eq!(s.category, "vocals");
    /// # Ok::<(), booking_core::MoneyError>(())
    /// ```
    pub fn new(
        id: impl Into<ServiceId>,
        provider: impl Into<UserId>,
        title: impl Into<String>,
        category: impl Into<String>,
        base_price: Money,
        estimated_duration_minutes: u32,
    ) -> Service {
        Service {
            id: id.into(),
            provider_id: provider.into(),
            team: None,
            title: title.into(),
            category: category.into(),
            tags: BTreeSet::new(),
            base_price,
            estimated_duration_minutes,
            included_revisions: 0,
            options: Vec::new(),
        }
    }

    /// A team service: the provider becomes the split's lead.
    ///
    /// ```
    /// use booking_core::*;
    /// let team = RevenueSplit::new(vec![
    ///     SplitMember::new("lead", "lead", 70.into()),
    ///     SplitMember::new("engineer", "mix-engineer", 30.into()),
    /// ])?;
    /// let s = Service::new("s", "someone", "Full production", "production", Money::parse("900 USD")?, 240).with_team(team);
    /// assert_eq!(s.provider_id.as_str(), "lead");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_team(mut self, team: RevenueSplit) -> Service {
        self.provider_id = team.lead().user_id.clone();
        self.team = Some(team);
        self
    }

    /// Adds tags.
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = Service::new("s", "p", "t", "c", Money::parse("1 USD")?, 60).with_tags(["a", "b"]);
    /// assert_eq!(s.tags.len(), 2);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn with_tags<T: Into<String>>(mut self, tags: impl IntoIterator<Item = T>) -> Service {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Sets the revisions included.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Service::new("s", "p", "t", "c", Money::parse("1 USD")?, 60).with_revisions(2).included_revisions, 2);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn with_revisions(mut self, included: u32) -> Service {
        self.included_revisions = included;
        self
    }

    /// Adds an option.
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = Service::new("s", "p", "t", "c", Money::parse("1 USD")?, 60)
    ///     .with_option(ServiceOption::new("stems", "Stems", OptionKind::AddOn { price: Money::parse("5 USD")? }));
    /// assert_eq!(s.options.len(), 1);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn with_option(mut self, option: ServiceOption) -> Service {
        self.options.push(option);
        self
    }

    /// The currency the service is priced in.
    ///
    /// ```
    /// # use booking_core::*;
    /// assert_eq!(Service::new("s", "p", "t", "c", Money::parse("1 EUR")?, 60).currency(), Currency::EUR);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn currency(&self) -> Currency {
        self.base_price.currency()
    }

    /// The people a booking of this service occupies: the provider, or
    /// every team member (lead first).
    ///
    /// ```
    /// # use booking_core::*;
    /// let s = Service::new("s", "p", "t", "c", Money::parse("1 USD")?, 60);
    /// assert_eq!(s.members(), vec![UserId::from("p")]);
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn members(&self) -> Vec<UserId> {
        match &self.team {
            Some(team) => team.user_ids(),
            None => vec![self.provider_id.clone()],
        }
    }

    /// `true` when the service has this category (ASCII case aside).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Service::new("s", "p", "t", "Mixing", Money::parse("1 USD")?, 60).in_category("mixing"));
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn in_category(&self, category: &str) -> bool {
        self.category.eq_ignore_ascii_case(category)
    }

    /// `true` when the service carries this tag (ASCII case aside).
    ///
    /// ```
    /// # use booking_core::*;
    /// assert!(Service::new("s", "p", "t", "c", Money::parse("1 USD")?, 60).with_tags(["Trap"]).has_tag("trap"));
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Checks the service: labels present and not too long, prices in the
    /// base currency and not negative, a duration a booking may have,
    /// unique option ids, rush at most once, a team led by the provider.
    ///
    /// ```
    /// # use booking_core::*;
    /// let bad = Service::new("s", "p", "", "c", Money::parse("1 USD")?, 60);
    /// assert_eq!(bad.validate().unwrap_err().code(), "catalog.invalid");
    /// # Ok::<(), MoneyError>(())
    /// ```
    pub fn validate(&self) -> Result<(), CatalogError> {
        let invalid = |field: String, reason: String| Err(CatalogError::Invalid { field, reason });
        label("id", self.id.as_str())?;
        label("title", &self.title)?;
        label("category", &self.category)?;
        for tag in &self.tags {
            label("tags", tag)?;
        }
        price("basePrice", self.base_price, self.currency())?;
        if self.estimated_duration_minutes == 0 || self.estimated_duration_minutes > MAX_DURATION_MINUTES {
            return invalid(
                "estimatedDurationMinutes".into(),
                format!("must be 1 to {MAX_DURATION_MINUTES} minutes, got {}", self.estimated_duration_minutes),
            );
        }
        if let Some(team) = &self.team {
            if team.lead().user_id != self.provider_id {
                return invalid("team".into(), "the team's lead must be the service's provider".into());
            }
        }
        if self.options.len() > MAX_OPTIONS {
            return invalid("options".into(), format!("at most {MAX_OPTIONS} options"));
        }
        let mut ids = BTreeSet::new();
        for (i, option) in self.options.iter().enumerate() {
            let field = |f: &str| format!("options[{i}].{f}");
            label(&field("id"), &option.id)?;
            label(&field("label"), &option.label)?;
            if !ids.insert(option.id.as_str()) {
                return invalid(field("id"), format!("{:?} is used by two options", option.id));
            }
            if option.max_quantity == 0 {
                return invalid(field("maxQuantity"), "must be at least 1".into());
            }
            match &option.kind {
                OptionKind::Rush { surcharge_bps } => {
                    if option.max_quantity != 1 {
                        return invalid(field("maxQuantity"), "rush can be picked once".into());
                    }
                    if *surcharge_bps > MAX_SURCHARGE_BPS {
                        return invalid(field("surchargeBps"), format!("at most {MAX_SURCHARGE_BPS} (1000 %)"));
                    }
                }
                OptionKind::ExtraRevisions { price_each: p }
                | OptionKind::ExtraHours { price_per_hour: p }
                | OptionKind::AddOn { price: p } => price(&field("price"), *p, self.currency())?,
            }
        }
        Ok(())
    }

    /// The price of the service with these options, line by line (base
    /// first, then options in the service's order), with the booking's
    /// duration and included revisions.
    ///
    /// ```
    /// use booking_core::*;
    /// let s = Service::new("s", "p", "Mixing", "mixing", Money::parse("199.99 USD")?, 120)
    ///     .with_revisions(1)
    ///     .with_option(ServiceOption::new("rush", "Rush", OptionKind::Rush { surcharge_bps: 1_250 }))
    ///     .with_option(ServiceOption::new("rev", "Extra revision", OptionKind::ExtraRevisions { price_each: Money::parse("25 USD")? }).up_to(3))
    ///     .with_option(ServiceOption::new("hour", "Extra hour", OptionKind::ExtraHours { price_per_hour: Money::parse("40 USD")? }).up_to(4));
    /// let q = s.quote(&[Selection::new("rev", 2), Selection::one("rush"), Selection::new("hour", 1)])?;
    /// // 199.99 + 12.5 % of 199.99 (24.99875 → 25.00) + 2 × 25 + 40
    /// assert_eq!(q.total.to_string(), "314.99 USD");
    /// assert_eq!((q.estimated_duration_minutes, q.included_revisions), (180, 3));
    /// assert_eq!(q.lines.iter().map(|l| l.amount.minor()).sum::<i64>(), q.total.minor());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn quote(&self, selections: &[Selection]) -> Result<Quote, CatalogError> {
        self.validate()?;
        for (i, s) in selections.iter().enumerate() {
            let option = self.options.iter().find(|o| o.id == s.option_id);
            let option = option.ok_or_else(|| CatalogError::UnknownOption { option: s.option_id.clone() })?;
            let twice = selections[..i].iter().any(|earlier| earlier.option_id == s.option_id);
            if twice || s.quantity == 0 || s.quantity > option.max_quantity {
                // Report every unit asked for under this option.
                let same = selections.iter().filter(|other| other.option_id == s.option_id);
                let quantity = same.fold(0u32, |sum, other| sum.saturating_add(other.quantity));
                return Err(CatalogError::Quantity { option: s.option_id.clone(), quantity, max: option.max_quantity });
            }
        }
        let base = self.base_price;
        let mut lines = vec![QuoteLine {
            option_id: None,
            label: self.title.clone(),
            quantity: 1,
            amount: base,
            explanation: format!("base price {base}"),
        }];
        let (mut minutes, mut revisions) = (u64::from(self.estimated_duration_minutes), self.included_revisions);
        for option in &self.options {
            let Some(s) = selections.iter().find(|s| s.option_id == option.id) else { continue };
            let n = i64::from(s.quantity);
            let times = |unit: Money, what: &str| {
                let amount = unit.minor().checked_mul(n).filter(|m| *m <= MAX_PRICE_MINOR);
                let amount = amount.ok_or(CatalogError::TooLarge { what: "an option's price" })?;
                Ok::<_, CatalogError>((Money::from_minor(amount, unit.currency()), format!("{n} × {unit} {what}")))
            };
            let (amount, explanation) = match &option.kind {
                OptionKind::Rush { surcharge_bps } => {
                    let exact = mul_div_round_half_up(base.minor(), i64::from(*surcharge_bps), 10_000);
                    let amount = i64::try_from(exact).map_err(|_| CatalogError::TooLarge { what: "rush" })?;
                    let pct = rust_decimal::Decimal::new(i64::from(*surcharge_bps), 2).normalize();
                    let explanation = format!("{pct} % of the base price {base}, rounded half up to the minor unit");
                    (Money::from_minor(amount, base.currency()), explanation)
                }
                OptionKind::ExtraRevisions { price_each } => {
                    revisions = revisions.saturating_add(s.quantity);
                    times(*price_each, "per extra revision")?
                }
                OptionKind::ExtraHours { price_per_hour } => {
                    minutes += 60 * u64::from(s.quantity);
                    times(*price_per_hour, "per extra hour (60 minutes each)")?
                }
                OptionKind::AddOn { price } => times(*price, "each")?,
            };
            lines.push(QuoteLine {
                option_id: Some(option.id.clone()),
                label: option.label.clone(),
                quantity: s.quantity,
                amount,
                explanation,
            });
        }
        let mut total = Money::zero(self.currency());
        for line in &lines {
            total = total.checked_add(line.amount).map_err(|_| CatalogError::TooLarge { what: "the total" })?;
        }
        if total.minor() > MAX_PRICE_MINOR {
            return Err(CatalogError::TooLarge { what: "the total" });
        }
        let minutes = u32::try_from(minutes).ok().filter(|m| *m <= MAX_DURATION_MINUTES);
        let estimated_duration_minutes = minutes.ok_or(CatalogError::TooLarge { what: "the duration" })?;
        Ok(Quote {
            service_id: self.id.clone(),
            lines,
            total,
            estimated_duration_minutes,
            included_revisions: revisions,
        })
    }

    /// The booking request for a quote of this service: its price, duration,
    /// included revisions, team and title, under the *standard* policy
    /// (change it with [`NewBooking::with_policy`]).
    ///
    /// ```
    /// use booking_core::*;
    /// use chrono::{TimeZone, Utc};
    /// let s = Service::new("s", "p", "Mixing", "mixing", Money::parse("200 USD")?, 120);
    /// let q = s.quote(&[])?;
    /// let new = s.new_booking(&q, "b-1", "client", Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap())?;
    /// assert_eq!((new.price, new.estimated_duration_minutes), (q.total, 120));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new_booking(
        &self,
        quote: &Quote,
        id: impl Into<BookingId>,
        client: impl Into<UserId>,
        scheduled_date: chrono::DateTime<chrono::Utc>,
    ) -> Result<NewBooking, CatalogError> {
        if quote.service_id != self.id {
            return Err(CatalogError::WrongService { quoted: quote.service_id.clone(), service: self.id.clone() });
        }
        let (price, minutes) = (quote.total, quote.estimated_duration_minutes);
        let mut new = match &self.team {
            Some(team) => NewBooking::split(id, client, team.clone(), price, scheduled_date, minutes),
            None => NewBooking::solo(id, client, self.provider_id.clone(), price, scheduled_date, minutes),
        };
        new.service_id = self.id.clone();
        new.title = self.title.clone();
        new.included_revisions = Some(quote.included_revisions);
        Ok(new)
    }
}

fn label(field: &str, text: &str) -> Result<(), CatalogError> {
    let reason = if text.trim().is_empty() {
        "must not be empty".to_owned()
    } else if text.chars().count() > MAX_LABEL_CHARS {
        format!("must be at most {MAX_LABEL_CHARS} characters")
    } else {
        return Ok(());
    };
    Err(CatalogError::Invalid { field: field.to_owned(), reason })
}

fn price(field: &str, amount: Money, currency: Currency) -> Result<(), CatalogError> {
    let reason = if amount.currency() != currency {
        format!("is in {}, the service is priced in {currency}", amount.currency())
    } else if amount.minor() < 0 {
        "must not be negative".to_owned()
    } else if amount.minor() > MAX_PRICE_MINOR {
        "is larger than a booking may cost".to_owned()
    } else {
        return Ok(());
    };
    Err(CatalogError::Invalid { field: field.to_owned(), reason })
}

/// An option the client picked, and how many units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// The option's id.
    pub option_id: String,
    /// Units (1 for rush).
    pub quantity: u32,
}

impl Selection {
    /// `quantity` units of an option.
    ///
    /// ```
    /// assert_eq!(booking_core::Selection::new("hour", 3).quantity, 3);
    /// ```
    pub fn new(option_id: impl Into<String>, quantity: u32) -> Selection {
        Selection { option_id: option_id.into(), quantity }
    }

    /// One unit of an option.
    ///
    /// ```
    /// assert_eq!(booking_core::Selection::one("rush").quantity, 1);
    /// ```
    pub fn one(option_id: impl Into<String>) -> Selection {
        Selection::new(option_id, 1)
    }
}

/// One line of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteLine {
    /// The option (none for the base price).
    pub option_id: Option<String>,
    /// What the client sees.
    pub label: String,
    /// Units.
    pub quantity: u32,
    /// The line's amount.
    pub amount: Money,
    /// How the amount was computed, for a person.
    pub explanation: String,
}

/// The price of a service with chosen options: the lines add up to the
/// total exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// The service quoted.
    pub service_id: ServiceId,
    /// Base price first, then one line per option picked.
    pub lines: Vec<QuoteLine>,
    /// The booking's price.
    pub total: Money,
    /// The booking's duration, extra hours included.
    pub estimated_duration_minutes: u32,
    /// Revisions included, extra ones included.
    pub included_revisions: u32,
}
