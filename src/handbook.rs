//! The handbook folder: `vocabulary.toml` and `measures/**/<id>.toml`. This module finds the
//! entry files, reads and checks each one, and resolves the set into one consistent handbook:
//! unique ids, aliases that point somewhere, and, for a file whose latest edit is broken, the
//! last good version it had.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::entry::{self, Entry};
use crate::vocabulary::Vocabulary;

/// No real entry comes near this; a bigger file is a mistake (a pasted PDF, a binary).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

pub const VOCABULARY_FILE: &str = "vocabulary.toml";
pub const MEASURES_DIR: &str = "measures";

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
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

/// The id of an entry file: its stem.
pub fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One entry file as last read.
#[derive(Debug, Clone)]
pub struct FileState {
    /// The file's current content, checked: the entry, or why it cannot be used.
    pub current: Result<Arc<Entry>, Vec<Diagnostic>>,
    /// The last version of this file that was valid, kept searchable while the file is broken.
    pub last_good: Option<Arc<Entry>>,
    /// Things worth an editor's look that do not keep the entry out of search.
    pub warnings: Vec<Diagnostic>,
}

impl FileState {
    /// The version to serve: the current one if valid, else the last good one.
    pub fn serving(&self) -> Option<&Arc<Entry>> {
        self.current.as_ref().ok().or(self.last_good.as_ref())
    }
}

/// The handbook as read from disk.
#[derive(Debug, Clone)]
pub struct Handbook {
    pub root: PathBuf,
    pub vocabulary: Arc<Vocabulary>,
    pub files: BTreeMap<PathBuf, FileState>,
    /// Problems with files that are not entries at all (symlinks, unreadable folders).
    pub skipped: Vec<Diagnostic>,
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
    pub problems: Vec<Diagnostic>,
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
        let vocabulary = Arc::new(read_vocabulary(root)?);
        let (paths, skipped) = discover(root);
        let files = read_all(&paths, &vocabulary, today);
        Ok(Handbook {
            root: root.to_path_buf(),
            vocabulary,
            files,
            skipped,
        })
    }

    /// Re-reads one entry file (it was created, changed or removed), keeping its last good
    /// version if the new content is broken.
    pub fn refresh(&mut self, path: &Path, today: NaiveDate) {
        if !path.is_file() || path.is_symlink() {
            self.files.remove(path);
            return;
        }
        let (current, warnings) = read_entry(path, &self.vocabulary, today);
        let previous = self.files.remove(path);
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
            },
        );
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
        self.files = files;
        self.skipped = fresh.skipped;
        Ok(())
    }

    /// Resolves the files into the set of entries to serve. Files are taken in path order, so
    /// of two files with the same id the first keeps it, whatever order they were read in.
    pub fn resolve(&self) -> Resolved {
        let mut out = Resolved {
            problems: self.skipped.clone(),
            ..Resolved::default()
        };
        for (path, state) in &self.files {
            out.problems.extend(state.warnings.iter().cloned());
            if let Err(diagnostics) = &state.current {
                out.problems.extend(diagnostics.iter().cloned());
            }
            let Some(entry) = state.serving() else {
                continue;
            };
            if let Some(first) = out.paths.get(&entry.id) {
                out.problems.push(
                    Diagnostic::file(path, "duplicate-id", format!(
                        "the id `{}` is already used by {}", entry.id, first.display()
                    ))
                    .with_help("ids are file names and must be unique across the handbook; rename one of the two files"),
                );
                continue;
            }
            out.paths.insert(entry.id.clone(), path.clone());
            out.entries.insert(entry.id.clone(), entry.clone());
        }
        // Aliases in a second pass: an alias may only be checked against every live id.
        let mut alias_owner: HashMap<String, String> = HashMap::new();
        for entry in out.entries.values() {
            let path = &out.paths[&entry.id];
            for alias in &entry.aliases {
                if let Some(live) = out.paths.get(alias) {
                    out.problems.push(
                        Diagnostic::file(
                            path,
                            "alias-is-live-id",
                            format!(
                                "the alias `{alias}` is the id of a live entry, {}",
                                live.display()
                            ),
                        )
                        .with_help("an alias is a former id; remove it, or rename the other entry"),
                    );
                } else if let Some(owner) = alias_owner.get(alias) {
                    out.problems.push(
                        Diagnostic::file(path, "duplicate-alias", format!(
                            "the alias `{alias}` is also an alias of `{owner}` ({})", out.paths[owner].display()
                        ))
                        .with_help("a former id can redirect to one entry only; remove it from one of the two"),
                    );
                } else {
                    alias_owner.insert(alias.clone(), entry.id.clone());
                    out.aliases.insert(alias.clone(), entry.id.clone());
                }
            }
        }
        out
    }
}

