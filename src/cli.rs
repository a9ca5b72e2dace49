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
    /// Show an entry's history from git: its versions and what changed in each
    Log(LogArgs),
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
