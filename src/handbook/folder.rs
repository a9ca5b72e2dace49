//! The handbook folder: `vocabulary.toml` and `measures/**/<id>.toml`. This module finds the
//! entry files, reads and checks each one, and resolves the set into one consistent handbook:
//! unique ids, aliases that point somewhere, and, for a file whose latest edit is broken, the
//! last good version it had.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry as Slot;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use foldhash::{HashMap, HashMapExt};
use walkdir::WalkDir;

use crate::handbook::cache::Cache;
use crate::handbook::check;
use crate::handbook::diagnostic::{Diagnostic, Texts};
use crate::handbook::entry::Entry;
use crate::handbook::file::{FileState, Stamp};
use crate::handbook::synonyms::{self as synonyms_file, PinnedId};
use crate::handbook::vocabulary::Vocabulary;
use crate::text::synonyms::Synonyms;

/// No real entry comes near this; a bigger file is a mistake (a pasted PDF, a binary).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

pub const VOCABULARY_FILE: &str = "vocabulary.toml";
pub const MEASURES_DIR: &str = "measures";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The cause is in the message and not a `source`: the logs show the message alone, and
    /// a report that also walks the sources printed the cause twice.
    #[error("cannot read {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} has problems; the handbook cannot be read without a valid vocabulary", path.display())]
    Vocabulary {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
}

/// Is this path an entry file rather than an editor's temporary, swap or backup file?
pub fn is_entry_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.ends_with(".toml")
        && name.len() > ".toml".len()
        && !name.starts_with('.')
        && !name.starts_with('#')
        && !name.starts_with('~')
}

/// A `.toml` file whose name is not UTF-8: it cannot have an id, and passing it over quietly
/// would hide the entry an editor saved in it.
fn named_like_an_entry_but_not_utf8(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_str().is_none() && name.as_encoded_bytes().ends_with(b".toml"))
}

/// The id of an entry file: its stem.
pub fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The handbook as read from disk.
#[derive(Debug, Clone)]
pub struct Handbook {
    pub root: PathBuf,
    pub vocabulary: Arc<Vocabulary>,
    pub files: BTreeMap<PathBuf, FileState>,
    /// Problems with files that are not entries at all (symlinks, unreadable folders).
    pub skipped: Vec<Diagnostic>,
    /// The day the files were checked on: warnings such as `stale` hold for that day.
    pub checked_on: NaiveDate,
    /// Why `vocabulary.toml` could not be used at start, when the last good vocabulary (from
    /// the handbook cache) is served instead.
    pub vocabulary_problems: Vec<Diagnostic>,
    /// The word groups and best bets search uses: `synonyms.toml`'s, or the built-in ones.
    pub synonyms: Arc<Synonyms>,
    /// The ids `synonyms.toml` pins, to check against the entries.
    pub pinned: Vec<PinnedId>,
    /// The problems of `synonyms.toml` (while it is broken, the last good groups stay in use).
    pub synonyms_problems: Vec<Diagnostic>,
}

/// The consistent set of entries that search serves.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub entries: BTreeMap<String, Arc<Entry>>,
    /// Former id → current id.
    pub aliases: BTreeMap<String, String>,
    /// Which file each served entry comes from.
    pub paths: HashMap<String, PathBuf>,
    /// Every problem: broken files, duplicate ids and aliases.
    pub problems: Vec<Arc<Diagnostic>>,
    /// Series key → the ids of its calls, newest year first.
    pub series: HashMap<String, Vec<String>>,
    /// The handbook folder the paths are under.
    pub root: PathBuf,
    /// The word groups and best bets search uses.
    pub synonyms: Arc<Synonyms>,
}

impl Handbook {
    pub fn vocabulary_path(root: &Path) -> PathBuf {
        root.join(VOCABULARY_FILE)
    }

    pub fn measures_path(root: &Path) -> PathBuf {
        root.join(MEASURES_DIR)
    }

