//! The handbook as last read, saved beside the index (`index/handbook.cache`) so that a start
//! need not parse every entry file again: parsing and checking thousands of TOML files is most
//! of what a start costs. It is only an accelerator. An entry is taken from it only when its
//! file's size, inode and modification and change times are what they were when it was read,
//! under the same program, vocabulary and day (warnings such as `stale` depend on the day);
//! every other file is read from disk. A missing, old or damaged cache costs a full read, never
//! a wrong answer, and the files stay the only source of truth.
//!
//! It is also the memory of each file's last good version across restarts: a file saved broken
//! keeps serving its last valid content while the server runs, and the cache holds that content
//! (whatever the day or vocabulary), so a start with the file still broken serves it too. The
//! vocabulary is kept as well, for a start whose `vocabulary.toml` is broken.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::handbook::diagnostic::{Diagnostic, StoredDiagnostic, Texts};
use crate::handbook::digest::Digest;
use crate::handbook::entry::Entry;
use crate::handbook::file::{FileState, Stamp};
use crate::handbook::vocabulary::Vocabulary;

pub const CACHE_FILE: &str = "handbook.cache";
/// Bumped whenever what is stored changes shape or meaning.
const FORMAT: u32 = 8;
/// The files are stored in this many parts, each encoded alone, so that a start decodes them
/// on every core (decoding is most of what a start from the cache costs), and reads each part
/// only when it decodes it: over 100,000 entries the file is about 120 MB, and reading it
/// whole first held it all beside the entries being decoded from it.
const PARTS: usize = 16;
/// The header and the table of parts are read in one piece of at most this size.
const HEAD_BYTES: u64 = 64 * 1024;
/// Borrowed when saved: copying every entry to save it cost, at 100,000 entries, 150 MB of
/// short-lived allocations, and memory freed by a thread that then ends may not be given back.
#[derive(Serialize, Deserialize)]
struct CachedFile<'a> {
    #[serde(borrow, deserialize_with = "crate::handbook::serde_text::cow")]
    path: Cow<'a, str>,
    /// `None` for a file read too soon after it was saved: kept all the same, and read again.
    stamp: Option<Stamp>,
    entry: Cow<'a, Entry>,
    /// Whether `entry` is the file's content, or the last good version of a file that is
    /// broken now (served, never taken as current).
    current: bool,
    digest: u64,
    #[serde(borrow, deserialize_with = "crate::handbook::serde_text::cow")]
    sort_key: Cow<'a, str>,
    /// About this file (`path`); their texts borrowed from the cache's bytes, to be shared.
    #[serde(borrow)]
    warnings: Vec<StoredDiagnostic<'a>>,
}

/// What is checked before the rest is decoded: another version's layout may differ after it.
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    program: String,
}

/// After the header: what the entries were checked against, and the length of each part. The
/// parts follow, one after another, each a `Vec<CachedFile>` encoded alone.
#[derive(Serialize, Deserialize)]
struct Table {
    vocabulary: u64,
    /// The vocabulary itself, as JSON (its optional fields are left out when written, which
    /// a format without field names could not read back).
    vocabulary_json: String,
    day: NaiveDate,
    lengths: Vec<u64>,
}

