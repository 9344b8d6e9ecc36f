//! Signed bundles: the Ed25519 check against RFC 8032, and every way `accept` refuses an
//! envelope, each with its own `Rejection` variant and in the documented order.

mod common;

use std::collections::BTreeSet;

use common::{bundle_with, rule};
use postwacht_engine::signed::{
    self, accept, decode_public_key, encode_base64, key_id, public_key, reload, sha256_hex, sign,
    unverified_payload, verify, RatchetEntry, Rejection, Trust, MAX_ENVELOPE_BYTES, PAYLOAD_TYPE,
};
use postwacht_engine::{PolicyError, ProblemKind};
use serde_json::{json, Value};

const SEED: [u8; 32] = [7; 32];
const OTHER_SEED: [u8; 32] = [9; 32];
const TODAY: &str = "2027-01-01";
const STARTER: &str = include_str!("data/starter.json");

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8032 section 7.1, TEST 1 to 3: (secret key, public key, message, signature).
const RFC8032: [(&str, &str, &str, &str); 3] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
];

#[test]
fn rfc8032_test_vectors_verify_and_altered_ones_do_not() {
    for (secret, public, message, signature) in RFC8032 {
        let seed: [u8; 32] = unhex(secret).try_into().unwrap();
        let key: [u8; 32] = unhex(public).try_into().unwrap();
        let message = unhex(message);
        let sig: [u8; 64] = unhex(signature).try_into().unwrap();
        assert_eq!(public_key(&seed), key, "public key of {secret}");
        assert!(verify(&key, &message, &sig), "vector {public} verifies");

        let mut longer = message.clone();
        longer.push(0);
        assert!(!verify(&key, &longer, &sig), "another message fails");
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify(&key, &message, &bad), "an altered signature fails");
        let mut other = key;
        other[0] ^= 1;
        assert!(!verify(&other, &message, &sig), "another key fails");
    }
}

#[test]
fn pae_is_the_dsse_encoding() {
    assert_eq!(signed::pae("a/b", b"hi"), b"DSSEv1 3 a/b 2 hi".to_vec());
    assert_eq!(signed::pae("", b""), b"DSSEv1 0  0 ".to_vec());
}

#[test]
fn key_ids_are_16_hex_digits_of_the_key_hash() {
    let key = public_key(&SEED);
    let id = key_id(&key);
    assert_eq!(id.len(), 16);
    assert_eq!(id, sha256_hex(&key)[..16]);
    assert_eq!(decode_public_key(&encode_base64(&key)).unwrap(), key);
    assert!(decode_public_key("not base64!").is_err());
    assert!(decode_public_key(&encode_base64(&[1; 31])).is_err());
}

fn trust(id: &str) -> Trust {
    Trust::new(vec![public_key(&SEED)], id)
}

/// A small valid bundle with an expiry, as JSON.
fn small(version: u64) -> Value {
    let mut b = bundle_with(json!([rule(
        "geheim",
        json!({"type": "phrases", "phrases": ["geheim"]})
    )]));
    b["version"] = json!(version);
    b["expires"] = json!("2027-06-30");
    b["rules"][0]["examples"] = json!({"flag": ["dit is geheim"], "pass": ["open dag"]});
    b
}

fn signed(bundle: &Value) -> String {
    sign(bundle.to_string().as_bytes(), &SEED)
}

fn refuse(envelope: &str, trust: &Trust) -> Rejection {
    accept(envelope.as_bytes(), trust, TODAY).expect_err("the bundle is refused")
}

/// The envelope as JSON, to take apart.
fn envelope_value(envelope: &str) -> Value {
    serde_json::from_str(envelope).unwrap()
}

