//! E-mail alerts: a person subscribes to any search (or asks for a reminder before a measure
//! closes), confirms by a link in a first mail (double opt-in), and from then on gets a digest
//! of the measures that newly match, daily or weekly, each mail with a one-click unsubscribe
//! (RFC 8058). The subscriptions live in a SQLite database in the data folder (`store`); mails
//! are composed in both parts, plain text and HTML (`mail`), and sent in rounds that survive a
//! crash without sending a digest twice or losing one (`send`). The design, the privacy notes
//! and the operator's commands are in `docs/alerts.md`.

pub mod mail;
pub mod send;
pub mod store;

use std::path::PathBuf;

/// What the alerts need to run, resolved once from flags and the environment and passed down.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// The data folder, with the database `alerts.sqlite3` and the round lock.
    pub data: PathBuf,
    /// Where mail goes; `None` when no SMTP server is configured, and then the forms say the
    /// service is not available.
    pub mail: Option<mail::MailConfig>,
    /// The public address of the site, for the absolute links in mails (no trailing slash).
    pub base_url: String,
}

impl AlertsConfig {
    pub fn enabled(&self) -> bool {
        self.mail.is_some()
    }
}

/// Everything that can go wrong with alerts, below the command line and the web handlers.
#[derive(Debug, thiserror::Error)]
pub enum AlertsError {
    #[error("cannot create the data folder {path}: {source}")]
    DataFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the alerts database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(
        "the alerts database {path} was written by a newer version (schema {found}, this one knows {known}); upgrade handbook"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("the round lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("another round is sending (the server or `handbook alerts send`); try again later")]
    Busy,
    #[error("{0}")]
    Config(String),
    #[error("no randomness for a token: {0}")]
    Randomness(String),
    #[error("search: {0}")]
    Search(#[from] tantivy::TantivyError),
}

/// Seconds since 1970, the clock every time in the database is kept in.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