/// Why a cache could not be read; reported in the log, and the files are read instead.
#[derive(Debug, thiserror::Error)]
enum Unreadable {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Decode(#[from] postcard::Error),
    #[error("its table of parts does not match its length")]
    BadTable,
}

/// One file as the cache holds it: its stamp, its entry, whether that is the file's current
/// content, and the warnings about it.
type Cached = (Option<Stamp>, Arc<Entry>, bool, Vec<Arc<Diagnostic>>);
type Decoded = Vec<(PathBuf, Cached)>;
/// Where a part is in the file: its offset and length.
type Place = (u64, u64);

/// Fills `bytes` from `file` at `offset`, without moving a cursor: the parts are read side by
/// side from one handle, so from one version of the file whatever happens to its path.
fn read_at(file: &fs::File, offset: u64, bytes: &mut [u8]) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(bytes, offset)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < bytes.len() {
            match file.seek_read(&mut bytes[done..], offset + done as u64) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
    // Elsewhere the cache is not read; it only speeds a start up.
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, offset, bytes);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// Reads and decodes the parts at `places` in `file`, on every core, each part read only when
/// its turn comes and dropped once decoded.
fn decode_parts(file: &fs::File, places: &[Place]) -> Result<Decoded, Unreadable> {
    let decode = |&(offset, length): &Place| -> Result<Decoded, Unreadable> {
        let mut bytes = vec![0; usize::try_from(length).map_err(|_| Unreadable::BadTable)?];
        read_at(file, offset, &mut bytes)?;
        let files: Vec<CachedFile<'_>> = postcard::from_bytes(&bytes)?;
        let mut texts = Texts::default();
        Ok(files
            .into_iter()
            .map(|f| {
                let mut entry = f.entry.into_owned();
                entry.set_derived(f.digest, f.sort_key.into_owned());
                let path = PathBuf::from(&*f.path);
                let warnings = f
                    .warnings
                    .iter()
                    .map(|d| Arc::new(d.restore(&path, &mut texts)))
                    .collect();
                (path, (f.stamp, Arc::new(entry), f.current, warnings))
            })
            .collect())
    };
    crate::parallel::map(places, decode)
        .into_iter()
        .try_fold(Vec::new(), |mut all, part| {
            all.extend(part?);
            Ok(all)
        })
}

/// The table at the start of the cache in `file`, and where each part is (offset, length);
/// `None` if another version of the program wrote it.
fn read_table(file: &fs::File) -> Result<Option<(Table, Vec<Place>)>, Unreadable> {
    let size = file.metadata()?.len();
    let mut head = vec![0; usize::try_from(size.min(HEAD_BYTES)).unwrap_or(0)];
    read_at(file, 0, &mut head)?;
    let (header, rest) = postcard::take_from_bytes::<Header>(&head)?;
    if header.format != FORMAT || header.program != program() {
        // Another version's table may have another layout: not decoded.
        return Ok(None);
    }
    let (table, rest) = postcard::take_from_bytes::<Table>(rest)?;
    let mut at = (head.len() - rest.len()) as u64;
    let mut places = Vec::with_capacity(table.lengths.len());
    for length in &table.lengths {
        places.push((at, *length));
        at = at.checked_add(*length).ok_or(Unreadable::BadTable)?;
    }
    // Checked before anything is allocated for the parts: a damaged length could be huge.
    if at != size {
        return Err(Unreadable::BadTable);
    }
    Ok(Some((table, places)))
}

/// Valid entries from the cache, by path, ready to be checked against their files' stamps.
#[derive(Default)]
pub struct Cache {
    /// In path order, as saved from the handbook's map: looked up by binary search, and
    /// turned into that map again without sorting.
    files: Decoded,
    /// The vocabulary the entries were checked against, as `vocabulary_key` gives it.
    vocabulary: u64,
    vocabulary_json: String,
    /// Whether the entries were checked on the day the cache was loaded for: warnings such as
    /// `stale` depend on the day, so only then may they be taken as current.
    same_day: bool,
}

/// What the cache must agree with to be used at all.
fn program() -> String {
    format!(
        "{} {} schema {} analysis {}",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        crate::index::schema::SCHEMA_VERSION,
        crate::text::analysis::ANALYZER_VERSION
    )
}

/// The vocabulary as parsed, not the file's bytes: the entries were checked against what was
/// parsed, and the file may have changed since (a broken edit keeps the old vocabulary in use).
fn vocabulary_key(vocabulary: &Vocabulary) -> u64 {
    let mut d = Digest::default();
    d.eat(format!("{vocabulary:?}").as_bytes());
    d.value()
}

impl Cache {
    /// The cache in `index_dir`, if it was written by this program on this day; otherwise an
    /// empty one (and the reason, for the log). The vocabulary is checked once the handbook's
    /// own has been read (`fits`).
    pub fn load(index_dir: &Path, today: NaiveDate) -> (Cache, Option<String>) {
        let Ok(file) = fs::File::open(index_dir.join(CACHE_FILE)) else {
            return (
                Cache::default(),
                Some("no cache of the handbook yet".into()),
            );
        };
        let unreadable = |e: Unreadable| {
            (
                Cache::default(),
                Some(format!("the cache is unreadable ({e})")),
            )
        };
        let (table, places) = match read_table(&file) {
            Ok(Some(t)) => t,
            Ok(None) => {
                return (
                    Cache::default(),
                    Some("the cache was written by another version".into()),
                );
            }
            Err(e) => return unreadable(e),
        };
        let same_day = table.day == today;
        match decode_parts(&file, &places) {
            Ok(files) => {
                // In path order as saved (from the handbook's map), so not sorted again: a
                // comparison of paths is slow, and the map they go back into sorts them anyway.
                // A cache damaged yet decodable out of order would only make lookups miss,
                // and those files would be read from disk.
                let cache = Cache {
                    files,
                    vocabulary: table.vocabulary,
                    vocabulary_json: table.vocabulary_json,
                    same_day,
                };
                let why = (!same_day).then(|| {
                    "the cache was written on another day; only last good versions are taken from it".into()
                });
                (cache, why)
            }
            Err(e) => unreadable(e),
        }
    }

