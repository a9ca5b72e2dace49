//! The history of each entry, read from the git repository the handbook is kept in: its
//! versions (commit, date, editor, message), what changed in each, field by field (`diff`),
//! its first publication, moves and renames; the latest changes across the handbook; and any
//! entry as it was in any commit, for version permalinks. `walk` reads git with gix.
//!
//! History is read once in the background when the server starts (it serves at once; history
//! says it is being read meanwhile), then HEAD is looked at every second and only the new
//! commits are read. Without a repository everything else works and history says it is not
//! available.

pub mod diff;
pub mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock, RwLock, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use gix::ObjectId;
use serde::Serialize;

use crate::handbook::entry::Entry;
use crate::handbook::folder::id_of;
use crate::handbook::vocabulary::Vocabulary;
pub use diff::Change;
pub use walk::{CommitInfo, FileChange, Repo, WalkError};

/// What a commit did to an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Event {
    /// The entry's first publication.
    Created,
    Changed,
    /// The file moved to another folder; the id stayed. `from` is the former path.
    Moved {
        from: String,
    },
    /// The entry got a new id (its file a new name; the former id is usually among its
    /// `aliases`). `from` is the former id.
    Renamed {
        from: String,
    },
    /// The file was taken out of the handbook.
    Deleted,
    /// The file was not a valid entry in this commit.
    Unreadable,
}

/// One version of an entry: what one commit did to its file.
#[derive(Debug, Clone)]
pub struct Version {
    pub commit: Arc<CommitInfo>,
    /// The entry's id (its file's name) in this version.
    pub id: String,
    /// Its title in this version (or the last it had, for a deletion).
    pub title: String,
    /// The file, relative to the `measures` folder.
    pub path: String,
    /// The file's contents in this version; `None` for a deletion.
    pub blob: Option<ObjectId>,
    pub event: Event,
    pub changes: Vec<Change>,
}

/// Which version a measure page shows, for its banner and its citation.
#[derive(Debug, Clone, Default)]
pub struct VersionNote {
    /// The commit of the version shown (for the current page, of the entry's last change);
    /// `None` without history.
    pub commit: Option<String>,
    pub date: Option<DateTime<FixedOffset>>,
    /// The page shows a past version, not the current one.
    pub past: bool,
    /// The entry's file has edits not yet committed: the page shows them, and no commit
    /// holds that version yet.
    pub uncommitted: bool,
}

impl VersionNote {
    /// The commit abbreviated as permalinks write it.
    pub fn short(&self) -> Option<&str> {
        self.commit
            .as_deref()
            .map(|c| &c[..c.len().min(SHORT_COMMIT)])
    }

    /// The permalink of the version, when the page shows a committed one.
    pub fn permalink(&self, base: &str, id: &str) -> Option<String> {
        match (self.short(), self.uncommitted) {
            (Some(short), false) => Some(format!("{base}/measures/{id}?version={short}")),
            _ => None,
        }
    }
}

/// Abbreviated commit ids in links: 10 hex digits stay unique in far larger histories than a
/// handbook's.
pub const SHORT_COMMIT: usize = 10;

/// Every version of every entry, read from the commits so far.
#[derive(Debug, Default)]
pub struct Index {
    versions: Vec<Version>,
    /// Entry id → its versions, oldest first, indices into `versions`. A renamed entry's
    /// versions are under its new id, from its first publication on.
    by_id: HashMap<String, Vec<usize>>,
    /// Every commit read, by its full hex id, for finding one by an abbreviation.
    commits: BTreeMap<String, Arc<CommitInfo>>,
    seen: HashSet<ObjectId>,
    head: Option<ObjectId>,
}

/// What an abbreviated commit id names.
#[derive(Debug)]
pub enum Found {
    Commit(Arc<CommitInfo>),
    /// Not a commit of the handbook's history (or not 7 to 40 hex digits).
    Unknown,
    /// More than one commit starts so.
    Ambiguous,
}

impl Index {
    /// The versions of an entry, newest first.
    pub fn versions_of(&self, id: &str) -> Vec<&Version> {
        self.by_id
            .get(id)
            .map(|v| v.iter().rev().map(|&i| &self.versions[i]).collect())
            .unwrap_or_default()
    }

