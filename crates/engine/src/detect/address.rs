//! `nl-postcode-address`: a Dutch address: a street name with a street-type ending (`…straat`,
//! `…laan`, `…weg`, `…singel`, …) and a house number 1–9999 with optional letter or addition,
//! optionally followed by a postcode and town (one word, or `'s-Hertogenbosch`, `'t Zandt`); or
//! a postcode (`9401 AB`, `9401AB`: four digits not starting with 0, two letters other than SA,
//! SD, SS) followed by a house number. A number followed by a unit (`de snelweg 5 km`) is not a
//! house number; a postcode on its own is not an address.

pub(crate) const PATTERN: &str = concat!(
    r"(?i)\b[^\W\d_][\w'-]*?(?:straat|laan|weg|plein|gracht|kade|singel|dijk|hof|steeg|pad|dreef|park|markt|ring|baan|wal|veld|erf|dam|brink|hoven|plantsoen|boulevard|allee|kanaal|wijk|akker|haven|poort)",
    r"\s+\d{1,4}(?:\s?[a-z]\b|-\d{1,3}\b)?(?:,?\s+[1-9]\d{3}\s?[a-z]{2}\b(?:\s+(?:['’][st][ -])?[^\W\d_][\w-]+)?)?",
    r"|\b[1-9]\d{3}\s?[a-z]{2}\s+\d{1,4}\b",
);

const UNITS: &[&str] = &[
    "km",
    "m",
    "meter",
    "kilometer",
    "min",
    "minuten",
    "minuut",
    "uur",
    "keer",
    "jaar",
    "jaren",
    "euro",
    "procent",
    "%",
    "dagen",
    "dag",
    "weken",
    "maanden",
    "seconden",
    "kg",
    "x",
];

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = &text[start..end];
    let next_word: String = text[end..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '%')
        .collect::<String>()
        .to_lowercase();
    if !candidate.contains(',') && UNITS.contains(&next_word.as_str()) {
        return None;
    }
    // A postcode's letters may not be SA, SD or SS (never issued): "9401SS" or "9401 SS".
    let words: Vec<String> = candidate
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let four_digits = |w: &[u8]| w.len() >= 4 && w[..4].iter().all(u8::is_ascii_digit);
    let unissued = |w: &[u8]| matches!(w, b"SA" | b"SD" | b"SS");
    for (i, w) in words.iter().enumerate() {
        let w = w.as_bytes();
        let glued = w.len() == 6 && four_digits(w) && unissued(&w[4..]);
        let spaced = w.len() == 4
            && four_digits(w)
            && words.get(i + 1).is_some_and(|n| unissued(n.as_bytes()));
        if glued || spaced {
            return None;
        }
    }
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::NlPostcodeAddress;

    #[test]
    fn addresses() {
        assert_eq!(
            found(
                NlPostcodeAddress,
                "ik woon op de Kerkstraat 12, 9401 AB Assen"
            ),
            ["Kerkstraat 12, 9401 AB Assen"]
        );
        assert_eq!(
            found(NlPostcodeAddress, "adres: Burgemeester Jansenlaan 3a"),
            ["Jansenlaan 3a"]
        );
        assert_eq!(
            found(NlPostcodeAddress, "postcode 1234 AB 56"),
            ["1234 AB 56"]
        );
        assert_eq!(
            found(NlPostcodeAddress, "Noordersingel 33"),
            ["Noordersingel 33"]
        );
        assert_eq!(
            found(
                NlPostcodeAddress,
                "Markt 1, Stadhuisplein 1, 5211 JK 's-Hertogenbosch."
            ),
            ["Stadhuisplein 1, 5211 JK 's-Hertogenbosch"]
        );
    }

    #[test]
    fn not_addresses() {
        assert!(found(NlPostcodeAddress, "de snelweg 5 km verder").is_empty());
        assert!(found(NlPostcodeAddress, "straat 5").is_empty());
        assert!(found(NlPostcodeAddress, "postcode 1234 SS 5").is_empty());
        assert!(found(NlPostcodeAddress, "in 2024 ging ik 3 keer").is_empty());
    }
}
