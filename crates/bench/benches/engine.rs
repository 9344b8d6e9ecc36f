//! Native benchmarks of the Postwacht engine: `cargo bench -p postwacht-bench`.
//!
//! Criterion measures every case except the few that take over a second per run, which are
//! timed here as the median of three runs (Criterion needs at least ten). At the end `main`
//! reads back the medians Criterion wrote (`target/criterion/<group>/<case>/new/estimates.json`,
//! only those written by this run, so a filtered run never mixes in stale figures), prints a
//! summary and writes `target/bench/native.json`. Nothing here asserts on timings.
//!
//! The inputs are generated in memory by `postwacht_bench`, the same bytes `bench-inputs`
//! writes for the browser harness.
//!
//! "All packs" means one engine per built-in pack, scanning one after another: each pack is a
//! separate policy with its own clauses and settings. Merging all rules into one bundle would
//! let them share one phrase automaton, a configuration no deployment runs.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, SamplingMode, Throughput};
use postwacht_bench::baseline::Baseline;
use postwacht_bench::{synthetic_json, texts, BASE_PACK, RULE_COUNTS};
use postwacht_engine::{packs, Engine};
use serde_json::{json, Value};

/// Texts scanned by every engine; the scaling series adds 1k and 10k for the default pack.
const SCAN_TEXTS: [&str; 4] = ["text-280", "text-3000", "text-100k", "text-1m"];
const SCALING_TEXTS: [&str; 4] = ["text-1k", "text-10k", "text-100k", "text-1m"];
/// Where the baseline and the machine-speed reference are compared with the engine.
const RATIO_TEXTS: [&str; 2] = ["text-3000", "text-100k"];

/// Past this per-run time Criterion's linear sampling would need 55+ runs for its minimum of
/// 10 samples: flat sampling gets by with 10.
const SLOW: Duration = Duration::from_millis(15);
/// Past this even 10 runs cost too much (the baseline at 100 KB, all packs at 1 MB, the
/// 1,000-rule bundle): such a case is timed here, as the median of [`HEAVY_RUNS`] runs.
const HEAVY: Duration = Duration::from_secs(1);
const HEAVY_RUNS: usize = 3;

fn workspace_target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
            crate_dir
                .ancestors()
                .nth(2)
                .unwrap_or(crate_dir)
                .join("target")
        }
    }
}

/// Criterion plus what it does not do for us: choosing the sampling from a first timed run,
/// and timing the heaviest cases itself.
struct Runner {
    criterion: Criterion,
    /// Whether this is a measuring run (`cargo bench`), not `--test`, `--list` or profiling.
    measuring: bool,
    /// Positional arguments: as for Criterion, only cases whose id contains one of them run
    /// (matched as substrings here, so a filter should be plain text).
    filters: Vec<String>,
    /// Medians of the cases timed outside Criterion, in nanoseconds.
    heavy: BTreeMap<String, f64>,
}

impl Runner {
    fn new(criterion: Criterion) -> Runner {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let measuring = args.iter().any(|a| a == "--bench")
            && !args
                .iter()
                .any(|a| a == "--list" || a == "--test" || a.starts_with("--profile-time"));
        // Criterion's options that take a value; their values are not filters.
        const VALUED: [&str; 14] = [
            "--save-baseline",
            "--baseline",
            "--baseline-lenient",
            "--load-baseline",
            "--sample-size",
            "--warm-up-time",
            "--measurement-time",
            "--nresamples",
            "--noise-threshold",
            "--confidence-level",
            "--significance-level",
            "--profile-time",
            "--color",
            "--format",
        ];
        let mut filters = Vec::new();
        let mut skip = false;
        for arg in &args {
            if skip {
                skip = false;
            } else if VALUED.contains(&arg.as_str()) {
                skip = true;
            } else if !arg.starts_with('-') {
                filters.push(arg.clone());
            }
        }
        Runner {
            criterion,
            measuring,
            filters,
            heavy: BTreeMap::new(),
        }
    }