    /// May the cached entries be taken as the files' current content? Only if they were
    /// checked against `vocabulary`, on the day the cache was loaded for.
    pub fn fits(&self, vocabulary: &Vocabulary) -> bool {
        self.same_day && !self.files.is_empty() && self.vocabulary == vocabulary_key(vocabulary)
    }

    /// The file's state from the cache, if the file is as it was when it was cached (and the
    /// cache `fits`, which the caller checks once for all files).
    pub fn state(&self, path: &Path, stamp: Option<Stamp>) -> Option<FileState> {
        let stamp = stamp?;
        let (cached, entry, current, warnings) = self.get(path)?;
        (*current && *cached == Some(stamp)).then(|| FileState {
            current: Ok(entry.clone()),
            last_good: None,
            warnings: warnings.clone(),
            stamp: Some(stamp),
        })
    }

    /// The last good version of the file at `path` as last served, whatever the day or
    /// vocabulary: for a file that is broken (or out of reach) now.
    pub fn last_good(&self, path: &Path) -> Option<&Arc<Entry>> {
        self.get(path).map(|(_, entry, _, _)| entry)
    }

    /// The paths the cache knows, in path order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(p, _)| p.as_path())
    }

    /// The vocabulary the cached entries were checked against, for a start whose own is
    /// broken: it is the last good one.
    pub fn vocabulary(&self) -> Option<Vocabulary> {
        // An empty cache has no text, which is not JSON.
        serde_json::from_str(&self.vocabulary_json).ok()
    }

    /// Every cached file's state, as if each file had been found unchanged: for a start that
    /// serves first and checks the files after (which reads the files without a stamp again;
    /// a broken file's last good version has none).
    pub fn into_states(self) -> BTreeMap<PathBuf, FileState> {
        self.files
            .into_iter()
            .map(|(path, (stamp, entry, _, warnings))| {
                let state = FileState {
                    current: Ok(entry),
                    last_good: None,
                    warnings,
                    stamp,
                };
                (path, state)
            })
            .collect()
    }

    /// How many of `files` (a handbook's, as read) were taken from this cache.
    pub fn hits(&self, files: &BTreeMap<PathBuf, FileState>) -> usize {
        files
            .iter()
            .filter(|(path, state)| {
                self.get(path).is_some_and(|(stamp, entry, _, _)| {
                    stamp.is_some()
                        && *stamp == state.stamp
                        && state.current.as_ref().is_ok_and(|e| Arc::ptr_eq(e, entry))
                })
            })
            .count()
    }

