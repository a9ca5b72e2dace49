//! One measure of the handbook, as an editor writes it in `measures/**/<id>.toml`: its fields
//! (read and checked by `check`), and the status of its call on a day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::text::lang::Lang;

/// `Deserialize` is for the handbook cache (`cache`) only: entries come from files, checked by `check::parse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// A digest of everything below, computed once when the entry is read.
    #[serde(skip)]
    pub digest: u64,
    /// The title folded for sorting ("Črnomelj" sorts with C), made once when the entry is
    /// read and kept in the handbook cache: folding every title was a fifth of a start.
    #[serde(skip)]
    pub sort_key: String,
    #[serde(deserialize_with = "crate::handbook::serde_text::one")]
    pub id: String,
    #[serde(deserialize_with = "crate::handbook::serde_text::one")]
    pub title: String,
    #[serde(deserialize_with = "crate::handbook::serde_text::one")]
    pub summary: String,
    /// The title in English, for the English interface; the Slovenian one is shown otherwise.
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub title_en: Option<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub summary_en: Option<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub municipalities: Vec<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub types: Vec<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub sources: Vec<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub beneficiaries: Vec<String>,
    /// Words and phrases people search with that the entry's text may not use ("kredit" for
    /// an entry that says "posojilo"): searched, not shown on the measure's page.
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub keywords: Vec<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::one")]
    pub provider: String,
    #[serde(with = "day")]
    pub updated: NaiveDate,
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub url: Option<String>,
    #[serde(with = "day::option")]
    pub open_from: Option<NaiveDate>,
    #[serde(with = "day::option")]
    pub open_until: Option<NaiveDate>,
    pub until_funds_run_out: bool,
    /// The call has ended although `open_until` does not say so: its closing date is not
    /// known, or it closed early (the funds ran out, it was withdrawn).
    pub closed: bool,
    /// For a standing measure (no call dates): the year of the newest source showing it in
    /// force. One not confirmed for more than `CONFIRMED_FOR_YEARS` shows as `Unconfirmed`,
    /// not as running: a rule from years ago may no longer apply.
    pub last_confirmed: Option<i32>,
    /// The key shared by the calls of one recurring measure (a municipality's yearly call), so
    /// a page can list the other years.
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub series: Option<String>,
    pub budget_eur: Option<i64>,
    pub max_amount_eur: Option<i64>,
    pub cofinancing_percent: Option<i64>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub legal_basis: Vec<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub gazette: Option<String>,
    #[serde(deserialize_with = "crate::handbook::serde_text::list")]
    pub aliases: Vec<String>,
    /// Markdown; rendered with raw HTML shown as text.
    #[serde(deserialize_with = "crate::handbook::serde_text::maybe")]
    pub body: Option<String>,
}

/// Where a call stands on a given day. Computed when asked, never stored: it changes at midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Upcoming,
    Ongoing,
    /// A standing measure whose last confirmation is too old to show it as running.
    Unconfirmed,
    Closed,
}

/// How many calendar years after its `last_confirmed` year a standing measure still shows as
/// ongoing: confirmed in 2024, it is ongoing until the end of 2026.
pub const CONFIRMED_FOR_YEARS: i32 = 2;

impl Status {
    /// The status on `today` of a call with these dates, flag and last confirmation: see
    /// `Entry::status`.
    pub fn of(
        closed: bool,
        open_from: Option<NaiveDate>,
        open_until: Option<NaiveDate>,
        last_confirmed: Option<i32>,
        today: NaiveDate,
    ) -> Status {
        if closed {
            return Status::Closed;
        }
        match (open_from, open_until) {
            (None, None) if confirmed_until(last_confirmed).is_some_and(|end| today > end) => {
                Status::Unconfirmed
            }
            (None, None) => Status::Ongoing,
            (Some(from), _) if today < from => Status::Upcoming,
            (_, Some(until)) if today > until => Status::Closed,
            _ => Status::Open,
        }
    }

