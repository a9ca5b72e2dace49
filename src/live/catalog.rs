//! The live catalog: the handbook as last read, the index that mirrors it, and the snapshot
//! that searches see. Changes come in as sets of paths (from the file watcher or a test); each
//! set is applied as one index commit, and a new snapshot is published only after the commit is
//! searchable. A broken edit never removes anything: the file's last good version stays.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use crate::handbook::cache;
use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::entry::Entry;
use crate::handbook::folder::{self, Handbook, LoadError};
use crate::index::{IndexError, Opened, SearchIndex};
use crate::live::health::Health;
use crate::search::snapshot::Snapshot;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl CatalogError {
    /// What went wrong in words fit for `/status`, which anyone may read: no server paths and
    /// no operating system's messages (the log has those).
    pub fn public_reason(&self) -> String {
        match self {
            CatalogError::Load(_) => "the handbook folder cannot be read".into(),
            CatalogError::Index(_) | CatalogError::Tantivy(_) => {
                "the search index cannot be written (is its disk full?)".into()
            }
        }
    }
}

/// What changed on disk, as far as the handbook is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub vocabulary: bool,
    /// `synonyms.toml` was created, changed or removed.
    pub synonyms: bool,
    /// Entry files that were created, changed or removed.
    pub entries: BTreeSet<PathBuf>,
    /// Other paths in `measures/` that changed: folders created, moved or removed (or files
    /// that are not entries, which are passed over). Each is looked at whole.
    pub folders: BTreeSet<PathBuf>,
    /// Something happened that names no single entry (`measures/` itself moved, events were
    /// lost): compare the whole `measures/` folder with what is known.
    pub rescan: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.vocabulary
            && !self.synonyms
            && !self.rescan
            && self.entries.is_empty()
            && self.folders.is_empty()
    }

    /// Adds `other`'s changes to these.
    pub fn merge(&mut self, other: Changes) {
        self.vocabulary |= other.vocabulary;
        self.synonyms |= other.synonyms;
        self.rescan |= other.rescan;
        self.entries.extend(other.entries);
        self.folders.extend(other.folders);
    }
}

/// The current snapshot, shared between the catalog (which replaces it) and the web server
/// (which reads it). Readers clone the `Arc` and never wait on an index commit.
#[derive(Clone)]
pub struct SnapshotHandle {
    current: Arc<RwLock<Arc<Snapshot>>>,
    /// The generation of the current snapshot, for pages that reload when the handbook changes.
    generation: tokio::sync::watch::Sender<u64>,
    /// How live reload is faring, for `/status` and `/healthz`.
    health: Health,
}

impl SnapshotHandle {
    fn new(snapshot: Snapshot) -> Self {
        let (generation, _) = tokio::sync::watch::channel(snapshot.generation);
        SnapshotHandle {
            current: Arc::new(RwLock::new(Arc::new(snapshot))),
            generation,
            health: Health::default(),
        }
    }

    pub fn get(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn health(&self) -> Health {
        self.health.clone()
    }

    /// Wakes when a new snapshot is published (after its changes are searchable).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.generation.subscribe()
    }

    fn set(&self, snapshot: Snapshot) {
        let generation = snapshot.generation;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(snapshot);
        self.generation.send_replace(generation);
    }
}

/// What one `apply` did, for the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub upserted: Vec<String>,
    pub deleted: Vec<String>,
    pub problems: usize,
}

pub struct Catalog {
    handbook: Handbook,
    index: SearchIndex,
    /// Problems with `vocabulary.toml` after a bad edit; the previous vocabulary stays in use.
    vocabulary_problems: Vec<Diagnostic>,
    handle: SnapshotHandle,
    generation: u64,
    /// Where the index lives, and with it the cache of the handbook as read.
    index_dir: Option<PathBuf>,
    /// The generation the cache on disk was written at.
    cached_generation: u64,
    /// Served from the cache without checking the files (`open_unverified`); `verify` is due.
    unverified: bool,
}