#[test]
fn a_good_bundle_is_accepted_with_its_facts() {
    let envelope = sign(STARTER.as_bytes(), &SEED);
    let accepted = accept(envelope.as_bytes(), &trust("starter"), TODAY).unwrap();
    assert_eq!(accepted.key_id, key_id(&public_key(&SEED)));
    assert_eq!(accepted.signed_by, vec![accepted.key_id.clone()]);
    assert_eq!(accepted.bundle_id, "starter");
    assert_eq!(accepted.version, 1);
    assert_eq!(accepted.issued, "2026-11-23");
    assert_eq!(accepted.expires, "2027-11-23");
    assert_eq!(accepted.sha256, sha256_hex(STARTER.as_bytes()));
    assert_eq!(accepted.payload, STARTER);
    assert_eq!(accepted.engine.bundle().id, "starter");
    assert!(!accepted
        .engine
        .scan("Mijn BSN is 123456782")
        .unwrap()
        .is_empty());
    // The envelope says what the format says.
    let v = envelope_value(&envelope);
    assert_eq!(v["payloadType"], PAYLOAD_TYPE);
    assert_eq!(v["signatures"][0]["keyid"], accepted.key_id);
    assert_eq!(
        unverified_payload(envelope.as_bytes()).unwrap(),
        STARTER.as_bytes()
    );
}

#[test]
fn a_tampered_payload_is_refused() {
    let envelope = signed(&small(2));
    let mut v = envelope_value(&envelope);
    let mut changed = small(2);
    changed["rules"][0]["severity"] = json!("info");
    v["payload"] = json!(encode_base64(changed.to_string().as_bytes()));
    let err = refuse(&v.to_string(), &trust("test"));
    assert_eq!(
        err,
        Rejection::NoTrustedSignature {
            key_ids: vec![key_id(&public_key(&SEED))]
        }
    );
    assert!(err.to_string().contains("changed after signing"), "{err}");

    // Changing the payload type breaks the signature too (after the type check, which a
    // changed type fails first).
    let mut v = envelope_value(&envelope);
    v["payloadType"] = json!("application/json");
    assert!(matches!(
        refuse(&v.to_string(), &trust("test")),
        Rejection::PayloadType { .. }
    ));
}

#[test]
fn a_bundle_signed_by_another_key_is_refused() {
    let envelope = sign(small(2).to_string().as_bytes(), &OTHER_SEED);
    let err = refuse(&envelope, &trust("test"));
    let other = key_id(&public_key(&OTHER_SEED));
    let mine = key_id(&public_key(&SEED));
    assert_eq!(
        err,
        Rejection::UnknownKey {
            found: vec![other.clone()],
            trusted: vec![mine.clone()]
        }
    );
    assert!(
        err.to_string().contains(&other) && err.to_string().contains(&mine),
        "{err}"
    );

    // Signed with another key under the trusted key's id: the signature does not verify.
    let mut v = envelope_value(&envelope);
    v["signatures"][0]["keyid"] = json!(mine);
    assert!(matches!(
        refuse(&v.to_string(), &trust("test")),
        Rejection::NoTrustedSignature { .. }
    ));

    // No trusted keys at all.
    assert_eq!(
        refuse(&envelope, &Trust::new(Vec::new(), "test")),
        Rejection::NoTrustedKeys
    );
}

#[test]
fn a_key_id_is_only_a_hint() {
    // An unknown key id on a signature that a trusted key made: accepted.
    let mut v = envelope_value(&signed(&small(2)));
    v["signatures"][0]["keyid"] = json!("0000000000000000");
    let accepted = accept(v.to_string().as_bytes(), &trust("test"), TODAY).unwrap();
    assert_eq!(accepted.key_id, key_id(&public_key(&SEED)));

    // An unknown key id on a signature no trusted key made: refused as an unknown key.
    let mut v = envelope_value(&sign(small(2).to_string().as_bytes(), &OTHER_SEED));
    v["signatures"][0]["keyid"] = json!("0000000000000000");
    assert!(matches!(
        refuse(&v.to_string(), &trust("test")),
        Rejection::UnknownKey { found, .. } if found == vec!["0000000000000000".to_string()]
    ));

    // Several keys, several signatures: any trusted one will do.
    let mut v = envelope_value(&sign(small(2).to_string().as_bytes(), &OTHER_SEED));
    let mine = envelope_value(&signed(&small(2)));
    v["signatures"]
        .as_array_mut()
        .unwrap()
        .push(mine["signatures"][0].clone());
    let both = Trust::new(vec![public_key(&OTHER_SEED), public_key(&SEED)], "test");
    let accepted = accept(v.to_string().as_bytes(), &both, TODAY).unwrap();
    assert_eq!(accepted.signed_by.len(), 2);
    assert_eq!(accepted.key_id, key_id(&public_key(&OTHER_SEED)));
}