    /// The entry's last version: the one HEAD has.
    pub fn latest(&self, id: &str) -> Option<&Version> {
        self.by_id
            .get(id)
            .and_then(|v| v.last())
            .map(|&i| &self.versions[i])
    }

    /// Every version of every entry, newest first.
    pub fn recent(&self) -> impl Iterator<Item = &Version> {
        self.versions.iter().rev()
    }

    pub fn commit_count(&self) -> usize {
        self.commits.len()
    }

    pub fn version_count(&self) -> usize {
        self.versions.len()
    }

    pub fn head(&self) -> Option<ObjectId> {
        self.head
    }

    /// The commit a full or abbreviated id (at least 7 hex digits) names.
    pub fn find_commit(&self, abbreviation: &str) -> Found {
        let a = abbreviation.to_ascii_lowercase();
        if !(7..=40).contains(&a.len()) || !a.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Found::Unknown;
        }
        let mut matches = self
            .commits
            .range(a.clone()..)
            .take_while(|(hex, _)| hex.starts_with(&a));
        match (matches.next(), matches.next()) {
            (Some((_, c)), None) => Found::Commit(c.clone()),
            (Some(_), Some(_)) => Found::Ambiguous,
            (None, _) => Found::Unknown,
        }
    }

    /// Adds what one commit did, read by `prepare`.
    fn apply(&mut self, prepared: Prepared) {
        let commit = prepared.commit;
        self.seen.insert(commit.id);
        self.commits.insert(commit.id.to_string(), commit.clone());
        for item in prepared.items {
            if let Event::Renamed { from } = &item.event {
                // The new id carries the old one's versions: it is the same measure.
                if let Some(mut older) = self.by_id.remove(from) {
                    let list = self.by_id.entry(item.id.clone()).or_default();
                    older.append(list);
                    *list = older;
                }
            }
            let at = self.versions.len();
            self.by_id.entry(item.id.clone()).or_default().push(at);
            self.versions.push(Version {
                commit: commit.clone(),
                id: item.id,
                title: item.title,
                path: item.path,
                blob: item.blob,
                event: item.event,
                changes: item.changes,
            });
        }
    }
}

/// One commit's versions, read outside the lock so that readers never wait for git.
struct Prepared {
    commit: Arc<CommitInfo>,
    items: Vec<Item>,
}

struct Item {
    id: String,
    title: String,
    path: String,
    blob: Option<ObjectId>,
    event: Event,
    changes: Vec<Change>,
}

/// Reads a commit's entry files into versions, parsing each blob once per update (a blob is
/// the new side of one commit and the old side of the next change).
struct Reader<'a> {
    repo: &'a Repo,
    git: gix::Repository,
    vocabulary: &'a Vocabulary,
    parsed: HashMap<ObjectId, Option<Arc<Entry>>>,
}

