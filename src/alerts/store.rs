//! The subscriptions in SQLite: `data/alerts.sqlite3`, in WAL mode so the server and
//! `handbook alerts send` use it at once, with a busy timeout so neither fails when the other
//! writes. The schema is versioned in code (`MIGRATIONS`, applied in order and counted in
//! `PRAGMA user_version`). Tokens are random and only their SHA-256 is stored: a copy of the
//! database cannot confirm or cancel anyone's subscription. Addresses counted for the rate
//! limit are stored as hashes too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use super::AlertsError;
use crate::text::lang::Lang;

/// The database's file name in the data folder.
pub const DATABASE: &str = "alerts.sqlite3";

/// How long a confirmation link works; an unconfirmed subscription is deleted after it.
pub const CONFIRM_WITHIN_SECS: i64 = 48 * 3600;

/// How long a sent digest's record is kept: long enough to answer "did you send me …?".
pub const KEEP_SENT_SECS: i64 = 30 * 24 * 3600;

/// How long an unsubscribe token is kept; the newest of each subscription is kept however old,
/// so the link in its last mail always works.
pub const KEEP_UNSUBSCRIBE_TOKEN_SECS: i64 = 60 * 24 * 3600;

/// How long a reminded measure may be missing from the handbook (a file that does not parse
/// for a while, a move in progress) before its reminder is forgotten.
pub const KEEP_MISSING_SECS: i64 = 7 * 24 * 3600;

/// The window of the per-address limit.
pub const ATTEMPT_WINDOW_SECS: i64 = 24 * 3600;

/// How long a writer waits for another to finish before giving up; rounds write in short
/// transactions, so this is never reached in practice.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema, one step per version; a step is never edited once released, only followed.
const MIGRATIONS: &[&str] = &[
    // 1: subscriptions, their tokens, the digests claimed and sent, and the rate limit's log.
    r"
    CREATE TABLE subscription (
        id           INTEGER PRIMARY KEY,
        email        TEXT NOT NULL,
        search       TEXT NOT NULL,
        frequency    TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
        lang         TEXT NOT NULL CHECK (lang IN ('sl', 'en')),
        remind_days  INTEGER CHECK (remind_days BETWEEN 1 AND 90),
        requested_at INTEGER NOT NULL,
        confirmed_at INTEGER,
        checked_at   INTEGER,
        seen         TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX subscription_email ON subscription (email);
    CREATE TABLE token (
        hash         BLOB PRIMARY KEY,
        subscription INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
        purpose      TEXT NOT NULL CHECK (purpose IN ('confirm', 'unsubscribe')),
        created_at   INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX token_subscription ON token (subscription);
    CREATE TABLE delivery (
        id           INTEGER PRIMARY KEY,
        subscription INTEGER NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('digest', 'reminder')),
        ids          TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
        claimed_at   INTEGER NOT NULL,
        sent_at      INTEGER,
        attempts     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX delivery_state ON delivery (state);
    CREATE INDEX delivery_subscription ON delivery (subscription);
    CREATE TABLE attempt (
        address_hash BLOB NOT NULL,
        at           INTEGER NOT NULL
    );
    CREATE INDEX attempt_address ON attempt (address_hash, at);
    ",
    // 2: when a reminded measure was last found missing from the handbook (it is forgotten
    // only after `KEEP_MISSING_SECS`), and when a confirmation link was used (it keeps working,
    // saying "already confirmed", until it expires).
    r"
    ALTER TABLE subscription ADD COLUMN missing_since INTEGER;
    ALTER TABLE token ADD COLUMN used_at INTEGER;
    ",
    // 3: the key fields of the measures a subscription matched at its last digest (to name
    // those that changed since), and the changes a digest lists.
    r"
    ALTER TABLE subscription ADD COLUMN fingerprints TEXT NOT NULL DEFAULT '';
    ALTER TABLE delivery ADD COLUMN changes TEXT NOT NULL DEFAULT '';
    ",
];

/// How often a digest comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    Weekly,
}

impl Frequency {
    pub fn key(self) -> &'static str {
        match self {
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }

    pub fn from_key(key: &str) -> Option<Frequency> {
        match key {
            "daily" => Some(Frequency::Daily),
            "weekly" => Some(Frequency::Weekly),
            _ => None,
        }
    }

    /// The time from one check to the next, less a little: a cron job at 7:00 every day must
    /// find yesterday's 7:00 check due although it ended a few seconds after 7:00.
    pub fn period_secs(self) -> i64 {
        const SLACK: i64 = 15 * 60;
        match self {
            Frequency::Daily => 24 * 3600 - SLACK,
            Frequency::Weekly => 7 * 24 * 3600 - SLACK,
        }
    }
}

/// One subscription, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub email: String,
    /// The search's query string, as the form sent it (`id=<id>` for a reminder).
    pub search: String,
    pub frequency: Frequency,
    pub lang: Lang,
    /// A reminder this many days before the measure closes, instead of a digest.
    pub remind_days: Option<u32>,
    pub requested_at: i64,
    /// When the person confirmed: the time of consent.
    pub confirmed_at: Option<i64>,
    /// The last round that looked at it.
    pub checked_at: Option<i64>,
    /// The last digest's state: the ids that matched then, one per line (for a reminder, the
    /// closing date it was sent for).
    pub seen: String,
    /// Since when a reminder's measure has been missing from the handbook.
    pub missing_since: Option<i64>,
    /// The key fields of the measures that matched at the last digest, one measure a line
    /// (`send::fingerprints`): what the next digest's "changed" part is measured against.
    pub fingerprints: String,
}

