//! The two languages of the interface. Slovenian is the handbook's own language and the
//! default; English (`?lang=en`) is for foreign investors and EU partners. The language only
//! chooses what is shown (labels, the interface's words, an entry's `title_en`/`summary_en`
//! where it has them); search always looks at both languages' text.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Sl, Lang::En];

    /// The value of `?lang=` and of `<html lang>`.
    pub fn key(self) -> &'static str {
        match self {
            Lang::Sl => "sl",
            Lang::En => "en",
        }
    }

    pub fn from_key(key: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.key() == key)
    }

    /// The language's name in itself, for the switch that offers it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Sl => "Slovenščina",
            Lang::En => "English",
        }
    }

    /// The other language, which the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Sl => Lang::En,
            Lang::En => Lang::Sl,
        }
    }

    /// Picks the text for this language: `pick("Iskanje", "Search")`.
    pub fn pick<T>(self, sl: T, en: T) -> T {
        match self {
            Lang::Sl => sl,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_keys_are_not_languages() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_key(l.key()), Some(l));
        }
        assert_eq!(Lang::from_key("de"), None);
        assert_eq!(Lang::default(), Lang::Sl);
        assert_eq!(Lang::Sl.other(), Lang::En);
    }
}