impl Catalog {
    /// Reads the handbook and opens (or rebuilds) the index. `index_dir: None` keeps the index
    /// in memory, for one-off commands and tests.
    pub fn open(
        root: &Path,
        index_dir: Option<&Path>,
        today: NaiveDate,
    ) -> Result<(Catalog, Opened), CatalogError> {
        Catalog::open_with(root, index_dir, today, false)
    }

    /// Like `open`, but when the index folder holds a cache of the handbook that fits its
    /// vocabulary, serves what the cache holds without looking at the entry files, so a
    /// server answers within a fraction of the time. The owner must call `verify` next, which
    /// brings in whatever changed on disk since the cache was written, as an edit would be.
    pub fn open_unverified(
        root: &Path,
        index_dir: &Path,
        today: NaiveDate,
    ) -> Result<(Catalog, Opened), CatalogError> {
        Catalog::open_with(root, Some(index_dir), today, true)
    }

    fn open_with(
        root: &Path,
        index_dir: Option<&Path>,
        today: NaiveDate,
        trust_cache: bool,
    ) -> Result<(Catalog, Opened), CatalogError> {
        let started = std::time::Instant::now();
        // The index is found and checked while the cache is decoded: neither needs the other.
        let (cache, found) = std::thread::scope(|scope| match index_dir {
            None => (cache::Cache::default(), None),
            Some(dir) => {
                let finding = scope.spawn(|| SearchIndex::find(dir));
                let (cache, why) = cache::Cache::load(dir, today);
                if let Some(why) = why {
                    tracing::info!(%why, "reading every file of the handbook");
                }
                let found = finding
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (cache, Some((dir, found)))
            }
        });
        let cache_loaded = started.elapsed();
        let (handbook, unverified, read_from_disk) = if trust_cache {
            let (handbook, unverified) = Handbook::load_trusting(root, today, cache)?;
            let read = if unverified { 0 } else { handbook.files.len() };
            (handbook, unverified, read)
        } else {
            let handbook = Handbook::load_cached(root, today, &cache)?;
            let read = handbook
                .files
                .len()
                .saturating_sub(cache.hits(&handbook.files));
            (handbook, false, read)
        };
        let files_read = started.elapsed();
        let resolved = handbook.resolve();
        let (index, opened) = match found {
            Some((dir, found)) => {
                SearchIndex::open_found(dir, found, &resolved, &handbook.vocabulary)?
            }
            None => (
                SearchIndex::in_memory(&resolved, &handbook.vocabulary)?,
                Opened::Rebuilt("in memory".into()),
            ),
        };
        let index_opened = started.elapsed();
        let mut catalog =
            Catalog::assemble(handbook, resolved, index, index_dir, unverified, started)?;
        tracing::debug!(
            cache_ms = cache_loaded.as_millis() as u64,
            files_ms = files_read.as_millis() as u64,
            index_ms = index_opened.as_millis() as u64,
            snapshot_ms = started.elapsed().as_millis() as u64,
            read_from_disk,
            "opened the catalog"
        );
        // A cache that served every file, each with its stamp, is current; otherwise the owner
        // saves one when it suits it (`handbook serve` does so in the background, after it
        // starts serving). A file cached without a stamp is read again by `verify`, and the
        // cache is saved after it so that the file gets its stamp and the next start need not.
        if read_from_disk == 0 && catalog.handbook.files.values().all(|f| f.stamp.is_some()) {
            catalog.cached_generation = catalog.generation;
        }
        Ok((catalog, opened))
    }

