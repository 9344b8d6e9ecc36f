//! `ipv4`: four dotted decimal parts 0–255 without leading zeros, not part of a longer dotted
//! number (so `10.0.19041.1` is a version, not an address). A prefix length (`10.0.0.0/8`),
//! a port (`10.0.0.1:8080`) or a range (`10.0.0.1-10.0.0.9`) may follow.
//! `ipv6`: anything `std::net::Ipv6Addr` parses with at least two groups of hex digits, so
//! clock times (`12:30`) and lone `::` are not addresses, and that is not the tail of a longer
//! run of colon-separated hex (`fe80::1::2` holds no address, not even `1::2`).

use std::net::Ipv6Addr;

pub(crate) const V4_PATTERN: &str = r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b";
/// Three to nine colon-separated fields of up to four hex digits, the last optionally ending
/// in a dotted IPv4 address: the textual forms of RFC 4291, and bounded in length, so a long
/// run of colons and hex digits costs linear time however often candidates in it are refused.
pub(crate) const V6_PATTERN: &str =
    r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,8}(?:\.[0-9]{1,3}){0,3}";

/// The longest text form of an IPv6 address (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`).
const V6_MAX_LEN: usize = 45;

pub(crate) fn validate_v4(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    // Part of a longer dotted number (`10.0.19041.1`, `1.2.3.4.5`) or of a longer number.
    let mut before = text[..start].chars().rev();
    let joined_before = match before.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    let mut after = text[end..].chars();
    let joined_after = match after.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    if joined_before || joined_after {
        return None;
    }
    let ok = text[start..end]
        .split('.')
        .all(|part| part.parse::<u8>().is_ok() && (part == "0" || !part.starts_with('0')));
    ok.then_some((start, end))
}

pub(crate) fn validate_v6(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = text[start..end].trim_end_matches('.');
    let end = start + candidate.len();
    let bytes = text.as_bytes();
    // Glued to a word or number: `abfe80::1`, `fe80::1x`, or the pattern stopped inside a
    // longer run (`1:2:3:4:5:6:7:8:9`, `::ffff:1.2.3.4.5`).
    let glued_before = text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let mut after = text[end..].chars();
    let glued_after = match after.next() {
        Some(':') => true,
        Some('.') => after.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        Some(c) => c.is_alphanumeric(),
        None => false,
    };
    if glued_before || glued_after {
        return None;
    }
    // After a colon: `IP:fe80::1`, `IPv6:fe80::1` and `code:fe80::1` are labelled addresses
    // (the colon follows a word), but `1::2` in `fe80::1::2` and `2:3:4:5:6:7:8:9` in
    // `1:2:3:4:5:6:7:8:9` are the tails of a longer colon-hex token.
    if bytes[..start].last() == Some(&b':') {
        let run = &bytes[..start - 1];
        let hex = run
            .iter()
            .rev()
            .take(V6_MAX_LEN)
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let before_hex = run[..run.len() - hex].last();
        let labelled = hex == 0 || before_hex.is_some_and(u8::is_ascii_alphanumeric);
        if !labelled || before_hex == Some(&b':') {
            return None;
        }
    }
    let groups = candidate.split(':').filter(|g| !g.is_empty()).count();
    (groups >= 2 && candidate.parse::<Ipv6Addr>().is_ok()).then_some((start, end))
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
        assert!(found(Ipv4, "1.2.3.4.5").is_empty());
    }

    #[test]
    fn v4_with_prefix_port_or_range() {
        assert_eq!(found(Ipv4, "subnet 10.0.0.0/8."), ["10.0.0.0"]);
        assert_eq!(found(Ipv4, "10.0.0.1:8080"), ["10.0.0.1"]);
        assert_eq!(found(Ipv4, "10.0.0.1-10.0.0.9"), ["10.0.0.1", "10.0.0.9"]);
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
        assert!(found(Ipv6, "fe80::1::2").is_empty());
        assert!(found(Ipv6, "1:2:3:4:5:6:7:8:9").is_empty());
        assert!(found(Ipv6, "de:ad:be:ef:00:01").is_empty());
    }

    #[test]
    fn v6_after_a_label() {
        assert_eq!(found(Ipv6, "IP:2001:db8::1"), ["2001:db8::1"]);
        assert_eq!(found(Ipv6, "IPv6:2001:db8::1"), ["2001:db8::1"]);
        assert_eq!(found(Ipv6, "IP:::ffff:10.0.0.1."), ["::ffff:10.0.0.1"]);
    }
}
