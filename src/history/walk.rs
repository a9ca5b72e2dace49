//! Reading the handbook's git repository with gix, never by running `git`: finding the
//! repository the handbook folder is in, the commits not yet read (parents before children),
//! and which entry files each commit changed, by comparing the trees of the `measures` folder
//! with its parent's. Subtrees with the same id are the same files, so a commit that touched
//! one entry costs a few tree reads, whatever the size of the handbook.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use gix::ObjectId;

use crate::handbook::folder::{MEASURES_DIR, is_entry_file};

#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// gix's errors are many types; the message is what the logs and the status need.
    #[error("cannot read the git repository: {0}")]
    Git(String),
}

fn git(e: impl std::fmt::Display) -> WalkError {
    WalkError::Git(e.to_string())
}

/// The repository the handbook is in, and where in it the handbook's `measures` folder is.
#[derive(Clone)]
pub struct Repo {
    repo: gix::ThreadSafeRepository,
    /// The path of the `measures` folder inside the repository, one name a component.
    measures: Vec<String>,
    /// The handbook folder, to read the working copy of an entry from.
    pub root: PathBuf,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("measures", &self.measures)
            .field("root", &self.root)
            .finish()
    }
}

/// A commit as history shows it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    pub tree: ObjectId,
    /// When it was committed, in the committer's time zone.
    pub time: DateTime<FixedOffset>,
    /// The author's name: the editor who made the change.
    pub author: String,
    /// The whole message, trimmed.
    pub message: String,
}

/// What one commit did to one entry file. Paths are relative to the `measures` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// The repository the handbook folder is in (it may be the folder's or an ancestor's), or
/// why there is none, in words for the pages.
pub fn discover(root: &Path) -> Result<Repo, String> {
    let repo = gix::discover(root)
        .map_err(|_| "the handbook folder is not in a git repository".to_string())?;
    let Some(workdir) = repo.workdir() else {
        return Err("the git repository has no working copy".into());
    };
    let (workdir, handbook) = match (workdir.canonicalize(), root.canonicalize()) {
        (Ok(w), Ok(h)) => (w, h),
        (Err(e), _) | (_, Err(e)) => return Err(format!("cannot resolve the folders: {e}")),
    };
    let Ok(inside) = handbook.strip_prefix(&workdir) else {
        return Err("the handbook folder is outside the repository's working copy".into());
    };
    let mut measures: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    measures.push(MEASURES_DIR.to_string());
    Ok(Repo {
        repo: repo.into_sync(),
        measures,
        root: root.to_path_buf(),
    })
}

impl Repo {
    /// A handle for one walk over many commits, kept for the whole walk: trees of the
    /// measures folder are read again and again (once as a commit's, once as its child's
    /// parent's), and a cache of decoded objects saves decompressing them twice.
    pub fn walker(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local();
        repo.object_cache_size_if_unset(16 * 1024 * 1024);
        repo
    }

    /// The commit HEAD points to, `None` before the first commit. Reads the refs only: cheap
    /// enough to ask every second.
    pub fn head(&self) -> Result<Option<ObjectId>, WalkError> {
        let repo = self.repo.to_thread_local();
        let mut head = repo.head().map_err(git)?;
        if head.is_unborn() {
            return Ok(None);
        }
        Ok(Some(head.peel_to_commit().map_err(git)?.id))
    }

