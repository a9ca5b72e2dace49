//! The live handbook: the catalog (the files as last read, the index that mirrors them and the
//! snapshot searches see) and the watcher that turns saved files into changes for it.

pub mod catalog;
pub mod health;
pub mod watch;

pub use catalog::Catalog;
