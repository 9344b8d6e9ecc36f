//! `email`: an address of the form `local@domain.tld`, where the top-level domain has at least
//! two letters, and neither part starts or ends with a dot or has two dots in a row.

pub(crate) const PATTERN: &str = r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+";

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    // An address starts where its token starts; the tail of an invalid one is not an address.
    let local_char = |c: char| c.is_alphanumeric() || "._+%-".contains(c);
    if text[..start].chars().next_back().is_some_and(local_char) {
        return None;
    }
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
    }
}