    /// The commits reachable from `head` and not in `seen`, parents before children, and
    /// the commits of `seen` the walk stopped at. When the head read before is not among the
    /// latter, HEAD moved to another line (a reset, another branch), and history is read
    /// again whole.
    pub fn new_commits(
        &self,
        repo: &gix::Repository,
        head: ObjectId,
        seen: &HashSet<ObjectId>,
    ) -> Result<(Vec<CommitInfo>, HashSet<ObjectId>), WalkError> {
        let mut infos: HashMap<ObjectId, CommitInfo> = HashMap::new();
        let mut out = Vec::new();
        // Depth-first, children pushed back after their parents: a post-order, so every commit
        // comes after its parents without recursion (histories are thousands deep).
        let mut stack: Vec<(ObjectId, bool)> = vec![(head, false)];
        let mut done: HashSet<ObjectId> = HashSet::new();
        let mut reached: HashSet<ObjectId> = HashSet::new();
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                if let Some(info) = infos.remove(&id) {
                    out.push(info);
                }
                continue;
            }
            if seen.contains(&id) {
                reached.insert(id);
                continue;
            }
            if !done.insert(id) {
                continue;
            }
            let info = match self.commit(repo, id) {
                Ok(info) => info,
                // A parent a shallow clone does not have: its child is where history begins.
                Err(_) if id != head && !repo.has_object(id) => continue,
                Err(e) => return Err(e),
            };
            stack.push((id, true));
            for parent in info.parents.iter().rev() {
                if !done.contains(parent) {
                    stack.push((*parent, false));
                }
            }
            infos.insert(id, info);
        }
        Ok((out, reached))
    }

    fn commit(&self, repo: &gix::Repository, id: ObjectId) -> Result<CommitInfo, WalkError> {
        let commit = repo.find_commit(id).map_err(git)?;
        let author = commit
            .author()
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        let time = commit.time().map_err(git)?;
        let offset = FixedOffset::east_opt(time.offset)
            .unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
        let time = DateTime::from_timestamp(time.seconds, 0)
            .unwrap_or_default()
            .with_timezone(&offset);
        Ok(CommitInfo {
            id,
            parents: commit.parent_ids().map(|p| p.detach()).collect(),
            tree: commit.tree_id().map_err(git)?.detach(),
            time,
            author,
            message: String::from_utf8_lossy(commit.message_raw_sloppy())
                .trim()
                .to_string(),
        })
    }

    /// The id of the `measures` tree in a commit's tree, `None` where it has none.
    fn measures_tree(
        &self,
        repo: &gix::Repository,
        tree: ObjectId,
    ) -> Result<Option<ObjectId>, WalkError> {
        let mut id = tree;
        for name in &self.measures {
            let tree = repo.find_tree(id).map_err(git)?;
            let decoded = tree.decode().map_err(git)?;
            match decoded
                .entries
                .iter()
                .find(|e| e.mode.is_tree() && e.filename == name.as_bytes())
            {
                Some(e) => id = e.oid.to_owned(),
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    /// The entry files a commit changed against its first parent (a root commit against
    /// nothing: it adds every file). Merge commits change nothing of their own here: the
    /// commits they bring in are read one by one.
    pub fn changes(
        &self,
        repo: &gix::Repository,
        commit: &CommitInfo,
    ) -> Result<Vec<FileChange>, WalkError> {
        if commit.parents.len() > 1 {
            return Ok(Vec::new());
        }
        let new = self.measures_tree(repo, commit.tree)?;
        let old = match commit.parents.first() {
            // A parent a shallow clone does not have counts as no parent: the commit is where
            // history begins, and publishes what it has.
            Some(parent) if repo.has_object(*parent) => {
                let tree = repo
                    .find_commit(*parent)
                    .map_err(git)?
                    .tree_id()
                    .map_err(git)?;
                self.measures_tree(repo, tree.detach())?
            }
            _ => None,
        };
        let mut out = Vec::new();
        if old != new {
            diff_trees(repo, old, new, "", &mut out)?;
        }
        Ok(out)
    }

    /// The entry file at `path` (relative to `measures`) in a commit: its blob's id.
    pub fn file_at(&self, commit: ObjectId, path: &str) -> Result<Option<ObjectId>, WalkError> {
        let repo = self.repo.to_thread_local();
        let tree = repo
            .find_commit(commit)
            .map_err(git)?
            .tree_id()
            .map_err(git)?;
        let Some(mut id) = self.measures_tree(&repo, tree.detach())? else {
            return Ok(None);
        };
        let names: Vec<&str> = path.split('/').collect();
        for (i, name) in names.iter().enumerate() {
            let tree = repo.find_tree(id).map_err(git)?;
            let decoded = tree.decode().map_err(git)?;
            let last = i + 1 == names.len();
            match decoded.entries.iter().find(|e| {
                e.filename == name.as_bytes()
                    && if last {
                        e.mode.is_blob()
                    } else {
                        e.mode.is_tree()
                    }
            }) {
                Some(e) => id = e.oid.to_owned(),
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    /// The bytes of a blob.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, WalkError> {
        blob(&self.repo.to_thread_local(), id)
    }

    /// The working copy of an entry file (relative to `measures`), `None` if it is not there.
    pub fn working_file(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(MEASURES_DIR).join(path)).ok()
    }
}

/// The bytes of a blob.
pub fn blob(repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, WalkError> {
    Ok(repo.find_blob(id).map_err(git)?.take_data())
}

/// A tree's files and folders by name (symlinks and submodules are no entries).
fn entries(
    repo: &gix::Repository,
    tree: Option<ObjectId>,
) -> Result<BTreeMap<String, (bool, ObjectId)>, WalkError> {
    let Some(tree) = tree else {
        return Ok(BTreeMap::new());
    };
    let tree = repo.find_tree(tree).map_err(git)?;
    let decoded = tree.decode().map_err(git)?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_tree() || e.mode.is_blob())
        .filter_map(|e| {
            let name = std::str::from_utf8(e.filename).ok()?;
            Some((name.to_string(), (e.mode.is_tree(), e.oid.to_owned())))
        })
        .collect())
}

/// The entry files that differ between two trees (either may be absent), descending only
/// into folders whose ids differ.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    dir: &str,
    out: &mut Vec<FileChange>,
) -> Result<(), WalkError> {
    let (old, new) = (entries(repo, old)?, entries(repo, new)?);
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let path = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        let (o, n) = (old.get(name), new.get(name));
        if o == n {
            continue;
        }
        let tree = |side: Option<&(bool, ObjectId)>| side.filter(|(t, _)| *t).map(|(_, id)| *id);
        let blob = |side: Option<&(bool, ObjectId)>| side.filter(|(t, _)| !*t).map(|(_, id)| *id);
        if tree(o).is_some() || tree(n).is_some() {
            diff_trees(repo, tree(o), tree(n), &path, out)?;
        }
        let (ob, nb) = (blob(o), blob(n));
        if ob != nb && is_entry_file(Path::new(name)) {
            out.push(FileChange {
                path,
                old: ob,
                new: nb,
            });
        }
    }
    Ok(())
}