fn with_ratchet(version: u64, sha256: &str) -> Trust {
    let mut t = trust("test");
    t.ratchet.insert(
        key_id(&public_key(&SEED)),
        RatchetEntry {
            version,
            sha256: sha256.to_string(),
        },
    );
    t
}

#[test]
fn rollback_and_same_version_with_other_content_are_refused() {
    let err = refuse(&signed(&small(3)), &with_ratchet(5, "ab"));
    let id = key_id(&public_key(&SEED));
    assert_eq!(
        err,
        Rejection::Rollback {
            given: 3,
            highest: 5,
            key_id: id.clone()
        }
    );
    assert_eq!(
        err.to_string(),
        format!("version 3 is lower than 5, the highest accepted from key {id}")
    );

    // The same version with different bytes.
    let accepted_bytes = small(5).to_string();
    let old_hash = sha256_hex(accepted_bytes.as_bytes());
    let mut changed = small(5);
    changed["organisation"] = json!("Iemand anders");
    let err = refuse(&signed(&changed), &with_ratchet(5, &old_hash));
    assert!(
        matches!(&err, Rejection::SameVersionDifferentContent { version: 5, accepted, .. } if *accepted == old_hash),
        "{err:?}"
    );

    // The same version with the same bytes (a re-check of the stored bundle): accepted, and in
    // upper-case hex too.
    let envelope = sign(accepted_bytes.as_bytes(), &SEED);
    assert!(accept(envelope.as_bytes(), &with_ratchet(5, &old_hash), TODAY).is_ok());
    assert!(accept(
        envelope.as_bytes(),
        &with_ratchet(5, &old_hash.to_uppercase()),
        TODAY
    )
    .is_ok());
    // A higher version: accepted. Another key's ratchet does not apply.
    assert!(accept(signed(&small(6)).as_bytes(), &with_ratchet(5, "ab"), TODAY).is_ok());
    let mut t = trust("test");
    t.ratchet.insert(
        "0123456789abcdef".into(),
        RatchetEntry {
            version: 99,
            sha256: String::new(),
        },
    );
    assert!(accept(signed(&small(2)).as_bytes(), &t, TODAY).is_ok());
}

#[test]
fn expired_and_undated_bundles_are_refused() {
    let envelope = signed(&small(2));
    let err = accept(envelope.as_bytes(), &trust("test"), "2027-07-01").unwrap_err();
    assert_eq!(
        err,
        Rejection::Expired {
            expires: "2027-06-30".into(),
            today: "2027-07-01".into()
        }
    );
    // It expires at the start of its expiry date.
    assert!(matches!(
        accept(envelope.as_bytes(), &trust("test"), "2027-06-30"),
        Err(Rejection::Expired { .. })
    ));
    assert!(accept(envelope.as_bytes(), &trust("test"), "2027-06-29").is_ok());

    let mut undated = small(2);
    undated.as_object_mut().unwrap().remove("expires");
    assert_eq!(
        refuse(&signed(&undated), &trust("test")),
        Rejection::MissingExpiry
    );

    assert_eq!(
        accept(envelope.as_bytes(), &trust("test"), "1-1-2027").unwrap_err(),
        Rejection::InvalidToday("1-1-2027".into())
    );
}

#[test]
fn a_bundle_for_another_policy_is_refused() {
    let err = refuse(&signed(&small(2)), &trust("gemeente-assen"));
    assert_eq!(
        err,
        Rejection::WrongBundleId {
            found: "test".into(),
            expected: "gemeente-assen".into()
        }
    );
}

