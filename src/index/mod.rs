//! The Tantivy index on disk (or in memory for one-off commands and tests): opening it, deciding
//! whether it can be reused, rebuilding it from the handbook when it cannot (missing, stale,
//! written by another schema, corrupt), and applying changes entry by entry. The index is
//! always derived: `handbook/` is the only source of truth, so any doubt means a rebuild.

pub mod schema;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::Directory;
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError, Term};

use crate::handbook::digest::Digest;
use crate::handbook::entry::Entry;
use crate::handbook::folder::Resolved;
use crate::handbook::vocabulary::Vocabulary;
use crate::text::analysis;
use schema::{Fields, SCHEMA_VERSION};

/// One indexing thread for saves: a save is one document, and a second thread only makes its
/// commit wait for more (p95 of save-to-searchable at 10,000 entries: 250 ms with one thread,
/// 460 ms with two), while the other core stays free to search.
const WRITER_THREADS: usize = 1;
/// A full build is the one time both cores are worth it: 10,000 entries in 0.8 s, not 1.5 s.
const BUILD_THREADS: usize = 2;
const WRITER_MEMORY: usize = 50_000_000;
/// Documents made ahead of the writer during a full build.
const DOCUMENTS_AT_ONCE: usize = 1024;
const PAYLOAD_PREFIX: &str = "handbook-index";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(
        "the index in {0} is in use by another handbook process (is `handbook serve` running?)"
    )]
    Locked(PathBuf),
    #[error("cannot prepare the index folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index error: {0}")]
    Tantivy(#[from] TantivyError),
}

/// What `SearchIndex::find` found in a folder, for `SearchIndex::open_found`.
pub struct Found(Result<Result<(SearchIndex, String), Reuse>, IndexError>);

/// Why the index was rebuilt at start, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Reused,
    Rebuilt(String),
}

pub struct SearchIndex {
    reader: IndexReader,
    /// Always `Some`, but while a full build swaps it for one with more threads (a folder has
    /// one writer at a time, so the old one must go before the new one comes).
    writer: Option<IndexWriter>,
    pub fields: Fields,
    /// The folder, for messages; `None` in memory.
    dir: Option<PathBuf>,
}

/// A stable digest of what the index should hold: schema, analyser, vocabulary and entries.
pub fn fingerprint(resolved: &Resolved, vocabulary: &Vocabulary) -> String {
    let mut d = Digest::default();
    d.eat(&SCHEMA_VERSION.to_le_bytes());
    d.eat(&analysis::ANALYZER_VERSION.to_le_bytes());
    d.eat(format!("{vocabulary:?}").as_bytes());
    // Each entry's digest was computed when it was read; a save costs one entry's work here.
    for entry in resolved.entries.values() {
        d.eat(&entry.digest.to_le_bytes());
    }
    let h = d.value();
    format!(
        "{PAYLOAD_PREFIX} v{SCHEMA_VERSION} {h:016x} {}",
        resolved.entries.len()
    )
}