    /// Reads the whole handbook. Fails only when the vocabulary cannot be read; a broken entry
    /// is recorded with its diagnostics and the rest is read.
    pub fn load(root: &Path, today: NaiveDate) -> Result<Handbook, LoadError> {
        Handbook::load_cached(root, today, &Cache::default())
    }

    /// Reads the whole handbook, taking from `cache` each file that is as it was when cached.
    pub fn load_cached(
        root: &Path,
        today: NaiveDate,
        cache: &Cache,
    ) -> Result<Handbook, LoadError> {
        let (vocabulary, problems) = vocabulary_or_last_good(root, cache)?;
        let mut handbook = Handbook::read_files(root, Arc::new(vocabulary), today, cache);
        handbook.vocabulary_problems = problems;
        Ok(handbook)
    }

    /// Finds and reads every entry file under `vocabulary`, taking unchanged ones from `cache`
    /// if it was made under the same vocabulary on the same day. A file that is broken, or out
    /// of reach behind a folder that cannot be read, keeps the version the cache last served.
    fn read_files(
        root: &Path,
        vocabulary: Arc<Vocabulary>,
        today: NaiveDate,
        cache: &Cache,
    ) -> Handbook {
        let (paths, skipped) = discover(root);
        let current = cache.fits(&vocabulary).then_some(cache);
        let mut files = read_all(&paths, &vocabulary, today, current);
        for (path, state) in &mut files {
            if state.current.is_err() && state.last_good.is_none() {
                state.last_good = cache.last_good(path).cloned();
            }
        }
        let measures = Handbook::measures_path(root);
        let out_of_reach: Vec<(PathBuf, FileState)> = cache
            .paths()
            .filter(|p| p.starts_with(&measures) && !files.contains_key(*p))
            .filter(|p| {
                fs::symlink_metadata(p).is_err_and(|e| e.kind() != std::io::ErrorKind::NotFound)
            })
            .filter_map(|p| {
                let entry = cache.last_good(p)?.clone();
                let state = FileState {
                    current: Ok(entry),
                    last_good: None,
                    warnings: Vec::new(),
                    // Read as soon as it can be.
                    stamp: None,
                };
                Some((p.to_path_buf(), state))
            })
            .collect();
        files.extend(out_of_reach);
        let mut handbook = Handbook {
            root: root.to_path_buf(),
            vocabulary,
            files,
            skipped,
            checked_on: today,
            vocabulary_problems: Vec::new(),
            synonyms: Arc::new(synonyms_file::builtin()),
            pinned: Vec::new(),
            synonyms_problems: Vec::new(),
        };
        handbook.reload_synonyms();
        handbook
    }

    /// The handbook as `cache` holds it, without looking at any entry file, if the cache was
    /// checked against the vocabulary in `root`; otherwise every file is read. The second
    /// value says whether the files still need to be checked (`Catalog::verify`): a start
    /// serves at once from what it last saw, and catches up with the files a moment later,
    /// as it would with an edit.
    pub fn load_trusting(
        root: &Path,
        today: NaiveDate,
        cache: Cache,
    ) -> Result<(Handbook, bool), LoadError> {
        let (vocabulary, vocabulary_problems) = vocabulary_or_last_good(root, &cache)?;
        let vocabulary = Arc::new(vocabulary);
        if !cache.fits(&vocabulary) {
            let mut handbook = Handbook::read_files(root, vocabulary, today, &cache);
            handbook.vocabulary_problems = vocabulary_problems;
            return Ok((handbook, false));
        }
        let mut handbook = Handbook {
            root: root.to_path_buf(),
            vocabulary,
            files: cache.into_states(),
            skipped: Vec::new(),
            checked_on: today,
            vocabulary_problems,
            synonyms: Arc::new(synonyms_file::builtin()),
            pinned: Vec::new(),
            synonyms_problems: Vec::new(),
        };
        handbook.reload_synonyms();
        Ok((handbook, true))
    }

