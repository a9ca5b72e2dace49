//! The `handbook` command. All the work is in the library; this only reports errors and turns
//! outcomes into exit codes: 0 ok, 1 problems found, 2 could not run.

use std::process::ExitCode;

/// mimalloc returns freed memory to the system, where the system allocator keeps what a full
/// index build used (hundreds of megabytes at 100,000 entries) for the life of the server; it
/// is also quicker with the many small allocations of a search.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match handbook::cmd::run(<handbook::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
