//! The handbook as files: the folder (`folder`: finding, reading and resolving the entry files),
//! one entry and its checks (`entry`), the vocabulary, span-aware TOML reading, the diagnostics
//! an editor sees, the editors' synonyms and best bets (`synonyms`), and the cache of what was
//! read, kept beside the index (`cache`).

pub mod cache;
pub mod check;
pub mod diagnostic;
pub(crate) mod digest;
pub mod entry;
pub(crate) mod file;
pub mod folder;
pub mod id;
pub(crate) mod serde_text;
pub mod synonyms;
pub(crate) mod toml_reader;
pub mod vocabulary;

pub use entry::{Entry, Status};
pub use file::FileState;
pub use folder::{Handbook, LoadError, Resolved};
pub use vocabulary::Vocabulary;
