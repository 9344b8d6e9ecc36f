#!/usr/bin/env python3
"""Validate the labelled development corpus (dev.jsonl) and print its counts.

Usage: python3 check_corpus.py [path/to/dev.jsonl]

Checks
  * every line is a JSON object with exactly the keys id, lang, site, text, expect, allow
  * ids are unique, look like nl-0001 / be-0001 / fr-0001 / en-0001, and the prefix fits lang
  * site is x, linkedin or facebook; text is a non-empty string; texts are unique
  * expect and allow only use the 14 category ids of docs/policy-format.md, without
    duplicates, and never share a category
  * composition targets: >= 420 posts, about 75 % Dutch (>= 60 Flemish be- posts),
    about 15 % French, about 10 % English, about half benign, >= 15 posts per category
  * identifiers: every IBAN-shaped (NL/BE) string passes mod-97, every Belgian
    rijksregisternummer-shaped string passes mod 97 (with the 2000+ rule), every
    9-digit number in a post that expects personal-data passes the BSN 11-proef, and
    no 9-digit number in a benign post (expect []) passes it

Exit status 0 when everything holds, 1 on any problem (all problems are listed).
"""
import collections
import json
import os
import re
import sys

CATEGORIES = [
    "confidential", "individual-case", "contradict-official", "organisation-finances",
    "speaking-for-organisation", "it-security", "physical-security", "personal-data",
    "offensive", "employer-criticism", "official-channel", "irony", "empty-promise",
    "uniform-weapon",
]
KEYS = {"id", "lang", "site", "text", "expect", "allow"}
SITES = {"x", "linkedin", "facebook"}
PREFIX_LANG = {"nl": "nl", "be": "nl", "fr": "fr", "en": "en"}
ID_RE = re.compile(r"^(nl|be|fr|en)-(\d{4})$")

MIN_TOTAL = 420
MIN_PER_CATEGORY = 15
MIN_FLEMISH = 60
# (low, high) share of all posts
LANG_SHARE = {"nl": (0.70, 0.80), "fr": (0.12, 0.18), "en": (0.07, 0.13)}
BENIGN_SHARE = (0.40, 0.60)

# ---------------------------------------------------------------- identifiers
IBAN_RE = re.compile(r"\b(?:NL\d{2} ?[A-Z]{4}(?: ?\d){10}|BE\d{2}(?: ?\d){12})\b")
RRN_RE = re.compile(
    r"(?<![\d.])(\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2})(?![\d.])"
    r"|(?:rijksregister\w*|registre national|num[ée]ro national|INSZ|NISS)\D{0,15}?(?<!\d)(\d{11})(?!\d)",
    re.IGNORECASE)
BSN_RE = re.compile(r"(?<![\d.\-/])(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d.\-/]\d|\d)")


def iban_ok(s):
    s = re.sub(r"\s", "", s).upper()
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


def rrn_ok(s):
    d = re.sub(r"\D", "", s)
    base, check = d[:9], int(d[9:])
    return 97 - int(base) % 97 == check or 97 - int("2" + base) % 97 == check


