//! `ipv4`: four dotted decimal parts 0–255 without leading zeros, not part of a longer dotted
//! number (so `10.0.19041.1` is a version, not an address).
//! `ipv6`: anything `std::net::Ipv6Addr` parses with at least two groups of hex digits, so
//! clock times (`12:30`) and lone `::` are not addresses.

use std::net::Ipv6Addr;

use super::inside_longer_number;

pub(crate) const V4_PATTERN: &str = r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b";
pub(crate) const V6_PATTERN: &str = r"(?i)[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*";

pub(crate) fn validate_v4(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if inside_longer_number(text, start, end) {
        return None;
    }
    let ok = text[start..end]
        .split('.')
        .all(|part| part.parse::<u8>().is_ok() && (part == "0" || !part.starts_with('0')));
    ok.then_some((start, end))
}

pub(crate) fn validate_v6(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = text[start..end].trim_end_matches('.');
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    if glued(text[..start].chars().next_back())
        || glued(text[start + candidate.len()..].chars().next())
    {
        return None;
    }
    let groups = candidate.split(':').filter(|g| !g.is_empty()).count();
    (groups >= 2 && candidate.parse::<Ipv6Addr>().is_ok())
        .then_some((start, start + candidate.len()))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::{Ipv4, Ipv6};

    #[test]
    fn v4_addresses() {
        assert_eq!(found(Ipv4, "mijn ip is 192.168.1.20."), ["192.168.1.20"]);
        assert_eq!(
            found(Ipv4, "server 10.0.0.1 en 8.8.8.8"),
            ["10.0.0.1", "8.8.8.8"]
        );
    }

    #[test]
    fn v4_non_addresses() {
        assert!(found(Ipv4, "256.1.1.1").is_empty());
        assert!(found(Ipv4, "build 10.0.19041.1").is_empty());
        assert!(found(Ipv4, "01.02.03.04").is_empty());
        assert!(found(Ipv4, "versie 1.2.3").is_empty());
    }

    #[test]
    fn v6_addresses() {
        assert_eq!(
            found(Ipv6, "gateway fe80::1ff:fe23:4567:890a!"),
            ["fe80::1ff:fe23:4567:890a"]
        );
        assert_eq!(
            found(Ipv6, "2001:db8::8a2e:370:7334."),
            ["2001:db8::8a2e:370:7334"]
        );
    }

    #[test]
    fn v6_non_addresses() {
        assert!(found(Ipv6, "om 12:30 of 12:30:45").is_empty());
        assert!(found(Ipv6, "zie :: hier").is_empty());
        assert!(found(Ipv6, "ratio 3:2").is_empty());
    }
}
