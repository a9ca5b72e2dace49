//! One module per subcommand; `run` dispatches and returns the exit code.

mod alerts;
mod analyze;
mod check;
mod config;
mod log;
mod new;
mod reindex;
mod search;
mod serve;

use std::process::ExitCode;

use crate::cli::{Cli, Command, ServeArgs};

/// Runs a parsed command line. `Err` means the command could not run (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::default()))
    {
        Command::Serve(args) => serve::run(&args),
        Command::Check(args) => check::run(&args),
        Command::New(args) => new::run(&args),
        Command::Reindex(args) => reindex::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Analyze(args) => analyze::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Alerts(command) => alerts::run(&command),
        Command::Log(args) => log::run(&args),
    }
}
