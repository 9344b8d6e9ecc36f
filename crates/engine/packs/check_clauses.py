#!/usr/bin/env python3
"""Validate the pack sources in this directory.

Checks documents.json, clauses/<document-id>.json and category-clauses.json:
  * every file parses and has the expected shape (no unknown or missing fields);
  * ids are kebab-case and unique; clause ids carry their document's prefix;
  * every clause's document exists and has a clause file of its own;
  * title, explanation and advice have non-empty nl, fr and en texts;
  * every clause text occurs verbatim (whitespace-normalised) in its source
    document under docs/codes-of-conduct/ (override with POLICY_SOURCES);
  * category-clauses.json has exactly the five packs, each with all 14
    categories, each citing at least one existing clause, without duplicates;
    organisation packs cite only their own documents, and the default pack
    (overheid) cites 1-3 clauses per category.

Exits 1 on any problem (all problems are reported), 0 otherwise.
Usage: python3 check_clauses.py [packs-dir]
"""
import json
import os
import re
import sys
import unicodedata

PACKS_DIR = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__))
SOURCES_DIR = os.environ.get(
    "POLICY_SOURCES",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "docs", "codes-of-conduct"),
)

# document id -> (source file, clause id prefix)
DOCUMENTS = {
    "ind-gedragscode": ("ind-gedragscode-sociale-media.txt", "ind-"),
    "fod-financien-sociale-media": ("fod-financien-gevaren-sociale-media.txt", "fod-"),
    "assen-reglement-2018": ("gemeente-assen-privacy-en-gebruiksreglement-2018.txt", "assen-"),
    "rijksoverheid-online-communicatie": ("rijksoverheid-online-communicatie.txt", "rijk-oc-"),
    "rijksoverheid-priveaccount": ("rijksoverheid-zakelijk-gebruik-priveaccount.txt", "rijk-pa-"),
}

# pack id -> documents it may cite (None: any)
PACKS = {
    "ind": {"ind-gedragscode"},
    "fod-financien": {"fod-financien-sociale-media"},
    "gemeente-assen": {"assen-reglement-2018"},
    "rijksoverheid": {"rijksoverheid-online-communicatie", "rijksoverheid-priveaccount"},
    "overheid": None,
}
DEFAULT_PACK_MAX = 3

CATEGORIES = [
    "confidential", "individual-case", "contradict-official", "organisation-finances",
    "speaking-for-organisation", "it-security", "physical-security", "personal-data",
    "offensive", "employer-criticism", "official-channel", "irony", "empty-promise",
    "uniform-weapon",
]
LANGUAGES = ("nl", "fr", "en")
DOC_REQUIRED = {"id", "title", "organisation", "language"}
DOC_OPTIONAL = {"url"}
CLAUSE_FIELDS = {"id", "document", "reference", "title", "text", "explanation", "advice"}
LOCALIZED = ("title", "explanation", "advice")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

problems = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def norm(s):
    """NFC, every run of white space (incl. no-break space) to one space, trimmed."""
    s = unicodedata.normalize("NFC", s)
    return re.sub(r"\s+", " ", s).strip()


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        problem(os.path.relpath(path, PACKS_DIR), "file missing")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        problem(os.path.relpath(path, PACKS_DIR), f"invalid JSON: {e}")
    return None


def nonempty_str(v):
    return isinstance(v, str) and v.strip() != ""


# --- documents -------------------------------------------------------------
documents = load(os.path.join(PACKS_DIR, "documents.json"))
doc_ids = set()
if documents is not None:
    if not isinstance(documents, list):
        problem("documents.json", "must be a JSON array")
        documents = []
    for i, d in enumerate(documents):
        where = f"documents.json[{i}]"
        if not isinstance(d, dict):
            problem(where, "must be an object")
            continue
        where = f"documents.json {d.get('id', f'[{i}]')}"
        for k in sorted(set(d) - DOC_REQUIRED - DOC_OPTIONAL):
            problem(where, f"unknown field '{k}'")
        for k in sorted(DOC_REQUIRED - set(d)):
            problem(where, f"missing field '{k}'")
        for k in DOC_REQUIRED | (DOC_OPTIONAL & set(d)):
            if k in d and not nonempty_str(d[k]):
                problem(where, f"field '{k}' must be a non-empty string")
        did = d.get("id")
        if not isinstance(did, str):
            continue
        if not KEBAB.match(did):
            problem(where, "id is not kebab-case")
        if did in doc_ids:
            problem(where, "duplicate document id")
        doc_ids.add(did)
        if did not in DOCUMENTS:
            problem(where, "no known source file for this document id")
        if d.get("language") not in LANGUAGES:
            problem(where, f"language must be one of {LANGUAGES}")
        if "url" in d and not str(d["url"]).startswith("https://"):
            problem(where, "url must start with https://")
    for did in sorted(set(DOCUMENTS) - doc_ids):
        problem("documents.json", f"document '{did}' missing")

