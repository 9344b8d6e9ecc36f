//! Fixed workloads for counting instructions with callgrind. Counts, unlike timings, do not move
//! with the machine's load, so BENCHMARKS.md quotes them wherever timings were too noisy. Each
//! workload runs in a function of its own, named for callgrind's `--toggle-collect`:
//!
//! ```text
//! cargo build --release -p postwacht-bench --example count
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='count::scans' \
//!     target/release/examples/count scans text-3000
//! ```
//!
//! Workloads (the first argument; the function to collect in brackets):
//! - `start` (`count::start`): the default pack as the extension starts it, from the gate table
//!   its build writes, its regexes left to first use;
//! - `start-parsing` (`count::start`): the same without the table, every pattern parsed;
//! - `first-scan TEXT` (`count::first_scan`): that start and one scan of a bench text
//!   (`text-280`, `text-3000`, `text-1k`, `text-10k`, `text-100k`, `text-1m`), where the
//!   regexes the text needs are built;
//! - `scans TEXT` (`count::scans`): 20 scans of a bench text, after a first one;
//! - `checked N` (`count::checked`): a synthetic N-rule bundle compiled as a new bundle is, every
//!   regex checked;
//! - `corpus` (`count::corpus`): every post of `tests/corpus/*.jsonl` scanned on its own, after
//!   a first round.
//!
//! For counts per source line, build with `CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
//! CARGO_PROFILE_RELEASE_STRIP=none`. Callgrind counts each byte a `rep stos` or `rep movs`
//! writes as an instruction, so check savings in zeroing or copying with wall-clock runs.

use std::time::Instant;

use postwacht_engine::packs::{Sources, DEFAULT_PACK};
use postwacht_engine::Engine;

#[inline(never)]
fn start(sources: &Sources) -> Engine {
    sources
        .engine(DEFAULT_PACK)
        .expect("the default pack compiles")
}

#[inline(never)]
fn first_scan(sources: &Sources, text: &str) -> usize {
    let engine = start(sources);
    engine.scan(text).expect("a bench text scans").len()
}

#[inline(never)]
fn scans(engine: &Engine, text: &str) -> usize {
    (0..20)
        .map(|_| engine.scan(text).expect("a bench text scans").len())
        .sum()
}

#[inline(never)]
fn checked(json: &str) -> Engine {
    Engine::from_json(json).expect("the synthetic bundle compiles")
}

#[inline(never)]
fn corpus(engine: &Engine, posts: &[String]) -> usize {
    posts
        .iter()
        .map(|post| engine.scan(post).expect("a post scans").len())
        .sum()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    // What the extension's build writes beside the packs' sources.
    let plain = Sources::embedded();
    let table = plain.gate_table().expect("every pack compiles");
    let sources = plain.clone().with_gate_table(table);
    let t = Instant::now();
    let said = match arg(0, "").as_str() {
        "start" => {
            start(&sources);
            "compiled".to_string()
        }
        "start-parsing" => {
            start(&plain);
            "compiled".to_string()
        }
        "first-scan" => format!(
            "{} findings",
            first_scan(&sources, &postwacht_bench::text(&arg(1, "text-3000")))
        ),
        "scans" => {
            let text = postwacht_bench::text(&arg(1, "text-3000"));
            let engine = start(&sources);
            engine.scan(&text).expect("a bench text scans");
            let t = Instant::now();
            let found = scans(&engine, &text);
            format!(
                "{found} findings in 20 scans, {:?} a scan",
                t.elapsed() / 20
            )
        }
        "checked" => {
            let rules: usize = arg(1, "1000").parse().expect("a number of rules");
            let json = postwacht_bench::synthetic_json(rules);
            let t = Instant::now();
            checked(&json);
            format!("{rules} rules in {:?}", t.elapsed())
        }
        "corpus" => {
            let posts = postwacht_bench::corpus_posts();
            let engine = start(&sources);
            corpus(&engine, &posts);
            let t = Instant::now();
            let found = corpus(&engine, &posts);
            format!("{} posts, {found} findings, {:?}", posts.len(), t.elapsed())
        }
        other => {
            eprintln!(
                "unknown workload {other:?}: start, start-parsing, first-scan TEXT, scans TEXT, \
                 checked N or corpus"
            );
            std::process::exit(2);
        }
    };
    eprintln!("{said} ({:?} in all)", t.elapsed());
}
