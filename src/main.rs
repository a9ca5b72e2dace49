//! The `handbook` command. All the work is in the library; this only reports errors and turns
//! outcomes into exit codes: 0 ok, 1 problems found, 2 could not run.

use std::process::ExitCode;

/// mimalloc returns freed memory to the system, where the system allocator keeps what a full
/// index build used (hundreds of megabytes at 100,000 entries) for the life of the server; it
/// is also quicker with the many small allocations of a search.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's option `purge_delay` (`mi_option_purge_delay` in `mimalloc.h`).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system at once rather than after mimalloc's default second.
/// mimalloc only purges when the thread that freed the memory allocates again, and a search
/// thread that goes idle after a burst never does, so with the delay a server kept the peak of
/// its last burst: 96 MB after start and 148 MB after a load of search pages at 10,000 entries,
/// against 70 MB and 107 MB without it, at the same throughput. `MIMALLOC_PURGE_DELAY` in the
/// environment still decides, for whoever wants to tune it.
#[allow(unsafe_code)]
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets an integer option of the allocator; called first thing in `main`,
        // before any other thread exists, as mimalloc asks of `mi_option_set`.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    }
}

fn main() -> ExitCode {
    tune_allocator();
    match handbook::cmd::run(<handbook::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
