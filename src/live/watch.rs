//! Live reload: a `notify` watcher on each folder of the handbook, and a loop that turns its
//! events into batches of changes for the catalog. Editors save in many ways (in place,
//! write-and-rename, with swap and backup files, in bursts when a `git checkout` touches
//! hundreds of files), so the loop never trusts exact event kinds: every path that could be an
//! entry or a folder is simply looked at again, and each batch is applied as one commit.
//!
//! It never dies quietly. Folders are watched one by one and symbolic links are never followed,
//! so a link to `/` costs nothing and one unreadable folder costs only its own events; a folder
//! that cannot be watched, or a watcher that cannot be made at all, turns on polling (the whole
//! handbook compared with what is served every `POLL_EVERY`), said on `/status` and `/healthz`.
//! A batch that cannot be applied (the index disk was full) is retried with backoff, while the
//! last good snapshot keeps serving.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use walkdir::WalkDir;

use crate::handbook::folder;
use crate::live::catalog::{Catalog, Changes};
use crate::live::health::Health;

/// Quiet this long ends a batch: long enough to fold an editor's save (write temp, rename,
/// delete backup: a few milliseconds) into one batch; every save waits this long, so it is
/// most of what a save costs before it is searchable. A batch that still splits one save in
/// two costs a second commit, not a lost edit.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A batch is applied at most this long after its first event, quiet or not: a file saved
/// over and over (a script, an editor's autosave every few milliseconds) is still published
/// about three times a second rather than never.
pub const MAX_WAIT: Duration = Duration::from_millis(300);

/// How long the watcher waits without events before it rescans the whole handbook anyway.
/// Events can be lost (a full inotify queue, a folder moved between watches); this bounds how
/// long a loss can last.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(30);

/// While some folder cannot be watched, the whole handbook is compared with what is served
/// this often. A comparison costs a `stat` per file (a few milliseconds per thousand).
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// A failed batch is tried again after this, then twice as long each time, up to `RETRY_MAX`.
const RETRY_FIRST: Duration = Duration::from_millis(250);
const RETRY_MAX: Duration = Duration::from_secs(30);

/// The handbook cache is saved this long after the last change, so the next start serves the
/// latest version (and each file's last good one) even if this process is killed.
const SAVE_CACHE_AFTER: Duration = Duration::from_secs(2);

/// Keeps the watcher alive; dropping it stops watching (and the loop, once its batch is done).
pub struct Watching {
    stop: mpsc::Sender<Message>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.stop.send(Message::Stop);
    }
}

enum Message {
    Event(notify::Result<notify::Event>),
    Stop,
}

/// Which handbook changes a batch of file events means. Pure, so it is tested without a disk.
///
/// `root` is the handbook folder as the catalog knows it and `abs_root` the same folder as the
/// operating system reports it (absolute, symlinks resolved); event paths are mapped back to
/// `root` so they name the same files as the catalog's.
pub fn classify<'a>(
    root: &Path,
    abs_root: &Path,
    events: impl IntoIterator<Item = (&'a EventKind, &'a [PathBuf])>,
) -> Changes {
    let mut changes = Changes::default();
    let measures = Path::new(folder::MEASURES_DIR);
    for (kind, paths) in events {
        // Reading a file (ours included) is not a change; reacting to it would loop forever.
        if matches!(kind, EventKind::Access(a) if !matches!(a, AccessKind::Close(AccessMode::Write)))
        {
            continue;
        }
        for path in paths {
            let Ok(rel) = path
                .strip_prefix(abs_root)
                .or_else(|_| path.strip_prefix(root))
            else {
                continue;
            };
            if rel == Path::new(folder::VOCABULARY_FILE) {
                changes.vocabulary = true;
            } else if rel == Path::new(crate::handbook::synonyms::SYNONYMS_FILE) {
                changes.synonyms = true;
            } else if rel == measures || rel.as_os_str().is_empty() {
                changes.rescan = true;
            } else if rel.starts_with(measures) {
                if folder::is_entry_file(rel) {
                    changes.entries.insert(root.join(rel));
                } else if !is_hidden(rel) {
                    // Perhaps a folder created, moved or deleted with entries in it; whatever
                    // its name (`nova.gorica` has an "extension"), it is looked at whole.
                    changes.folders.insert(root.join(rel));
                }
            }
        }
    }
    changes
}

