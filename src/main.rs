//! The `handbook` command. All the work is in the library; this only reports errors and turns
//! outcomes into exit codes: 0 ok, 1 problems found, 2 could not run.

use std::process::ExitCode;

fn main() -> ExitCode {
    match handbook::cmd::run(<handbook::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
