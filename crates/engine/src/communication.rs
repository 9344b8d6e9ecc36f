//! Checks of the `communication` section, in a bundle or given alone (an administrator's
//! managed setting): the extension builds `mailto:` URLs and links from these values, so a mail
//! address must need no escaping inside a `mailto:` URL (nothing can smuggle in a `?cc=` or a
//! second recipient), every link is a plain `https:` address, and each official account lives
//! on the site it is listed for.

use crate::error::{Location, Problem, ProblemKind};
use crate::model::{Bundle, Communication, Lang, Localized};

/// Checks a `communication` section given alone as JSON, as an administrator's managed setting
/// carries it. Whether `records_clause` names a clause is checked where it is used, against
/// the policy in force. Problems name the field (`team.email`) under [`Location::Bundle`].
pub fn check(json: &str) -> Result<Communication, Vec<Problem>> {
    let mut de = serde_json::Deserializer::from_str(json);
    let communication: Communication = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        vec![Problem::new(
            Location::Bundle,
            if field == "." { String::new() } else { field },
            ProblemKind::Schema(e.into_inner().to_string()),
        )]
    })?;
    let mut problems = Vec::new();
    validate(&communication, "", None, &mut problems);
    if problems.is_empty() {
        Ok(communication)
    } else {
        Err(problems)
    }
}

/// Reports every problem of `c`, with fields named under `prefix`. With a bundle, its clause
/// must exist and the advice must have the bundle's main language.
pub(crate) fn validate(
    c: &Communication,
    prefix: &str,
    bundle: Option<&Bundle>,
    problems: &mut Vec<Problem>,
) {
    let mut report = |field: &str, kind: ProblemKind| {
        problems.push(Problem::new(
            Location::Bundle,
            format!("{prefix}{field}"),
            kind,
        ));
    };
    if let Some(address) = &c.records_address {
        check_mail_address(address, "records_address", &mut report);
    }
    if let Some(id) = &c.records_clause {
        if let Some(bundle) = bundle {
            if bundle.clause(id).is_none() {
                report("records_clause", ProblemKind::UnknownClause(id.clone()));
            }
        } else if id.trim().is_empty() {
            report("records_clause", ProblemKind::Empty);
        }
    }
    check_advice(
        &c.records_advice,
        bundle.map(Bundle::main_language),
        &mut report,
    );
    if let Some(team) = &c.team {
        check_name(&team.name, "team.name", &mut report);
        if let Some(email) = &team.email {
            check_mail_address(email, "team.email", &mut report);
        }
        if let Some(url) = &team.url {
            check_link(url, None, "team.url", &mut report);
        }
    }
    for (site, account) in c.accounts.each() {
        check_link(
            &account.url,
            Some(site),
            &format!("accounts.{site}.url"),
            &mut report,
        );
        check_name(&account.name, &format!("accounts.{site}.name"), &mut report);
    }
}

fn check_advice(
    advice: &Localized,
    main: Option<Lang>,
    report: &mut impl FnMut(&str, ProblemKind),
) {
    if advice.is_empty() {
        return;
    }
    if let Some(main) = main {
        if advice.get(main).is_none() {
            report(
                &format!("records_advice.{main}"),
                ProblemKind::MissingMainLanguage(main),
            );
        }
    }
    for lang in Lang::ALL {
        if let Some(text) = advice.get(lang) {
            let given = text.chars().count();
            // Advice is a sentence or two; a page of it is a mistake.
            let limit = 4 * Communication::MAX_TEXT_CHARS;
            if given > limit {
                report(
                    &format!("records_advice.{lang}"),
                    ProblemKind::TooLong { given, limit },
                );
            }
        }
    }
}

fn check_name(name: &str, field: &str, report: &mut impl FnMut(&str, ProblemKind)) {
    if name.trim().is_empty() {
        report(field, ProblemKind::Empty);
    } else if name.chars().any(char::is_control) {
        report(field, ProblemKind::ControlCharacter);
    } else if let Some(kind) = too_long(name) {
        report(field, kind);
    }
}

fn too_long(text: &str) -> Option<ProblemKind> {
    let given = text.chars().count();
    (given > Communication::MAX_TEXT_CHARS).then_some(ProblemKind::TooLong {
        given,
        limit: Communication::MAX_TEXT_CHARS,
    })
}

fn check_mail_address(address: &str, field: &str, report: &mut impl FnMut(&str, ProblemKind)) {
    if !mailto_safe(address) {
        report(field, ProblemKind::InvalidMailAddress(address.to_string()));
    }
}

