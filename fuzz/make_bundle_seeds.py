#!/usr/bin/env python3
"""Cuts built-in pack bundles into small valid bundles: seeds for the `bundle` fuzz target.

A whole pack (about 800 KB) would make libFuzzer mutate 800 KB inputs at a few executions a
second; a bundle of two real rules with just the clauses, documents and named lists they use
reaches the same parser and compiler paths at thousands a second.

    python3 fuzz/make_bundle_seeds.py OUT_DIR PACK.json...

`./build.sh fuzz` runs it on the packs of the working copy (exported by the CLI) into the
generated corpus; fuzz/seeds/bundle/ holds one such run.
"""
import json
import os
import sys

RULES_PER_SEED = 2


def lists_used(rule):
    """Names of the `list:NAME` entries anywhere in a rule."""
    found = set()

    def walk(value):
        if isinstance(value, str) and value.startswith("list:"):
            found.add(value[len("list:"):])
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    walk(rule.get("match"))
    walk(rule.get("unless"))
    walk(rule.get("signals"))
    return found


def mini_bundle(pack, rules):
    clause_ids = {c for r in rules for c in r["clauses"]}
    clauses = [c for c in pack["clauses"] if c["id"] in clause_ids]
    doc_ids = {c["document"] for c in clauses}
    names = set().union(*(lists_used(r) for r in rules))
    bundle = {k: pack[k] for k in pack if k not in ("documents", "clauses", "rules", "lists")}
    bundle["documents"] = [d for d in pack["documents"] if d["id"] in doc_ids]
    bundle["clauses"] = clauses
    bundle["rules"] = rules
    if names:
        bundle["lists"] = {n: pack["lists"][n] for n in sorted(names)}
    return bundle


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    written = set()
    for path in paths:
        pack = json.load(open(path, encoding="utf-8"))
        by_type = {}
        for rule in pack["rules"]:
            key = json.dumps(rule, sort_keys=True)
            if key in written:
                continue  # the same rule, already in a seed of an earlier pack
            by_type.setdefault(rule["match"]["type"], []).append(rule)
        for kind, rules in sorted(by_type.items()):
            # Rules with exceptions and signals first: they reach the most code.
            rules.sort(key=lambda r: -(len(r.get("unless", [])) + len(r.get("signals", []))))
            chosen = rules[:RULES_PER_SEED]
            for r in chosen:
                written.add(json.dumps(r, sort_keys=True))
            name = f"{pack['id']}-{kind}.json"
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                json.dump(mini_bundle(pack, chosen), f, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
