//! Dates and amounts as readers of each language write them, for pages, citations, feeds and
//! exports alike.

use chrono::NaiveDate;

use crate::text::lang::Lang;

/// 18300 → "18.300 EUR", as Slovenian texts write amounts.
pub fn eur(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} EUR", if amount < 0 { "-" } else { "" })
}

/// 2019-04-16 → "16. 4. 2019".
pub fn date(d: NaiveDate) -> String {
    d.format("%-d. %-m. %Y").to_string()
}

/// A date as a reader of `lang` writes it: "16. 4. 2019" or "16 April 2019".
pub fn date_in(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Sl => date(d),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

/// A moment as a reader of `lang` writes it: "3. 4. 2026 ob 14:05" or "3 April 2026, 14:05".
pub fn date_time_in(d: &chrono::DateTime<chrono::FixedOffset>, lang: Lang) -> String {
    match lang {
        Lang::Sl => d.format("%-d. %-m. %Y ob %H:%M").to_string(),
        Lang::En => d.format("%-d %B %Y, %H:%M").to_string(),
    }
}

/// An amount as a reader of `lang` writes it: "18.300 EUR" or "EUR 18,300".
pub fn eur_in(amount: i64, lang: Lang) -> String {
    match lang {
        Lang::Sl => eur(amount),
        Lang::En => format!(
            "EUR {}",
            eur(amount).trim_end_matches(" EUR").replace('.', ",")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_use_slovenian_thousands_separators() {
        assert_eq!(eur(18300), "18.300 EUR");
        assert_eq!(eur(500), "500 EUR");
        assert_eq!(eur(1_200_000), "1.200.000 EUR");
    }

    #[test]
    fn dates_are_written_the_slovenian_way() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2019, 4, 16).unwrap()),
            "16. 4. 2019"
        );
    }
}
