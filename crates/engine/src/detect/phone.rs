//! `phone-nl` and `phone-be`: phone numbers in the ways people write them: international
//! (`+31 6 1234 5678`, `0031 20 123 4567`, `+31 (0)20-1234567`, `+32 470 12 34 56`) or national
//! (`06-12345678`, `020 123 4567`, `(0592) 123456`, `0470/12.34.56`, `02 123 45 67`). A date
//! (`06-05-2024 10:00`) is not a phone number.
//!
//! The digits after the country code or trunk `0` (the national significant number) decide:
//! - NL: 9 digits not starting with 0; or 0800/0900/0906/0909 service numbers (7 or 10 digits).
//! - BE: 8 digits not starting with 0 (fixed lines); 9 digits starting with 45–49 (mobiles).
//!
//! A national number can be both (0475 is Roermond and a Belgian mobile prefix); each detector
//! then reports it.

use super::{digits, inside_longer_number, without_last_group};

pub(crate) const PATTERN: &str = concat!(
    r"(?:\+|\b00)\d{2}(?:[ .\-/]?\(0\))?(?:[ .\-/]?\d){7,11}\b",
    r"|\(0\d{1,3}\)[ .\-]?\d(?:[ .\-]?\d){5,8}\b",
    r"|\b0\d(?:[ .\-/]?\d){6,10}\b",
);

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Country {
    Nl,
    Be,
}

pub(crate) fn validate(
    text: &str,
    start: usize,
    end: usize,
    country: Country,
) -> Option<(usize, usize)> {
    // The pattern is greedy, so a number followed by another number ("06-12345678 24/7",
    // "0612345678 24 uur") arrives with the extra digits attached: if the whole candidate is
    // no phone number, try it without its last short group.
    std::iter::once(end)
        .chain(without_last_group(text, start, end))
        .find(|&cut| is_phone_number(text, start, cut, country))
        .map(|cut| (start, cut))
}

fn is_phone_number(text: &str, start: usize, end: usize, country: Country) -> bool {
    if inside_longer_number(text, start, end) {
        return false;
    }
    let candidate = &text[start..end];
    if starts_with_date(candidate) {
        return false;
    }
    let international = candidate.starts_with('+') || candidate.starts_with("00");
    let d = digits(&candidate.replace("(0)", ""));
    let nsn: &[u32] = if international {
        let wanted: &[u32] = match country {
            Country::Nl => &[3, 1],
            Country::Be => &[3, 2],
        };
        let code_at = if candidate.starts_with('+') { 0 } else { 2 };
        if d.get(code_at..code_at + 2) != Some(wanted) {
            return false;
        }
        &d[code_at + 2..]
    } else {
        d.get(1..).unwrap_or_default()
    };
    let Some(&first) = nsn.first() else {
        return false;
    };
    let prefix = |p: &[u32]| nsn.starts_with(p);
    match country {
        Country::Nl => {
            (nsn.len() == 9 && first != 0)
                || ((prefix(&[8, 0, 0])
                    || prefix(&[9, 0, 0])
                    || prefix(&[9, 0, 6])
                    || prefix(&[9, 0, 9]))
                    && matches!(nsn.len(), 7 | 10))
        }
        Country::Be => {
            (nsn.len() == 8 && first != 0) || (nsn.len() == 9 && first == 4 && nsn[1] >= 5)
        }
    }
}

/// `dd-mm-yyyy`, `dd/mm/yyyy` or `dd.mm.yyyy` at the start: `06-05-2024 10:00` is a date and
/// a time, not `06-05202410`.
fn starts_with_date(candidate: &str) -> bool {
    let b = candidate.as_bytes();
    let two = |at: usize| (b[at] - b'0') * 10 + (b[at + 1] - b'0');
    b.len() >= 10
        && [0, 1, 3, 4, 6, 7, 8, 9]
            .iter()
            .all(|&at| b[at].is_ascii_digit())
        && matches!(b[2], b'-' | b'/' | b'.')
        && b[5] == b[2]
        && (1..=31).contains(&two(0))
        && (1..=12).contains(&two(3))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::{PhoneBe, PhoneNl};

    #[test]
    fn dutch_numbers() {
        for n in [
            "06-12345678",
            "0612345678",
            "06 1234 5678",
            "+31 6 1234 5678",
            "+31612345678",
            "0031 20 123 4567",
            "+31 (0)20-1234567",
            "020-1234567",
            "0592 123456",
            "(0592) 123456",
            "0800-1234",
            "088 043 0430",
        ] {
            assert_eq!(found(PhoneNl, &format!("bel {n}.")), [n], "{n}");
        }
    }

    #[test]
    fn belgian_numbers() {
        for n in [
            "+32 470 12 34 56",
            "0470/12.34.56",
            "0470 12 34 56",
            "02 123 45 67",
            "+32 2 123 45 67",
            "0032 9 123 45 67",
            "09/123.45.67",
        ] {
            assert_eq!(found(PhoneBe, &format!("tel {n}!")), [n], "{n}");
        }
    }

    #[test]
    fn not_phone_numbers() {
        assert!(found(PhoneNl, "op 06-05-2024 om 10.00").is_empty());
        assert!(found(PhoneNl, "+32 470 12 34 56").is_empty());
        assert!(found(PhoneBe, "+31 6 1234 5678").is_empty());
        assert!(found(PhoneNl, "BSN 123456782").is_empty());
        assert!(found(PhoneBe, "02 123 45 67 89 01").is_empty());
        assert!(found(PhoneNl, "op 06-05-2024 10:00").is_empty());
        assert!(found(PhoneNl, "06/05/2024 10:00").is_empty());
        assert!(found(PhoneBe, "08.05.2024 11:30").is_empty());
    }

    #[test]
    fn a_number_right_after_the_phone_number_is_not_part_of_it() {
        assert_eq!(found(PhoneNl, "bel 06-12345678 24/7"), ["06-12345678"]);
        assert_eq!(found(PhoneNl, "0612345678 24 uur"), ["0612345678"]);
        assert_eq!(found(PhoneBe, "gsm 0470 12 34 56 24/7"), ["0470 12 34 56"]);
    }
}
