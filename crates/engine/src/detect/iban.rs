//! `iban`: an International Bank Account Number: two letters (a country with a known IBAN
//! length), two check digits, then the account, written solid or in groups separated by single
//! spaces. It must have exactly its country's length and pass ISO 13616 mod-97 (the remainder of
//! the rearranged number is 1).

pub(crate) const PATTERN: &str = r"(?i)\b[a-z]{2}\d{2}(?: ?[a-z0-9]){10,30}\b";

/// IBAN lengths of the countries civil servants in NL and BE meet most, plus SEPA neighbours.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("TR", 26),
    ("UA", 29),
];

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = &text[start..end];
    let country = candidate.get(..2)?.to_ascii_uppercase();
    let &(_, length) = LENGTHS.iter().find(|(c, _)| *c == country)?;
    // The candidate may run on into the next word ("NL91 ABNA 0417 1643 00 en"); take exactly
    // `length` characters and require that the IBAN ends at a word edge there.
    let mut compact = String::with_capacity(length);
    let mut cut = None;
    for (at, c) in candidate.char_indices() {
        if c == ' ' {
            continue;
        }
        compact.push(c.to_ascii_uppercase());
        if compact.len() == length {
            cut = Some(start + at + c.len_utf8());
            break;
        }
    }
    let cut = cut?;
    if text[cut..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    // The national part of NL and BE IBANs has a fixed shape; checking it avoids accepting a
    // random string that happens to pass mod-97.
    let bban = &compact[4..];
    let shaped = match country.as_str() {
        "NL" => {
            bban[..4].chars().all(|c| c.is_ascii_alphabetic())
                && bban[4..].chars().all(|c| c.is_ascii_digit())
        }
        "BE" | "DE" => bban.chars().all(|c| c.is_ascii_digit()),
        _ => true,
    };
    (shaped && mod97(&compact) == Some(1)).then_some((start, cut))
}

/// ISO 13616: move the first four characters to the end, letters become 10..35, mod 97.
fn mod97(iban: &str) -> Option<u32> {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder = 0u32;
    for c in rearranged {
        let value = c.to_digit(36)?;
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    Some(remainder)
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::Iban;

    #[test]
    fn valid_ibans_in_written_formats() {
        assert_eq!(found(Iban, "NL91ABNA0417164300"), ["NL91ABNA0417164300"]);
        assert_eq!(
            found(Iban, "stort op NL91 ABNA 0417 1643 00 en klaar"),
            ["NL91 ABNA 0417 1643 00"]
        );
        assert_eq!(found(Iban, "BE68 5390 0754 7034."), ["BE68 5390 0754 7034"]);
        assert_eq!(found(Iban, "nl91abna0417164300"), ["nl91abna0417164300"]);
        assert_eq!(
            found(Iban, "DE89 3704 0044 0532 0130 00"),
            ["DE89 3704 0044 0532 0130 00"]
        );
    }

    #[test]
    fn failing_checksums_and_lengths_are_not_ibans() {
        assert!(found(Iban, "NL92ABNA0417164300").is_empty());
        assert!(found(Iban, "BE68 5390 0754 7035").is_empty());
        assert!(found(Iban, "NL91ABNA04171643001").is_empty());
        assert!(found(Iban, "XX91ABNA0417164300").is_empty());
    }
}