fn is_hidden(rel: &Path) -> bool {
    rel.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~'))
}

/// The events of one batch so far: when it is due. Pure, so its timing is tested without a
/// clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    first: Instant,
    last: Instant,
}

impl Batch {
    pub fn new(now: Instant) -> Batch {
        Batch {
            first: now,
            last: now,
        }
    }

    /// Another event joined the batch.
    pub fn touched(self, now: Instant) -> Batch {
        Batch { last: now, ..self }
    }

    /// How long until the batch is due: after `DEBOUNCE` of quiet, or `MAX_WAIT` after its
    /// first event, whichever comes first. Zero when it is due now.
    pub fn due_in(&self, now: Instant) -> Duration {
        let quiet = (self.last + DEBOUNCE).saturating_duration_since(now);
        let cap = (self.first + MAX_WAIT).saturating_duration_since(now);
        quiet.min(cap)
    }
}

/// Starts watching `root` and applying changes to `catalog` on a background thread. Fails only
/// if the thread cannot be started: a watcher that cannot be made means polling, not failure.
pub fn spawn(
    root: &Path,
    catalog: Arc<Mutex<Catalog>>,
    today: fn() -> chrono::NaiveDate,
) -> std::io::Result<Watching> {
    let (tx, rx) = mpsc::channel::<Message>();
    let events = tx.clone();
    // Links are never followed: a link in the handbook may point anywhere (`/`, `/proc`), and
    // the reader does not follow them either.
    let config = notify::Config::default().with_follow_symlinks(false);
    let health = lock(&catalog).handle().health();
    let watcher = RecommendedWatcher::new(
        move |event| {
            let _ = events.send(Message::Event(event));
        },
        config,
    )
    .map_err(|e| {
        tracing::error!(error = %e, "cannot make a file watcher; polling the handbook instead");
    })
    .ok();
    let mut looper = Loop {
        root: root.to_path_buf(),
        abs_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        watcher,
        watched: BTreeSet::new(),
        unwatched: 0,
        catalog,
        health,
        today,
    };
    // Before `spawn` returns, so that any save after it raises an event.
    looper.watch_folders(&looper.root.clone());
    std::thread::Builder::new()
        .name("handbook-watch".into())
        .spawn(move || looper.run(&rx))?;
    Ok(Watching { stop: tx })
}

struct Loop {
    root: PathBuf,
    abs_root: PathBuf,
    /// `None` when no watcher could be made: polling only.
    watcher: Option<RecommendedWatcher>,
    /// The folders with a watch of their own.
    watched: BTreeSet<PathBuf>,
    /// Folders that could not be watched at the last try.
    unwatched: usize,
    catalog: Arc<Mutex<Catalog>>,
    health: Health,
    today: fn() -> chrono::NaiveDate,
}