/// `name@domain.tld` where the name is letters, digits and `. _ + -` (no leading, trailing or
/// double dot) and the domain a host name with a dot: every such address is valid in a
/// `mailto:` URL without percent-encoding (RFC 6068), so nothing in it can act as a delimiter.
/// Quoted names and addresses with `%`, `?`, `&` or `,` are refused rather than escaped.
pub fn mailto_safe(address: &str) -> bool {
    let Some((name, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= 254
        && !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && domain.contains('.')
        && host_name(domain)
}

/// Letters, digits and dashes in dot-separated labels of 1 to 63 characters, no label starting
/// or ending with a dash, a top-level label that is not all digits.
fn host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && host
            .rsplit('.')
            .next()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// The hosts each site's accounts live on (and their subdomains).
fn site_hosts(site: &str) -> &'static [&'static str] {
    match site {
        "x" => &["x.com", "twitter.com"],
        "linkedin" => &["linkedin.com"],
        "facebook" => &["facebook.com"],
        _ => &[],
    }
}

fn check_link(
    url: &str,
    site: Option<&str>,
    field: &str,
    report: &mut impl FnMut(&str, ProblemKind),
) {
    match https_host(url) {
        Err(reason) => report(
            field,
            ProblemKind::InvalidLink {
                url: url.to_string(),
                reason,
            },
        ),
        Ok(host) => {
            if let Some(site) = site {
                let hosts = site_hosts(site);
                let on_site = hosts
                    .iter()
                    .any(|h| host == *h || host.ends_with(&format!(".{h}")));
                if !on_site {
                    report(
                        field,
                        ProblemKind::InvalidLink {
                            url: url.to_string(),
                            reason: match site {
                                "x" => "is not an address on x.com or twitter.com",
                                "linkedin" => "is not an address on linkedin.com",
                                _ => "is not an address on facebook.com",
                            },
                        },
                    );
                }
            }
            if let Some(kind) = too_long(url) {
                report(field, kind);
            }
        }
    }
}

/// The lower-cased host of a plain `https:` URL, or why it is not one. Plain: no spaces or
/// control characters, nothing a URL may not hold, no user name or password before the host.
pub fn https_host(url: &str) -> Result<String, &'static str> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return Err("is not an https:// address");
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
    {
        return Err("contains spaces or characters a link may not hold");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("carries a user name or password before the host");
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err("has no valid host name"),
        None => authority,
    };
    if !host.contains('.') || !host_name(host) {
        return Err("has no valid host name");
    }
    Ok(host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_that_need_no_escaping_in_a_mailto_url() {
        for ok in [
            "archief@assen.nl",
            "communicatie.team@gemeente-assen.nl",
            "post+records@example.org",
            "A_b-c@sub.example.co.uk",
        ] {
            assert!(mailto_safe(ok), "{ok}");
        }
        for bad in [
            "",
            "archief",
            "@assen.nl",
            "archief@",
            "archief@assen",
            "archief@assen.nl?cc=boss@example.org",
            "a&body=x@assen.nl",
            "a,b@assen.nl",
            "a b@assen.nl",
            "\"quoted\"@assen.nl",
            "a%40b@assen.nl",
            ".archief@assen.nl",
            "archief.@assen.nl",
            "ar..chief@assen.nl",
            "archief@-assen.nl",
            "archief@assen..nl",
            "archief@127.0.0.1",
            "archïef@assen.nl",
            "archief@assen.nl\r\nBcc: x@y.nl",
        ] {
            assert!(!mailto_safe(bad), "{bad:?}");
        }
        let long_name = format!("{}@assen.nl", "a".repeat(65));
        assert!(!mailto_safe(&long_name));
    }

    #[test]
    fn links_are_plain_https_addresses() {
        assert_eq!(
            https_host("https://X.com/GemeenteAssen").as_deref(),
            Ok("x.com")
        );
        assert_eq!(
            https_host("https://intranet.assen.nl:8443/communicatie?x=1#a").as_deref(),
            Ok("intranet.assen.nl")
        );
        for (bad, why) in [
            ("http://x.com/a", "is not an https:// address"),
            ("javascript:alert(1)", "is not an https:// address"),
            ("//x.com/a", "is not an https:// address"),
            (
                "https://x.com/a b",
                "contains spaces or characters a link may not hold",
            ),
            (
                "https://x.com/\"onmouseover=",
                "contains spaces or characters a link may not hold",
            ),
            (
                "https://user:pw@x.com/",
                "carries a user name or password before the host",
            ),
            ("https://localhost/", "has no valid host name"),
            ("https://x.com:port/", "has no valid host name"),
            ("https:///path", "has no valid host name"),
        ] {
            assert_eq!(https_host(bad), Err(why), "{bad}");
        }
    }
}
