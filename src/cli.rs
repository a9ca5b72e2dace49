//! The command line, declared with clap. Each subcommand's work lives in `cmd/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "handbook",
    version,
    about = "A searchable handbook of entrepreneurship measures for Slovenian town centres"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the handbook on the web, reloading it as files change (the default command)
    Serve(ServeArgs),
    /// Check every handbook file; exit 0 if all are valid, 1 if problems were found, 2 if it could not run
    Check(CheckArgs),
    /// Write a new entry from a template, with today's date
    New(NewArgs),
    /// Rebuild the search index from the handbook
    Reindex(ReindexArgs),
    /// Search the handbook from the terminal
    Search(SearchArgs),
    /// Show the search terms the analysers make of a text
    Analyze(AnalyzeArgs),
    /// Print the configuration `handbook serve` would use (flags, HANDBOOK_* variables,
    /// handbook.toml, defaults) and where each value comes from; secrets masked
    Config(ServeArgs),
    /// E-mail alerts: list or delete subscriptions, send what is due
    #[command(subcommand)]
    Alerts(AlertsCommand),
    /// Show an entry's history from git: its versions and what changed in each
    Log(LogArgs),
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Every subscription: address, search, frequency, language, consent time, state
    List(DataArg),
    /// Delete every subscription of an address, with all that is kept about it
    Delete(AlertsDeleteArgs),
    /// Send the digests and reminders that are due (for cron); safe while the server runs
    Send(AlertsSendArgs),
}

/// The data folder of the alerts commands, resolved as the server's is (flag, `HANDBOOK_DATA`,
/// `handbook.toml`, default), so that cron and the server agree on it.
#[derive(Debug, Clone, Args)]
pub struct DataArg {
    /// The data folder, with the alerts database; created on first use [default: data]
    #[arg(long = "data", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The configuration file [env: HANDBOOK_CONFIG] [default: handbook.toml, if there is one]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl DataArg {
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            config: self.config.clone(),
            data: self.data_dir.clone(),
            ..crate::config::Flags::default()
        }
    }
}

/// Where alert mails go. Credentials come from the environment only
/// (`HANDBOOK_SMTP_USERNAME`, `HANDBOOK_SMTP_PASSWORD`): a flag would show in `ps`.
#[derive(Debug, Clone, Default, Args)]
pub struct MailArgs {
    /// The SMTP server: smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT;
    /// without it, e-mail alerts are off [env: HANDBOOK_SMTP_URL]
    #[arg(long, value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The address alert mails come from, e.g. "Priročnik <alerts@example.si>"
    /// [env: HANDBOOK_MAIL_FROM]
    #[arg(long, value_name = "ADDR")]
    pub mail_from: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct AlertsDeleteArgs {
    /// The address whose subscriptions go (any case)
    pub email: String,
    #[command(flatten)]
    pub data: DataArg,
}

/// Resolved as the server's settings are (flag, `HANDBOOK_*`, `handbook.toml`, default).
#[derive(Debug, Clone, Args)]
pub struct AlertsSendArgs {
    #[command(flatten)]
    pub data: DataArg,
    /// The handbook folder (with vocabulary.toml and measures/) [default: handbook]
    #[arg(long = "handbook", value_name = "DIR")]
    pub handbook: Option<PathBuf>,
    #[command(flatten)]
    pub mail: MailArgs,
    /// The public address of the site, for the links in mails (also HANDBOOK_BASE_URL or
    /// base_url in handbook.toml); without it nothing is sent, as the links would lead to this
    /// machine
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Every confirmed subscription is due, however recent its last digest
    #[arg(long)]
    pub now: bool,
}

impl AlertsSendArgs {
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            handbook: self.handbook.clone(),
            base_url: self.base_url.clone(),
            smtp_url: self.mail.smtp_url.clone(),
            mail_from: self.mail.mail_from.clone(),
            ..self.data.flags()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct HandbookArg {
    /// The handbook folder (with vocabulary.toml and measures/)
    #[arg(long = "handbook", value_name = "DIR", default_value = "handbook")]
    pub dir: PathBuf,
}

/// `handbook serve` and `handbook config`. Every value is optional here: one not given falls
/// through to the environment (`HANDBOOK_*`), then `handbook.toml`, then the default
/// (`config::resolve`).
#[derive(Debug, Clone, Default, Args)]
#[command(
    after_help = "Every flag --foo-bar may also be given as HANDBOOK_FOO_BAR in the environment or as foo_bar in handbook.toml; a flag wins over the environment, which wins over the file. `handbook config` shows the result."
)]
pub struct ServeArgs {
    /// The configuration file [env: HANDBOOK_CONFIG] [default: handbook.toml, if there is one]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The handbook folder (with vocabulary.toml and measures/) [default: handbook]
    #[arg(long = "handbook", value_name = "DIR")]
    pub handbook: Option<PathBuf>,
    /// Where the search index is kept; it is rebuilt from the handbook whenever in doubt
    /// [default: index]
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// The address to listen on; only this machine can connect unless you say otherwise
    /// [default: 127.0.0.1:3000]
    #[arg(long)]
    pub addr: Option<SocketAddr>,
    /// The public address of the site, used in permalinks, citations, feeds and mails
    /// [default: http://ADDR]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Do not watch the handbook for changes
    #[arg(long)]
    pub no_watch: bool,
    /// Do not reload open pages when the handbook changes (for a public site behind a proxy
    /// that limits long-lived connections)
    #[arg(long)]
    pub no_live_reload: bool,
    /// The data folder, with the alerts database; created on first use [default: data]
    #[arg(long = "data", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// The SMTP server: smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT;
    /// without it, e-mail alerts are off. User name and password only from
    /// HANDBOOK_SMTP_USERNAME and HANDBOOK_SMTP_PASSWORD
    #[arg(long, value_name = "URL")]
    pub smtp_url: Option<String>,
    /// The address alert mails come from, e.g. "Priročnik <alerts@example.si>"
    #[arg(long, value_name = "ADDR")]
    pub mail_from: Option<String>,
    /// How often the alerts sender sends what is due, in seconds [default: 600]
    #[arg(long, value_name = "SECS")]
    pub alerts_every: Option<u64>,
    /// This instance sends the digests and reminders that are due; give it to one replica
    /// only (docs/deploy.md)
    #[arg(long)]
    pub alerts_sender: bool,
    /// Proxies whose X-Forwarded-For, -Proto and -Host are believed: addresses or networks,
    /// comma-separated (e.g. 127.0.0.1,10.0.0.0/8); from anyone else those headers are ignored
    #[arg(long, value_name = "NETS", value_delimiter = ',')]
    pub trusted_proxies: Vec<crate::config::Network>,
    /// How log lines are written to standard error [default: human]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub log_format: Option<crate::config::LogFormat>,
    /// After SIGTERM, answer /readyz with 503 for this long while still serving, so a load
    /// balancer stops sending requests before the server stops listening [default: 0]
    #[arg(long, value_name = "SECS")]
    pub drain_secs: Option<u64>,
}