    /// Re-reads one path of `measures/` that was created, changed or removed: an entry file,
    /// keeping its last good version if the new content is broken, or a folder.
    pub fn refresh(&mut self, path: &Path, today: NaiveDate) {
        // The path, and all under it if it was a folder, is judged afresh: whatever was said
        // about it before may no longer hold.
        self.skipped.retain(|d| !d.file.starts_with(path));
        let kind = match fs::symlink_metadata(path) {
            Ok(m) if !self.behind_a_link(path) => Some(m.file_type()),
            // Not gone, only out of reach (a folder above it lost its permissions): what was
            // read of it stays served, and the walk reports the folder that cannot be read.
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return,
            _ => None,
        };
        match kind {
            Some(kind) if kind.is_file() && is_entry_file(path) => self.refresh_file(path, today),
            // A file that is not an entry (an editor's temporary file, a README) was never
            // served; only a folder of that name could have been.
            Some(kind) if kind.is_file() => {
                self.files.remove(path);
            }
            // A folder moved in or out whole is reported by the watcher as one path, and a
            // folder may even be named like an entry (`foo.toml/`): what is under it is looked
            // at here, or the entries in it would be missed until a restart.
            Some(kind) if kind.is_dir() => {
                self.files.remove(path);
                let (found, skipped) = walk(path);
                self.add_skipped(skipped);
                let gone: Vec<PathBuf> = self
                    .files_under(path)
                    .filter(|p| found.binary_search(p).is_err())
                    .collect();
                for p in gone.iter().chain(&found) {
                    self.refresh(p, today);
                }
            }
            // Gone, a symbolic link, not a regular file, or reached through a linked folder:
            // nothing of it is served, nor of anything that was under it.
            _ => {
                self.files.remove(path);
                let under: Vec<PathBuf> = self.files_under(path).collect();
                for p in under {
                    self.files.remove(&p);
                }
                if let Some(kind) = kind {
                    self.add_skipped(not_followed(path, kind).into_iter().collect());
                }
            }
        }
    }

    /// Is `path` outside `measures/`, or reached through a linked folder inside it? A folder
    /// replaced by a link to another place keeps its old paths, and reading them would follow
    /// the link where a load would not.
    fn behind_a_link(&self, path: &Path) -> bool {
        let measures = Handbook::measures_path(&self.root);
        let Ok(rel) = path.strip_prefix(&measures) else {
            return true;
        };
        let mut at = measures;
        rel.parent()
            .into_iter()
            .flat_map(Path::components)
            .any(|c| {
                at.push(c);
                fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
            })
    }

    fn refresh_file(&mut self, path: &Path, today: NaiveDate) {
        // A rescan visits every file; one that is exactly as it was read (same stamp, same
        // day) costs a `stat`, not a parse.
        if today == self.checked_on
            && let Some(known) = self.files.get(path).and_then(|s| s.stamp)
            && fs::metadata(path).ok().and_then(|m| Stamp::of(&m)) == Some(known)
        {
            return;
        }
        let (mut current, mut warnings, stamp) = read_entry(path, &self.vocabulary, today);
        let previous = self.files.remove(path);
        // Read again but unchanged (a file saved with the same content, every file when the day
        // turns or when it was read too soon after a save to be trusted): the entry held
        // already is kept, so the snapshot, which shares it, is not left holding a copy of its
        // own, and the search record built for it stays valid.
        if let Some(prev) = &previous {
            if let (Ok(new), Ok(old)) = (&current, &prev.current)
                && new == old
            {
                current = Ok(old.clone());
            }
            if warnings == prev.warnings {
                warnings.clone_from(&prev.warnings);
            }
        }
        let last_good = match (&current, previous) {
            (Ok(_), _) => None,
            (Err(_), Some(prev)) => prev.serving().cloned(),
            (Err(_), None) => None,
        };
        self.files.insert(
            path.to_path_buf(),
            FileState {
                current,
                last_good,
                warnings,
                stamp,
            },
        );
    }

