//! `be-rrn`: a Belgian rijksregisternummer / numéro de registre national: eleven digits
//! YYMMDD-SSS-CC, solid or written `85.07.30-033.28` / `850730 033 28`. The birth date part must
//! be plausible (month 0–12, or +20/+40 for bis numbers; day 0–31) and CC must equal
//! 97 − (YYMMDDSSS mod 97), or for people born from 2000 on, 97 − (2YYMMDDSSS mod 97).

use super::{digits, inside_longer_number};

pub(crate) const PATTERN: &str = r"\b\d{2}[ .]?\d{2}[ .]?\d{2}[ .-]?\d{3}[ .-]?\d{2}\b";

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if inside_longer_number(text, start, end) {
        return None;
    }
    let d = digits(&text[start..end]);
    if d.len() != 11 {
        return None;
    }
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let month_ok = matches!(month, 0..=12 | 20..=32 | 40..=52);
    if !month_ok || day > 31 {
        return None;
    }
    let base = d[..9].iter().fold(0u64, |n, &x| n * 10 + u64::from(x));
    let check = u64::from(d[9] * 10 + d[10]);
    let ok = 97 - base % 97 == check || 97 - (2_000_000_000 + base) % 97 == check;
    ok.then_some((start, end))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::BeRrn;

    #[test]
    fn valid_numbers_in_written_formats() {
        assert_eq!(found(BeRrn, "RRN 85.07.30-033.28"), ["85.07.30-033.28"]);
        assert_eq!(found(BeRrn, "85073003328"), ["85073003328"]);
        assert_eq!(found(BeRrn, "850730 033 28"), ["850730 033 28"]);
        // Born in 2000 or later: the check is computed with a leading 2.
        assert_eq!(found(BeRrn, "01.02.03-123.45"), ["01.02.03-123.45"]);
    }

    #[test]
    fn failing_checks_are_not_numbers() {
        assert!(found(BeRrn, "85.07.30-033.29").is_empty());
        assert!(found(BeRrn, "85.14.30-033.28").is_empty());
        assert!(found(BeRrn, "factuur 12345678901").is_empty());
    }
}