impl ServeArgs {
    /// What was typed, for `config::resolve`.
    pub fn flags(&self) -> crate::config::Flags {
        crate::config::Flags {
            config: self.config.clone(),
            handbook: self.handbook.clone(),
            index: self.index.clone(),
            addr: self.addr,
            base_url: self.base_url.clone(),
            no_watch: self.no_watch,
            no_live_reload: self.no_live_reload,
            data: self.data.clone(),
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            alerts_every: self.alerts_every,
            alerts_sender: self.alerts_sender,
            trusted_proxies: self.trusted_proxies.clone(),
            log_format: self.log_format,
            drain_secs: self.drain_secs,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    /// For people: each problem with its line and a caret under the spot
    #[default]
    Human,
    /// For machines: one JSON object per problem
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub handbook: HandbookArg,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// The new entry's id (its file name): lowercase letters, digits and hyphens
    pub id: String,
    #[command(flatten)]
    pub handbook: HandbookArg,
    /// Municipality key from vocabulary.toml; the file goes in measures/KEY/
    #[arg(long, value_name = "KEY")]
    pub municipality: Option<String>,
    /// Measure type key from vocabulary.toml
    #[arg(long = "type", value_name = "KEY")]
    pub r#type: Option<String>,
    /// Funding source key from vocabulary.toml
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub handbook: HandbookArg,
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// What to search for; empty lists every entry
    #[arg(default_value = "")]
    pub query: String,
    #[command(flatten)]
    pub handbook: HandbookArg,
    #[arg(long, value_name = "KEY")]
    pub municipality: Vec<String>,
    #[arg(long = "type", value_name = "KEY")]
    pub r#type: Vec<String>,
    #[arg(long, value_name = "KEY")]
    pub source: Vec<String>,
    #[arg(long, value_name = "KEY")]
    pub beneficiary: Vec<String>,
    /// open, upcoming, ongoing or closed
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// The measures of this municipality and the national ones
    #[arg(long, value_name = "KEY")]
    pub applies_in: Option<String>,
    /// Only measures worth at least this many euros per beneficiary
    #[arg(long, value_name = "EUR")]
    pub min_amount: Option<u64>,
    /// Only calls closing within this many days from today
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub closing: Option<u32>,
    /// How many hits to show
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// The entry's id (a former id finds the entry it became)
    pub id: String,
    #[command(flatten)]
    pub handbook: HandbookArg,
    /// Show the changes in English
    #[arg(long)]
    pub english: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// The text to analyse
    pub text: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
