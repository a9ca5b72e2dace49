//! Ids and keys: an entry's id is its file name and its permanent address (`/measures/{id}`),
//! and vocabulary keys, aliases and series keys follow the same rule. Apart from entries and the
//! vocabulary because both check it.

use crate::text::analysis;

/// An id is the file stem: lowercase ascii letters, digits and single hyphens, not at either end.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// Suggests a valid id for an invalid one: "Kranj_Najem 2020" → `kranj-najem-2020`.
pub fn suggest_id(id: &str) -> String {
    analysis::slug(&id.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_file_name_rule() {
        for good in ["a", "kranj-2020", "p2"] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in ["", "A", "a--b", "-a", "a-", "a_b", "č", "a b", "../x"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
        assert_eq!(suggest_id("Kranj_Najem 2020"), "kranj-najem-2020");
    }
}