    /// Reads the handbook and builds its index in `directory`, which must be empty: for tests
    /// that put a disk that fails under the index. No handbook cache is kept.
    #[doc(hidden)]
    pub fn open_in_directory(
        root: &Path,
        directory: impl tantivy::directory::Directory,
        today: NaiveDate,
    ) -> Result<Catalog, CatalogError> {
        let handbook = Handbook::load(root, today)?;
        let resolved = handbook.resolve();
        let index = SearchIndex::in_directory(directory, &resolved, &handbook.vocabulary)?;
        Catalog::assemble(
            handbook,
            resolved,
            index,
            None,
            false,
            std::time::Instant::now(),
        )
    }

    /// The catalog of `handbook`, whose index holds `resolved`, with its first snapshot.
    fn assemble(
        mut handbook: Handbook,
        mut resolved: folder::Resolved,
        index: SearchIndex,
        index_dir: Option<&Path>,
        unverified: bool,
        started: std::time::Instant,
    ) -> Result<Catalog, CatalogError> {
        // Problems of a vocabulary passed over at start belong with those of later edits.
        let vocabulary_problems = std::mem::take(&mut handbook.vocabulary_problems);
        resolved
            .problems
            .splice(0..0, vocabulary_problems.iter().cloned().map(Arc::new));
        let mut snapshot = Snapshot::new(
            index.searcher(),
            index.fields,
            resolved,
            handbook.vocabulary.clone(),
            1,
            None,
        )?;
        snapshot.took = started.elapsed();
        Ok(Catalog {
            handbook,
            index,
            vocabulary_problems,
            handle: SnapshotHandle::new(snapshot),
            generation: 1,
            index_dir: index_dir.map(Path::to_path_buf),
            cached_generation: 0,
            unverified,
        })
    }

    pub fn handle(&self) -> SnapshotHandle {
        self.handle.clone()
    }

    /// Saves the handbook as read beside the index, so the next start need not parse every
    /// file, unless the saved one is already current. A failure costs the next start time, not
    /// correctness, so it is logged and otherwise ignored.
    pub fn save_cache(&mut self) {
        let Some(dir) = &self.index_dir else {
            return;
        };
        if self.cached_generation == self.generation {
            return;
        }
        match self.handbook.save_cache(dir) {
            Ok(count) => {
                self.cached_generation = self.generation;
                tracing::debug!(entries = count, "saved the handbook cache");
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot save the handbook cache; the next start will read every file")
            }
        }
    }

    /// After `open_unverified`: looks at every entry file and applies what changed since the
    /// cache was written (files edited, added or removed while nothing was running, broken
    /// files, which the cache does not hold). `None` when there was nothing to verify.
    pub fn verify(&mut self, today: NaiveDate) -> Result<Option<Applied>, CatalogError> {
        if !self.unverified {
            return Ok(None);
        }
        let rescan = Changes {
            rescan: true,
            ..Changes::default()
        };
        let applied = self.apply(&rescan, today)?;
        self.unverified = false;
        Ok(Some(applied))
    }

    /// Applies a set of changes as one commit and publishes the new snapshot.
    pub fn apply(&mut self, changes: &Changes, today: NaiveDate) -> Result<Applied, CatalogError> {
        let mut full_rebuild = false;
        if changes.vocabulary {
            match self.handbook.reload_vocabulary(today) {
                Ok(()) => {
                    self.vocabulary_problems.clear();
                    full_rebuild = true;
                }
                Err(e) => self.vocabulary_problems = e.into_diagnostics(),
            }
        }
        if changes.synonyms || changes.rescan {
            // Query-time only: the index is untouched, the next snapshot searches with them.
            // A rescan looks too, in case the event was lost; unchanged, nothing is published.
            self.handbook.reload_synonyms();
        }
        if changes.rescan && !full_rebuild {
            let (found, skipped) = folder::discover(&self.handbook.root);
            // Links and unreadable folders are found only by walking; what the walk says now
            // replaces what it said before (a link added, an unreadable folder fixed).
            self.handbook.skipped = skipped;
            let known: Vec<PathBuf> = self.handbook.files.keys().cloned().collect();
            for path in known.iter().chain(found.iter()).collect::<BTreeSet<_>>() {
                self.handbook.refresh(path, today);
            }
            // Every file has now been judged on `today`.
            self.handbook.checked_on = today;
        }
        // The watcher's events are hints, not a record: its debouncer folds each path's events
        // in a window, and a file created and removed within one is not reported at all, even
        // if an older file of that name was there before. So each folder an event names is
        // looked at whole; the files in it that did not change cost a `stat` each.
        let folders: BTreeSet<&Path> = changes
            .entries
            .iter()
            .filter_map(|p| p.parent())
            .chain(changes.folders.iter().map(PathBuf::as_path))
            .collect();
        for folder in folders {
            self.handbook.refresh(folder, today);
        }
        let published = self.publish(full_rebuild);
        let health = self.handle.health();
        match &published {
            Ok(_) => health.checked(),
            Err(e) => health.failed(e.public_reason()),
        }
        published
    }