    fn get(&self, path: &Path) -> Option<&Cached> {
        let at = self
            .files
            .binary_search_by(|(p, _)| p.as_path().cmp(path))
            .ok()?;
        Some(&self.files[at].1)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Saves the served version of every file of a handbook with its stamp, atomically (a temporary file renamed
/// over the old one), so a crash while writing leaves the old cache or none, never half of one.
/// The day and vocabulary recorded are those the files were checked on and against.
///
/// A file read too soon after a save to be trusted is kept too, without a stamp: a start that
/// serves first then serves it as the index holds it, and reads it again when it checks the
/// files. Left out, it was missing from what such a start served until the check, and the
/// index, which holds it, no longer matched the handbook served and was built again whole.
pub fn save(
    index_dir: &Path,
    files: &BTreeMap<PathBuf, FileState>,
    vocabulary: &Vocabulary,
    checked_on: NaiveDate,
) -> std::io::Result<usize> {
    let files: Vec<CachedFile> = files
        .iter()
        .filter_map(|(path, state)| {
            let entry = state.serving()?;
            let current = state.current.is_ok();
            // Warnings are kept without their file, which is the one they are kept with; one
            // about another file (there are none today) would be lost, so that file is not kept.
            if state.warnings.iter().any(|d| *d.file != **path) {
                return None;
            }
            Some(CachedFile {
                path: Cow::Borrowed(path.to_str()?),
                // A broken file's stamp is that of its broken content.
                stamp: state.stamp.filter(|_| current),
                entry: Cow::Borrowed(&**entry),
                current,
                digest: entry.digest,
                sort_key: Cow::Borrowed(&entry.sort_key),
                warnings: state
                    .warnings
                    .iter()
                    .map(|d| StoredDiagnostic::from(&**d))
                    .collect(),
            })
        })
        .collect();
    let count = files.len();
    let parts = files
        .chunks(count.div_ceil(PARTS).max(1))
        .map(postcard::to_stdvec)
        .collect::<Result<Vec<_>, _>>()
        .map_err(std::io::Error::other)?;
    let header = Header {
        format: FORMAT,
        program: program(),
    };
    let table = Table {
        vocabulary: vocabulary_key(vocabulary),
        vocabulary_json: serde_json::to_string(vocabulary).map_err(std::io::Error::other)?,
        day: checked_on,
        lengths: parts.iter().map(|p| p.len() as u64).collect(),
    };
    let tmp = index_dir.join(format!("{CACHE_FILE}.tmp"));
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(&postcard::to_stdvec(&header).map_err(std::io::Error::other)?)?;
        f.write_all(&postcard::to_stdvec(&table).map_err(std::io::Error::other)?)?;
        for part in &parts {
            f.write_all(part)?;
        }
        f.sync_all()?;
    }
    fs::rename(&tmp, index_dir.join(CACHE_FILE))?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::handbook::folder::Handbook;

    const VOCABULARY: &str = "[municipality.kranj]\nlabel = \"Kranj\"\nregion = \"Gorenjska\"\n[type.vavcer]\nlabel = \"Vavčer\"\n[source.obcina]\nlabel = \"Občina\"\n";

    fn entry(title: &str) -> String {
        format!(
            "title = \"{title}\"\nsummary = \"Opis.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcina\"]\nprovider = \"MO Kranj\"\nupdated = 2020-01-01\nbody = \"## Pogoji\\n- **mestno** jedro\"\n"
        )
    }

    fn set_modified(path: &Path, time: SystemTime) {
        let file = fs::File::options().write(true).open(path).unwrap();
        file.set_modified(time).unwrap();
    }

    /// Files written a moment ago are racy, cached without a stamp and never taken from the
    /// cache as they are; these are an hour old.
    fn write_old(path: &Path, content: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
        set_modified(path, SystemTime::now() - Duration::from_secs(3600));
    }

    /// An index folder holding the cache of `hb` as read now.
    fn cached(hb: &tempfile::TempDir) -> tempfile::TempDir {
        let index = tempfile::tempdir().unwrap();
        let fresh = Handbook::load(hb.path(), today()).unwrap();
        fresh.save_cache(index.path()).unwrap();
        index
    }

    fn handbook(n: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("vocabulary.toml"), VOCABULARY).unwrap();
        for i in 0..n {
            write_old(
                &dir.path().join(format!("measures/kranj/ukrep-{i}.toml")),
                &entry(&format!("Ukrep {i}")),
            );
        }
        dir
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 15).unwrap()
    }

    #[test]
    fn unchanged_files_come_from_the_cache_exactly_as_read_from_disk() {
        let hb = handbook(5);
        let index = tempfile::tempdir().unwrap();
        let fresh = Handbook::load(hb.path(), today()).unwrap();
        assert_eq!(fresh.save_cache(index.path()).unwrap(), 5);

        let (cache, why) = Cache::load(index.path(), today());
        assert_eq!(why, None);
        let cached = Handbook::load_cached(hb.path(), today(), &cache).unwrap();
        assert_eq!(cache.hits(&cached.files), 5);
        for (path, state) in &fresh.files {
            let from_cache = &cached.files[path];
            let (a, b) = (
                state.current.as_ref().unwrap(),
                from_cache.current.as_ref().unwrap(),
            );
            assert_eq!(a, b, "{}", path.display());
            assert_eq!(a.body_text(), b.body_text());
            assert_eq!(a.digest, b.digest);
            // Not checked since 2020: the `stale` warning comes back from the cache too.
            assert!(!state.warnings.is_empty());
            assert_eq!(state.warnings, from_cache.warnings);
        }
    }