    /// The known files inside the folder `dir`, in path order. A range, not a scan: a rescan
    /// refreshes every known path, and a scan each time would make it quadratic.
    fn files_under<'a>(&'a self, dir: &'a Path) -> impl Iterator<Item = PathBuf> + 'a {
        use std::ops::Bound;
        self.files
            .range::<Path, _>((Bound::Excluded(dir), Bound::Unbounded))
            .map(|(p, _)| p)
            .take_while(move |p| p.starts_with(dir))
            .cloned()
    }

    fn add_skipped(&mut self, more: Vec<Diagnostic>) {
        if more.is_empty() {
            return;
        }
        self.skipped.extend(more);
        // In path order, as a load gives them, so an unchanged handbook gives equal problems.
        self.skipped.sort_by(|a, b| a.file.cmp(&b.file));
        self.skipped.dedup();
    }

    /// Re-reads the vocabulary and every entry against it. Entries that the new vocabulary
    /// breaks (a key they use was removed) keep their last good version.
    pub fn reload_vocabulary(&mut self, today: NaiveDate) -> Result<(), LoadError> {
        let fresh = Handbook::load(&self.root, today)?;
        let mut files = fresh.files;
        for (path, state) in &mut files {
            if state.current.is_err() {
                state.last_good = self.files.get(path).and_then(|s| s.serving().cloned());
            }
        }
        self.vocabulary = fresh.vocabulary;
        self.vocabulary_problems.clear();
        self.files = files;
        self.skipped = fresh.skipped;
        self.checked_on = fresh.checked_on;
        Ok(())
    }

    pub fn synonyms_path(root: &Path) -> PathBuf {
        root.join(synonyms_file::SYNONYMS_FILE)
    }