    fn wanted(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }

    /// Measures `run` as `group/case`, with byte throughput when `bytes` is given.
    fn case<R>(
        &mut self,
        group: &str,
        case: &str,
        bytes: Option<usize>,
        mut run: impl FnMut() -> R,
    ) {
        let id = format!("{group}/{case}");
        if !self.wanted(&id) {
            return;
        }
        let mut first = Duration::ZERO;
        if self.measuring {
            let start = Instant::now();
            black_box(run());
            first = start.elapsed();
        }
        if first > HEAVY {
            let mut times: Vec<f64> = (0..HEAVY_RUNS)
                .map(|_| {
                    let start = Instant::now();
                    black_box(run());
                    start.elapsed().as_secs_f64() * 1e9
                })
                .collect();
            times.sort_by(f64::total_cmp);
            let median = times[times.len() / 2];
            let rate = bytes.map_or(String::new(), |b| {
                format!(", {} MB/s", format_ratio(b as f64 / median * 1e3))
            });
            println!(
                "{id:<40} time: {} (median of {HEAVY_RUNS} runs timed outside Criterion{rate})",
                format_ns(median)
            );
            self.heavy.insert(id, median);
            return;
        }
        let mut g = self.criterion.benchmark_group(group);
        if let Some(b) = bytes {
            g.throughput(Throughput::BytesDecimal(b as u64));
        }
        if first > SLOW {
            g.sampling_mode(SamplingMode::Flat).sample_size(10);
        } else {
            g.sampling_mode(SamplingMode::Auto).sample_size(40);
        }
        g.bench_function(case, |b| b.iter(&mut run));
        g.finish();
    }
}