def bsn_ok(s):
    d = [int(c) for c in re.sub(r"\D", "", s)]
    if len(d) != 9 or not any(d):
        return False
    return (sum(d[i] * (9 - i) for i in range(8)) - d[8]) % 11 == 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "dev.jsonl")
    problems = []
    posts = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                problems.append(f"line {n}: empty line")
                continue
            try:
                o = json.loads(line)
            except json.JSONDecodeError as e:
                problems.append(f"line {n}: not JSON ({e})")
                continue
            if not isinstance(o, dict):
                problems.append(f"line {n}: not an object")
                continue
            if set(o) != KEYS:
                problems.append(f"line {n}: keys {sorted(o)} != {sorted(KEYS)}")
                continue
            o["_line"] = n
            posts.append(o)

    seen_ids, seen_texts = {}, {}
    for o in posts:
        n, pid = o["_line"], o["id"]
        where = f"line {n} ({pid})"
        m = ID_RE.match(pid) if isinstance(pid, str) else None
        if not m:
            problems.append(f"{where}: bad id")
        else:
            if PREFIX_LANG[m.group(1)] != o["lang"]:
                problems.append(f"{where}: lang {o['lang']!r} does not fit prefix")
            if m.group(2) == "0000":
                problems.append(f"{where}: id number 0000")
        if pid in seen_ids:
            problems.append(f"{where}: duplicate id (first on line {seen_ids[pid]})")
        seen_ids.setdefault(pid, n)
        if o["lang"] not in ("nl", "fr", "en"):
            problems.append(f"{where}: bad lang {o['lang']!r}")
        if o["site"] not in SITES:
            problems.append(f"{where}: bad site {o['site']!r}")
        t = o["text"]
        if not isinstance(t, str) or not t.strip():
            problems.append(f"{where}: empty text")
            continue
        key = " ".join(t.lower().split())
        if key in seen_texts:
            problems.append(f"{where}: same text as line {seen_texts[key]}")
        seen_texts.setdefault(key, n)
        for field in ("expect", "allow"):
            v = o[field]
            if not isinstance(v, list) or not all(isinstance(c, str) for c in v):
                problems.append(f"{where}: {field} is not a list of strings")
                o[field] = []
                continue
            for c in v:
                if c not in CATEGORIES:
                    problems.append(f"{where}: unknown category {c!r} in {field}")
            if len(set(v)) != len(v):
                problems.append(f"{where}: duplicate category in {field}")
        both = set(o["expect"]) & set(o["allow"])
        if both:
            problems.append(f"{where}: {sorted(both)} in both expect and allow")

        # identifiers
        for m_ in IBAN_RE.finditer(t):
            if not iban_ok(m_.group(0)):
                problems.append(f"{where}: IBAN {m_.group(0)!r} fails mod-97")
        for m_ in RRN_RE.finditer(t):
            num = m_.group(1) or m_.group(2)
            if not rrn_ok(num):
                problems.append(f"{where}: rijksregisternummer {num!r} fails mod 97")
        for m_ in BSN_RE.finditer(t):
            num, valid = m_.group(1), bsn_ok(m_.group(1))
            if "personal-data" in o["expect"] and not valid:
                problems.append(f"{where}: 9-digit number {num!r} in a personal-data post fails the 11-proef")
            if not o["expect"] and valid:
                problems.append(f"{where}: 9-digit number {num!r} in a benign post passes the 11-proef")

    # ------------------------------------------------------------ counts
    total = len(posts)
    by_prefix = collections.Counter(o["id"].split("-")[0] for o in posts)
    by_lang = collections.Counter(o["lang"] for o in posts)
    by_site = collections.Counter(o["site"] for o in posts)
    expect = collections.Counter(c for o in posts for c in o["expect"])
    allow = collections.Counter(c for o in posts for c in o["allow"])
    benign = [o for o in posts if not o["expect"]]
    hard = [o for o in benign if o["allow"]]
    multi = [o for o in posts if len(o["expect"]) > 1]
    expect_lang = collections.defaultdict(collections.Counter)
    for o in posts:
        for c in o["expect"]:
            expect_lang[c][o["id"].split("-")[0]] += 1

    def pct(k, n=total):
        return f"{100 * k / n:5.1f} %" if n else "  n/a"

    print(f"file: {path}")
    print(f"posts: {total}")
    print("per language:")
    for lang in ("nl", "fr", "en"):
        print(f"  {lang}: {by_lang[lang]:4d}  {pct(by_lang[lang])}")
    print(f"    of which nl- (Netherlands) {by_prefix['nl']}, be- (Flemish) {by_prefix['be']}")
    print("per site: " + ", ".join(f"{s} {by_site[s]}" for s in sorted(SITES)))
    print(f"benign (expect []): {len(benign)}  {pct(len(benign))}"
          f"   (of which with a non-empty allow: {len(hard)})")
    print(f"risky: {total - len(benign)}   with several expect categories: {len(multi)}")
    print("per category:            expect  (nl/be/fr/en)    allow")
    for c in CATEGORIES:
        split = "/".join(str(expect_lang[c][p]) for p in ("nl", "be", "fr", "en"))
        print(f"  {c:27s} {expect[c]:4d}   ({split:>13s})  {allow[c]:4d}")
    print("benign share per language: " + ", ".join(
        f"{p} {pct(sum(1 for o in benign if o['id'].startswith(p + '-')), by_prefix[p])}"
        for p in ("nl", "be", "fr", "en")))

    # ------------------------------------------------------------ targets
    if total < MIN_TOTAL:
        problems.append(f"only {total} posts (< {MIN_TOTAL})")
    if by_prefix["be"] < MIN_FLEMISH:
        problems.append(f"only {by_prefix['be']} Flemish posts (< {MIN_FLEMISH})")
    for lang, (lo, hi) in LANG_SHARE.items():
        share = by_lang[lang] / total if total else 0
        if not lo <= share <= hi:
            problems.append(f"{lang} share {share:.3f} outside [{lo}, {hi}]")
    share = len(benign) / total if total else 0
    if not BENIGN_SHARE[0] <= share <= BENIGN_SHARE[1]:
        problems.append(f"benign share {share:.3f} outside {BENIGN_SHARE}")
    for c in CATEGORIES:
        if expect[c] < MIN_PER_CATEGORY:
            problems.append(f"category {c}: only {expect[c]} posts expect it (< {MIN_PER_CATEGORY})")

    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