impl Reader<'_> {
    fn entry(&mut self, blob: Option<ObjectId>, path: &str) -> Option<Arc<Entry>> {
        let blob = blob?;
        if let Some(e) = self.parsed.get(&blob) {
            return e.clone();
        }
        let e = walk::blob(&self.git, blob)
            .ok()
            .and_then(|bytes| read_version(path, &bytes, self.vocabulary))
            .map(Arc::new);
        self.parsed.insert(blob, e.clone());
        e
    }

    fn prepare(&mut self, commit: CommitInfo) -> Result<Prepared, WalkError> {
        let files = self.repo.changes(&self.git, &commit)?;
        let mut items = Vec::new();
        // A deletion and an addition in one commit are a move or a rename when the contents
        // are the same, the id is the same, or the new file lists the old id among its aliases.
        let deleted: Vec<&FileChange> = files.iter().filter(|f| f.new.is_none()).collect();
        let mut paired: HashSet<&str> = HashSet::new();
        for f in &files {
            let id = id_of(Path::new(&f.path));
            let after = self.entry(f.new, &f.path);
            let (event, before) = match (f.old, f.new) {
                (Some(_), Some(_)) => (
                    if after.is_some() {
                        Event::Changed
                    } else {
                        Event::Unreadable
                    },
                    self.entry(f.old, &f.path),
                ),
                (None, Some(blob)) => {
                    let from = deleted.iter().find(|d| {
                        !paired.contains(d.path.as_str())
                            && (d.old == Some(blob)
                                || id_of(Path::new(&d.path)) == id
                                || after.as_ref().is_some_and(|a| {
                                    a.aliases.contains(&id_of(Path::new(&d.path)))
                                }))
                    });
                    match from {
                        Some(d) => {
                            paired.insert(d.path.as_str());
                            let old_id = id_of(Path::new(&d.path));
                            let event = if old_id == id {
                                Event::Moved {
                                    from: d.path.clone(),
                                }
                            } else {
                                Event::Renamed { from: old_id }
                            };
                            (event, self.entry(d.old, &d.path))
                        }
                        None if after.is_some() => (Event::Created, None),
                        None => (Event::Unreadable, None),
                    }
                }
                (Some(_), None) => (Event::Deleted, self.entry(f.old, &f.path)),
                (None, None) => continue,
            };
            let changes = match (&before, &after) {
                (Some(b), Some(a)) => diff::changes(b, a),
                _ => Vec::new(),
            };
            let title = after
                .as_ref()
                .or(before.as_ref())
                .map_or_else(|| id.clone(), |e| e.title.clone());
            items.push(Item {
                id,
                title,
                path: f.path.clone(),
                blob: f.new,
                event,
                changes,
            });
        }
        // A deletion paired with an addition is told by the addition.
        items.retain(|i| !(i.event == Event::Deleted && paired.contains(i.path.as_str())));
        Ok(Prepared {
            commit: Arc::new(commit),
            items,
        })
    }
}

/// An entry file's contents as an entry: read by `check` like any file of the handbook; a
/// version the checks refuse today (a key since taken out of the vocabulary, an older format)
/// is read leniently, field by field, as history must show what it said.
pub fn read_version(path: &str, bytes: &[u8], vocabulary: &Vocabulary) -> Option<Entry> {
    let text = std::str::from_utf8(bytes).ok()?;
    let id = id_of(Path::new(path));
    // No date is "in the future" of a past version.
    let today = NaiveDate::MAX;
    crate::handbook::check::parse(Path::new(path), &id, text, vocabulary, today)
        .ok()
        .or_else(|| loose::parse(&id, text))
}

mod loose {
    //! The fields of an entry read without the checks, for versions `check` refuses.

    use chrono::NaiveDate;
    use serde::Deserialize;

    use crate::handbook::entry::Entry;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Loose {
        title: String,
        summary: String,
        title_en: Option<String>,
        summary_en: Option<String>,
        municipalities: Vec<String>,
        types: Vec<String>,
        sources: Vec<String>,
        beneficiaries: Vec<String>,
        keywords: Vec<String>,
        provider: String,
        updated: Option<toml::value::Datetime>,
        url: Option<String>,
        open_from: Option<toml::value::Datetime>,
        open_until: Option<toml::value::Datetime>,
        until_funds_run_out: bool,
        closed: bool,
        last_confirmed: Option<i32>,
        series: Option<String>,
        budget_eur: Option<i64>,
        max_amount_eur: Option<i64>,
        cofinancing_percent: Option<i64>,
        legal_basis: Vec<String>,
        gazette: Option<String>,
        aliases: Vec<String>,
        body: Option<String>,
    }

    fn day(d: Option<toml::value::Datetime>) -> Option<NaiveDate> {
        let d = d?.date?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
    }

