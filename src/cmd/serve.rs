//! `handbook serve`: open the catalog, watch the handbook, serve the web until asked to stop.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;

use std::time::Duration;

use crate::alerts::AlertsConfig;
use crate::cli::ServeArgs;
use crate::history::HistoryHandle;
use crate::index::Opened;
use crate::live::catalog::{Catalog, SnapshotHandle};
use crate::live::watch::Watching;
use crate::web::{self, AppState, WebConfig};

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    let root = &args.handbook.dir;
    anyhow::ensure!(
        root.is_dir(),
        "{} is not a folder; run from the project folder or pass --handbook DIR",
        root.display()
    );
    let (catalog, opened) = Catalog::open_unverified(root, &args.index, crate::today())
        .with_context(|| format!("cannot open the handbook in {}", root.display()))?;
    match opened {
        Opened::Reused => tracing::info!(index = %args.index.display(), "reusing the index"),
        Opened::Rebuilt(why) => {
            tracing::info!(index = %args.index.display(), %why, "rebuilt the index")
        }
    }
    tracing::info!(
        entries = catalog.handle().get().entries.len(),
        "handbook loaded"
    );
    let handle = catalog.handle();
    let catalog = Arc::new(Mutex::new(catalog));
    let watching: Arc<Mutex<Option<Watching>>> = Arc::default();
    let startup = start_up(
        catalog.clone(),
        watching.clone(),
        root.clone(),
        !args.no_watch,
    );
    serve_until_stopped(args, handle)?;
    // The start-up work ends in well under a second; a stop that came sooner waits for it.
    if startup.join().is_err() {
        tracing::error!("the start-up checks stopped with a panic");
    }
    drop(lock(&watching).take());
    // A batch of changes may be half-way through its index commit; taking the catalog waits for
    // it, and holding it until the process ends keeps a batch still queued in the watcher from
    // starting another, so the index on disk is the last commit, whole.
    let mut held = lock(&catalog);
    held.save_cache();
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// One line per event to stderr; `RUST_LOG` chooses what.
fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in a log file or a journal.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// Off the path to serving, so the first request is answered as soon as the index is open:
/// the watch is set up (its setup notes every file of the handbook), then the files are
/// checked against what the cache said of them (changes made while the server was stopped
/// come in like edits), and the cache is saved for the next start. Searches never wait on
/// this; only the watcher waits on the catalog meanwhile.
fn start_up(
    catalog: Arc<Mutex<Catalog>>,
    watching: Arc<Mutex<Option<Watching>>>,
    root: std::path::PathBuf,
    watch: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        if watch {
            match crate::live::watch::spawn(&root, catalog.clone(), crate::today) {
                Ok(w) => *lock(&watching) = Some(w),
                // Serving what was read is still worth more than not serving at all.
                Err(e) => tracing::error!(
                    error = %e,
                    "cannot watch the handbook for changes; edits will be seen after a restart"
                ),
            }
        }
        let mut catalog = lock(&catalog);
        match catalog.verify(crate::today()) {
            Ok(Some(applied)) if !applied.upserted.is_empty() || !applied.deleted.is_empty() => {
                tracing::info!(
                    changed = applied.upserted.len(),
                    removed = applied.deleted.len(),
                    "brought in what changed in the handbook while the server was stopped"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "cannot check the handbook's files"),
        }
        let snapshot = catalog.handle().get();
        let problems = snapshot.problems.iter().filter(|d| d.is_error()).count();
        if problems > 0 {
            tracing::warn!(
                "{problems} problems in the handbook; see /status or run `handbook check`"
            );
        }
        catalog.save_cache();
    })
}

/// How often the history thread looks at HEAD for new commits: reading a ref is a file read,
/// and a commit should show within seconds.
const HISTORY_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Serves the web on `args.addr` until SIGTERM or Ctrl-C.
fn serve_until_stopped(args: &ServeArgs, handle: SnapshotHandle) -> anyhow::Result<()> {
    // Resolved before the listener opens, so a mistake in the mail settings stops the start.
    let mail = super::alerts::mail_config(&args.mail)?;
    if mail.is_none() {
        tracing::info!("e-mail alerts are off: no --smtp-url");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {} (is another server using it? try --addr 127.0.0.1:3001)",
                    args.addr
                )
            })?;
        let local = listener.local_addr()?;
        // The address actually bound: with `--addr 127.0.0.1:0` the port is only known now,
        // and permalinks in citations must work.
        let base_url = args
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let base_url = base_url.trim_end_matches('/').to_string();
        let alerts = AlertsConfig {
            data: args.data.data_dir.clone(),
            mail,
            base_url: base_url.clone(),
        };
        // History is read in the background: the server answers at once, and history pages
        // say it is being read until it is.
        let vocabulary = handle.clone();
        let history = HistoryHandle::start(
            &args.handbook.dir,
            move || vocabulary.get().vocabulary.clone(),
            HISTORY_POLL,
        );
        let state = AppState::new(
            handle.clone(),
            WebConfig {
                base_url,
                today: None,
                live_reload: !args.no_watch && !args.no_live_reload,
                alerts: alerts.enabled(),
            },
        )
        .with_alerts(alerts.clone())?
        .with_history(history);
        if alerts.enabled() {
            crate::alerts::send::spawn_schedule(
                alerts,
                handle,
                Duration::from_secs(args.alerts_every.max(1)),
                crate::today,
            );
        }
        let stop = web::shutdown_signal();
        println!("Serving the handbook at http://{local}/");
        web::serve(listener, state, stop)
            .await
            .context("the server stopped with an error")
    })?;
    Ok(())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