impl SearchIndex {
    /// An index in memory, built from `resolved`.
    pub fn in_memory(
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<SearchIndex, IndexError> {
        SearchIndex::in_directory(
            tantivy::directory::RamDirectory::create(),
            resolved,
            vocabulary,
        )
    }

    /// An index in any Tantivy directory (which must be empty), built from `resolved`: for
    /// tests that put a failing disk under the index.
    pub fn in_directory(
        directory: impl Directory,
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<SearchIndex, IndexError> {
        let (schema, fields) = schema::build();
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
        let mut me = SearchIndex::from_index(index, fields, None)?;
        me.rebuild(resolved, vocabulary)?;
        Ok(me)
    }

    /// Opens the index in `dir`, reusing it when it holds exactly `resolved` under this schema,
    /// and rebuilding it otherwise. Never fails because of what is in the folder, only when the
    /// folder cannot be written or another process holds the index.
    pub fn open(
        dir: &Path,
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<(SearchIndex, Opened), IndexError> {
        SearchIndex::open_found(dir, SearchIndex::find(dir), resolved, vocabulary)
    }

    /// The index in `dir` as found, opened and checked but not yet compared with what it should
    /// hold: the part of `open` that needs no handbook, so that a start does it while the
    /// handbook is being read.
    pub fn find(dir: &Path) -> Found {
        Found(
            fs::create_dir_all(dir)
                .map_err(|source| IndexError::Folder {
                    path: dir.to_path_buf(),
                    source,
                })
                .map(|()| Self::try_open(dir)),
        )
    }

    /// `open`, with the index already found in `dir` by `find`.
    pub fn open_found(
        dir: &Path,
        found: Found,
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<(SearchIndex, Opened), IndexError> {
        let expected = fingerprint(resolved, vocabulary);
        let reason = match found.0? {
            Ok((me, payload)) if payload == expected => return Ok((me, Opened::Reused)),
            Ok((stale, payload)) => {
                // It holds the folder's lock: let it go before the folder is wiped.
                drop(stale);
                if payload.starts_with(&format!("{PAYLOAD_PREFIX} v{SCHEMA_VERSION} ")) {
                    "the handbook changed since it was written".into()
                } else if payload.is_empty() {
                    // Every commit of ours carries a payload; a folder created for a build
                    // and never committed to has none.
                    "its last build was interrupted".into()
                } else {
                    "it was written by another version".into()
                }
            }
            Err(Reuse::Locked) => return Err(IndexError::Locked(dir.to_path_buf())),
            Err(Reuse::No(reason)) => reason,
        };
        wipe(dir).map_err(|source| IndexError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let (schema, fields) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        let mut me = SearchIndex::from_index(index, fields, Some(dir.to_path_buf()))?;
        me.rebuild(resolved, vocabulary)?;
        Ok((me, Opened::Rebuilt(reason)))
    }

    /// The index in `dir` and the payload of its last commit, if it is whole and readable.
    fn try_open(dir: &Path) -> Result<(SearchIndex, String), Reuse> {
        if !dir.join("meta.json").exists() {
            return Err(Reuse::No(if holds_tantivy_files(dir) {
                // Segments without the file that lists them: deleted by hand, or a build that
                // was killed between wiping the old index and writing the new one.
                "its meta.json was missing".into()
            } else {
                "there was no index yet".into()
            }));
        }
        let index = Index::open_in_dir(dir)
            .map_err(|e| Reuse::No(format!("it could not be opened ({e})")))?;
        let (schema, fields) = schema::build();
        if index.schema() != schema {
            return Err(Reuse::No("it was written with another schema".into()));
        }
        let metas = index
            .load_metas()
            .map_err(|e| Reuse::No(format!("it could not be opened ({e})")))?;
        let payload = metas.payload.clone().unwrap_or_default();
        // Every file of every segment, not `Index::validate_checksum`: that one checks only the
        // files listed in `.managed.json`, so with that file lost a damaged segment passed.
        // A missing file is left to the reader below, which cannot open a segment without it.
        let directory = index.directory();
        let mut bad = 0;
        for path in metas.list_segment_files() {
            match directory.exists(&path) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => return Err(Reuse::No(format!("its files could not be checked ({e})"))),
            }
            match directory.validate_checksum(&path) {
                Ok(true) => {}
                Ok(false) => bad += 1,
                Err(e) => return Err(Reuse::No(format!("its files could not be checked ({e})"))),
            }
        }
        if bad > 0 {
            return Err(Reuse::No(format!("{bad} of its files are corrupt")));
        }
        match SearchIndex::from_index(index, fields, Some(dir.to_path_buf())) {
            Ok(me) => Ok((me, payload)),
            Err(IndexError::Locked(_)) => Err(Reuse::Locked),
            Err(e) => Err(Reuse::No(format!("it could not be read ({e})"))),
        }
    }

    fn from_index(
        index: Index,
        fields: Fields,
        dir: Option<PathBuf>,
    ) -> Result<SearchIndex, IndexError> {
        analysis::register(&index);
        let writer = open_writer(&index, WRITER_THREADS, dir.as_deref())?;
        // Manual reloads: a change must be searchable the moment `apply` returns, not "soon".
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            writer: Some(writer),
            fields,
            dir,
        })
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Replaces the whole content with `resolved`.
    pub fn rebuild(
        &mut self,
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<(), IndexError> {
        let index = self.reader.searcher().index().clone();
        if let Some(old) = self.writer.take()
            && let Err(e) = old.wait_merging_threads()
        {
            // Merges are an optimisation; the build below replaces every segment anyway.
            tracing::warn!(error = %e, "index merges did not finish before a full build");
        }
        let built = (|| {
            let mut builder = open_writer(&index, BUILD_THREADS, self.dir.as_deref())?;
            builder.delete_all_documents()?;
            // Making a document (the body's plain text, labels, regions) costs about as much as
            // indexing it, so documents are made on every core too, a chunk at a time to
            // bound what waits in memory.
            let entries: Vec<&Arc<Entry>> = resolved.entries.values().collect();
            for chunk in entries.chunks(DOCUMENTS_AT_ONCE) {
                let documents = crate::parallel::map(chunk, |entry| {
                    schema::document(&self.fields, entry, vocabulary)
                });
                for document in documents {
                    builder.add_document(document)?;
                }
            }
            commit(&mut builder, &fingerprint(resolved, vocabulary))?;
            builder.wait_merging_threads()?;
            Ok::<_, IndexError>(())
        })();
        // Whatever became of the build, saves need their writer back (or, if it cannot be
        // opened now, the next save opens it).
        self.writer = open_writer(&index, WRITER_THREADS, self.dir.as_deref()).ok();
        built?;
        self.reader.reload()?;
        Ok(())
    }

    /// The writer, opened anew if the last one was given up after a failure.
    fn writer(&mut self) -> Result<&mut IndexWriter, IndexError> {
        if self.writer.is_none() {
            let index = self.reader.searcher().index().clone();
            self.writer = Some(open_writer(&index, WRITER_THREADS, self.dir.as_deref())?);
        }
        self.writer.as_mut().ok_or_else(|| {
            IndexError::Tantivy(TantivyError::SystemError("the index has no writer".into()))
        })
    }

    /// Upserts and deletes entries by id (delete by id term, then add), in one commit. On
    /// failure nothing of it is searchable, and the writer is given up: one that failed to
    /// write (a full disk kills its indexing thread) refuses every later change, so the next
    /// call opens a fresh one on the last commit and a retry can succeed once space is back.
    pub fn apply(
        &mut self,
        upserts: &[Arc<Entry>],
        deletes: &[String],
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<(), IndexError> {
        let applied = self.try_apply(upserts, deletes, resolved, vocabulary);
        if applied.is_err() {
            // Dropping it ends its threads and frees the folder's lock for the next one; what
            // it had not committed is discarded.
            self.writer = None;
        }
        applied
    }

    fn try_apply(
        &mut self,
        upserts: &[Arc<Entry>],
        deletes: &[String],
        resolved: &Resolved,
        vocabulary: &Vocabulary,
    ) -> Result<(), IndexError> {
        let id_field = self.fields.id;
        let writer = self.writer()?;
        for id in deletes.iter().chain(upserts.iter().map(|e| &e.id)) {
            writer.delete_term(Term::from_field_text(id_field, id));
        }
        for entry in upserts {
            let doc = schema::document(&self.fields, entry, vocabulary);
            self.writer()?.add_document(doc)?;
        }
        commit(self.writer()?, &fingerprint(resolved, vocabulary))?;
        self.reader.reload()?;
        Ok(())
    }
}

enum Reuse {
    Locked,
    No(String),
}

/// A writer on `index` with `threads` indexing threads. `dir` names the folder in the message
/// when another process holds it.
fn open_writer(
    index: &Index,
    threads: usize,
    dir: Option<&Path>,
) -> Result<IndexWriter, IndexError> {
    index
        .writer_with_num_threads(threads, WRITER_MEMORY)
        .map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => {
                IndexError::Locked(dir.map(Path::to_path_buf).unwrap_or_default())
            }
            other => IndexError::Tantivy(other),
        })
}

fn commit(writer: &mut IndexWriter, payload: &str) -> Result<(), IndexError> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(payload);
    prepared.commit()?;
    Ok(())
}

/// Removes Tantivy's files from `dir`, and only those: the folder may hold a README or, if a
/// user pointed `--index` at the wrong place, files that are not ours to delete.
fn wipe(dir: &Path) -> std::io::Result<()> {
    for item in fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name().to_string_lossy().into_owned();
        if is_tantivy_file(&name) && item.file_type()?.is_file() {
            fs::remove_file(item.path())?;
        }
    }
    Ok(())
}

/// Does `dir` hold any of Tantivy's segment files?
fn holds_tantivy_files(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|items| {
        items.flatten().any(|item| {
            let name = item.file_name().to_string_lossy().into_owned();
            is_tantivy_file(&name) && !name.starts_with('.')
        })
    })
}

fn is_tantivy_file(name: &str) -> bool {
    if matches!(name, "meta.json" | ".managed.json") || name.starts_with(".tantivy-") {
        return true;
    }
    // Tantivy writes meta.json through a temporary file (`tempfile`'s `.tmpXXXXXX`) renamed
    // over it; a process killed in between leaves the temporary file behind, one per crash.
    if let Some(random) = name.strip_prefix(".tmp") {
        return random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    // Segment files are named by a 32-hex-digit segment id, with an extension (and a delete
    // opstamp for `.del` files).
    let stem = name.split('.').next().unwrap_or("");
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && name.len() > 33
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tantivy_files_are_wiped() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.12.del",
            ".tmpgErnbk",
        ] {
            assert!(is_tantivy_file(name), "{name}");
        }
        for name in [
            "README.md",
            "notes.txt",
            "0123.idx",
            "0123456789abcdef0123456789abcdef",
            ".tmp",
            ".tmp-notes.txt",
        ] {
            assert!(!is_tantivy_file(name), "{name}");
        }
    }
}