# --- source texts ----------------------------------------------------------
sources = {}
for did, (fname, _) in DOCUMENTS.items():
    path = os.path.join(SOURCES_DIR, fname)
    try:
        with open(path, encoding="utf-8") as f:
            sources[did] = norm(f.read())
    except OSError as e:
        problem(did, f"cannot read source {path}: {e}")

# --- clauses ---------------------------------------------------------------
clauses = {}  # id -> clause
clause_dir = os.path.join(PACKS_DIR, "clauses")
if os.path.isdir(clause_dir):
    for fname in sorted(os.listdir(clause_dir)):
        if fname.endswith(".json") and fname[:-5] not in DOCUMENTS:
            problem(f"clauses/{fname}", "file does not belong to a known document")
for did in DOCUMENTS:
    rel = f"clauses/{did}.json"
    data = load(os.path.join(clause_dir, f"{did}.json"))
    if data is None:
        continue
    if not isinstance(data, list) or not data:
        problem(rel, "must be a non-empty JSON array")
        continue
    prefix = DOCUMENTS[did][1]
    for i, c in enumerate(data):
        if not isinstance(c, dict):
            problem(f"{rel}[{i}]", "must be an object")
            continue
        cid = c.get("id")
        where = f"{rel} {cid if isinstance(cid, str) else f'[{i}]'}"
        for k in sorted(set(c) - CLAUSE_FIELDS):
            problem(where, f"unknown field '{k}'")
        for k in sorted(CLAUSE_FIELDS - set(c)):
            problem(where, f"missing field '{k}'")
        if not isinstance(cid, str):
            problem(where, "id must be a string")
            continue
        if not KEBAB.match(cid):
            problem(where, "id is not kebab-case")
        if not cid.startswith(prefix):
            problem(where, f"id must start with '{prefix}'")
        if cid in clauses:
            problem(where, "duplicate clause id")
        clauses[cid] = c
        if c.get("document") != did:
            problem(where, f"document is '{c.get('document')}', expected '{did}' (file name)")
        if c.get("document") not in doc_ids:
            problem(where, f"document '{c.get('document')}' not in documents.json")
        if not nonempty_str(c.get("reference")):
            problem(where, "reference must be a non-empty string")
        for field in LOCALIZED:
            val = c.get(field)
            if not isinstance(val, dict):
                problem(where, f"{field} must be an object keyed by language")
                continue
            for k in sorted(set(val) - set(LANGUAGES)):
                problem(where, f"{field}: unknown language '{k}'")
            for lang in LANGUAGES:
                if not nonempty_str(val.get(lang)):
                    problem(where, f"{field}.{lang} missing or empty")
        text = c.get("text")
        if not nonempty_str(text):
            problem(where, "text must be a non-empty string")
        elif did in sources:
            if text != text.strip():
                problem(where, "text has leading/trailing white space")
            if norm(text) not in sources[did]:
                problem(where, "text not found verbatim in source document")

# --- category-clauses ------------------------------------------------------
cc = load(os.path.join(PACKS_DIR, "category-clauses.json"))
cited = set()
if cc is not None:
    if not isinstance(cc, dict):
        problem("category-clauses.json", "must be a JSON object")
        cc = {}
    for pack in sorted(set(cc) - set(PACKS)):
        problem("category-clauses.json", f"unknown pack '{pack}'")
    for pack, allowed_docs in PACKS.items():
        where = f"category-clauses.json {pack}"
        cats = cc.get(pack)
        if not isinstance(cats, dict):
            problem(where, "pack missing or not an object")
            continue
        for cat in sorted(set(cats) - set(CATEGORIES)):
            problem(where, f"unknown category '{cat}'")
        for cat in CATEGORIES:
            ids = cats.get(cat)
            w = f"{where}.{cat}"
            if not isinstance(ids, list) or not ids:
                problem(w, "missing or empty clause list")
                continue
            if len(ids) != len(set(map(str, ids))):
                problem(w, "duplicate clause ids")
            if allowed_docs is None and len(ids) > DEFAULT_PACK_MAX:
                problem(w, f"default pack cites at most {DEFAULT_PACK_MAX} clauses")
            for cid in ids:
                if cid not in clauses:
                    problem(w, f"unknown clause '{cid}'")
                    continue
                cited.add(cid)
                doc = clauses[cid].get("document")
                if allowed_docs is not None and doc not in allowed_docs:
                    problem(w, f"clause '{cid}' is from '{doc}', not from this pack's documents")

# --- report ----------------------------------------------------------------
uncited = sorted(set(clauses) - cited)
for did in DOCUMENTS:
    n = sum(1 for c in clauses.values() if c.get("document") == did)
    print(f"{did}: {n} clauses")
if uncited:
    print("note: clauses not cited by any category: " + ", ".join(uncited))
if problems:
    print(f"\n{len(problems)} problem(s):", file=sys.stderr)
    for p in problems:
        print("  " + p, file=sys.stderr)
    sys.exit(1)
print("OK")