    /// Reads `synonyms.toml` again: its groups and pins replace the ones in use, or, if it is
    /// broken, the ones in use stay and its problems are kept to show. Without the file, the
    /// built-in groups are used. Whether what search uses changed.
    pub fn reload_synonyms(&mut self) -> bool {
        let path = Handbook::synonyms_path(&self.root);
        let before = (self.synonyms.clone(), self.synonyms_problems.clone());
        match read_text(&path) {
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.set_synonyms(synonyms_file::builtin());
                self.pinned.clear();
                self.synonyms_problems.clear();
            }
            Err(ReadError::Io(e)) => self.synonyms_problems = vec![unreadable_file(&path, &e)],
            Err(ReadError::Invalid(d)) => self.synonyms_problems = vec![*d],
            Ok((source, _)) => match synonyms_file::parse(&path, &source) {
                Ok(read) => {
                    self.set_synonyms(read.synonyms);
                    self.pinned = read.pinned;
                    self.synonyms_problems = read.warnings;
                }
                Err(problems) => self.synonyms_problems = problems,
            },
        }
        *before.0 != *self.synonyms || before.1 != self.synonyms_problems
    }

    /// Uses `synonyms`, keeping the ones in use (the same `Arc`) if they are equal: a new one
    /// publishes a new snapshot, and pages open beside an editor reload for it.
    fn set_synonyms(&mut self, synonyms: Synonyms) {
        if *self.synonyms != synonyms {
            self.synonyms = Arc::new(synonyms);
        }
    }

    /// Saves the files as read beside the index (`cache::save`), for the next start.
    pub fn save_cache(&self, index_dir: &Path) -> std::io::Result<usize> {
        crate::handbook::cache::save(index_dir, &self.files, &self.vocabulary, self.checked_on)
    }

    /// A path as a problem's message names it: under the handbook folder, where an editor
    /// finds it (and without where the server keeps the handbook, which `/status` must not
    /// show).
    fn shown<'a>(&self, path: &'a Path) -> std::path::Display<'a> {
        path.strip_prefix(&self.root).unwrap_or(path).display()
    }

    /// Resolves the files into the set of entries to serve. Files are taken in path order, so
    /// of two files with the same id the first keeps it, whatever order they were read in.
    pub fn resolve(&self) -> Resolved {
        let mut out = Resolved {
            root: self.root.clone(),
            synonyms: self.synonyms.clone(),
            problems: self.skipped.iter().cloned().map(Arc::new).collect(),
            paths: HashMap::with_capacity(self.files.len()),
            ..Resolved::default()
        };
        let mut served = Vec::with_capacity(self.files.len());
        for (path, state) in &self.files {
            out.problems.extend(state.warnings.iter().cloned());
            if let Err(diagnostics) = &state.current {
                out.problems
                    .extend(diagnostics.iter().cloned().map(Arc::new));
            }
            let Some(entry) = state.serving() else {
                continue;
            };
            match out.paths.entry(entry.id.clone()) {
                Slot::Occupied(first) => out.problems.push(
                    placed(path, None, "duplicate-id", format!(
                        "the id `{}` is already used by {}", entry.id, self.shown(first.get())
                    ))
                    .with_help("ids are file names and must be unique across the handbook; rename one of the two files")
                    .into(),
                ),
                Slot::Vacant(slot) => {
                    slot.insert(path.clone());
                    served.push((entry.id.clone(), entry.clone()));
                }
            }
        }
        // Sorted once and built whole, rather than inserted one by one.
        out.entries = served.into_iter().collect();
        // Aliases in a second pass: an alias may only be checked against every live id.
        let mut alias_owner: HashMap<String, String> = HashMap::new();
        for entry in out.entries.values().filter(|e| !e.aliases.is_empty()) {
            let path = &out.paths[&entry.id];
            for alias in &entry.aliases {
                if let Some(live) = out.paths.get(alias) {
                    out.problems.push(
                        placed(
                            path,
                            Some(("aliases", alias)),
                            "alias-is-live-id",
                            format!(
                                "the alias `{alias}` is the id of a live entry, {}",
                                self.shown(live)
                            ),
                        )
                        .with_help("an alias is a former id; remove it, or rename the other entry")
                        .into(),
                    );
                } else if let Some(owner) = alias_owner.get(alias) {
                    out.problems.push(
                        placed(path, Some(("aliases", alias)), "duplicate-alias", format!(
                            "the alias `{alias}` is also an alias of `{owner}` ({})", self.shown(&out.paths[owner])
                        ))
                        .with_help("a former id can redirect to one entry only; remove it from one of the two")
                        .into(),
                    );
                } else {
                    alias_owner.insert(alias.clone(), entry.id.clone());
                    out.aliases.insert(alias.clone(), entry.id.clone());
                }
            }
        }
        out.problems
            .extend(self.synonyms_problems.iter().cloned().map(Arc::new));
        let synonyms_path = Handbook::synonyms_path(&self.root);
        for pin in self
            .pinned
            .iter()
            .filter(|p| !out.entries.contains_key(&p.id))
        {
            let mut d = Diagnostic::file(
                &synonyms_path,
                "unknown-measure",
                format!("no measure has the id `{}`", pin.id),
            )
            .with_help("pin the id of a measure in the handbook (its file name without .toml)")
            .warning();
            d.line = pin.line;
            d.column = pin.column;
            out.problems.push(Arc::new(d));
        }
        out.series = series(&out.entries);
        for (key, ids) in &out.series {
            if let [only] = ids.as_slice() {
                out.problems.push(
                    placed(
                        &out.paths[only],
                        Some(("series", key)),
                        "series-of-one",
                        format!("the series `{key}` has no other call in the handbook"),
                    )
                    .with_help("give the other years' calls the same `series`, or check the key for a typo")
                    .warning()
                    .into(),
                );
            }
        }
        out
    }
}