fn text<'a>(texts: &'a [(&'static str, String)], name: &str) -> &'a str {
    texts
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no text input {name}"))
}

fn bench_scans(r: &mut Runner, texts: &[(&'static str, String)]) {
    let overheid = packs::engine(BASE_PACK).expect("default pack");
    let all: Vec<Engine> = packs::names()
        .iter()
        .map(|name| packs::engine(name).expect("built-in pack"))
        .collect();

    let mut names: Vec<&str> = SCAN_TEXTS.to_vec();
    names.extend(SCALING_TEXTS.iter().filter(|n| !SCAN_TEXTS.contains(n)));
    for name in names {
        let t = text(texts, name);
        r.case("scan-overheid", name, Some(t.len()), || {
            overheid.scan(black_box(t)).expect("scan")
        });
    }
    // Which pack the all-packs figure is made of.
    let t = text(texts, "text-3000");
    for (name, engine) in packs::names().iter().zip(&all) {
        r.case("scan-3000-by-pack", name, Some(t.len()), || {
            engine.scan(black_box(t)).expect("scan")
        });
    }
    for name in SCAN_TEXTS {
        let t = text(texts, name);
        r.case("scan-all-packs", name, Some(t.len()), || {
            all.iter()
                .map(|e| e.scan(black_box(t)).expect("scan").len())
                .sum::<usize>()
        });
    }
}

fn bench_compiles(r: &mut Runner) {
    for name in packs::names() {
        // Assembles the bundle from the pack's sources, then validates and compiles it.
        r.case("compile-pack-engine", &name, None, || {
            packs::engine(black_box(&name)).expect("pack")
        });
        // What the extension does with an organisation's bundle: parse, validate, compile.
        let json = packs::bundle_json(&name).expect("pack json");
        r.case("compile-pack-json", &name, None, || {
            Engine::from_json(black_box(&json)).expect("pack json compiles")
        });
    }
    for n in RULE_COUNTS {
        let json = synthetic_json(n);
        r.case("compile-synthetic", &format!("rules-{n}"), None, || {
            Engine::from_json(black_box(&json)).expect("synthetic bundle")
        });
    }
}

fn bench_references(r: &mut Runner, texts: &[(&'static str, String)]) {
    let bundle = packs::bundle(BASE_PACK).expect("default pack");
    r.case("baseline-compile", BASE_PACK, None, || {
        Baseline::new(black_box(&bundle)).expect("baseline")
    });
    let baseline = Baseline::new(&bundle).expect("baseline");
    for name in RATIO_TEXTS {
        let t = text(texts, name);
        r.case("baseline-scan", name, Some(t.len()), || {
            baseline.scan(black_box(t))
        });
    }
    // A trivial full pass over the text: dividing by it cancels most of the machine's speed.
    for name in RATIO_TEXTS {
        let t = text(texts, name);
        r.case("reference-lowercase", name, Some(t.len()), || {
            black_box(t).to_lowercase()
        });
    }
}

/// The median Criterion wrote for `case` during this run, in nanoseconds.
fn median_ns(criterion_dir: &Path, case: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir.join(case).join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let estimates: Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn format_ns(ns: f64) -> String {
    match ns {
        n if n >= 1e9 => format!("{:.2} s", n / 1e9),
        n if n >= 1e6 => format!("{:.2} ms", n / 1e6),
        n if n >= 1e3 => format!("{:.2} µs", n / 1e3),
        n => format!("{n:.0} ns"),
    }
}

/// Three significant digits: the baseline's ratio and MB/s are far below 0.01.
fn format_ratio(r: f64) -> String {
    let digits = (2 - r.abs().log10().floor() as i32).clamp(0, 8) as usize;
    format!("{r:.digits$}")
}

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

fn summarise(
    r: &Runner,
    criterion_dir: &Path,
    texts: &[(&'static str, String)],
    since: SystemTime,
) {
    let bytes: BTreeMap<&str, usize> = texts.iter().map(|(n, t)| (*n, t.len())).collect();
    let mut cases: Vec<(String, Option<usize>)> = Vec::new();
    for name in SCAN_TEXTS.iter().chain(&SCALING_TEXTS[..2]) {
        cases.push((format!("scan-overheid/{name}"), Some(bytes[name])));
    }
    for name in packs::names() {
        cases.push((
            format!("scan-3000-by-pack/{name}"),
            Some(bytes["text-3000"]),
        ));
    }
    for name in SCAN_TEXTS {
        cases.push((format!("scan-all-packs/{name}"), Some(bytes[name])));
    }
    for name in packs::names() {
        cases.push((format!("compile-pack-engine/{name}"), None));
        cases.push((format!("compile-pack-json/{name}"), None));
    }
    for n in RULE_COUNTS {
        cases.push((format!("compile-synthetic/rules-{n}"), None));
    }
    cases.push((format!("baseline-compile/{BASE_PACK}"), None));
    for name in RATIO_TEXTS {
        cases.push((format!("baseline-scan/{name}"), Some(bytes[name])));
    }
    for name in RATIO_TEXTS {
        cases.push((format!("reference-lowercase/{name}"), Some(bytes[name])));
    }

    let median = |case: &str| {
        r.heavy
            .get(case)
            .copied()
            .or_else(|| median_ns(criterion_dir, case, since))
    };
    let mut table = String::new();
    let mut results = serde_json::Map::new();
    table.push_str(&format!("{:<42} {:>12} {:>10}\n", "case", "median", "MB/s"));
    for (case, size) in &cases {
        let Some(ns) = median(case) else { continue };
        let mbps = size.map(|b| b as f64 / ns * 1e3);
        table.push_str(&format!(
            "{case:<42} {:>12} {:>10}\n",
            format_ns(ns),
            mbps.map_or(String::new(), format_ratio)
        ));
        results.insert(
            case.clone(),
            json!({"median_ns": ns, "bytes": size, "mb_per_s": mbps,
                "timed_by": if r.heavy.contains_key(case) { "median of 3 runs" } else { "criterion" }}),
        );
    }

    let mut ratios = serde_json::Map::new();
    let mut ratio_lines = String::new();
    for name in RATIO_TEXTS {
        let ours = median(&format!("scan-overheid/{name}"));
        for (label, other) in [
            ("postwacht / baseline", format!("baseline-scan/{name}")),
            (
                "postwacht / lowercase",
                format!("reference-lowercase/{name}"),
            ),
        ] {
            if let Some(r) = ratio(ours, median(&other)) {
                ratio_lines.push_str(&format!("{label:<24} {name:<10} {:>10}\n", format_ratio(r)));
                ratios.insert(format!("{label} {name}"), json!(r));
            }
        }
        if let Some(r) = ratio(median(&format!("scan-all-packs/{name}")), ours) {
            ratio_lines.push_str(&format!(
                "{:<24} {name:<10} {:>10}
",
                "all packs / overheid",
                format_ratio(r)
            ));
            ratios.insert(format!("all packs / overheid {name}"), json!(r));
        }
    }

    // Time ratio divided by size ratio: 1.0 is linear, above it worse than linear.
    let mut growth = Vec::new();
    let mut growth_lines = String::new();
    let scan_steps: Vec<(String, f64)> = SCALING_TEXTS
        .iter()
        .map(|n| (format!("scan-overheid/{n}"), bytes[n] as f64))
        .collect();
    let compile_steps: Vec<(String, f64)> = RULE_COUNTS
        .iter()
        .map(|n| (format!("compile-synthetic/rules-{n}"), *n as f64))
        .collect();
    for steps in [scan_steps, compile_steps] {
        for pair in steps.windows(2) {
            let (from, to) = (&pair[0], &pair[1]);
            let Some(time) = ratio(median(&to.0), median(&from.0)) else {
                continue;
            };
            let factor = time / (to.1 / from.1);
            growth_lines.push_str(&format!(
                "{:<34} → {:<24} {factor:>6.2}\n",
                from.0,
                to.0.rsplit('/').next().unwrap_or(""),
            ));
            growth.push(json!({"from": from.0, "to": to.0, "time_ratio": time,
                "size_ratio": to.1 / from.1, "growth": factor}));
        }
    }

    if results.is_empty() {
        return;
    }
    println!("\n=== Postwacht native benchmarks (median; MB/s = 10^6 bytes/s) ===");
    print!("{table}");
    if !ratio_lines.is_empty() {
        println!("\n--- ratios (time / time) ---");
        print!("{ratio_lines}");
    }
    if !growth_lines.is_empty() {
        println!("\n--- growth (time ratio / size ratio; 1.0 = linear) ---");
        print!("{growth_lines}");
    }

    let commit = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = git(&["status", "--porcelain"]).map(|s| !s.is_empty());
    let report = json!({
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "how": "cargo bench -p postwacht-bench; medians from Criterion's estimates.json, or of 3 runs timed by the bench where one run takes over 1 s (see timed_by)",
        "commit": commit,
        "dirty": dirty,
        "cpus": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "results": results,
        "ratios": ratios,
        "growth": growth,
    });
    let out = workspace_target().join("bench/native.json");
    let written = out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            std::fs::write(
                &out,
                serde_json::to_string_pretty(&report).expect("json") + "\n",
            )
        });
    match written {
        Ok(()) => println!("\nwrote {}", out.display()),
        Err(e) => eprintln!("could not write {}: {e}", out.display()),
    }
}

fn main() {
    let since = SystemTime::now();
    let criterion_dir = workspace_target().join("criterion");
    let criterion = Criterion::default()
        .output_directory(&criterion_dir)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut runner = Runner::new(criterion);
    let texts = texts();
    bench_scans(&mut runner, &texts);
    bench_compiles(&mut runner);
    bench_references(&mut runner, &texts);
    runner.criterion.final_summary();
    if runner.measuring {
        summarise(&runner, &criterion_dir, &texts, since);
    }
}