    /// In the order a person scanning results cares about: what can be applied for first.
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Upcoming,
        Status::Ongoing,
        Status::Unconfirmed,
        Status::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Upcoming => "upcoming",
            Status::Ongoing => "ongoing",
            Status::Unconfirmed => "unconfirmed",
            Status::Closed => "closed",
        }
    }

    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sl => self.label(),
            Lang::En => match self {
                Status::Open => "Open",
                Status::Upcoming => "Upcoming",
                Status::Ongoing => "Ongoing",
                Status::Unconfirmed => "Not confirmed recently",
                Status::Closed => "Closed",
            },
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Odprto",
            Status::Upcoming => "Kmalu",
            Status::Ongoing => "Stalno",
            Status::Unconfirmed => "Ni nedavno potrjeno",
            Status::Closed => "Zaprto",
        }
    }
}

/// The last day a standing measure last confirmed in `year` still shows as ongoing: the end of
/// the `CONFIRMED_FOR_YEARS`th year after it. `None` without a year (no limit).
pub fn confirmed_until(year: Option<i32>) -> Option<NaiveDate> {
    year.and_then(|y| NaiveDate::from_ymd_opt(y.checked_add(CONFIRMED_FOR_YEARS)?, 12, 31))
}

impl Entry {
    /// `closed = true` → closed; no dates → ongoing, or unconfirmed when `last_confirmed` is
    /// more than `CONFIRMED_FOR_YEARS` years back; before `open_from` → upcoming; after
    /// `open_until` → closed; otherwise open.
    pub fn status(&self, today: NaiveDate) -> Status {
        Status::of(
            self.closed,
            self.open_from,
            self.open_until,
            self.last_confirmed,
            today,
        )
    }

    /// The year the call belongs to, for listing the calls of a series: the year at the end of
    /// its id (`...-2019`; the first of a period such as `...-2021-2027`), as editors name a call
    /// by its year, though a call for 2020 may open in December 2019; else the year it opened or
    /// closed; else the year it was last confirmed.
    pub fn year(&self) -> Option<i32> {
        let year = |part: &str| -> Option<i32> {
            let y: i32 = part.parse().ok().filter(|_| part.len() == 4)?;
            (1990..=2100).contains(&y).then_some(y)
        };
        let mut parts = self.id.rsplit('-');
        let last = parts.next().and_then(year);
        last.map(|l| parts.next().and_then(year).map_or(l, |first| first.min(l)))
            .or_else(|| self.open_from.or(self.open_until).map(|d| d.year()))
            .or(self.last_confirmed)
    }

    /// The title to show in `lang`: the English one where the entry has it.
    pub fn title_in(&self, lang: Lang) -> &str {
        match (lang, &self.title_en) {
            (Lang::En, Some(t)) => t,
            _ => &self.title,
        }
    }

    /// The summary to show in `lang`: the English one where the entry has it.
    pub fn summary_in(&self, lang: Lang) -> &str {
        match (lang, &self.summary_en) {
            (Lang::En, Some(t)) => t,
            _ => &self.summary,
        }
    }

    /// The permalink path of the entry.
    pub fn permalink(&self) -> String {
        format!("/measures/{}", self.id)
    }

    /// Restores what `#[serde(skip)]` leaves out, for an entry read back from the cache.
    pub(crate) fn set_derived(&mut self, digest: u64, sort_key: String) {
        self.digest = digest;
        self.sort_key = sort_key;
    }

    /// The text of the body as plain words, for the index and for snippets. Derived when
    /// asked rather than kept: it would double what every entry holds in memory (at 100,000
    /// entries, about 100 MB), and it is needed when an entry is indexed and for the snippets
    /// of one page of hits.
    pub fn body_text(&self) -> String {
        self.body
            .as_deref()
            .map(crate::text::markdown::plain_text)
            .unwrap_or_default()
    }
}

/// Dates as the JSON of the API writes them (`2024-06-15`), and as a day number in binary
/// formats such as the handbook cache, where parsing 30,000 date strings was a measurable part
/// of a start.
mod day {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            date.serialize(s)
        } else {
            date.num_days_from_ce().serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        if d.is_human_readable() {
            NaiveDate::deserialize(d)
        } else {
            let days = i32::deserialize(d)?;
            NaiveDate::from_num_days_from_ce_opt(days)
                .ok_or_else(|| serde::de::Error::custom(format!("day {days} is out of range")))
        }
    }

    pub mod option {
        use super::*;

        #[derive(Serialize, Deserialize)]
        struct Day(#[serde(with = "super")] NaiveDate);

        pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            date.map(Day).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Ok(Option::<Day>::deserialize(d)?.map(|Day(date)| date))
        }
    }
}
