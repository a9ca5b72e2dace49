//! The facets of a search: the five vocabulary dimensions an entry is filed under, and the
//! status of its call, which is computed per request. Their names in addresses and their titles
//! on the page.

use serde::Serialize;

use crate::handbook::vocabulary::Dimension;
use crate::text::lang::Lang;

/// A facet of the search page: the five vocabulary dimensions and the computed status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Region,
    Municipality,
    Type,
    Source,
    Beneficiary,
    Status,
}

impl Facet {
    pub const ALL: [Facet; 6] = [
        Facet::Status,
        Facet::Region,
        Facet::Municipality,
        Facet::Type,
        Facet::Source,
        Facet::Beneficiary,
    ];

    pub fn name(self) -> &'static str {
        match self.dimension() {
            Some(d) => d.name(),
            None => "status",
        }
    }

    pub fn title(self) -> &'static str {
        match self.dimension() {
            Some(d) => d.title(),
            None => "Stanje razpisa",
        }
    }

    pub fn title_in(self, lang: Lang) -> &'static str {
        match self.dimension() {
            Some(d) => d.title_in(lang),
            None => lang.pick("Stanje razpisa", "Status of the call"),
        }
    }

    pub fn from_name(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Position in `Facet::ALL`, for per-facet arrays.
    pub fn index(self) -> usize {
        match self {
            Facet::Status => 0,
            Facet::Region => 1,
            Facet::Municipality => 2,
            Facet::Type => 3,
            Facet::Source => 4,
            Facet::Beneficiary => 5,
        }
    }

    pub fn dimension(self) -> Option<Dimension> {
        match self {
            Facet::Region => Some(Dimension::Region),
            Facet::Municipality => Some(Dimension::Municipality),
            Facet::Type => Some(Dimension::Type),
            Facet::Source => Some(Dimension::Source),
            Facet::Beneficiary => Some(Dimension::Beneficiary),
            Facet::Status => None,
        }
    }
}
