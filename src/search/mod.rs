//! Searching one consistent snapshot of the handbook: what was asked (`request`), the facets,
//! the query a text becomes (`query`, with `bonus` adding one per matched clause), the
//! matches kept for the searches that follow (`matches`), the rows a search walks (`records`),
//! the snapshot and its match loop (`snapshot`), the calls of a recurring measure
//! ranked together in a question (`series`), the types of measure a question is about
//! (`topics`), the index's counts one search reads (`statistics`), the passage shown under a
//! hit (`snippet`), and a search's query string read and written (`params`), for the pages
//! and the alerts alike.

pub(crate) mod bonus;
mod collect;
pub mod facet;
pub(crate) mod matches;
pub mod params;
pub mod places;
pub mod query;
pub(crate) mod records;
pub mod request;
mod series;
pub mod snapshot;
pub mod snippet;
mod statistics;
mod topics;

pub use facet::Facet;
pub use request::{DEFAULT_PER_PAGE, FacetValue, Hit, MAX_PER_PAGE, Results, SearchQuery, Sort};
pub use snapshot::{Lookup, Reuse, Snapshot};