impl Loop {
    fn run(&mut self, rx: &mpsc::Receiver<Message>) {
        let rescan = || Changes {
            rescan: true,
            ..Changes::default()
        };
        // Files saved between reading the handbook and starting the watch raised no event; one
        // rescan now, with the watches already in place, leaves no gap.
        let mut pending = rescan();
        let mut batch = Some(Batch::new(Instant::now()));
        // A batch that failed, to try again at the instant given, and the next backoff.
        let mut retry: Option<(Instant, Duration)> = None;
        let mut save_cache_at: Option<Instant> = None;
        let mut last_activity = Instant::now();
        loop {
            let now = Instant::now();
            let idle = if self.polling() {
                POLL_EVERY
            } else {
                RECONCILE_EVERY
            };
            let mut wait = (last_activity + idle).saturating_duration_since(now);
            if let Some(b) = &batch {
                wait = wait.min(b.due_in(now));
            }
            if let Some((at, _)) = retry {
                wait = wait.min(at.saturating_duration_since(now));
            }
            if let Some(at) = save_cache_at {
                wait = wait.min(at.saturating_duration_since(now));
            }
            match rx.recv_timeout(wait) {
                Ok(Message::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Ok(Message::Event(event)) => {
                    let changes = self.changes_of(event);
                    if !changes.is_empty() {
                        pending.merge(changes);
                        let now = Instant::now();
                        batch = Some(batch.map_or(Batch::new(now), |b| b.touched(now)));
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            let now = Instant::now();
            let batch_due = batch.is_some_and(|b| b.due_in(now).is_zero());
            let retry_due = retry.is_some_and(|(at, _)| at <= now);
            let idle_due = (last_activity + idle) <= now;
            if batch_due || retry_due || idle_due {
                if idle_due && !batch_due && !retry_due {
                    // A quiet spell: compare the whole folder with what is served, in case an
                    // event was lost, and judge the files on the new day if it turned. Files
                    // that did not change cost a `stat` each.
                    pending.rescan = true;
                }
                let changes = std::mem::take(&mut pending);
                batch = None;
                last_activity = now;
                for folder in &changes.folders {
                    self.watch_folders(folder);
                }
                if changes.rescan {
                    self.watch_folders(&self.root.clone());
                }
                match self.apply(&changes) {
                    Ok(changed) => {
                        retry = None;
                        if changed {
                            save_cache_at = Some(Instant::now() + SAVE_CACHE_AFTER);
                        }
                    }
                    Err(()) => {
                        // Kept for the next try, with a full look at the files: whatever
                        // happens meanwhile is taken in too.
                        pending.merge(changes);
                        pending.rescan = true;
                        let backoff = retry.map_or(RETRY_FIRST, |(_, b)| (b * 2).min(RETRY_MAX));
                        retry = Some((Instant::now() + backoff, backoff));
                    }
                }
                continue;
            }
            if save_cache_at.is_some_and(|at| at <= now) && batch.is_none() {
                save_cache_at = None;
                lock(&self.catalog).save_cache();
            }
        }
    }

    fn changes_of(&mut self, event: notify::Result<notify::Event>) -> Changes {
        match event {
            Ok(event) => {
                let mut changes = classify(
                    &self.root,
                    &self.abs_root,
                    [(&event.kind, event.paths.as_slice())],
                );
                // The kernel's queue overflowed: events were lost.
                changes.rescan |= event.need_rescan();
                changes
            }
            Err(e) => {
                tracing::warn!(error = %e, "file watcher error; rescanning the handbook");
                // Some folder may have lost its watch; the next look at the folders tells.
                self.watched.clear();
                Changes {
                    rescan: true,
                    ..Changes::default()
                }
            }
        }
    }

    fn polling(&self) -> bool {
        self.watcher.is_none() || self.unwatched > 0
    }

    /// Watches `dir` (the handbook root, `measures/` or a folder in it) and every folder under
    /// it that is not watched yet, each on its own and without following links; forgets the
    /// folders that are gone; and says on the health report whether anything is left unwatched.
    fn watch_folders(&mut self, dir: &Path) {
        let Some(watcher) = &mut self.watcher else {
            self.health
                .polling("the system could not give the server a file watcher".into());
            return;
        };
        let measures = folder::Handbook::measures_path(&self.root);
        let mut failed = BTreeSet::new();
        let mut wanted = Vec::new();
        if dir == self.root {
            // The root alone, for `vocabulary.toml` and `measures/` itself.
            wanted.push(self.root.clone());
            self.watched.retain(|d| d.is_dir());
        }
        let start = if dir == self.root { &measures } else { dir };
        // Only a real folder is walked: an event may name a file, a link or a path now gone.
        let is_folder = std::fs::symlink_metadata(start).is_ok_and(|m| m.is_dir());
        if is_folder && start.starts_with(&measures) {
            for item in WalkDir::new(start).follow_links(false) {
                match item {
                    Ok(item) if item.file_type().is_dir() => wanted.push(item.into_path()),
                    Ok(_) => {}
                    // A folder that cannot be read cannot be watched either; polling covers it.
                    Err(e) => {
                        failed.insert(e.path().unwrap_or(start).to_path_buf());
                    }
                }
            }
        }
        for dir in wanted {
            if self.watched.contains(&dir) {
                continue;
            }
            match watcher.watch(&dir, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    self.watched.insert(dir);
                }
                // Gone since it was listed: nothing to watch.
                Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => {}
                Err(e) => {
                    tracing::warn!(error = %e, folder = %dir.display(), "cannot watch a folder of the handbook; polling instead");
                    failed.insert(dir);
                }
            }
        }
        if dir == self.root {
            self.unwatched = failed.len();
        } else {
            self.unwatched += failed.len();
        }
        if self.unwatched == 0 {
            self.health.watching();
        } else {
            self.health.polling(format!(
                "{} folder(s) of the handbook cannot be watched; edits are found by polling every {} s",
                self.unwatched,
                POLL_EVERY.as_secs()
            ));
        }
    }

    /// Applies `changes`; whether anything changed, or `Err` if it must be tried again.
    fn apply(&self, changes: &Changes) -> Result<bool, ()> {
        let mut catalog = lock(&self.catalog);
        match catalog.apply(changes, (self.today)()) {
            Ok(applied) if applied.upserted.is_empty() && applied.deleted.is_empty() => Ok(false),
            Ok(applied) => {
                tracing::info!(
                    upserted = applied.upserted.len(),
                    deleted = applied.deleted.len(),
                    problems = applied.problems,
                    "handbook reloaded"
                );
                Ok(true)
            }
            Err(e) => {
                tracing::error!(error = %e, "could not apply handbook changes; still serving the previous version, trying again");
                Err(())
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind};

    fn run(events: &[(EventKind, &str)]) -> Changes {
        let owned: Vec<(EventKind, Vec<PathBuf>)> = events
            .iter()
            .map(|(k, p)| (*k, vec![PathBuf::from(p)]))
            .collect();
        classify(
            Path::new("hb"),
            Path::new("/abs/hb"),
            owned.iter().map(|(k, p)| (k, p.as_slice())),
        )
    }

    #[test]
    fn a_vim_save_touches_only_the_entry() {
        let c = run(&[
            (
                EventKind::Create(CreateKind::File),
                "/abs/hb/measures/kranj/.a.toml.swp",
            ),
            (
                EventKind::Create(CreateKind::File),
                "/abs/hb/measures/kranj/a.toml",
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                "/abs/hb/measures/kranj/a.toml",
            ),
            (
                EventKind::Remove(RemoveKind::File),
                "/abs/hb/measures/kranj/a.toml~",
            ),
        ]);
        assert_eq!(
            c.entries.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("hb/measures/kranj/a.toml")]
        );
        assert!(!c.vocabulary && !c.rescan && c.folders.is_empty());
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        let c = run(&[
            (
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "/abs/hb/measures/a.toml",
            ),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                "/abs/hb/vocabulary.toml",
            ),
        ]);
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn the_vocabulary_and_folders_are_recognised() {
        let c = run(&[
            (
                EventKind::Modify(ModifyKind::Any),
                "/abs/hb/vocabulary.toml",
            ),
            (
                EventKind::Remove(RemoveKind::Folder),
                "/abs/hb/measures/old-folder",
            ),
            (EventKind::Modify(ModifyKind::Any), "/abs/hb/README.md"),
            (
                EventKind::Modify(ModifyKind::Any),
                "/elsewhere/measures/x.toml",
            ),
        ]);
        assert!(c.vocabulary && c.entries.is_empty(), "{c:?}");
        assert_eq!(
            c.folders.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("hb/measures/old-folder")]
        );
    }

    #[test]
    fn a_folder_with_a_dot_in_its_name_is_looked_at_like_any_other() {
        let c = run(&[(
            EventKind::Create(CreateKind::Folder),
            "/abs/hb/measures/nova.gorica",
        )]);
        assert_eq!(
            c.folders.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("hb/measures/nova.gorica")]
        );
    }

    #[test]
    fn relative_event_paths_are_understood_too() {
        let c = run(&[(EventKind::Create(CreateKind::File), "hb/measures/b.toml")]);
        assert_eq!(c.entries.len(), 1);
    }

    #[test]
    fn a_batch_waits_for_quiet_but_never_longer_than_the_maximum() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        // One save: due after the debounce.
        let b = Batch::new(t0);
        assert_eq!(b.due_in(t0), DEBOUNCE);
        assert!(b.due_in(ms(50)).is_zero());
        // A save every 20 ms: each one would push the quiet further, but the batch is due
        // `MAX_WAIT` after its first event all the same.
        let mut b = Batch::new(t0);
        let mut due_at = None;
        for step in 1..100u64 {
            let now = ms(step * 20);
            if b.due_in(now).is_zero() {
                due_at = Some(step * 20);
                break;
            }
            b = b.touched(now);
        }
        assert_eq!(
            due_at,
            Some(u64::try_from(MAX_WAIT.as_millis()).unwrap()),
            "{b:?}"
        );
    }
}
