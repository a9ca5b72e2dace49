//! Rounds of sending: what is due, what it lists, and the order of writes that makes a round
//! safe to kill at any point.
//!
//! One round runs at a time across processes: it holds an exclusive lock on
//! `data/alerts.lock`, which the system releases when its process ends however it ends, so a
//! round that finds a digest claimed but not marked sent knows its sender is dead. For each
//! subscription a round (1) claims the digest in one transaction: the ids it lists, a hash of
//! its content, and the subscription's new state, so no later round lists them again; (2) hands
//! it to the SMTP server; (3) marks it sent. Killed between (1) and (3), the next round sends
//! the claimed digest again, under the same Message-ID. Nothing is lost; a digest is sent
//! twice only if the process dies in the instant between the SMTP server's "250 accepted" and
//! the commit of (3), and then the copies share their Message-ID, which mail programs show
//! as one message.

use std::collections::HashSet;
use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::AlertsError;
use super::mail::{self, Item, Mail, Outbox, SendError};
use super::store::{Claim, Delivery, DeliveryKind, KEEP_MISSING_SECS, Store, Subscription};
use crate::handbook::Entry;
use crate::search::params;
use crate::search::snapshot::Lookup;
use crate::search::{Facet, SearchQuery, Snapshot};
use crate::text::format::{date_in, eur_in};
use crate::text::lang::Lang;

/// The lock file in the data folder.
pub const LOCK: &str = "alerts.lock";

/// At most this many measures are listed in one digest; the rest are one click away on the
/// search's page.
pub const MAX_LISTED: usize = 50;

/// Days after its call closed that a reminder is forgotten: long enough for an editor to
/// correct a closing date, after which there is nothing left to remind of.
pub const KEEP_REMINDER_DAYS: i64 = 30;

/// A digest the SMTP server refused for good (5xx) in this many rounds is given up (and
/// logged), and what it listed is put back as not yet seen. Rounds in which the server could
/// not be reached or said "try later" (4xx) do not count: such a digest waits for as long as
/// the outage lasts.
pub const MAX_ATTEMPTS: i64 = 5;

/// The server's schedule runs a round at most this often and at least once a day: a period of
/// zero would spin, and a huge one would overflow the clock.
pub const ROUND_EVERY: std::ops::RangeInclusive<u64> = 1..=24 * 3600;

/// The exclusive right to run a round, held until dropped.
#[derive(Debug)]
pub struct RoundLock {
    _file: File,
}

