//! `wijkprofiel-libfuzzer`: the loaders under libFuzzer, guided by coverage (the stable
//! toolchain's sanitizer-coverage instrumentation; built and run by `scripts/fuzz`, never by
//! the test suite). One binary for every target: `WIJKPROFIEL_FUZZ_TARGET` names it.
//!
//! A panic that reaches the loader's caller is a crash (the process aborts, and libFuzzer
//! keeps the input). Panics the loaders catch themselves (the Parquet reader's guard) are
//! not: libfuzzer-sys's hook, which aborts on every panic, is replaced by a silent one.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wijkprofiel_fuzz::{Target, targets};

static TARGET: OnceLock<Target> = OnceLock::new();

fuzz_target!(
    init: {
        let name = std::env::var("WIJKPROFIEL_FUZZ_TARGET").unwrap_or_default();
        let Some(target) = targets().into_iter().find(|t| t.name == name) else {
            let names: Vec<&str> = targets().iter().map(|t| t.name).collect();
            eprintln!("WIJKPROFIEL_FUZZ_TARGET must be one of {}", names.join(", "));
            std::process::exit(2);
        };
        let _ = TARGET.set(target);
        std::panic::set_hook(Box::new(|_| {}));
    },
    |bytes: &[u8]| {
        if let Some(target) = TARGET.get()
            && let Some(message) = target.attempt(bytes)
        {
            eprintln!("{}: panic: {message}", target.name);
            std::process::abort();
        }
    }
);