    pub fn parse(id: &str, text: &str) -> Option<Entry> {
        let l: Loose = toml::from_str(text).ok()?;
        Some(Entry {
            digest: 0,
            sort_key: String::new(),
            id: id.to_string(),
            title: l.title,
            summary: l.summary,
            title_en: l.title_en,
            summary_en: l.summary_en,
            municipalities: l.municipalities,
            types: l.types,
            sources: l.sources,
            beneficiaries: l.beneficiaries,
            keywords: l.keywords,
            provider: l.provider,
            updated: day(l.updated).unwrap_or_default(),
            url: l.url,
            open_from: day(l.open_from),
            open_until: day(l.open_until),
            until_funds_run_out: l.until_funds_run_out,
            closed: l.closed,
            last_confirmed: l.last_confirmed,
            series: l.series,
            budget_eur: l.budget_eur,
            max_amount_eur: l.max_amount_eur,
            cofinancing_percent: l.cofinancing_percent,
            legal_basis: l.legal_basis,
            gazette: l.gazette,
            aliases: l.aliases,
            body: l.body,
        })
    }
}

/// Reads the history of the whole repository from scratch (for `handbook log` and for the
/// first read of a server), or the commits after `index`'s head.
fn update(
    repo: &Repo,
    vocabulary: &Vocabulary,
    seen: &HashSet<ObjectId>,
    head: ObjectId,
) -> Result<Vec<Prepared>, WalkError> {
    let git = repo.walker();
    let (commits, _) = repo.new_commits(&git, head, seen)?;
    let mut reader = Reader {
        repo,
        git,
        vocabulary,
        parsed: HashMap::new(),
    };
    commits.into_iter().map(|c| reader.prepare(c)).collect()
}

/// The whole history of the repository the handbook at `root` is in, read now.
pub fn read(root: &Path, vocabulary: &Vocabulary) -> Result<(Repo, Index), ReadError> {
    let repo = walk::discover(root).map_err(ReadError::NoRepository)?;
    let mut index = Index::default();
    if let Some(head) = repo.head()? {
        for p in update(&repo, vocabulary, &index.seen, head)? {
            index.apply(p);
        }
        index.head = Some(head);
    }
    Ok((repo, index))
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("history is not available: {0}")]
    NoRepository(String),
    #[error(transparent)]
    Walk(#[from] WalkError),
}

/// Where reading history stands.
#[derive(Debug)]
pub enum State {
    /// No repository (or history not asked for): the reason, in words.
    Off(String),
    /// The first read is under way.
    Reading,
    Ready(Index),
    /// The repository could not be read; the reason.
    Failed(String),
}

/// History as the server shares it: the state, updated by a thread of its own, and the
/// repository to read past versions from. Cheap to clone.
#[derive(Clone, Debug)]
pub struct HistoryHandle {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: RwLock<State>,
    repo: OnceLock<Repo>,
}

/// A past version of an entry, for its permalink.
#[derive(Debug, Clone)]
pub struct Past {
    pub entry: Entry,
    pub commit: Arc<CommitInfo>,
}

/// Why a version cannot be shown.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VersionError {
    #[error("history is not available: {0}")]
    Off(String),
    #[error("history is still being read; try again in a few seconds")]
    Reading,
    #[error("no commit of the handbook's history has the id `{0}`")]
    Unknown(String),
    #[error("more than one commit starts with `{0}`; give more of its digits")]
    Ambiguous(String),
    #[error("the measure was not in the handbook in commit {0}")]
    NotThere(String),
    #[error("{0}")]
    Git(String),
}

impl HistoryHandle {
    /// History that is not read, saying why.
    pub fn off(reason: &str) -> Self {
        HistoryHandle {
            shared: Arc::new(Shared {
                state: RwLock::new(State::Off(reason.to_string())),
                repo: OnceLock::new(),
            }),
        }
    }

