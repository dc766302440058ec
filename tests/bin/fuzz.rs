//! `wijkprofiel-fuzz`: a seeded mutation fuzzer for the loaders, without coverage guidance
//! (that is `wijkprofiel-libfuzzer`, run by `scripts/fuzz`): quick, deterministic and built
//! with the test suite, which runs it briefly and replays the kept cases with it. Each target
//! takes a small valid input from the demo region, mutates it at random (bit flips, bytes
//! CSV, TOML and JSON care about, cut, repeated and inserted runs, truncation, spliced lines)
//! and feeds it to the public loader; a panic is a crash, saved with its input.
//!
//! ```sh
//! wijkprofiel-fuzz --target csv --seconds 600 --seed 1     # one target, ten minutes
//! wijkprofiel-fuzz --replay tests/fuzz-cases               # every kept case, once
//! wijkprofiel-fuzz --seeds fuzz-out/corpus                 # each target's seed, for libFuzzer
//! ```
//!
//! Prints `TARGET: N executions in S s, K crashes` per target; exits 1 on any crash. With
//! `--save DIR`, each input is written to `DIR/TARGET-current.bin` before it runs, so that
//! an abort (a failed allocation cannot be caught) leaves the input that caused it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wijkprofiel_fuzz::targets;

/// The core's SplitMix64, with draws below a bound.
struct Random(wijkprofiel::rng::Rng);

impl Random {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes the formats give meaning to.
const SPECIAL: &[u8] = b"\",\n\r#=[]{}:.-+0919\\\x00\xff\xc3\xa9 ";

/// One to four random edits of `seed`.
fn mutate(seed: &[u8], rng: &mut Random) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let n = bytes.len();
        let at = rng.below(n + 1);
        match rng.below(8) {
            0 if n > 0 => {
                let i = at.min(n - 1);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if n > 0 => {
                let i = at.min(n - 1);
                bytes[i] = SPECIAL[rng.below(SPECIAL.len())];
            }
            2 => {
                let len = rng.below(64).min(n - at);
                bytes.drain(at..at + len);
            }
            3 => {
                let len = rng.below(64).min(n - at);
                let run = bytes[at..at + len].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, run);
            }
            4 => {
                let run: Vec<u8> = (0..1 + rng.below(8))
                    .map(|_| SPECIAL[rng.below(SPECIAL.len())])
                    .collect();
                bytes.splice(at..at, run);
            }
            5 => bytes.truncate(at),
            6 => {
                // A line repeated or moved.
                let lines: Vec<usize> = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1)
                    .collect();
                if lines.len() > 2 {
                    let a = lines[rng.below(lines.len() - 1)];
                    let end = lines.iter().copied().find(|&e| e > a).unwrap_or(n);
                    let line = bytes[a..end].to_vec();
                    let to = lines[rng.below(lines.len())].min(bytes.len());
                    bytes.splice(to..to, line);
                }
            }
            _ => {
                let value = rng.next().to_le_bytes();
                let len = 1 + rng.below(8);
                let i = at.min(n.saturating_sub(len));
                for (k, b) in value.iter().take(len).enumerate() {
                    if let Some(slot) = bytes.get_mut(i + k) {
                        *slot = *b;
                    }
                }
            }
        }
    }
    bytes
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    std::panic::set_hook(Box::new(|_| {}));
    let all = targets();
    if let Some(dir) = value("--seeds") {
        for target in &all {
            let dir = Path::new(&dir).join(target.name);
            if let Err(e) = std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::write(dir.join("seed"), &target.seed))
            {
                eprintln!("{}: {e}", dir.display());
                return std::process::ExitCode::FAILURE;
            }
        }
        return std::process::ExitCode::SUCCESS;
    }
    if let Some(dir) = value("--replay") {
        let mut crashes = 0;
        for target in &all {
            let dir = Path::new(&dir).join(target.name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in &files {
                let input = std::fs::read(file).unwrap_or_default();
                if let Some(message) = target.attempt(&input) {
                    println!("{}: {} panics: {message}", target.name, file.display());
                    crashes += 1;
                }
            }
            println!("{}: {} cases replayed", target.name, files.len());
        }
        println!("{crashes} crashes");
        return std::process::ExitCode::from(u8::from(crashes > 0));
    }
    let seconds: u64 = value("--seconds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let runs: Option<u64> = value("--runs").and_then(|s| s.parse().ok());
    let seed: u64 = value("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let save = value("--save").map(PathBuf::from);
    if let Some(dir) = &save {
        let _ = std::fs::create_dir_all(dir);
    }
    let chosen = value("--target");
    let mut crashes = 0;
    for target in all
        .iter()
        .filter(|t| chosen.as_deref().is_none_or(|c| c == t.name))
    {
        let mut rng = Random(wijkprofiel::rng::Rng::new(seed));
        let started = Instant::now();
        let (mut done, mut found) = (0_u64, 0);
        while started.elapsed() < Duration::from_secs(seconds) && runs.is_none_or(|r| done < r) {
            let input = mutate(&target.seed, &mut rng);
            if let Some(dir) = &save {
                // What an abort (a failed allocation cannot be caught) would leave behind.
                let _ = std::fs::write(dir.join(format!("{}-current.bin", target.name)), &input);
            }
            if let Some(message) = target.attempt(&input) {
                found += 1;
                println!("{}: crash after {done} runs: {message}", target.name);
                if let Some(dir) = &save {
                    let dir = dir.join(target.name);
                    let _ = std::fs::create_dir_all(&dir);
                    let _ = std::fs::write(dir.join(format!("crash-{seed}-{done}.bin")), &input);
                }
            }
            done += 1;
        }
        println!(
            "{}: {done} executions in {:.0} s, {found} crashes",
            target.name,
            started.elapsed().as_secs_f64()
        );
        crashes += found;
    }
    std::process::ExitCode::from(u8::from(crashes > 0))
}
