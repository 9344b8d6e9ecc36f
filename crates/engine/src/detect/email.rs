//! `email`: an address of the form `local@domain.tld`, where the top-level domain has at least
//! two letters, and neither part starts or ends with a dot or has two dots in a row. The local
//! part may hold an apostrophe (`o'brien@…`, `j.d'hondt@…`), but an address never starts with
//! one: in `'jan@example.nl'` the quotes are punctuation.

pub(crate) const PATTERN: &str = r"[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+";

/// A character of the local part, as the pattern allows it.
fn local_char(c: char) -> bool {
    c.is_alphanumeric() || "._+%'-".contains(c)
}

/// Where to look again after the candidate `start..end` is refused: no address starts inside
/// its local part (each such start follows a local-part character, so it is refused too), so
/// the search resumes after its `@`. Resuming one character later instead would rescan a long
/// local part once per character, quadratic in its length.
pub(crate) fn resume_after_refusal(text: &str, start: usize, end: usize) -> Option<usize> {
    text[start..end].find('@').map(|at| start + at + 1)
}

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    // An address starts where its token starts; the tail of an invalid one is not an address.
    if text[..start].chars().next_back().is_some_and(local_char) {
        return None;
    }
    let start = start + (end - start - text[start..end].trim_start_matches('\'').len());
    // A sentence-final dot is punctuation, not part of the domain.
    let candidate = text[start..end].trim_end_matches('.');
    let (local, domain) = candidate.split_once('@')?;
    let tld = domain.rsplit('.').next()?;
    let tidy = |part: &str| !part.starts_with('.') && !part.ends_with('.') && !part.contains("..");
    let ok = !local.is_empty()
        && tidy(local)
        && tidy(domain)
        && tld.chars().count() >= 2
        && tld.chars().all(char::is_alphabetic)
        && !domain
            .split('.')
            .any(|label| label.is_empty() || label.starts_with('-') || label.ends_with('-'));
    ok.then_some((start, start + candidate.len()))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::Email;

    #[test]
    fn finds_addresses_and_drops_trailing_dot() {
        assert_eq!(
            found(Email, "mail jan.de.vries@gmail.com."),
            ["jan.de.vries@gmail.com"]
        );
        assert_eq!(
            found(Email, "Mél: élodie+test@finfin.fgov.be"),
            ["élodie+test@finfin.fgov.be"]
        );
    }

    #[test]
    fn refuses_non_addresses() {
        assert!(found(Email, "@ind_nl volgt").is_empty());
        assert!(found(Email, "a@b.c").is_empty());
        assert!(found(Email, "jan..piet@x.nl").is_empty());
        assert!(found(Email, "versie 1@2.3").is_empty());
        assert!(found(Email, "'@example.nl").is_empty());
    }

    #[test]
    fn apostrophes_inside_but_not_around_the_address() {
        assert_eq!(
            found(Email, "mail j.d'hondt@fin.fgov.be"),
            ["j.d'hondt@fin.fgov.be"]
        );
        assert_eq!(found(Email, "'jan@example.nl'"), ["jan@example.nl"]);
    }
}
