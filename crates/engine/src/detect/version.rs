//! `software-version`: a named software product with its version (`Internet Explorer 11`,
//! `Windows 7`, `Windows XP`, `Citrix 7.15`, `Apache 2.4.49`, `Chrome 118.0.5993.88`), or an
//! explicit three-part version (`versie 3.2.1`). A version may end in a letter suffix with an
//! optional number (`OpenSSL 1.1.1k`, `OpenSSH 8.9p1`, `Java 8u381`). Product names that are
//! also ordinary words (`sap`, `edge`, `flash`, `teams`, `office`, `safari`, `java`) only count
//! with a dotted version number, so `sap 2 liter` or `Office 365` are not versions.

pub(crate) const PATTERN: &str = concat!(
    r"(?i)\b(?:internet\s+explorer|windows(?:\s+server)?|exchange(?:\s+server)?|sql\s+server|ie|firefox|chrome|chromium|edge|safari|outlook|sharepoint|teams|office|citrix(?:\s+(?:adc|netscaler|workspace|xenapp|xendesktop))?|netscaler|apache(?:\s+tomcat)?|tomcat|nginx|iis|java|jre|jdk|oracle|sap|vmware|esxi|vsphere|fortios|fortigate|pulse\s+secure|ivanti|openssl|openssh|php|wordpress|drupal|joomla|ubuntu|debian|red\s?hat|rhel|centos|macos|ios|android|acrobat(?:\s+reader)?|adobe\s+reader|flash|mysql|postgresql|log4j|confluence|jira|moveit|anyconnect)",
    r"\s*(?:v(?:ersie|ersion)?\.?\s*)?(?:\d+(?:\.\d+)*(?:[a-z]{1,2}\d{0,3})?|xp|vista|nt)\b",
    r"|\b(?:versie|version)\s+\d+\.\d+\.\d+(?:[a-z]{1,2}\d{0,3})?\b",
);

const ORDINARY_WORDS: &[&str] = &[
    "sap", "edge", "flash", "teams", "office", "safari", "java", "oracle", "ie",
];

pub(crate) fn validate(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let candidate = &text[start..end];
    let lower = candidate.to_lowercase();
    let name: String = lower.chars().take_while(|c| c.is_alphabetic()).collect();
    let dotted = candidate
        .split_whitespace()
        .any(|w| w.contains('.') && w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    if ORDINARY_WORDS.contains(&name.as_str()) && !dotted {
        return None;
    }
    // Years after a product name are editions or dates more often than versions ("Windows 2000"
    // is both); keep them, but never a bare 365 (a subscription, not a version).
    if !dotted && lower.ends_with("365") {
        return None;
    }
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use crate::detect::found;
    use crate::model::DetectorKind::SoftwareVersion;

    #[test]
    fn versions() {
        assert_eq!(
            found(SoftwareVersion, "we draaien nog op Windows 7!"),
            ["Windows 7"]
        );
        assert_eq!(
            found(SoftwareVersion, "welke versie van Internet Explorer 11"),
            ["Internet Explorer 11"]
        );
        assert_eq!(
            found(SoftwareVersion, "Citrix 7.15 en Apache 2.4.49"),
            ["Citrix 7.15", "Apache 2.4.49"]
        );
        assert_eq!(found(SoftwareVersion, "nog Windows XP"), ["Windows XP"]);
        assert_eq!(
            found(SoftwareVersion, "de Edge 118.0.2088.46 build"),
            ["Edge 118.0.2088.46"]
        );
        assert_eq!(
            found(SoftwareVersion, "update naar versie 3.2.1"),
            ["versie 3.2.1"]
        );
        assert_eq!(
            found(SoftwareVersion, "OpenSSL 1.1.1k en OpenSSH 8.9p1"),
            ["OpenSSL 1.1.1k", "OpenSSH 8.9p1"]
        );
    }

    #[test]
    fn ordinary_words_are_not_versions() {
        assert!(found(SoftwareVersion, "sap 2 liter").is_empty());
        assert!(found(SoftwareVersion, "we gebruiken Office 365").is_empty());
        assert!(found(SoftwareVersion, "Teams 2 keer per dag").is_empty());
        assert!(found(SoftwareVersion, "versie 2 van het beleid").is_empty());
    }
}
