//! Live reload: a debounced `notify` watcher on the handbook folder. Editors save in many ways
//! (in place, write-and-rename, with swap and backup files, in bursts when a `git checkout`
//! touches hundreds of files), so the watcher never trusts exact event kinds: every path that
//! could be an entry is simply re-read, and each debounced batch is applied as one commit.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::handbook::folder;
use crate::live::catalog::{Catalog, Changes};

/// Long enough to fold an editor's save (write temp, rename, delete backup: a few
/// milliseconds) into one batch; every save waits this long and up to a quarter more, so it is
/// most of what a save costs before it is searchable. A batch that still splits one save in two
/// costs a second commit, not a lost edit.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// How long the watcher waits without events before it rescans the whole handbook anyway.
/// Events can be lost (a full inotify queue, a folder moved between watches, the debouncer
/// folding a create and a remove into nothing); this bounds how long a loss can last.
pub const RECONCILE_EVERY: Duration = Duration::from_secs(30);

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watching {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
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
            } else if rel.starts_with(measures) {
                if folder::is_entry_file(rel) {
                    changes.entries.insert(root.join(rel));
                } else if rel.extension().is_none() && !is_hidden(rel) {
                    // Probably a folder that was created, moved or deleted with entries in it.
                    changes.rescan = true;
                }
            } else if rel.as_os_str().is_empty() || rel == Path::new(folder::MEASURES_DIR) {
                changes.rescan = true;
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

/// Starts watching `root` and applying changes to `catalog` on a background thread.
pub fn spawn(
    root: &Path,
    catalog: Arc<Mutex<Catalog>>,
    today: fn() -> chrono::NaiveDate,
) -> notify::Result<Watching> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
    debouncer.watch(root, notify::RecursiveMode::Recursive)?;
    let root = root.to_path_buf();
    let abs_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    std::thread::Builder::new()
        .name("handbook-watch".into())
        .spawn(move || {
            // Files saved between reading the handbook and starting the watch raised no event;
            // one rescan now, with the watch already in place, leaves no gap.
            let rescan = Changes { rescan: true, ..Changes::default() };
            apply(&catalog, &rescan, today());
            loop {
                let first = match rx.recv_timeout(RECONCILE_EVERY) {
                    Ok(first) => first,
                    // A quiet spell: compare the whole folder with what is served, in case
                    // an event was lost, and judge the files on the new day if it turned.
                    // Files that did not change cost a `stat` each.
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        apply(&catalog, &rescan, today());
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                };
                // A burst may arrive as several batches; take whatever is already waiting too.
                let mut batches = vec![first];
                batches.extend(rx.try_iter());
                let mut changes = Changes::default();
                for batch in batches {
                    match batch {
                        Ok(events) => {
                            let c = classify(&root, &abs_root, events.iter().map(|e| (&e.event.kind, e.event.paths.as_slice())));
                            changes.vocabulary |= c.vocabulary;
                            changes.rescan |= c.rescan || events.iter().any(|e| e.event.need_rescan());
                            changes.entries.extend(c.entries);
                        }
                        Err(errors) => {
                            for e in errors {
                                tracing::warn!(error = %e, "file watcher error; rescanning the handbook");
                            }
                            changes.rescan = true;
                        }
                    }
                }
                if changes.is_empty() {
                    continue;
                }
                apply(&catalog, &changes, today());
            }
        })
        .map_err(notify::Error::io)?;
    Ok(Watching {
        _debouncer: debouncer,
    })
}

fn apply(catalog: &Mutex<Catalog>, changes: &Changes, today: chrono::NaiveDate) {
    let mut catalog = catalog
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match catalog.apply(changes, today) {
        Ok(applied) if applied.upserted.is_empty() && applied.deleted.is_empty() => {}
        Ok(applied) => tracing::info!(
            upserted = applied.upserted.len(),
            deleted = applied.deleted.len(),
            problems = applied.problems,
            "handbook reloaded"
        ),
        Err(e) => {
            tracing::error!(error = %e, "could not apply handbook changes; still serving the previous version")
        }
    }
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
            (
                EventKind::Remove(RemoveKind::File),
                "/abs/hb/measures/kranj/4913",
            ),
        ]);
        assert_eq!(
            c.entries.into_iter().collect::<Vec<_>>(),
            [PathBuf::from("hb/measures/kranj/a.toml")]
        );
        assert!(!c.vocabulary);
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
        assert!(c.vocabulary && c.rescan && c.entries.is_empty(), "{c:?}");
    }

    #[test]
    fn relative_event_paths_are_understood_too() {
        let c = run(&[(EventKind::Create(CreateKind::File), "hb/measures/b.toml")]);
        assert_eq!(c.entries.len(), 1);
    }
}
