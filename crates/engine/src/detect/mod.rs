//! Built-in validated detectors. Each finds candidates with a regex and reports only those
//! that validate (checksum, ranges, known formats): a nine-digit order number that fails the
//! 11-proef is not a BSN.

mod address;
mod bsn;
mod card;
mod email;
mod iban;
mod ip;
mod phone;
mod rrn;
mod version;

use crate::model::DetectorKind;
use crate::pattern::Pattern;

/// A detector, compiled: its candidate regex plus the validation that decides.
pub(crate) struct Detector {
    kind: DetectorKind,
    candidates: Pattern,
}

/// The candidate pattern of a detector.
pub(crate) fn pattern(kind: DetectorKind) -> &'static str {
    match kind {
        DetectorKind::Email => email::PATTERN,
        DetectorKind::Ipv4 => ip::V4_PATTERN,
        DetectorKind::Ipv6 => ip::V6_PATTERN,
        DetectorKind::Iban => iban::PATTERN,
        DetectorKind::NlBsn => bsn::PATTERN,
        DetectorKind::BeRrn => rrn::PATTERN,
        DetectorKind::PhoneNl | DetectorKind::PhoneBe => phone::PATTERN,
        DetectorKind::NlPostcodeAddress => address::PATTERN,
        DetectorKind::SoftwareVersion => version::PATTERN,
        DetectorKind::PaymentCard => card::PATTERN,
    }
}

impl Detector {
    pub(crate) fn new(kind: DetectorKind) -> Detector {
        let candidates = Pattern::builtin(pattern(kind));
        Detector { kind, candidates }
    }

    /// Byte ranges of every validated occurrence.
    ///
    /// A candidate that fails validation must not swallow its text: in `123456782 85.07.30-…`
    /// the rijksregisternummer pattern first sees `123456782 85`, which fails, and the real
    /// number starting at `85` must still be found. So after a rejection the search resumes
    /// one character later instead of after the candidate (or, for e-mail addresses, after the
    /// `@`: no address starts inside a refused local part).
    pub(crate) fn find(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        let mut at = 0;
        while let Some((s, e)) = self.candidates.find_at(text, at) {
            let found = match self.kind {
                DetectorKind::Email => email::validate(text, s, e),
                DetectorKind::Ipv4 => ip::validate_v4(text, s, e),
                DetectorKind::Ipv6 => ip::validate_v6(text, s, e),
                DetectorKind::Iban => iban::validate(text, s, e),
                DetectorKind::NlBsn => bsn::validate(text, s, e),
                DetectorKind::BeRrn => rrn::validate(text, s, e),
                DetectorKind::PhoneNl => phone::validate(text, s, e, phone::Country::Nl),
                DetectorKind::PhoneBe => phone::validate(text, s, e, phone::Country::Be),
                DetectorKind::NlPostcodeAddress => address::validate(text, s, e),
                DetectorKind::SoftwareVersion => version::validate(text, s, e),
                DetectorKind::PaymentCard => card::validate(text, s, e),
            };
            at = match found {
                Some((_, end)) => {
                    out.extend(found);
                    end.max(s + 1)
                }
                None => {
                    let next = s + text[s..].chars().next().map_or(1, char::len_utf8);
                    match self.kind {
                        DetectorKind::Email => {
                            email::resume_after_refusal(text, s, e).map_or(next, |at| at.max(next))
                        }
                        _ => next,
                    }
                }
            };
            if at > text.len() {
                break;
            }
        }
    }
}

/// The ASCII digits of a string, as numbers.
pub(crate) fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// True when the character before `start` or after `end` continues a number (a digit, or a
/// separator followed by a digit): a detector must not report a slice of a longer number.
pub(crate) fn inside_longer_number(text: &str, start: usize, end: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let joined_before = match before.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.' | '-' | '/') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    let mut after = text[end..].chars();
    let joined_after = match after.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.' | '-' | '/') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    joined_before || joined_after
}

/// Where a number candidate ends without its last space-separated group, for detectors whose
/// greedy pattern takes a following number along: the `24` of `06-12345678 24/7`, the `12` of
/// an expiry date in `4111 1111 1111 1111 12/27`. Only when that group is short (one to four
/// digits) and clearly apart from the number: followed by `/` and a digit (a date or `24/7`), or
/// after a number written without spaces, so the space is not one of its own separators. A
/// mistyped spaced number (`0470 12 734 56`) is not cut into a valid one, nor is a pattern that
/// stopped inside a longer run (`02 123 45 67 89 01`).
pub(crate) fn without_last_group(text: &str, start: usize, end: usize) -> Option<usize> {
    let mut after = text[end..].chars();
    let next = after.next();
    let next_is_digit = after.next().is_some_and(|c| c.is_ascii_digit());
    if next == Some(' ') && next_is_digit {
        return None;
    }
    let candidate = &text[start..end];
    let space = candidate.rfind(' ')?;
    let tail = digits(&candidate[space..]).len();
    let apart = (next == Some('/') && next_is_digit) || !candidate[..space].contains(' ');
    ((1..=4).contains(&tail) && apart).then_some(start + space)
}

#[cfg(test)]
pub(crate) fn found(kind: DetectorKind, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    Detector::new(kind).find(text, &mut out);
    out.into_iter()
        .map(|(s, e)| text[s..e].to_string())
        .collect()
}