    /// Reads history in the background and follows HEAD, looking every `poll`. `vocabulary`
    /// gives the vocabulary to read entries with (the one being served).
    pub fn start(
        root: &Path,
        vocabulary: impl Fn() -> Arc<Vocabulary> + Send + 'static,
        poll: Duration,
    ) -> Self {
        let handle = HistoryHandle {
            shared: Arc::new(Shared {
                state: RwLock::new(State::Reading),
                repo: OnceLock::new(),
            }),
        };
        let weak = Arc::downgrade(&handle.shared);
        let root = root.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("history".into())
            .spawn(move || follow(&weak, &root, &vocabulary, poll));
        if let Err(e) = spawned {
            *handle.write() = State::Failed(format!("cannot start reading history: {e}"));
        }
        handle
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.shared
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the state; keep it short, the history thread waits for it to publish.
    pub fn with<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        let state = self
            .shared
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&state)
    }

    pub fn repo(&self) -> Option<&Repo> {
        self.shared.repo.get()
    }

    /// The entry `id` as it was in the commit `abbreviation` names (at least 7 hex digits).
    pub fn version(
        &self,
        id: &str,
        current_path: Option<&str>,
        abbreviation: &str,
        vocabulary: &Vocabulary,
    ) -> Result<Past, VersionError> {
        // What to look for, taken under the lock; git is read after it.
        let (commit, candidates) = self.with(|state| match state {
            State::Off(why) | State::Failed(why) => Err(VersionError::Off(why.clone())),
            State::Reading => Err(VersionError::Reading),
            State::Ready(index) => {
                let commit = match index.find_commit(abbreviation) {
                    Found::Commit(c) => c,
                    Found::Unknown => return Err(VersionError::Unknown(short(abbreviation))),
                    Found::Ambiguous => return Err(VersionError::Ambiguous(short(abbreviation))),
                };
                let versions = index.versions_of(id);
                // The commit changed the entry: its blob is known.
                if let Some(v) = versions.iter().find(|v| v.commit.id == commit.id) {
                    return Ok((commit, vec![(v.path.clone(), v.blob)]));
                }
                // Another commit: the entry is in it under one of the paths it ever had.
                let mut paths: Vec<(String, Option<ObjectId>)> = Vec::new();
                for p in current_path
                    .into_iter()
                    .map(str::to_string)
                    .chain(versions.iter().map(|v| v.path.clone()))
                {
                    if !paths.iter().any(|(q, _)| *q == p) {
                        paths.push((p, None));
                    }
                }
                Ok((commit, paths))
            }
        })?;
        let repo = self
            .repo()
            .ok_or_else(|| VersionError::Off("no repository".into()))?;
        let not_there = || VersionError::NotThere(commit.id.to_hex_with_len(7).to_string());
        for (path, blob) in candidates {
            let blob = match blob {
                Some(b) => Some(b),
                None => repo
                    .file_at(commit.id, &path)
                    .map_err(|e| VersionError::Git(e.to_string()))?,
            };
            let Some(blob) = blob else { continue };
            let bytes = repo
                .blob(blob)
                .map_err(|e| VersionError::Git(e.to_string()))?;
            return read_version(&path, &bytes, vocabulary)
                .map(|entry| Past {
                    entry,
                    commit: commit.clone(),
                })
                .ok_or_else(not_there);
        }
        Err(not_there())
    }

    /// Whether the working copy of the entry file at `path` (relative to `measures`) differs
    /// from the entry's last committed version: `None` while that cannot be known (no
    /// repository, history being read).
    pub fn uncommitted(&self, id: &str, path: &str) -> Option<bool> {
        let committed = self.with(|state| match state {
            State::Ready(index) => Some(
                index
                    .latest(id)
                    .filter(|v| v.path == path)
                    .and_then(|v| v.blob),
            ),
            _ => None,
        })?;
        let repo = self.repo()?;
        let working = repo.working_file(path)?;
        Some(match committed {
            Some(blob) => repo.blob(blob).map_or(true, |b| b != working),
            None => true,
        })
    }
}

/// At most the first 40 characters of what a client sent, for messages.
fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The history thread: reads the repository once, then follows HEAD until the handle is gone.
fn follow(
    shared: &Weak<Shared>,
    root: &Path,
    vocabulary: &dyn Fn() -> Arc<Vocabulary>,
    poll: Duration,
) {
    let publish = |state: State| {
        if let Some(s) = shared.upgrade() {
            *s.state
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
        }
    };
    let repo = match walk::discover(root) {
        Ok(r) => r,
        Err(why) => {
            tracing::info!(%why, "history is not available");
            publish(State::Off(why));
            return;
        }
    };
    if let Some(s) = shared.upgrade() {
        let _ = s.repo.set(repo.clone());
    }
    let started = Instant::now();
    let mut head: Option<ObjectId> = None;
    let mut first = true;
    loop {
        let Some(s) = shared.upgrade() else { return };
        match step(&s, &repo, vocabulary, head, first) {
            Ok(now) => {
                if first {
                    let (commits, versions) = s.state.read().map_or((0, 0), |st| match &*st {
                        State::Ready(i) => (i.commit_count(), i.version_count()),
                        _ => (0, 0),
                    });
                    tracing::info!(
                        commits,
                        versions,
                        millis = started.elapsed().as_millis() as u64,
                        "history read"
                    );
                }
                head = now;
                first = false;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read history");
                if first {
                    publish(State::Failed(e.to_string()));
                }
            }
        }
        drop(s);
        std::thread::sleep(poll);
    }
}