/// A problem found across files (a duplicate id, an alias used twice), placed in `path` as an
/// editor would look for it: at the quoted `value` after `key` where one is named, else at the
/// first line. Such problems are rare, so the file is read again only for them; if it cannot
/// be, the problem names the file alone.
fn placed(
    path: &Path,
    at: Option<(&str, &str)>,
    code: &'static str,
    message: String,
) -> Diagnostic {
    let Ok(source) = fs::read_to_string(path) else {
        return Diagnostic::file(path, code, message);
    };
    let span = at
        .and_then(|(key, value)| {
            // The line that sets `key`, not the word in some text before it.
            let after = source.match_indices(key).map(|(i, _)| i).find(|&i| {
                (i == 0 || source[..i].ends_with('\n'))
                    && source[i + key.len()..].trim_start().starts_with('=')
            })?;
            let quoted = format!("\"{value}\"");
            let start = after + source[after..].find(&quoted)?;
            Some(start..start + quoted.len())
        })
        .unwrap_or(0..0);
    Diagnostic::at(path, &source, span, code, message)
}

/// Series key → the ids of its calls, newest year first (a call without a year last), then by id.
fn series(entries: &BTreeMap<String, Arc<Entry>>) -> HashMap<String, Vec<String>> {
    let mut calls: HashMap<String, Vec<(Option<i32>, &str)>> = HashMap::new();
    for entry in entries.values() {
        if let Some(key) = &entry.series {
            calls
                .entry(key.clone())
                .or_default()
                .push((entry.year(), &entry.id));
        }
    }
    calls
        .into_iter()
        .map(|(key, mut ids)| {
            ids.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            (key, ids.into_iter().map(|(_, id)| id.to_string()).collect())
        })
        .collect()
}

/// The vocabulary in `root`, or, when it cannot be used and `cache` holds the last good one,
/// that one with the reasons the file's could not be used: the handbook it was checked
/// against keeps serving, and `/status` says what to fix. With no cache, the error stands.
fn vocabulary_or_last_good(
    root: &Path,
    cache: &Cache,
) -> Result<(Vocabulary, Vec<Diagnostic>), LoadError> {
    match read_vocabulary(root) {
        Ok(vocabulary) => Ok((vocabulary, Vec::new())),
        Err(e) => match cache.vocabulary() {
            Some(last_good) => {
                tracing::warn!(error = %e, "serving the last good vocabulary until vocabulary.toml is fixed");
                Ok((last_good, e.into_diagnostics()))
            }
            None => Err(e),
        },
    }
}

impl LoadError {
    /// The problems to show an editor: the vocabulary's, or why the file cannot be read (in
    /// words fit for `/status`).
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            LoadError::Vocabulary { diagnostics, .. } => diagnostics,
            LoadError::Io { path, error } => vec![unreadable_file(&path, &error)],
        }
    }
}

fn read_vocabulary(root: &Path) -> Result<Vocabulary, LoadError> {
    let path = Handbook::vocabulary_path(root);
    let (source, _) = read_text(&path).map_err(|e| match e {
        ReadError::Io(error) => LoadError::Io {
            path: path.clone(),
            error,
        },
        ReadError::Invalid(d) => LoadError::Vocabulary {
            path: path.clone(),
            diagnostics: vec![*d],
        },
    })?;
    Vocabulary::parse(&path, &source)
        .map_err(|diagnostics| LoadError::Vocabulary { path, diagnostics })
}

/// Finds the entry files under `measures/`, in path order. Symbolic links are not followed: a
/// link could point outside the handbook, and the handbook must be readable on its own.
pub fn discover(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let measures = Handbook::measures_path(root);
    if !measures.is_dir() {
        return (Vec::new(), Vec::new());
    }
    walk(&measures)
}