impl Subscription {
    /// The measure a reminder is for.
    pub fn reminder_of(&self) -> Option<&str> {
        self.remind_days?;
        self.search.strip_prefix("id=")
    }

    /// Is a digest due at `now`?
    pub fn is_due(&self, now: i64) -> bool {
        self.confirmed_at.is_some()
            && self
                .checked_at
                .is_none_or(|at| now - at >= self.frequency.period_secs())
    }
}

/// What a confirmation link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmation {
    /// Not yet confirmed: this GET confirms it.
    Pending(Subscription),
    /// Confirmed by an earlier GET of the same link, which still works until it expires.
    Already(Subscription),
    /// Unknown, expired, or its subscription is gone.
    Unknown,
}

/// What a person asked for on the form.
#[derive(Debug, Clone)]
pub struct Request {
    pub email: String,
    pub search: String,
    pub frequency: Frequency,
    pub lang: Lang,
    pub remind_days: Option<u32>,
}

/// The two links of a new subscription's first mail, in clear, never stored.
#[derive(Debug, Clone)]
pub struct NewTokens {
    pub confirm: String,
    pub unsubscribe: String,
}

/// What a round claims: the delivery's content and the subscription's state after it.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    pub subscription: i64,
    pub kind: DeliveryKind,
    /// The measures it lists as new, one id a line.
    pub ids: &'a str,
    /// The measures it names as changed (`Delivery::changes`).
    pub changes: &'a str,
    pub content_hash: &'a str,
    pub seen: &'a str,
    /// The key fields of what matches now; `None` keeps those stored.
    pub fingerprints: Option<&'a str>,
}

/// A digest or reminder claimed by a round: recorded before it goes to the SMTP server and
/// marked sent after, so a round that dies between the two sends it again rather than losing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub subscription: i64,
    pub kind: DeliveryKind,
    /// The measures it lists, one id per line.
    pub ids: String,
    /// SHA-256 of what it says, part of its Message-ID: a resend has the same one, so a mail
    /// program that got the first copy shows one message.
    pub content_hash: String,
    pub attempts: i64,
    /// The measures it names as changed, one a line: the id, a tab, and what changed in the
    /// subscriber's language, written when it is claimed so a resend says the same.
    pub changes: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Digest,
    Reminder,
}

impl DeliveryKind {
    fn key(self) -> &'static str {
        match self {
            DeliveryKind::Digest => "digest",
            DeliveryKind::Reminder => "reminder",
        }
    }
}