#[test]
fn oversized_envelopes_are_refused_before_parsing() {
    let big = vec![b' '; MAX_ENVELOPE_BYTES + 1];
    assert_eq!(
        accept(&big, &trust("test"), TODAY).unwrap_err(),
        Rejection::TooLarge {
            given: MAX_ENVELOPE_BYTES + 1,
            limit: MAX_ENVELOPE_BYTES
        }
    );
}

#[test]
fn malformed_envelopes_and_payloads_are_refused() {
    // Envelope JSON syntax: line and column.
    let err = refuse("{\n  \"payloadType\": ,\n}", &trust("test"));
    assert!(
        matches!(&err, Rejection::Envelope(m) if m.contains("line 2, column 18")),
        "{err}"
    );
    // Envelope shape and base64.
    assert!(matches!(
        refuse("[]", &trust("test")),
        Rejection::Envelope(_)
    ));
    let mut v = envelope_value(&signed(&small(2)));
    v["payload"] = json!("***");
    assert!(
        matches!(refuse(&v.to_string(), &trust("test")), Rejection::Envelope(m) if m.contains("payload"))
    );
    let mut v = envelope_value(&signed(&small(2)));
    v["signatures"] = json!([]);
    assert!(
        matches!(refuse(&v.to_string(), &trust("test")), Rejection::Envelope(m) if m.contains("signatures"))
    );
    let mut v = envelope_value(&signed(&small(2)));
    v["signatures"][0]["sig"] = json!(encode_base64(&[0; 63]));
    assert!(
        matches!(refuse(&v.to_string(), &trust("test")), Rejection::Envelope(m) if m.contains("64"))
    );

    // Payload JSON syntax, signed: line and column of the payload.
    let err = refuse(
        &sign(b"{\n  \"id\": \"test\",\n  oops\n}", &SEED),
        &trust("test"),
    );
    assert_eq!(
        err,
        Rejection::Payload(PolicyError::Syntax {
            line: 3,
            column: 3,
            message: "key must be a string".into()
        })
    );
    assert!(err.to_string().contains("line 3, column 3"), "{err}");
    assert!(matches!(
        refuse(&sign(b"\xff", &SEED), &trust("test")),
        Rejection::Payload(PolicyError::NotUtf8 { .. })
    ));

    // Valid JSON, invalid bundle: every problem named.
    let mut b = small(2);
    b["rules"][0]["clauses"] = json!(["nope"]);
    b["surprise"] = json!(1);
    let err = refuse(&signed(&b), &trust("test"));
    assert!(matches!(err, Rejection::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("surprise"), "{err}");
    let mut b = small(2);
    b["rules"][0]["clauses"] = json!(["nope"]);
    let err = refuse(&signed(&b), &trust("test"));
    assert!(
        matches!(err.problems(), [p] if p.kind == ProblemKind::UnknownClause("nope".into())),
        "{err:?}"
    );
}

#[test]
fn a_rule_that_does_not_compile_is_refused() {
    let mut b = small(2);
    b["rules"].as_array_mut().unwrap().push(rule(
        "kapot",
        json!({"type": "regex", "pattern": "(unclosed"}),
    ));
    let err = refuse(&signed(&b), &trust("test"));
    assert!(matches!(err, Rejection::Rules(_)), "{err:?}");
    assert!(err.to_string().contains("kapot"), "{err}");
    assert!(matches!(
        err.problems()[0].kind,
        ProblemKind::InvalidRegex(_)
    ));
    // The ratchet is checked before compiling: a rolled-back bundle is refused as such, even
    // when its rules are broken too.
    b["version"] = json!(1);
    assert!(matches!(
        refuse(&signed(&b), &with_ratchet(2, "")),
        Rejection::Rollback { .. }
    ));
}

#[test]
fn a_rule_whose_examples_fail_is_refused() {
    let mut b = small(2);
    b["rules"][0]["examples"] = json!({"flag": ["niets hier"], "pass": ["geheim!"]});
    let err = refuse(&signed(&b), &trust("test"));
    match &err {
        Rejection::ExamplesFail { failures } => {
            assert_eq!(failures.len(), 2);
            assert!(failures.iter().all(|f| f.rule == "geheim"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("in rule geheim"), "{err}");
}

#[test]
fn a_stored_bundle_reloads_when_expired_but_not_when_tampered_or_untrusted() {
    let envelope = signed(&small(2));
    // Long expired on this day: `accept` refuses it, `reload` keeps it working.
    assert!(matches!(
        accept(envelope.as_bytes(), &trust("test"), "2030-01-01"),
        Err(Rejection::Expired { .. })
    ));
    let engine = reload(envelope.as_bytes(), &trust("test")).unwrap();
    assert!(!engine.scan("dit is geheim").unwrap().is_empty());

    let mut tampered = envelope_value(&envelope);
    tampered["signatures"][0]["sig"] = json!(tampered["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .replacen('A', "B", 1)
        .replacen('a', "b", 1));
    assert!(reload(tampered.to_string().as_bytes(), &trust("test")).is_err());
    assert!(matches!(
        reload(envelope.as_bytes(), &trust("iemand-anders")),
        Err(Rejection::WrongBundleId { .. })
    ));
    // Examples are not run again: they passed when the bundle was accepted.
    let mut b = small(3);
    b["rules"][0]["examples"] = json!({"flag": ["niets hier"], "pass": ["geheim!"]});
    assert!(reload(signed(&b).as_bytes(), &trust("test")).is_ok());
}

#[test]
fn checks_run_in_the_documented_order() {
    // Expired and rolled back and for another policy and signed by an untrusted key: the key
    // decides.
    let mut b = small(1);
    b["expires"] = json!("2026-06-30");
    let stranger = sign(b.to_string().as_bytes(), &OTHER_SEED);
    let mut t = with_ratchet(5, "");
    t.bundle_id = "other".into();
    assert_eq!(refuse(&stranger, &t).kind(), "unknown-key");
    // Signed by us: the bundle id, then expiry, then the ratchet.
    assert_eq!(refuse(&signed(&b), &t).kind(), "bundle-id");
    t.bundle_id = "test".into();
    assert_eq!(refuse(&signed(&b), &t).kind(), "expired");
    b["expires"] = json!("2027-06-30");
    assert_eq!(refuse(&signed(&b), &t).kind(), "rollback");
}

#[test]
fn every_rejection_has_its_own_kind() {
    let mut kinds = BTreeSet::new();
    let mut add = |e: Rejection| assert!(kinds.insert(e.kind()), "{} twice", e.kind());
    let t = trust("test");
    add(accept(b"{}", &t, "x").unwrap_err());
    add(refuse(&" ".repeat(MAX_ENVELOPE_BYTES + 1), &t));
    add(refuse("{", &t));
    let mut v = envelope_value(&signed(&small(2)));
    v["payloadType"] = json!("text/plain");
    add(refuse(&v.to_string(), &t));
    add(refuse(&signed(&small(2)), &Trust::new(Vec::new(), "test")));
    add(refuse(
        &sign(small(2).to_string().as_bytes(), &OTHER_SEED),
        &t,
    ));
    let mut v = envelope_value(&signed(&small(2)));
    v["payload"] = json!(encode_base64(small(3).to_string().as_bytes()));
    add(refuse(&v.to_string(), &t));
    add(refuse(&sign(b"{", &SEED), &t));
    add(refuse(&sign(b"{}", &SEED), &t));
    add(refuse(&signed(&small(2)), &trust("x")));
    let mut undated = small(2);
    undated.as_object_mut().unwrap().remove("expires");
    add(refuse(&signed(&undated), &t));
    add(accept(signed(&small(2)).as_bytes(), &t, "2099-01-01").unwrap_err());
    add(refuse(&signed(&small(2)), &with_ratchet(3, "")));
    add(refuse(&signed(&small(3)), &with_ratchet(3, "")));
    let mut b = small(2);
    b["rules"][0]["match"] = json!({"type": "regex", "pattern": "("});
    b["rules"][0]["examples"] = json!({});
    add(refuse(&signed(&b), &t));
    let mut b = small(2);
    b["rules"][0]["examples"] = json!({"flag": ["niets"]});
    add(refuse(&signed(&b), &t));
    assert_eq!(kinds.len(), 16);
}
