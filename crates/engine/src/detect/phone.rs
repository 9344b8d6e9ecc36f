//! `phone-nl` and `phone-be`: phone numbers in the ways people write them: international
//! (`+31 6 1234 5678`, `0031 20 123 4567`, `+31 (0)20-1234567`, `+32 470 12 34 56`) or national
//! (`06-12345678`, `020 123 4567`, `(0592) 123456`, `0470/12.34.56`, `02 123 45 67`).
//!
//! The digits after the country code or trunk `0` (the national significant number) decide:
//! - NL: 9 digits not starting with 0; or 0800/0900/0906/0909 service numbers (7 or 10 digits).
//! - BE: 8 digits not starting with 0 (fixed lines); 9 digits starting with 45–49 (mobiles).
//!
//! A national number can be both (0475 is Roermond and a Belgian mobile prefix); each detector
//! then reports it.

use super::{digits, inside_longer_number};

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
    if inside_longer_number(text, start, end) {
        return None;
    }
    let candidate = &text[start..end];
    let international = candidate.starts_with('+') || candidate.starts_with("00");
    let d = digits(&candidate.replace("(0)", ""));
    let nsn: &[u32] = if international {
        let code = if candidate.starts_with('+') {
            &d[..2]
        } else {
            d.get(2..4)?
        };
        let wanted: &[u32] = match country {
            Country::Nl => &[3, 1],
            Country::Be => &[3, 2],
        };
        if code != wanted {
            return None;
        }
        if candidate.starts_with('+') {
            &d[2..]
        } else {
            &d[4..]
        }
    } else {
        &d[1..]
    };
    let first = *nsn.first()?;
    let prefix = |p: &[u32]| nsn.starts_with(p);
    let ok = match country {
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
    };
    ok.then_some((start, end))
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
    }
}