    /// Resolves the handbook, brings the index in line with it, and swaps in a new snapshot.
    fn publish(&mut self, full_rebuild: bool) -> Result<Applied, CatalogError> {
        let started = std::time::Instant::now();
        let mut resolved = self.handbook.resolve();
        resolved
            .problems
            .splice(0..0, self.vocabulary_problems.iter().cloned().map(Arc::new));
        let vocabulary = self.handbook.vocabulary.clone();
        let mut applied = Applied {
            problems: resolved.problems.len(),
            ..Applied::default()
        };
        if full_rebuild {
            self.index.rebuild(&resolved, &vocabulary)?;
            applied.upserted = resolved.entries.keys().cloned().collect();
        } else {
            // The current snapshot holds exactly what the index holds: both change in `publish`
            // only, together.
            let (upserts, deletes) = differences(&self.handle.get().entries, &resolved.entries);
            if !upserts.is_empty() || !deletes.is_empty() {
                self.index
                    .apply(&upserts, &deletes, &resolved, &vocabulary)?;
            }
            applied.upserted = upserts.iter().map(|e| e.id.clone()).collect();
            applied.deleted = deletes;
            // A save that changed nothing a reader can see (the same content written again, a
            // rescan) publishes nothing, so open pages are not reloaded for nothing.
            let current = self.handle.get();
            if applied.upserted.is_empty()
                && applied.deleted.is_empty()
                && resolved.problems == current.problems
                && Arc::ptr_eq(&resolved.synonyms, &current.synonyms)
            {
                return Ok(applied);
            }
        }
        self.generation += 1;
        let mut snapshot = Snapshot::new(
            self.index.searcher(),
            self.index.fields,
            resolved,
            vocabulary,
            self.generation,
            Some(&self.handle.get()),
        )?;
        snapshot.took = started.elapsed();
        self.handle.set(snapshot);
        Ok(applied)
    }
}

/// What `new` changes in `old`, both keyed and ordered by id: the entries that are new or
/// different, and the ids that are gone. One walk of both, rather than a lookup of every id in
/// the other map, since a save compares the whole handbook.
fn differences(
    old: &BTreeMap<String, Arc<Entry>>,
    new: &BTreeMap<String, Arc<Entry>>,
) -> (Vec<Arc<Entry>>, Vec<String>) {
    let mut upserts = Vec::new();
    let mut deletes = Vec::new();
    let mut old = old.iter().peekable();
    for (id, entry) in new {
        while let Some((gone, _)) = old.next_if(|(o, _)| *o < id) {
            deletes.push(gone.clone());
        }
        match old.next_if(|(o, _)| *o == id) {
            // `Arc`'s equality looks at the pointers first: an entry not read again is equal
            // at once.
            Some((_, before)) if before == entry => {}
            _ => upserts.push(entry.clone()),
        }
    }
    deletes.extend(old.map(|(gone, _)| gone.clone()));
    (upserts, deletes)
}
