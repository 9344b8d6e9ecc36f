//! Writes the benchmark inputs: `bench-inputs [DIR]` (default `target/bench/inputs`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench/inputs"));
    match postwacht_bench::write_inputs(&dir) {
        Ok(files) => {
            for file in files {
                let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                println!("{bytes:>9}  {}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench-inputs: {}: {error}", dir.display());
            ExitCode::from(2)
        }
    }
}