/// One look at HEAD: reads the commits it has that history has not, if any. The first look
/// (or one after HEAD moved to another line) reads everything into a new index while the
/// old one is still served, then swaps it in.
fn step(
    shared: &Shared,
    repo: &Repo,
    vocabulary: &dyn Fn() -> Arc<Vocabulary>,
    known: Option<ObjectId>,
    first: bool,
) -> Result<Option<ObjectId>, WalkError> {
    let head = repo.head()?;
    if !first && head == known {
        return Ok(head);
    }
    let vocabulary = vocabulary();
    let write = || {
        shared
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let Some(head) = head else {
        *write() = State::Ready(Index::default());
        return Ok(None);
    };
    // The commits seen so far, taken from the index (a copy: git is read without the lock).
    let seen = {
        let state = shared
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*state {
            State::Ready(index) if !first => Some(index.seen.clone()),
            _ => None,
        }
    };
    if let Some(seen) = seen {
        let git = repo.walker();
        let (commits, reached) = repo.new_commits(&git, head, &seen)?;
        if known.is_some_and(|k| reached.contains(&k)) {
            let mut reader = Reader {
                repo,
                git,
                vocabulary: &vocabulary,
                parsed: HashMap::new(),
            };
            let prepared: Vec<Prepared> = commits
                .into_iter()
                .map(|c| reader.prepare(c))
                .collect::<Result<_, _>>()?;
            let mut state = write();
            if let State::Ready(index) = &mut *state {
                let n = prepared.len();
                for p in prepared {
                    index.apply(p);
                }
                index.head = Some(head);
                tracing::info!(commits = n, "history updated");
            }
            return Ok(Some(head));
        }
        tracing::info!("HEAD moved to another line of history; reading history again");
    }
    let mut index = Index::default();
    for p in update(repo, &vocabulary, &index.seen, head)? {
        index.apply(p);
    }
    index.head = Some(head);
    *write() = State::Ready(index);
    Ok(Some(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(ids: &[&str]) -> Index {
        let mut index = Index::default();
        for hex in ids {
            let id = ObjectId::from_hex(hex.as_bytes()).unwrap();
            index.commits.insert(
                hex.to_string(),
                Arc::new(CommitInfo {
                    id,
                    parents: Vec::new(),
                    tree: id,
                    time: DateTime::default(),
                    author: String::new(),
                    message: String::new(),
                }),
            );
        }
        index
    }

    const A: &str = "1234567aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "1234567bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn a_commit_is_found_by_seven_or_more_of_its_hex_digits_in_either_case() {
        let index = index_of(&[A, B]);
        for abbreviation in ["1234567a", "1234567AAAA", A] {
            match index.find_commit(abbreviation) {
                Found::Commit(c) => assert_eq!(c.id.to_string(), A),
                other => panic!("{abbreviation}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_short_ambiguous_or_foreign_abbreviation_finds_nothing() {
        let index = index_of(&[A, B]);
        assert!(matches!(index.find_commit("1234567"), Found::Ambiguous));
        assert!(matches!(index.find_commit("123456"), Found::Unknown));
        assert!(matches!(index.find_commit("1234567c"), Found::Unknown));
        assert!(matches!(index.find_commit("1234567g"), Found::Unknown));
        assert!(matches!(
            index.find_commit(&format!("{A}0")),
            Found::Unknown
        ));
    }
}
