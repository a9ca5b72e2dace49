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

/// Runs a parsed command line. `Err` means the command could not run (exit 2). Output cut
/// short by its reader (`handbook search … | head`) is not an error: the reader has what it
/// wanted, as with any Unix tool.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match dispatch(cli) {
        Err(err) if is_broken_pipe(&err) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
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

/// Did writing to standard output fail because its reader went away?
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