impl RoundLock {
    /// The lock if no other round holds it.
    pub fn try_take(data: &Path) -> Result<Option<RoundLock>, AlertsError> {
        std::fs::create_dir_all(data).map_err(|source| AlertsError::DataFolder {
            path: data.to_path_buf(),
            source,
        })?;
        let path = data.join(LOCK);
        let lock_error = |source| AlertsError::Lock {
            path: path.clone(),
            source,
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(lock_error)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(RoundLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(lock_error(e)),
        }
    }

    /// The lock, waiting at most `wait` for another round to end.
    pub fn take(data: &Path, wait: Duration) -> Result<RoundLock, AlertsError> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(lock) = Self::try_take(data)? {
                return Ok(lock);
            }
            if Instant::now() >= deadline {
                return Err(AlertsError::Busy);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// What a round needs besides the store and the outbox.
#[derive(Clone)]
pub struct Round<'a> {
    pub snapshot: &'a Snapshot,
    pub today: NaiveDate,
    pub now: i64,
    /// Every confirmed subscription is due (`--now`); otherwise each after its period.
    pub all_due: bool,
    /// The site's public address, for absolute links (no trailing slash).
    pub base_url: &'a str,
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Digests and reminders accepted by the SMTP server, those of an earlier round included.
    pub sent: usize,
    /// Of `sent`, those claimed by an earlier round that stopped before marking them.
    pub resent: usize,
    /// Subscriptions checked with nothing new to say.
    pub nothing_new: usize,
    /// Given up after `MAX_ATTEMPTS` refusals for good (5xx), or listing nothing that is
    /// still in the handbook.
    pub failed: usize,
    /// Why the round stopped early (the SMTP server cannot be reached): what is owed is sent
    /// by the next round.
    pub stopped: Option<String>,
}

/// Runs one round. The caller holds the round lock, which is why it is asked for.
pub fn run(
    _lock: &RoundLock,
    store: &mut Store,
    outbox: &dyn Outbox,
    round: &Round<'_>,
) -> Result<Report, AlertsError> {
    let mut report = Report::default();
    // Subscriptions whose owed digest the server refused this round: nothing more goes to
    // them in it.
    let mut refused = HashSet::new();
    store.expire(round.now)?;
    // First what an earlier round owes: it was claimed, so no new claim would list it.
    for delivery in store.unsent()? {
        if report.stopped.is_some() {
            break;
        }
        let Some(sub) = store.subscription(delivery.subscription)? else {
            continue;
        };
        let before = report.sent;
        if deliver(store, outbox, round, &sub, &delivery, &mut report)? == Outcome::Refused {
            refused.insert(sub.id);
        }
        report.resent += report.sent - before;
    }
    for sub in store.confirmed()? {
        if report.stopped.is_some() {
            break;
        }
        // Refused a moment ago (and, if given up, its measures put back as unseen): a new
        // digest waits for the next round rather than going straight back to that server.
        if refused.contains(&sub.id) {
            continue;
        }
        let claimed = match sub.reminder_of() {
            Some(id) => claim_reminder(store, round, &sub, id)?,
            None if round.all_due || sub.is_due(round.now) => {
                let claimed = claim_digest(store, round, &sub)?;
                if claimed.is_none() {
                    report.nothing_new += 1;
                }
                claimed
            }
            None => None,
        };
        if let Some(delivery) = claimed {
            deliver(store, outbox, round, &sub, &delivery, &mut report)?;
        }
    }
    Ok(report)
}

/// The ids a search matches now, one per line, in the search's order: the state a digest is
/// measured against. For a reminder, nothing: its state is the closing date reminded of.
pub fn matching(
    snapshot: &Snapshot,
    sub_search: &str,
    reminder: bool,
    today: NaiveDate,
) -> Result<String, AlertsError> {
    if reminder {
        return Ok(String::new());
    }
    let Some(query) = query_of(sub_search) else {
        return Ok(String::new());
    };
    let results = snapshot.search_all(&query, today)?;
    Ok(results
        .hits
        .iter()
        .map(|h| h.entry.id.as_str())
        .collect::<Vec<_>>()
        .join("\n"))
}

/// The search of a stored query string; `None` if it no longer parses (a limit was lowered),
/// and then the subscription is skipped rather than failing the round.
fn query_of(search: &str) -> Option<SearchQuery> {
    match params::parse_search(Some(search)) {
        Ok(q) => Some(q),
        Err(e) => {
            tracing::warn!(error = %e, search, "a subscribed search no longer parses");
            None
        }
    }
}

fn claim_digest(
    store: &mut Store,
    round: &Round<'_>,
    sub: &Subscription,
) -> Result<Option<Delivery>, AlertsError> {
    // A search that no longer parses is left as it is, rather than measured as matching
    // nothing: when it parses again, its digest must not list the whole handbook as new.
    if query_of(&sub.search).is_none() {
        return Ok(None);
    }
    let now_matching = matching(round.snapshot, &sub.search, false, round.today)?;
    let seen: HashSet<&str> = sub.seen.lines().collect();
    let new: Vec<String> = now_matching
        .lines()
        .filter(|id| !seen.contains(id))
        .map(str::to_string)
        .collect();
    let prints = fingerprints(round.snapshot, &now_matching, round.today);
    let changes = changes(&sub.fingerprints, &prints, sub.lang);
    let prints = still_printed(round.snapshot, &sub.fingerprints, prints);
    let now_matching = still_seen(round.snapshot, &sub.seen, now_matching);
    if new.is_empty() && changes.is_empty() {
        store.checked(sub.id, &now_matching, &prints, round.now)?;
        return Ok(None);
    }
    let ids = new.join("\n");
    let hash = content_hash(
        sub.id,
        DeliveryKind::Digest,
        &format!("{ids}\n--\n{changes}"),
    );
    Ok(Some(store.claim(
        &Claim {
            subscription: sub.id,
            kind: DeliveryKind::Digest,
            ids: &ids,
            changes: &changes,
            content_hash: &hash,
            seen: &now_matching,
            fingerprints: Some(&prints),
        },
        round.now,
    )?))
}

/// The key fields of each measure of `ids` (one a line) that a digest names as changed when
/// they differ at the next: `id`, then its opening, closing, largest amount and status,
/// tab-separated, one measure a line. Kept per subscription, so this works without git.
pub fn fingerprints(snapshot: &Snapshot, ids: &str, today: NaiveDate) -> String {
    ids.lines()
        .filter_map(|id| find(snapshot, id))
        .map(|e| {
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            format!(
                "{}\t{}\t{}\t{}\t{}",
                e.id,
                date(e.open_from),
                date(e.open_until),
                e.max_amount_eur.map(|n| n.to_string()).unwrap_or_default(),
                e.status(today).key()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fingerprints by id.
fn by_id(prints: &str) -> std::collections::HashMap<&str, Vec<&str>> {
    prints
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let id = fields.next().filter(|id| !id.is_empty())?;
            Some((id, fields.collect()))
        })
        .collect()
}

/// The measures whose key fields differ between two sets of fingerprints, each with what
/// changed in words, one a line: `id`, a tab, "rok prijave: 15. 3. 2026 → 30. 4. 2026; …".
/// Measures only in `now` are new (listed as such), not changed.
pub fn changes(before: &str, now: &str, lang: Lang) -> String {
    let before = by_id(before);
    let mut lines = Vec::new();
    for line in now.lines() {
        let mut fields = line.split('\t');
        let Some(id) = fields.next() else { continue };
        let now: Vec<&str> = fields.collect();
        let Some(old) = before.get(id) else { continue };
        let words: Vec<String> = FINGERPRINT_FIELDS
            .iter()
            .enumerate()
            .filter_map(|(i, field)| {
                let (a, b) = (old.get(i).copied()?, now.get(i).copied()?);
                (a != b).then(|| change_in_words(field, a, b, lang))
            })
            .collect();
        if !words.is_empty() {
            lines.push(format!("{id}\t{}", words.join("; ")));
        }
    }
    lines.join("\n")
}

/// The fields of a fingerprint after the id, in order.
const FINGERPRINT_FIELDS: [&str; 4] = ["open_from", "open_until", "max_amount_eur", "status"];

/// One field's change as the history writes it (`history::diff`): its label, then before →
/// after, a value not given being "ni navedeno" / "not given".
fn change_in_words(field: &str, before: &str, after: &str, lang: Lang) -> String {
    let value = |v: &str| -> String {
        if v.is_empty() {
            return lang.pick("ni navedeno", "not given").to_string();
        }
        match field {
            "open_from" | "open_until" => v
                .parse::<NaiveDate>()
                .map_or_else(|_| v.to_string(), |d| date_in(d, lang)),
            "max_amount_eur" => v
                .parse::<i64>()
                .map_or_else(|_| v.to_string(), |n| eur_in(n, lang)),
            _ => crate::handbook::Status::from_key(v)
                .map_or_else(|| v.to_string(), |s| s.label_in(lang).to_string()),
        }
    };
    let label = match field {
        "open_from" => lang.pick("odprto od", "open from"),
        "open_until" => lang.pick("rok prijave", "deadline"),
        "max_amount_eur" => lang.pick("največ na upravičenca", "maximum per beneficiary"),
        _ => lang.pick("stanje", "status"),
    };
    format!("{label}: {} → {}", value(before), value(after))
}

/// The new fingerprints: those of what matches now, and those kept of measures missing from
/// the handbook now (as `still_seen` keeps their ids), so one that comes back changed is named.
fn still_printed(snapshot: &Snapshot, before: &str, mut now: String) -> String {
    let present: HashSet<String> = by_id(&now).keys().map(|k| k.to_string()).collect();
    for line in before.lines() {
        let id = line.split('\t').next().unwrap_or("");
        if !id.is_empty() && !present.contains(id) && find(snapshot, id).is_none() {
            if !now.is_empty() {
                now.push('\n');
            }
            now.push_str(line);
        }
    }
    now
}

/// The new `seen`: what matches now, and what was seen before and is missing from the
/// handbook now. A measure that is missing for a round (its file does not parse for a while,
/// say) is not new when it comes back; one that is in the handbook but no longer matches is
/// dropped, so it is new if it comes to match again (a call that opens again).
fn still_seen(snapshot: &Snapshot, before: &str, mut now_matching: String) -> String {
    let matching: HashSet<&str> = now_matching.lines().collect();
    let missing: Vec<String> = before
        .lines()
        .filter(|id| !id.is_empty() && !matching.contains(id) && find(snapshot, id).is_none())
        .map(str::to_string)
        .collect();
    for id in missing {
        if !now_matching.is_empty() {
            now_matching.push('\n');
        }
        now_matching.push_str(&id);
    }
    now_matching
}

/// A reminder is due from `remind_days` before the closing date to the day itself, once per
/// closing date: a call extended to a new date is reminded of again.
fn claim_reminder(
    store: &mut Store,
    round: &Round<'_>,
    sub: &Subscription,
    id: &str,
) -> Result<Option<Delivery>, AlertsError> {
    let Some(entry) = find(round.snapshot, id) else {
        // Missing for a while (a file that does not parse, a move half done) is not gone:
        // the reminder is forgotten only when the measure has stayed away for days.
        if round.now - store.missing(sub.id, round.now)? >= KEEP_MISSING_SECS {
            store.delete(sub.id)?;
        }
        return Ok(None);
    };
    if sub.missing_since.is_some() {
        store.found(sub.id)?;
    }
    let (Some(until), Some(days)) = (entry.open_until, sub.remind_days) else {
        return Ok(None);
    };
    if (round.today - until).num_days() > KEEP_REMINDER_DAYS {
        store.delete(sub.id)?;
        return Ok(None);
    }
    let left = (until - round.today).num_days();
    let marker = until.to_string();
    if entry.closed || !(0..=i64::from(days)).contains(&left) || sub.seen == marker {
        return Ok(None);
    }
    let ids = entry.id.clone();
    let hash = content_hash(sub.id, DeliveryKind::Reminder, &format!("{ids}@{marker}"));
    Ok(Some(store.claim(
        &Claim {
            subscription: sub.id,
            kind: DeliveryKind::Reminder,
            ids: &ids,
            changes: "",
            content_hash: &hash,
            seen: &marker,
            fingerprints: None,
        },
        round.now,
    )?))
}

/// The entry of an id, following a rename (a former id is an alias).
fn find<'s>(snapshot: &'s Snapshot, id: &str) -> Option<&'s Arc<Entry>> {
    match snapshot.lookup(id) {
        Lookup::Found(e) => Some(e),
        Lookup::Moved(current) => match snapshot.lookup(current) {
            Lookup::Found(e) => Some(e),
            _ => None,
        },
        Lookup::Missing => None,
    }
}

fn content_hash(subscription: i64, kind: DeliveryKind, ids: &str) -> String {
    let digest = Sha256::digest(format!("{subscription}\n{kind:?}\n{ids}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// What became of a delivery in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Sent, or still owed.
    Done,
    /// Refused for good (5xx): owed still, or given up after `MAX_ATTEMPTS` refusals with
    /// its measures unseen again.
    Refused,
}

/// Composes a claimed delivery and hands it to the outbox, then records the outcome.
fn deliver(
    store: &mut Store,
    outbox: &dyn Outbox,
    round: &Round<'_>,
    sub: &Subscription,
    delivery: &Delivery,
    report: &mut Report,
) -> Result<Outcome, AlertsError> {
    let unsubscribe = unsubscribe_url(
        round.base_url,
        &store.unsubscribe_token(sub.id, round.now)?,
        sub.lang,
    );
    let Some(mail) = compose(round, sub, delivery, &unsubscribe) else {
        // Every measure it listed has left the handbook since it was claimed.
        store.failed(delivery.id)?;
        return Ok(Outcome::Done);
    };
    match outbox.send(&mail) {
        Ok(()) => {
            store.sent(delivery.id, round.now)?;
            report.sent += 1;
        }
        Err(SendError::Permanent(why)) => {
            // `why` is the server's answer with any address in it redacted (`mail::redact`).
            store.attempted(delivery.id)?;
            if delivery.attempts + 1 >= MAX_ATTEMPTS {
                tracing::warn!(
                    delivery = delivery.id,
                    %why,
                    "the SMTP server refused a digest in {MAX_ATTEMPTS} rounds; given up, its measures are listed again in the next digest"
                );
                store.give_up(delivery)?;
                report.failed += 1;
            } else {
                tracing::warn!(delivery = delivery.id, %why, "the SMTP server refused a digest; tried again next round");
            }
            return Ok(Outcome::Refused);
        }
        Err(SendError::Transient(why)) => {
            tracing::warn!(%why, "the SMTP server cannot take mail now; the rest waits for the next round");
            report.stopped = Some(why);
        }
    }
    Ok(Outcome::Done)
}

fn compose(
    round: &Round<'_>,
    sub: &Subscription,
    delivery: &Delivery,
    unsubscribe: &str,
) -> Option<Mail> {
    let lang = sub.lang;
    let entries: Vec<&Arc<Entry>> = delivery
        .ids
        .lines()
        .filter_map(|id| find(round.snapshot, id))
        .collect();
    let changed: Vec<(Item, String)> = delivery
        .changes
        .lines()
        .filter_map(|line| {
            let (id, change) = line.split_once('\t')?;
            Some((
                item(round, find(round.snapshot, id)?, lang),
                change.to_string(),
            ))
        })
        .collect();
    if entries.is_empty() && changed.is_empty() {
        return None;
    }
    let message_id = format!(
        "<{}.{}.{}@{}>",
        match delivery.kind {
            DeliveryKind::Digest => "digest",
            DeliveryKind::Reminder => "reminder",
        },
        delivery.id,
        delivery.content_hash,
        host(round.base_url)
    );
    Some(match delivery.kind {
        DeliveryKind::Reminder => {
            let first = entries.first()?;
            let days = first
                .open_until
                .map_or(0, |until| (until - round.today).num_days().max(0));
            mail::reminder(
                lang,
                &sub.email,
                &item(round, first, lang),
                days,
                unsubscribe,
                message_id,
            )
        }
        DeliveryKind::Digest => {
            let mut items: Vec<Item> = entries
                .iter()
                .take(MAX_LISTED)
                .map(|e| item(round, e, lang))
                .collect();
            let what = describe(round.snapshot, &sub.search, lang);
            let search_url = absolute(round.base_url, &format!("/?{}", sub.search), lang);
            if entries.len() > MAX_LISTED {
                items.truncate(MAX_LISTED);
            }
            mail::digest(
                lang,
                &sub.email,
                &what,
                &search_url,
                &items,
                &changed,
                unsubscribe,
                message_id,
            )
        }
    })
}

fn item(round: &Round<'_>, entry: &Entry, lang: Lang) -> Item {
    let deadline = match (entry.open_from, entry.open_until) {
        (_, Some(until)) => format!(
            "{}{}",
            lang.pick("Rok: ", "Deadline: "),
            date_in(until, lang)
        ),
        (Some(from), None) => format!(
            "{}{}",
            lang.pick("Prijave od ", "Applications from "),
            date_in(from, lang)
        ),
        (None, None) => lang.pick("Brez roka", "No deadline").to_string(),
    };
    Item {
        title: entry.title_in(lang).to_string(),
        municipality: entry
            .municipalities
            .iter()
            .map(|m| round.snapshot.label_in(Facet::Municipality, m, lang))
            .collect::<Vec<_>>()
            .join(", "),
        status: entry.status(round.today).label_in(lang).to_string(),
        deadline,
        url: absolute(round.base_url, &entry.permalink(), lang),
    }
}

/// The unsubscribe link of a mail, in the subscription's language, so the page and its answer
/// are in the language of the mail.
pub fn unsubscribe_url(base_url: &str, token: &str, lang: Lang) -> String {
    absolute(
        base_url,
        &format!("/alerts/unsubscribe?token={token}"),
        lang,
    )
}

/// `path` on the site, in `lang`.
pub fn absolute(base_url: &str, path: &str, lang: Lang) -> String {
    let path = path.trim_end_matches(['?', '&']);
    match lang {
        Lang::Sl => format!("{base_url}{path}"),
        Lang::En if path.contains("lang=en") => format!("{base_url}{path}"),
        Lang::En if path.contains('?') => format!("{base_url}{path}&lang=en"),
        Lang::En => format!("{base_url}{path}?lang=en"),
    }
}

/// A search as a person reads it: its words in quotes and its filters' labels, or "the whole
/// handbook"; a reminder names its measure.
pub fn describe(snapshot: &Snapshot, search: &str, lang: Lang) -> String {
    if let Some(id) = search.strip_prefix("id=") {
        return match snapshot.lookup(id) {
            Lookup::Found(e) => e.title_in(lang).to_string(),
            _ => id.to_string(),
        };
    }
    let Ok(query) = params::parse_search(Some(search)) else {
        return search.to_string();
    };
    let mut parts = Vec::new();
    if !query.text.is_empty() {
        parts.push(format!("„{}“", query.text));
    }
    for (facet, values) in &query.filters {
        for v in values {
            parts.push(snapshot.label_in(*facet, v, lang));
        }
    }
    if let Some(m) = &query.applies_in {
        let place = snapshot.label_in(Facet::Municipality, m, lang);
        parts.push(match lang {
            Lang::Sl => format!("velja v: {place}"),
            Lang::En => format!("applies in: {place}"),
        });
    }
    if let Some(n) = query.min_amount {
        let amount = eur_in(i64::try_from(n).unwrap_or(i64::MAX), lang);
        parts.push(match lang {
            Lang::Sl => format!("vsaj {amount}"),
            Lang::En => format!("at least {amount}"),
        });
    }
    if let Some(days) = query.closing {
        parts.push(match lang {
            Lang::Sl => format!("rok v {days} dneh"),
            Lang::En => format!("closing within {days} days"),
        });
    }
    if parts.is_empty() {
        lang.pick("ves priročnik", "the whole handbook").to_string()
    } else {
        parts.join(" · ")
    }
}

/// The host of the site, for Message-IDs and the UIDs of calendar events.
pub fn host(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "handbook.invalid".into())
}

/// The server's own schedule: a round every `every`, the first one `every` after the start,
/// skipped when another holds the lock (a cron job's `handbook alerts send`). Runs until the
/// process ends.
pub fn spawn_schedule(
    config: super::AlertsConfig,
    snapshots: crate::live::catalog::SnapshotHandle,
    every: Duration,
    today: fn() -> NaiveDate,
) {
    let Some(mail_config) = config.mail.clone() else {
        return;
    };
    let outbox = match mail::Smtp::new(&mail_config) {
        Ok(o) => Arc::new(o),
        Err(e) => {
            tracing::error!(error = %e, "alerts are off: the SMTP settings do not work");
            return;
        }
    };
    let every = Duration::from_secs(
        every
            .as_secs()
            .clamp(*ROUND_EVERY.start(), *ROUND_EVERY.end()),
    );
    tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        let first = start.checked_add(every).unwrap_or(start);
        let mut ticks = tokio::time::interval_at(first, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let config = config.clone();
            let snapshot = snapshots.get();
            let outbox = outbox.clone();
            let done = tokio::task::spawn_blocking(move || {
                let Some(lock) = RoundLock::try_take(&config.data)? else {
                    return Ok(None);
                };
                let mut store = Store::open(&config.data)?;
                let round = Round {
                    snapshot: &snapshot,
                    today: today(),
                    now: super::now(),
                    all_due: false,
                    base_url: &config.base_url,
                };
                run(&lock, &mut store, outbox.as_ref(), &round).map(Some)
            })
            .await;
            if let Ok(Ok(Some(report))) = &done {
                crate::metrics::global().alert_mails(report.sent as u64, report.failed as u64);
            }
            match done {
                Ok(Ok(Some(report))) if report != Report::default() => {
                    tracing::info!(?report, "alerts round");
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "alerts round failed"),
                Err(e) => tracing::error!(error = %e, "alerts round panicked"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_links_keep_the_language() {
        assert_eq!(
            absolute("https://h.si", "/measures/a", Lang::En),
            "https://h.si/measures/a?lang=en"
        );
        assert_eq!(
            absolute("https://h.si", "/?q=x", Lang::En),
            "https://h.si/?q=x&lang=en"
        );
        assert_eq!(absolute("https://h.si", "/?", Lang::Sl), "https://h.si/");
    }

    #[test]
    fn unsubscribe_links_carry_the_subscriptions_language() {
        assert_eq!(
            unsubscribe_url("https://h.si", "ab", Lang::En),
            "https://h.si/alerts/unsubscribe?token=ab&lang=en"
        );
        assert_eq!(
            unsubscribe_url("https://h.si", "ab", Lang::Sl),
            "https://h.si/alerts/unsubscribe?token=ab"
        );
    }

    #[test]
    fn a_second_round_cannot_start_while_one_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = RoundLock::try_take(dir.path()).unwrap();
        assert!(held.is_some());
        assert!(RoundLock::try_take(dir.path()).unwrap().is_none());
        drop(held);
        assert!(RoundLock::try_take(dir.path()).unwrap().is_some());
    }
}
