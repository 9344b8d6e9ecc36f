//! `nl-bsn`: a Dutch burgerservicenummer: nine digits, solid or split by single spaces, dots or
//! dashes (`123456782`, `1234.56.782`, `123 456 782`), not part of a longer number, not all
//! zeros, passing the 11-proef: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is divisible by 11.

use super::{digits, inside_longer_number};

pub(crate) const PATTERN: &str = r"\b\d(?:[ .-]?\d){8}\b";

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if inside_longer_number(text, start, end) {
        return None;
    }
    let d = digits(&text[start..end]);
    (d.len() == 9 && d.iter().any(|&x| x != 0) && eleven_test(&d)).then_some((start, end))
}

fn eleven_test(d: &[u32]) -> bool {
    let weighted: i64 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&x, w)| i64::from(x) * w)
        .sum::<i64>()
        - i64::from(d[8]);
    weighted % 11 == 0
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::NlBsn;

    #[test]
    fn valid_bsns_in_written_formats() {
        for bsn in [
            "123456782",
            "111222333",
            "1234.56.782",
            "123 456 782",
            "123-456-782",
        ] {
            assert_eq!(found(NlBsn, &format!("BSN: {bsn}.")), [bsn], "{bsn}");
        }
    }

    #[test]
    fn numbers_failing_the_eleven_test_are_not_bsns() {
        assert!(found(NlBsn, "ordernummer 123456789").is_empty());
        assert!(found(NlBsn, "000000000").is_empty());
        assert!(found(NlBsn, "tel 0612345678").is_empty());
        assert!(found(NlBsn, "1234567820").is_empty());
        assert!(found(NlBsn, "12.123456782").is_empty());
    }
}