    #[test]
    fn a_file_changed_since_keeps_its_size_and_time_and_is_read_again_all_the_same() {
        let hb = handbook(3);
        let index = cached(&hb);
        // Same length, same modification time, written in place: only the change time (and
        // the content) differ.
        let path = hb.path().join("measures/kranj/ukrep-1.toml");
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        // Past the file system clock's tick (a few ms), as any real edit after a start is.
        std::thread::sleep(Duration::from_millis(20));
        fs::write(&path, entry("Ukrep X")).unwrap();
        set_modified(&path, before);

        let (cache, _) = Cache::load(index.path(), today());
        let cached = Handbook::load_cached(hb.path(), today(), &cache).unwrap();
        assert_eq!(cache.hits(&cached.files), 2);
        assert_eq!(
            cached.files[&path].current.as_ref().unwrap().title,
            "Ukrep X"
        );
    }

    #[test]
    fn a_file_saved_a_moment_ago_is_kept_without_a_stamp_and_read_again() {
        let hb = handbook(2);
        let just_saved = hb.path().join("measures/kranj/ukrep-0.toml");
        fs::write(&just_saved, entry("Nov")).unwrap();
        let index = tempfile::tempdir().unwrap();
        let fresh = Handbook::load(hb.path(), today()).unwrap();
        assert_eq!(fresh.save_cache(index.path()).unwrap(), 2);
        // Changed since, and old enough now to have a stamp: a start that checks first reads
        // it from disk, and one that serves first serves it as cached, with no stamp, so that
        // its check reads it again.
        write_old(&just_saved, &entry("Novejši"));
        let (cache, _) = Cache::load(index.path(), today());
        let checked = Handbook::load_cached(hb.path(), today(), &cache).unwrap();
        assert_eq!(cache.hits(&checked.files), 1);
        let title = |h: &Handbook| h.files[&just_saved].current.as_ref().unwrap().title.clone();
        assert_eq!(title(&checked), "Novejši");
        let (mut trusting, unverified) =
            Handbook::load_trusting(hb.path(), today(), cache).unwrap();
        assert!(unverified);
        assert_eq!(trusting.files.len(), 2);
        assert_eq!(trusting.files[&just_saved].stamp, None);
        assert_eq!(title(&trusting), "Nov");
        trusting.refresh(&just_saved, today());
        assert_eq!(title(&trusting), "Novejši");
        assert!(trusting.files[&just_saved].stamp.is_some());
    }

    #[test]
    fn a_cache_of_another_day_vocabulary_or_a_damaged_one_is_not_used() {
        let hb = handbook(2);
        let index = cached(&hb);

        let tomorrow = today().succ_opt().unwrap();
        let (cache, why) = Cache::load(index.path(), tomorrow);
        assert!(why.unwrap().contains("another day"));
        let next_day = Handbook::load_cached(hb.path(), tomorrow, &cache).unwrap();
        assert_eq!(cache.hits(&next_day.files), 0);
        assert_eq!(next_day.files.len(), 2);

        // Under the same vocabulary the cache serves both files; under another, none.
        let (cache, why) = Cache::load(index.path(), today());
        assert_eq!(why, None);
        let same = Handbook::load_cached(hb.path(), today(), &cache).unwrap();
        assert_eq!(cache.hits(&same.files), 2);
        fs::write(
            hb.path().join("vocabulary.toml"),
            format!("{VOCABULARY}[beneficiary.vsi]\nlabel = \"Vsi\"\n"),
        )
        .unwrap();
        let other = Handbook::load_cached(hb.path(), today(), &cache).unwrap();
        assert_eq!(cache.hits(&other.files), 0);
        assert_eq!(other.files.len(), 2);

        let file = index.path().join(CACHE_FILE);
        let bytes = fs::read(&file).unwrap();
        fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        let (cache, why) = Cache::load(index.path(), today());
        assert!(cache.is_empty());
        assert!(why.is_some());
    }

    #[test]
    fn a_table_of_parts_that_does_not_fill_the_file_exactly_is_refused_before_they_are_read() {
        let index = tempfile::tempdir().unwrap();
        let header = Header {
            format: FORMAT,
            program: program(),
        };
        for lengths in [vec![1 << 40], vec![u64::MAX, 2], vec![10, 10], vec![5, 5]] {
            let table = Table {
                vocabulary: 1,
                vocabulary_json: String::new(),
                day: today(),
                lengths,
            };
            let mut bytes = postcard::to_stdvec(&header).unwrap();
            bytes.extend(postcard::to_stdvec(&table).unwrap());
            bytes.extend([0; 12]);
            fs::write(index.path().join(CACHE_FILE), &bytes).unwrap();
            let (cache, why) = Cache::load(index.path(), today());
            assert!(cache.is_empty());
            assert!(
                why.unwrap().contains("does not match its length"),
                "{:?}",
                table.lengths
            );
        }
    }
}
