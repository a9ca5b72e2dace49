//! `handbook config`: the configuration `handbook serve` would run with, as TOML, each value with
//! where it came from (flag, environment, file, default) and the SMTP password masked, so an
//! operator can see what a unit file, its environment and `handbook.toml` add up to.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ServeArgs;

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = crate::config::from_process(&args.flags())?;
    write!(std::io::stdout().lock(), "{}", config.describe())?;
    Ok(ExitCode::SUCCESS)
}