/// A random token for a link (32 bytes, hex), and the hash it is stored as.
pub fn new_token() -> Result<(String, Vec<u8>), AlertsError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AlertsError::Randomness(e.to_string()))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash_token(&token);
    Ok((token, hash))
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The rate limit's key for an address: its hash, so the log of attempts holds no addresses.
fn hash_address(email: &str) -> Vec<u8> {
    Sha256::digest(format!("address:{}", email.to_lowercase()).as_bytes()).to_vec()
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the database in `data`, creating the folder and the database on first use, and
    /// brings its schema up to date.
    pub fn open(data: &Path) -> Result<Store, AlertsError> {
        std::fs::create_dir_all(data).map_err(|source| AlertsError::DataFolder {
            path: data.to_path_buf(),
            source,
        })?;
        let path = data.join(DATABASE);
        let conn = Connection::open(&path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL: readers never wait for the writer, and the server and a cron job share the
        // file. `synchronous = FULL` so that a digest recorded as claimed or sent survives a
        // power cut, not only a crash of the process.
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.pragma_update(None, "synchronous", "full")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let mut store = Store { conn };
        store.migrate(&path)?;
        Ok(store)
    }

    fn migrate(&mut self, path: &Path) -> Result<(), AlertsError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(AlertsError::TooNew {
                path: PathBuf::from(path),
                found: version,
                known,
            });
        }
        for step in &MIGRATIONS[usize::try_from(version).unwrap_or(0)..] {
            tx.execute_batch(step)?;
        }
        tx.pragma_update(None, "user_version", known)?;
        tx.commit()?;
        Ok(())
    }

    /// Notes a request for `email` and says how many there were in the last
    /// `ATTEMPT_WINDOW_SECS`, this one included.
    pub fn note_attempt(&mut self, email: &str, now: i64) -> Result<usize, AlertsError> {
        let hash = hash_address(email);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM attempt WHERE at <= ?1",
            [now - ATTEMPT_WINDOW_SECS],
        )?;
        tx.execute(
            "INSERT INTO attempt (address_hash, at) VALUES (?1, ?2)",
            params![hash, now],
        )?;
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM attempt WHERE address_hash = ?1",
            [&hash],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Records an unconfirmed subscription and its two tokens. Nothing is sent to the address
    /// but the confirmation mail until it is confirmed.
    pub fn subscribe(&mut self, req: &Request, now: i64) -> Result<NewTokens, AlertsError> {
        let (confirm, confirm_hash) = new_token()?;
        let (unsubscribe, unsubscribe_hash) = new_token()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO subscription (email, search, frequency, lang, remind_days, requested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                req.email,
                req.search,
                req.frequency.key(),
                req.lang.key(),
                req.remind_days,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        for (hash, purpose) in [(confirm_hash, "confirm"), (unsubscribe_hash, "unsubscribe")] {
            tx.execute(
                "INSERT INTO token (hash, subscription, purpose, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![hash, id, purpose, now],
            )?;
        }
        tx.commit()?;
        Ok(NewTokens {
            confirm,
            unsubscribe,
        })
    }

    /// The unconfirmed subscription a confirmation token is for, if the token is known and not
    /// expired.
    pub fn pending(&self, token: &str, now: i64) -> Result<Option<Subscription>, AlertsError> {
        Ok(match self.confirmation(token, now)? {
            Confirmation::Pending(sub) => Some(sub),
            _ => None,
        })
    }

    /// What a confirmation token is for: a subscription to confirm, one it confirmed already
    /// (a second click, or a mail scanner that opened the link first), or nothing (unknown or
    /// expired).
    pub fn confirmation(&self, token: &str, now: i64) -> Result<Confirmation, AlertsError> {
        let Some(sub) = self.by_token(token, "confirm")? else {
            return Ok(Confirmation::Unknown);
        };
        if now - sub.requested_at >= CONFIRM_WITHIN_SECS {
            return Ok(Confirmation::Unknown);
        }
        Ok(match sub.confirmed_at {
            None => Confirmation::Pending(sub),
            Some(_) => Confirmation::Already(sub),
        })
    }

    /// Confirms a subscription: from now on it is due, and `seen` (what matches now) is the
    /// baseline its first digest is measured against. A confirmed subscription of the same
    /// address to the same search is replaced, so subscribing twice never doubles the mail.
    pub fn confirm(&mut self, id: i64, seen: &str, now: i64) -> Result<bool, AlertsError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE subscription SET confirmed_at = ?2, checked_at = ?2, seen = ?3
             WHERE id = ?1 AND confirmed_at IS NULL",
            params![id, now, seen],
        )?;
        if changed == 1 {
            // Kept, marked used, until it expires: a second GET of the link says "already
            // confirmed" rather than "unknown".
            tx.execute(
                "UPDATE token SET used_at = ?2 WHERE subscription = ?1 AND purpose = 'confirm'",
                params![id, now],
            )?;
            tx.execute(
                "DELETE FROM subscription WHERE id != ?1 AND confirmed_at IS NOT NULL
                 AND (email, search, coalesce(remind_days, 0)) =
                     (SELECT email, search, coalesce(remind_days, 0) FROM subscription WHERE id = ?1)",
                [id],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    /// The subscription an unsubscribe token is for.
    pub fn by_unsubscribe_token(&self, token: &str) -> Result<Option<Subscription>, AlertsError> {
        self.by_token(token, "unsubscribe")
    }

    /// Deletes the subscription of an unsubscribe token, with its tokens and records; false
    /// if there was none (already gone).
    pub fn unsubscribe(&mut self, token: &str) -> Result<bool, AlertsError> {
        let n = self.conn.execute(
            "DELETE FROM subscription WHERE id IN
                 (SELECT subscription FROM token WHERE hash = ?1 AND purpose = 'unsubscribe')",
            [hash_token(token)],
        )?;
        Ok(n > 0)
    }

    /// A fresh unsubscribe link for one mail. Each mail has its own, as the clear token of an
    /// earlier one is not kept.
    pub fn unsubscribe_token(
        &mut self,
        subscription: i64,
        now: i64,
    ) -> Result<String, AlertsError> {
        let (token, hash) = new_token()?;
        self.conn.execute(
            "INSERT INTO token (hash, subscription, purpose, created_at) VALUES (?1, ?2, 'unsubscribe', ?3)",
            params![hash, subscription, now],
        )?;
        Ok(token)
    }

    fn by_token(&self, token: &str, purpose: &str) -> Result<Option<Subscription>, AlertsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM subscription WHERE id =
                 (SELECT subscription FROM token WHERE hash = ?1 AND purpose = ?2)"
        );
        Ok(self
            .conn
            .query_row(&sql, params![hash_token(token), purpose], row)
            .optional()?)
    }

    pub fn subscription(&self, id: i64) -> Result<Option<Subscription>, AlertsError> {
        let sql = format!("SELECT {COLUMNS} FROM subscription WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], row).optional()?)
    }

    /// Every subscription, confirmed or not, by address.
    pub fn list(&self) -> Result<Vec<Subscription>, AlertsError> {
        let sql = format!("SELECT {COLUMNS} FROM subscription ORDER BY email, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The confirmed subscriptions, oldest first.
    pub fn confirmed(&self) -> Result<Vec<Subscription>, AlertsError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM subscription WHERE confirmed_at IS NOT NULL ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes every subscription of an address (any case), with everything kept about them;
    /// says how many there were.
    pub fn delete_address(&mut self, email: &str) -> Result<usize, AlertsError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "DELETE FROM subscription WHERE lower(email) = lower(?1)",
            [email],
        )?;
        tx.execute(
            "DELETE FROM attempt WHERE address_hash = ?1",
            [hash_address(email)],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Deletes one subscription with its tokens and records.
    pub fn delete(&mut self, id: i64) -> Result<(), AlertsError> {
        self.conn
            .execute("DELETE FROM subscription WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Forgets what is no longer needed: subscriptions never confirmed in time, the rate
    /// limit's old log, records of digests sent long ago.
    pub fn expire(&mut self, now: i64) -> Result<(), AlertsError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM subscription WHERE confirmed_at IS NULL AND requested_at <= ?1",
            [now - CONFIRM_WITHIN_SECS],
        )?;
        tx.execute(
            "DELETE FROM attempt WHERE at <= ?1",
            [now - ATTEMPT_WINDOW_SECS],
        )?;
        tx.execute(
            "DELETE FROM delivery WHERE state != 'sending' AND claimed_at <= ?1",
            [now - KEEP_SENT_SECS],
        )?;
        tx.execute(
            "DELETE FROM token WHERE purpose = 'confirm' AND created_at <= ?1",
            [now - CONFIRM_WITHIN_SECS],
        )?;
        // Every mail adds an unsubscribe token; old ones go, but never a subscription's newest.
        tx.execute(
            "DELETE FROM token WHERE purpose = 'unsubscribe' AND created_at <= ?1
             AND created_at < (SELECT max(created_at) FROM token AS newer
                               WHERE newer.subscription = token.subscription
                                 AND newer.purpose = 'unsubscribe')",
            [now - KEEP_UNSUBSCRIBE_TOKEN_SECS],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Digests claimed and not known to be sent: those of a round that stopped half-way. Only
    /// the holder of the round lock may send them.
    pub fn unsent(&self) -> Result<Vec<Delivery>, AlertsError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, subscription, kind, ids, content_hash, attempts, changes FROM delivery
             WHERE state = 'sending' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(2)?;
            Ok(Delivery {
                id: r.get(0)?,
                subscription: r.get(1)?,
                kind: if kind == "reminder" {
                    DeliveryKind::Reminder
                } else {
                    DeliveryKind::Digest
                },
                ids: r.get(3)?,
                content_hash: r.get(4)?,
                attempts: r.get(5)?,
                changes: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A round looked at a subscription and found nothing to send: it is checked until its
    /// next period, against what matches now.
    pub fn checked(
        &mut self,
        subscription: i64,
        seen: &str,
        fingerprints: &str,
        now: i64,
    ) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE subscription SET checked_at = ?2, seen = ?3, fingerprints = ?4 WHERE id = ?1",
            params![subscription, now, seen, fingerprints],
        )?;
        Ok(())
    }

    /// The key fields of what a subscription matches, set when it is confirmed.
    pub fn set_fingerprints(
        &mut self,
        subscription: i64,
        fingerprints: &str,
    ) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE subscription SET fingerprints = ?2 WHERE id = ?1",
            params![subscription, fingerprints],
        )?;
        Ok(())
    }

    /// Claims a digest in one transaction: the record of what it will list, and the
    /// subscription's new state (what is seen now, checked now). From here the digest is owed
    /// until `sent` says it went.
    pub fn claim(&mut self, claim: &Claim<'_>, now: i64) -> Result<Delivery, AlertsError> {
        let Claim {
            subscription,
            kind,
            ids,
            changes,
            content_hash,
            seen,
            fingerprints,
        } = *claim;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO delivery (subscription, kind, ids, changes, content_hash, state, claimed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6)",
            params![subscription, kind.key(), ids, changes, content_hash, now],
        )?;
        let id = tx.last_insert_rowid();
        // A reminder keeps the fingerprints it has (none): only digests name changes.
        tx.execute(
            "UPDATE subscription SET checked_at = ?2, seen = ?3,
                 fingerprints = coalesce(?4, fingerprints) WHERE id = ?1",
            params![subscription, now, seen, fingerprints],
        )?;
        tx.commit()?;
        Ok(Delivery {
            id,
            subscription,
            kind,
            ids: ids.to_string(),
            content_hash: content_hash.to_string(),
            attempts: 0,
            changes: changes.to_string(),
        })
    }

    /// Notes a refusal for good (5xx) of a claimed digest. Only these count: an SMTP server
    /// that cannot be reached, or answers "try later" (4xx), says nothing about the mail.
    pub fn attempted(&mut self, delivery: i64) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE delivery SET attempts = attempts + 1 WHERE id = ?1",
            [delivery],
        )?;
        Ok(())
    }

    /// Gives a digest up, and puts what it listed back as not yet seen, in one transaction:
    /// the subscription's next digest lists those measures again, so nothing is lost to the
    /// subscriber. For a reminder, its closing date is forgotten, so it can be reminded of again.
    pub fn give_up(&mut self, delivery: &Delivery) -> Result<(), AlertsError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE delivery SET state = 'failed' WHERE id = ?1",
            [delivery.id],
        )?;
        let seen: Option<String> = tx
            .query_row(
                "SELECT seen FROM subscription WHERE id = ?1",
                [delivery.subscription],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(seen) = seen {
            let listed: std::collections::HashSet<&str> = delivery.ids.lines().collect();
            let seen = match delivery.kind {
                DeliveryKind::Digest => seen
                    .lines()
                    .filter(|id| !listed.contains(id))
                    .collect::<Vec<_>>()
                    .join("\n"),
                DeliveryKind::Reminder => String::new(),
            };
            tx.execute(
                "UPDATE subscription SET seen = ?2 WHERE id = ?1",
                params![delivery.subscription, seen],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Notes that a reminder's measure is missing from the handbook now (keeping the first
    /// time it was found missing) and says since when.
    pub fn missing(&mut self, subscription: i64, now: i64) -> Result<i64, AlertsError> {
        self.conn.execute(
            "UPDATE subscription SET missing_since = coalesce(missing_since, ?2) WHERE id = ?1",
            params![subscription, now],
        )?;
        Ok(self.conn.query_row(
            "SELECT coalesce(missing_since, ?2) FROM subscription WHERE id = ?1",
            params![subscription, now],
            |r| r.get(0),
        )?)
    }

    /// A reminder's measure is in the handbook (again).
    pub fn found(&mut self, subscription: i64) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE subscription SET missing_since = NULL WHERE id = ?1",
            [subscription],
        )?;
        Ok(())
    }

    /// How many tokens there are, for the tests of pruning.
    pub fn token_count(&self) -> Result<i64, AlertsError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM token", [], |r| r.get(0))?)
    }

    /// The SMTP server accepted the digest.
    pub fn sent(&mut self, delivery: i64, now: i64) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE delivery SET state = 'sent', sent_at = ?2 WHERE id = ?1",
            params![delivery, now],
        )?;
        Ok(())
    }

    /// The SMTP server refused the digest for good (the address does not exist, say).
    pub fn failed(&mut self, delivery: i64) -> Result<(), AlertsError> {
        self.conn.execute(
            "UPDATE delivery SET state = 'failed' WHERE id = ?1",
            [delivery],
        )?;
        Ok(())
    }

    /// How many digests are in each state, for `handbook alerts list` and the tests.
    pub fn delivery_counts(&self) -> Result<Vec<(String, i64)>, AlertsError> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM delivery GROUP BY state ORDER BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

