//! `payment-card`: 13–19 digits, solid or grouped by single spaces or dashes, with a known
//! issuer prefix (Visa 4; Mastercard 51–55, 2221–2720; Amex 34, 37; Maestro/Bancontact 50,
//! 56–69; Diners 30, 36, 38; JCB 35) and a valid Luhn check digit.

use super::{digits, inside_longer_number};

pub(crate) const PATTERN: &str = r"\b\d(?:[ -]?\d){12,18}\b";

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if inside_longer_number(text, start, end) {
        return None;
    }
    let d = digits(&text[start..end]);
    let two = d[0] * 10 + d[1];
    let four = two * 100 + d[2] * 10 + d[3];
    let issuer = d[0] == 4
        || (51..=55).contains(&two)
        || (2221..=2720).contains(&four)
        || two == 34
        || two == 37
        || two == 50
        || (56..=69).contains(&two)
        || two == 30
        || two == 36
        || two == 38
        || two == 35;
    (issuer && luhn(&d)).then_some((start, end))
}

fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 {
                    x * 2 - 9
                } else {
                    x * 2
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::PaymentCard;

    #[test]
    fn valid_cards() {
        assert_eq!(
            found(PaymentCard, "kaart 4111 1111 1111 1111."),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(PaymentCard, "5500-0000-0000-0004"),
            ["5500-0000-0000-0004"]
        );
        assert_eq!(
            found(PaymentCard, "amex 378282246310005"),
            ["378282246310005"]
        );
    }

    #[test]
    fn failing_luhn_or_issuer() {
        assert!(found(PaymentCard, "4111 1111 1111 1112").is_empty());
        assert!(found(PaymentCard, "1234 5678 9012 3452").is_empty());
    }
}
