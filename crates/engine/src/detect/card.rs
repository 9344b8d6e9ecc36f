//! `payment-card`: 13–19 digits, solid or grouped by single spaces or dashes, with a known
//! issuer prefix (Visa 4; Mastercard 51–55, 2221–2720; Amex 34, 37; Maestro/Bancontact 50,
//! 56–69; Diners 30, 36, 38; JCB 35) and a valid Luhn check digit.

use super::{digits, inside_longer_number, without_last_group};

pub(crate) const PATTERN: &str = r"\b\d(?:[ -]?\d){12,18}\b";

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    // A card number followed by its expiry date (`4111 1111 1111 1111 12/27`) arrives with
    // the month attached: if the whole candidate is no card number, try it without its last
    // short group.
    std::iter::once(end)
        .chain(without_last_group(text, start, end))
        .find(|&cut| is_card_number(text, start, cut))
        .map(|cut| (start, cut))
}

fn is_card_number(text: &str, start: usize, end: usize) -> bool {
    if inside_longer_number(text, start, end) {
        return false;
    }
    let d = digits(&text[start..end]);
    if !(13..=19).contains(&d.len()) {
        return false;
    }
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
    issuer && luhn(&d)
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
    fn an_expiry_date_after_the_number_is_not_part_of_it() {
        assert_eq!(
            found(PaymentCard, "4111 1111 1111 1111 12/27 cvc 123"),
            ["4111 1111 1111 1111"]
        );
        assert!(found(PaymentCard, "4111 1111 1111 1112 12/27").is_empty());
    }

    #[test]
    fn failing_luhn_or_issuer() {
        assert!(found(PaymentCard, "4111 1111 1111 1112").is_empty());
        assert!(found(PaymentCard, "1234 5678 9012 3452").is_empty());
    }
}