/// The entry files under `dir`, in path order, and what was passed over on the way.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for item in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        match item {
            Ok(item) if item.file_type().is_file() => {
                if is_entry_file(item.path()) {
                    files.push(item.into_path());
                } else if named_like_an_entry_but_not_utf8(item.path()) {
                    skipped.push(
                        Diagnostic::file(
                            item.path(),
                            "name-not-utf8",
                            "the file name is not UTF-8 text, so the entry in it is not read",
                        )
                        .with_help(
                            "rename the file: an id is lowercase ascii letters, digits and single hyphens",
                        ),
                    );
                }
            }
            Ok(item) if item.file_type().is_dir() => {}
            Ok(item) => skipped.extend(not_followed(item.path(), item.file_type())),
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let why = match e.io_error() {
                    Some(io) => io_words(io),
                    None => "a folder links back to one above it".into(),
                };
                skipped.push(
                    Diagnostic::file(&path, "unreadable", format!("cannot read: {why}"))
                        .with_help("the entries already served from here stay served until it can be read; check its permissions"),
                );
            }
        }
    }
    // Path order, made sure of: `Handbook::refresh` binary-searches this list.
    files.sort();
    skipped.sort_by(|a, b| a.file.cmp(&b.file));
    (files, skipped)
}

/// Why a path in `measures/` that is neither a regular file nor a folder is not read, if an
/// editor would want to know: a link named like an entry, a link to a folder (a whole set of
/// entries left out), or a pipe or device named like an entry (reading one could block forever).
/// Other links, such as the `.#name.toml` lock links some editors leave, are passed over quietly.
fn not_followed(path: &Path, kind: fs::FileType) -> Option<Diagnostic> {
    if kind.is_symlink() {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if is_entry_file(path) {
            Some(
                Diagnostic::file(path, "symlink", "symbolic links are not followed")
                    .with_help("copy the file into the handbook instead of linking to it")
                    .warning(),
            )
        } else if !hidden && path.is_dir() {
            Some(
                Diagnostic::file(path, "symlink", "symbolic links are not followed; the entries in the linked folder are not read")
                    .with_help("move or copy the folder into the handbook instead of linking to it")
                    .warning(),
            )
        } else {
            None
        }
    } else if is_entry_file(path) {
        Some(
            Diagnostic::file(
                path,
                "not-a-file",
                "this is not a regular file (a named pipe, socket or device); it is not read",
            )
            .with_help(
                "an entry is a plain text file; remove this one and save the entry as a file",
            )
            .warning(),
        )
    } else {
        None
    }
}

/// Why a file or folder cannot be read, in words fit for anyone to see: `/status` is public,
/// and an operating system's message (`os error 13`) tells an editor less than this.
pub fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (the server's user may not read it)".into()
        }
        std::io::ErrorKind::NotFound => "it is not there".into(),
        kind => kind.to_string(),
    }
}

/// The problem of a file that cannot be read: an entry, the vocabulary or `synonyms.toml`.
fn unreadable_file(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::file(
        path,
        "unreadable",
        format!("cannot read the file: {}", io_words(e)),
    )
}

enum ReadError {
    Io(std::io::Error),
    Invalid(Box<Diagnostic>),
}

