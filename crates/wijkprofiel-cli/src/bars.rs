//! Progress of every phase on standard error: on a terminal a bar per phase with the time
//! left, elsewhere (a batch job's log) a line at every tenth of a phase. The time left is the
//! phase's elapsed time scaled by the work left at its average rate so far, which the core's
//! evenly weighed units keep steady. Phases shorter than two seconds are not logged.

use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use wijkprofiel::progress::{Phase, Progress};

/// Seconds a phase runs before the log hears of it.
const QUIET: f64 = 2.0;

/// A phase under way: which, since when, and the last tenth logged.
struct Current {
    phase: Phase,
    started: Instant,
    tenth: u64,
}

pub(crate) struct Bars {
    /// The bar on a terminal; `None` writes log lines.
    bar: Option<ProgressBar>,
    current: Mutex<Option<Current>>,
}

impl Bars {
    /// Bars on a terminal, log lines elsewhere.
    pub(crate) fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{msg:34} [{bar:30}] {percent:>3}% {elapsed:>4}{left}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "left",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let total = state.len().unwrap_or(0);
                    if let Some(left) = left(state.elapsed().as_secs_f64(), state.pos(), total) {
                        let _ = write!(w, ", about {} left", duration(left));
                    }
                },
            )
            .progress_chars("=> ");
            ProgressBar::new(0).with_style(style)
        });
        Self {
            bar,
            current: Mutex::new(None),
        }
    }

    /// Clears the bar (the summary follows on standard output).
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bars {
    fn report(&self, phase: Phase, done: u64, total: u64) {
        let Ok(mut current) = self.current.lock() else {
            return;
        };
        if current.as_ref().is_none_or(|c| c.phase != phase) {
            *current = Some(Current {
                phase,
                started: Instant::now(),
                tenth: 0,
            });
            if let Some(bar) = &self.bar {
                bar.reset();
                bar.set_message(phase.label());
            }
        }
        let Some(c) = current.as_mut() else {
            return;
        };
        match &self.bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
            }
            None => {
                // Quick phases stay out of the log.
                let elapsed = c.started.elapsed().as_secs_f64();
                let tenth = (10 * done).checked_div(total).unwrap_or(10);
                if tenth > c.tenth && elapsed >= QUIET {
                    c.tenth = tenth;
                    eprintln!("{}", line(phase, elapsed, done, total));
                }
            }
        }
    }
}

/// A log line: the phase, how far, how long so far and how long still.
fn line(phase: Phase, elapsed: f64, done: u64, total: u64) -> String {
    let percent = (100 * done).checked_div(total).unwrap_or(100);
    match left(elapsed, done, total) {
        Some(left) if done < total => format!(
            "{}: {percent}% ({}, about {} left)",
            phase.label(),
            duration(elapsed),
            duration(left)
        ),
        _ => format!("{}: {percent}% ({})", phase.label(), duration(elapsed)),
    }
}

/// Seconds left at the average rate so far; none before a second or any work has passed.
fn left(elapsed: f64, done: u64, total: u64) -> Option<f64> {
    (done > 0 && done <= total && elapsed >= 1.0)
        .then(|| elapsed * (total - done) as f64 / done as f64)
}

fn duration(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{:.0} min", seconds / 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_follows_the_average_rate() {
        assert_eq!(left(10.0, 25, 100), Some(30.0));
        assert_eq!(left(0.5, 25, 100), None, "too early to say");
        assert_eq!(left(10.0, 0, 100), None);
        assert_eq!(
            line(Phase::Computing, 10.0, 25, 100),
            "computing every figure: 25% (10 s, about 30 s left)"
        );
        assert_eq!(
            line(Phase::Writing, 200.0, 7, 7),
            "writing documents and pages: 100% (3 min)"
        );
    }
}
