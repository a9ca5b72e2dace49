//! One entry file as the handbook last read it: its checked content, the last good version kept
//! while it is broken, its warnings, and its stamp (what tells one version of the file from the
//! next without reading it), which the cache of the handbook is keyed on.

use std::fs;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::entry::Entry;

/// A file changed within this long before it was read may change again within the same tick of
/// the file system's clock, leaving the same stamp on other content ("racy" stamps, as git calls
/// them); such a file gets no stamp, so it is read again at the next start rather than trusted.
const RACY: Duration = Duration::from_secs(2);

/// What identifies one version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    modified_ns: u128,
    changed_ns: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file about to be read, or `None` if it changed too recently to be
    /// told apart from its next version.
    pub fn of(meta: &fs::Metadata) -> Option<Stamp> {
        let modified = meta.modified().ok()?;
        if modified + RACY >= SystemTime::now() {
            return None;
        }
        let modified_ns = modified.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (0, 0);
        Some(Stamp {
            len: meta.len(),
            modified_ns,
            changed_ns,
            inode,
        })
    }
}

/// One entry file as last read.
#[derive(Debug, Clone)]
pub struct FileState {
    /// The file's current content, checked: the entry, or why it cannot be used.
    pub current: Result<Arc<Entry>, Vec<Diagnostic>>,
    /// The last version of this file that was valid, kept searchable while the file is broken.
    pub last_good: Option<Arc<Entry>>,
    /// Things worth an editor's look that do not keep the entry out of search. Shared with
    /// every snapshot's list of problems rather than copied into it: a handbook of generated
    /// or long-unchecked entries has a few warnings for each.
    pub warnings: Vec<Arc<Diagnostic>>,
    /// The file as it was when `current` was read, for the handbook cache; `None` when it had
    /// just changed and might change again unseen.
    pub stamp: Option<Stamp>,
}

impl FileState {
    /// The version to serve: the current one if valid, else the last good one.
    pub fn serving(&self) -> Option<&Arc<Entry>> {
        self.current.as_ref().ok().or(self.last_good.as_ref())
    }
}