const COLUMNS: &str = "id, email, search, frequency, lang, remind_days, requested_at, \
     confirmed_at, checked_at, seen, missing_since, fingerprints";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscription> {
    let frequency: String = r.get(3)?;
    let lang: String = r.get(4)?;
    Ok(Subscription {
        id: r.get(0)?,
        email: r.get(1)?,
        search: r.get(2)?,
        frequency: Frequency::from_key(&frequency).unwrap_or(Frequency::Weekly),
        lang: Lang::from_key(&lang).unwrap_or_default(),
        remind_days: r.get(5)?,
        requested_at: r.get(6)?,
        confirmed_at: r.get(7)?,
        checked_at: r.get(8)?,
        seen: r.get(9)?,
        missing_since: r.get(10)?,
        fingerprints: r.get(11)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(email: &str) -> Request {
        Request {
            email: email.into(),
            search: "q=najemnine".into(),
            frequency: Frequency::Daily,
            lang: Lang::Sl,
            remind_days: None,
        }
    }

    #[test]
    fn tokens_are_stored_only_as_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let tokens = store.subscribe(&request("a@example.com"), 1000).unwrap();
        drop(store);
        let raw = std::fs::read(dir.path().join(DATABASE)).unwrap();
        let wal = std::fs::read(dir.path().join("alerts.sqlite3-wal")).unwrap_or_default();
        for token in [&tokens.confirm, &tokens.unsubscribe] {
            let needle = token.as_bytes();
            assert!(!raw.windows(needle.len()).any(|w| w == needle));
            assert!(!wal.windows(needle.len()).any(|w| w == needle));
        }
    }

    #[test]
    fn a_confirmation_link_expires_after_two_days() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let tokens = store.subscribe(&request("a@example.com"), 1000).unwrap();
        assert!(
            store
                .pending(&tokens.confirm, 1000 + 3600)
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .pending(&tokens.confirm, 1000 + CONFIRM_WITHIN_SECS)
                .unwrap()
                .is_none()
        );
        store.expire(1000 + CONFIRM_WITHIN_SECS).unwrap();
        assert!(store.list().unwrap().is_empty());
    }

    #[test]
    fn confirming_twice_the_same_search_keeps_one_subscription() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        for _ in 0..2 {
            let tokens = store.subscribe(&request("a@example.com"), 1000).unwrap();
            let sub = store.pending(&tokens.confirm, 1001).unwrap().unwrap();
            assert!(store.confirm(sub.id, "", 1002).unwrap());
        }
        assert_eq!(store.confirmed().unwrap().len(), 1);
    }

    #[test]
    fn reopening_a_database_applies_no_migration_twice() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path()).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_database_of_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        assert!(matches!(
            Store::open(dir.path()),
            Err(AlertsError::TooNew { found: 99, .. })
        ));
    }
}
