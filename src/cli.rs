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

#[derive(Debug, Clone, Args)]
pub struct DataArg {
    /// The data folder, with the alerts database; created on first use
    #[arg(long = "data", value_name = "DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// Where alert mails go. Credentials come from the environment only
/// (`HANDBOOK_SMTP_USERNAME`, `HANDBOOK_SMTP_PASSWORD`): a flag would show in `ps`.
#[derive(Debug, Clone, Default, Args)]
pub struct MailArgs {
    /// The SMTP server: smtp://HOST:PORT (add ?tls=required for STARTTLS) or smtps://HOST:PORT;
    /// without it, e-mail alerts are off
    #[arg(long, value_name = "URL", env = "HANDBOOK_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The address alert mails come from, e.g. "Priročnik <alerts@example.si>"
    #[arg(long, value_name = "ADDR", env = "HANDBOOK_MAIL_FROM")]
    pub mail_from: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct AlertsDeleteArgs {
    /// The address whose subscriptions go (any case)
    pub email: String,
    #[command(flatten)]
    pub data: DataArg,
}

#[derive(Debug, Clone, Args)]
pub struct AlertsSendArgs {
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub handbook: HandbookArg,
    #[command(flatten)]
    pub mail: MailArgs,
    /// The public address of the site, for the links in mails; without it (or
    /// HANDBOOK_BASE_URL) nothing is sent, as the links would lead to this machine
    #[arg(long, value_name = "URL", env = "HANDBOOK_BASE_URL")]
    pub base_url: Option<String>,
    /// Every confirmed subscription is due, however recent its last digest
    #[arg(long)]
    pub now: bool,
}

#[derive(Debug, Clone, Args)]
pub struct HandbookArg {
    /// The handbook folder (with vocabulary.toml and measures/)
    #[arg(long = "handbook", value_name = "DIR", default_value = "handbook")]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub handbook: HandbookArg,
    /// Where the search index is kept; it is rebuilt from the handbook whenever in doubt
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// The address to listen on; only this machine can connect unless you say otherwise
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The public address of the site, used in permalinks and citations [default: http://ADDR]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Do not watch the handbook for changes
    #[arg(long)]
    pub no_watch: bool,
    /// Do not reload open pages when the handbook changes (for a public site behind a proxy
    /// that limits long-lived connections)
    #[arg(long)]
    pub no_live_reload: bool,
    #[command(flatten)]
    pub data: DataArg,
    #[command(flatten)]
    pub mail: MailArgs,
    /// How often the server sends the alerts that are due, in seconds (1 to 86400)
    #[arg(long, value_name = "SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub alerts_every: u64,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            handbook: HandbookArg {
                dir: PathBuf::from("handbook"),
            },
            index: PathBuf::from("index"),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            base_url: None,
            no_watch: false,
            no_live_reload: false,
            data: DataArg {
                data_dir: PathBuf::from("data"),
            },
            // As clap would for `handbook serve`: the environment still configures mail.
            mail: MailArgs {
                smtp_url: std::env::var("HANDBOOK_SMTP_URL").ok(),
                mail_from: std::env::var("HANDBOOK_MAIL_FROM").ok(),
            },
            alerts_every: 600,
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
    /// Municipality key from vocabulary.toml; the file goes in measures/<KEY>/
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