/// Reads a text file, refusing huge and non-UTF-8 ones with a diagnostic.
fn read_text(path: &Path) -> Result<(String, Option<Stamp>), ReadError> {
    let file = fs::File::open(path).map_err(ReadError::Io)?;
    // Refused by its size before a byte is read: a pasted video or a disk image should cost a
    // `stat`, not a megabyte of reading for every save.
    let meta = file.metadata().map_err(ReadError::Io)?;
    let size = meta.len();
    let stamp = Stamp::of(&meta);
    // Room for the whole file and one byte more, so that it is read in one call and the end
    // found by a second, without the vector growing in between.
    let mut bytes = Vec::with_capacity(size.min(MAX_FILE_BYTES) as usize + 1);
    if size <= MAX_FILE_BYTES {
        // Bounded all the same: the file may grow while it is read.
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
    }
    if size > MAX_FILE_BYTES || bytes.len() as u64 > MAX_FILE_BYTES {
        let kib = size.max(bytes.len() as u64).div_ceil(1024);
        return Err(ReadError::Invalid(Box::new(
            Diagnostic::file(path, "file-too-large", format!("the file is {kib} KiB, larger than {} KiB", MAX_FILE_BYTES / 1024))
                .with_help("an entry is a short text; keep long documents on the official site and link them with `url`"),
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let mut d = Diagnostic::file(path, "not-utf8", "the file is not UTF-8 text")
            .with_help("save the file as UTF-8 (in most editors: Save with encoding → UTF-8)");
        d.line = line;
        d.column = column;
        ReadError::Invalid(Box::new(d))
    })?;
    Ok((text, stamp))
}

/// Reads and checks many entry files, on every core: reading thousands of files is most of
/// the time a start takes.
fn read_all(
    paths: &[PathBuf],
    vocabulary: &Vocabulary,
    today: NaiveDate,
    cache: Option<&Cache>,
) -> BTreeMap<PathBuf, FileState> {
    let read = crate::parallel::map(paths, |p| {
        let cached = cache.and_then(|cache| {
            let meta = fs::metadata(p).ok()?;
            cache.state(p, Stamp::of(&meta))
        });
        let from_disk = cached.is_none();
        let state = cached.unwrap_or_else(|| {
            let (current, warnings, stamp) = read_entry(p, vocabulary, today);
            FileState {
                last_good: None,
                current,
                warnings,
                stamp,
            }
        });
        (p.clone(), state, from_disk)
    });
    let mut texts = Texts::default();
    read.into_iter()
        .map(|(path, mut state, from_disk)| {
            if from_disk {
                compact(&mut state, &mut texts);
            }
            (path, state)
        })
        .collect()
}

/// Copies an entry and its warnings, just read, into memory of their own. Each was made on a
/// reading thread among the much larger garbage of parsing its file, and the pages it sits in
/// could not be given back while it lives. The copies are made one after another on the
/// calling thread, and the pages of the originals are freed whole (at 100,000 entries, 444 MB
/// after a load before, 425–435 MB after). The warnings' texts are shared through `texts`;
/// keeping even one original, such as the file's path, kept the pages around it.
fn compact(state: &mut FileState, texts: &mut Texts) {
    if let Ok(entry) = &mut state.current {
        *entry = Arc::new(Entry::clone(entry));
    }
    for warning in &mut state.warnings {
        *warning = Arc::new(texts.share(warning));
    }
}

/// An entry file's checked content, and the warnings about it.
type EntryRead = (
    Result<Arc<Entry>, Vec<Diagnostic>>,
    Vec<Arc<Diagnostic>>,
    Option<Stamp>,
);

/// Reads and checks one entry file.
pub fn read_entry(path: &Path, vocabulary: &Vocabulary, today: NaiveDate) -> EntryRead {
    let (source, stamp) = match read_text(path) {
        Ok(s) => s,
        Err(ReadError::Invalid(d)) => return (Err(vec![*d]), Vec::new(), None),
        Err(ReadError::Io(e)) => {
            return (Err(vec![unreadable_file(path, &e)]), Vec::new(), None);
        }
    };
    match check::parse_with_warnings(path, &id_of(path), &source, vocabulary, today) {
        Ok((e, warnings)) => {
            let warnings = warnings.into_iter().map(Arc::new).collect();
            (Ok(Arc::new(e)), warnings, stamp)
        }
        Err(d) => (Err(d), Vec::new(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_and_backup_files_are_not_entries() {
        for name in ["a.toml", "sub/kranj-2020.toml"] {
            assert!(is_entry_file(Path::new(name)), "{name}");
        }
        for name in [
            ".a.toml.swp",
            "a.toml~",
            ".#a.toml",
            "#a.toml#",
            "a.toml.tmp",
            ".a.toml",
            "a.md",
            ".toml",
            "a.toml___jb_tmp___",
            "4913",
        ] {
            assert!(!is_entry_file(Path::new(name)), "{name}");
        }
    }
}