fn read_vocabulary(root: &Path) -> Result<Vocabulary, LoadError> {
    let path = Handbook::vocabulary_path(root);
    let source = read_text(&path).map_err(|e| match e {
        ReadError::Io(source) => LoadError::Io {
            path: path.clone(),
            source,
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
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let measures = Handbook::measures_path(root);
    if !measures.is_dir() {
        return (files, skipped);
    }
    for item in WalkDir::new(&measures)
        .follow_links(false)
        .sort_by_file_name()
    {
        match item {
            Ok(item) if item.path_is_symlink() => {
                if is_entry_file(item.path()) {
                    skipped.push(
                        Diagnostic::file(item.path(), "symlink", "symbolic links are not followed")
                            .with_help("copy the file into the handbook instead of linking to it")
                            .warning(),
                    );
                }
            }
            Ok(item) if item.file_type().is_file() && is_entry_file(item.path()) => {
                files.push(item.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().unwrap_or(&measures).to_path_buf();
                skipped.push(Diagnostic::file(
                    &path,
                    "unreadable",
                    format!("cannot read: {e}"),
                ));
            }
        }
    }
    (files, skipped)
}

enum ReadError {
    Io(std::io::Error),
    Invalid(Box<Diagnostic>),
}

/// Reads a text file, refusing huge and non-UTF-8 ones with a diagnostic.
fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::Invalid(Box::new(
            Diagnostic::file(path, "file-too-large", format!("the file is larger than {} KiB", MAX_FILE_BYTES / 1024))
                .with_help("an entry is a short text; keep long documents on the official site and link them with `url`"),
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let mut d = Diagnostic::file(path, "not-utf8", "the file is not UTF-8 text")
            .with_help("save the file as UTF-8 (in most editors: Save with encoding → UTF-8)");
        d.line = line;
        d.column = column;
        ReadError::Invalid(Box::new(d))
    })
}

/// Reads and checks many entry files, on every core: reading thousands of files is most of
/// the time a start takes.
fn read_all(
    paths: &[PathBuf],
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> BTreeMap<PathBuf, FileState> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    let chunk = paths.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| {
                            let (current, warnings) = read_entry(p, vocabulary, today);
                            (
                                p.clone(),
                                FileState {
                                    last_good: None,
                                    current,
                                    warnings,
                                },
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A panic while reading is a bug; losing the files it was reading would hide it.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// An entry file's checked content, and the warnings about it.
type EntryRead = (Result<Arc<Entry>, Vec<Diagnostic>>, Vec<Diagnostic>);

/// Reads and checks one entry file.
pub fn read_entry(path: &Path, vocabulary: &Vocabulary, today: NaiveDate) -> EntryRead {
    let source = match read_text(path) {
        Ok(s) => s,
        Err(ReadError::Invalid(d)) => return (Err(vec![*d]), Vec::new()),
        Err(ReadError::Io(e)) => {
            let d = Diagnostic::file(path, "unreadable", format!("cannot read the file: {e}"));
            return (Err(vec![d]), Vec::new());
        }
    };
    match entry::parse(path, &id_of(path), &source, vocabulary, today) {
        Ok(e) => {
            let warnings = entry::warnings(path, &source, &e, today);
            (Ok(Arc::new(e)), warnings)
        }
        Err(d) => (Err(d), Vec::new()),
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
