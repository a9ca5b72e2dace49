//! `handbook serve`: resolve the configuration, listen, open the catalog, watch the handbook,
//! serve the web until asked to stop. The server listens before the handbook is open and says
//! so on `/readyz` (503, then 200), so a load balancer or systemd never mistakes a start for a
//! failure.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;

use crate::alerts::AlertsConfig;
use crate::cli::ServeArgs;
use crate::config::{Config, LogFormat};
use crate::history::HistoryHandle;
use crate::index::Opened;
use crate::live::catalog::Catalog;
use crate::live::watch::Watching;
use crate::web::{self, AppState, Gate, WebConfig};

pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let config = crate::config::from_process(&args.flags())?;
    init_logging(config.log_format);
    if let Some(file) = &config.file {
        tracing::info!(file = %file.display(), "read the configuration file");
    }
    let root = &config.handbook;
    anyhow::ensure!(
        root.is_dir(),
        "{} is not a folder; run from the project folder or pass --handbook DIR",
        root.display()
    );
    // Resolved before the listener opens, so a mistake in the mail settings stops the start.
    let mail = crate::alerts::mail::MailConfig::resolve(
        config.smtp_url.as_deref(),
        config.mail_from.as_deref(),
        config.smtp_credentials.clone(),
    )?;
    if mail.is_none() {
        tracing::info!("e-mail alerts are off: no --smtp-url");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let Some(opened) = runtime.block_on(serve_until_stopped(&config, mail))? else {
        tracing::info!("stopped before the handbook was open");
        return Ok(ExitCode::SUCCESS);
    };
    // The start-up work ends in well under a second; a stop that came sooner waits for it.
    if opened.startup.join().is_err() {
        tracing::error!("the start-up checks stopped with a panic");
    }
    drop(lock(&opened.watching).take());
    // A batch of changes may be half-way through its index commit; taking the catalog waits for
    // it, and holding it until the process ends keeps a batch still queued in the watcher from
    // starting another, so the index on disk is the last commit, whole.
    let mut held = lock(&opened.catalog);
    held.save_cache();
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// What a server that got as far as opening the handbook leaves to be closed.
struct Running {
    catalog: Arc<Mutex<Catalog>>,
    watching: Arc<Mutex<Option<Watching>>>,
    startup: std::thread::JoinHandle<()>,
}

/// One line per event to stderr, readable or JSON; `RUST_LOG` chooses what.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tantivy=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        // Colour codes only for a person at a terminal, not in a log file or a journal.
        LogFormat::Human => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        // One object per line, fields flattened, for a log collector.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
    }
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

/// Listens on `config.addr`, opens the handbook meanwhile, and serves the web until SIGTERM or
/// Ctrl-C. `None` when the stop came before the handbook was open.
async fn serve_until_stopped(
    config: &Config,
    mail: Option<crate::alerts::mail::MailConfig>,
) -> anyhow::Result<Option<Running>> {
    // Installed first: a stop while the index is being built is as graceful as any other.
    let stop = web::shutdown_signal();
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another server using it? try --addr 127.0.0.1:3001)",
                config.addr
            )
        })?;
    let local = listener.local_addr()?;
    println!("Listening at http://{local}/; loading the handbook");
    let gate = Gate::default();
    let server = tokio::spawn(web::serve(
        listener,
        gate.clone(),
        config.trusted_proxies.clone().into(),
        config.drain,
        stop,
    ));
    let (root, index) = (config.handbook.clone(), config.index.clone());
    let opening = tokio::task::spawn_blocking(move || {
        Catalog::open_unverified(&root, &index, crate::today())
            .with_context(|| format!("cannot open the handbook in {}", root.display()))
    });
    let (catalog, opened) = match opening.await? {
        Ok(opened) => opened,
        Err(e) => {
            server.abort();
            return Err(e);
        }
    };
    match opened {
        Opened::Reused => tracing::info!(index = %config.index.display(), "reusing the index"),
        Opened::Rebuilt(why) => {
            tracing::info!(index = %config.index.display(), %why, "rebuilt the index")
        }
    }
    let handle = catalog.handle();
    tracing::info!(
        entries = handle.get().entries.len(),
        version = %handle.get().version,
        "handbook loaded"
    );
    let catalog = Arc::new(Mutex::new(catalog));
    let watching: Arc<Mutex<Option<Watching>>> = Arc::default();
    let startup = start_up(
        catalog.clone(),
        watching.clone(),
        config.handbook.clone(),
        config.watch,
    );
    let running = Running {
        catalog,
        watching,
        startup,
    };
    if server.is_finished() {
        server.await??;
        return Ok(Some(running));
    }
    // The address actually bound: with `--addr 127.0.0.1:0` the port is only known now,
    // and permalinks in citations must work.
    let base_url = config
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let alerts = AlertsConfig {
        data: config.data.clone(),
        mail,
        base_url: base_url.clone(),
    };
    // History is read in the background: the server answers at once, and history pages say
    // it is being read until it is.
    let vocabulary = handle.clone();
    let history = HistoryHandle::start(
        &config.handbook,
        move || vocabulary.get().vocabulary.clone(),
        HISTORY_POLL,
    );
    let state = AppState::new(
        handle.clone(),
        WebConfig {
            base_url,
            today: None,
            live_reload: config.watch && config.live_reload,
            alerts: alerts.enabled(),
        },
    )
    .with_history(history);
    let state = match state.with_alerts(alerts.clone()) {
        Ok(state) => state,
        Err(e) => {
            server.abort();
            return Err(e.into());
        }
    };
    if alerts.enabled() && config.alerts_sender {
        crate::alerts::send::spawn_schedule(alerts, handle, config.alerts_every, crate::today);
    } else if alerts.enabled() {
        // Two instances sending from their own data folders would each mail the same digest;
        // see docs/deploy.md.
        tracing::info!(
            "this instance takes subscriptions but sends no digests or reminders: no --alerts-sender"
        );
    }
    gate.open(state);
    println!("Serving the handbook at http://{local}/");
    server.await?.context("the server stopped with an error")?;
    Ok(Some(running))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
