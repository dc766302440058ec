//! Progress of long work, for a bar or a log: each phase (reading, validating, computing,
//! protecting, writing; generating demo data) says how much of its work is done.
//!
//! Work is counted in units that cost about the same (bytes read, rows checked, figures
//! made, counts audited, documents written), so that the time left estimated from the
//! phase's average rate does not swing. Reports come from any thread.
//!
//! ```
//! use std::sync::Mutex;
//! use wijkprofiel::progress::Phase;
//!
//! let seen = Mutex::new(Vec::new());
//! let report = |phase: Phase, done: u64, total: u64| seen.lock().unwrap().push((phase, done, total));
//! let region = wijkprofiel::Region::demo()?;
//! wijkprofiel::profile::ProfileBuilder::new().build_with(&region, &report)?;
//! let seen = seen.into_inner().unwrap();
//! assert!(seen.iter().any(|&(phase, done, total)| phase == Phase::Computing && done == total));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

/// A phase of long work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Reading the input files (bytes).
    Reading,
    /// Checking them against the data contract (rows).
    Validating,
    /// Making every figure (indicators × areas).
    Computing,
    /// Disclosure control: every count recorded and the small ones withheld (areas).
    Protecting,
    /// The linear-programming audit of withheld counts in sums (counts in a programme).
    Auditing,
    /// The audit again with the rates that weigh counts by age band (counts in a programme).
    AuditingRates,
    /// Writing documents and pages (areas).
    Writing,
    /// Making demo data (buurten × steps).
    Generating,
}

impl Phase {
    /// What the phase does, in words for a progress bar.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Reading => "reading the data",
            Self::Validating => "checking the data",
            Self::Computing => "computing every figure",
            Self::Protecting => "disclosure control",
            Self::Auditing => "auditing withheld counts",
            Self::AuditingRates => "auditing withheld counts in rates",
            Self::Writing => "writing documents and pages",
            Self::Generating => "generating demo data",
        }
    }
}

/// Where progress goes: any `Fn(phase, done, total) + Sync`, called from any thread with
/// `done` rising to `total` within a phase.
pub trait Progress: Sync {
    fn report(&self, phase: Phase, done: u64, total: u64);
}

impl<F: Fn(Phase, u64, u64) + Sync> Progress for F {
    fn report(&self, phase: Phase, done: u64, total: u64) {
        self(phase, done, total);
    }
}

/// No reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn report(&self, _: Phase, _: u64, _: u64) {}
}

/// Counts one phase's work and reports it, at most once per thousandth of the phase.
pub(crate) struct Meter<'a> {
    progress: &'a dyn Progress,
    phase: Phase,
    total: u64,
    done: AtomicU64,
    /// The last thousandth reported.
    reported: AtomicU64,
}

impl<'a> Meter<'a> {
    /// Starts a phase of `total` units (reported as 0 done).
    pub(crate) fn start(progress: &'a dyn Progress, phase: Phase, total: u64) -> Self {
        progress.report(phase, 0, total);
        Self {
            progress,
            phase,
            total,
            done: AtomicU64::new(0),
            reported: AtomicU64::new(0),
        }
    }

    /// A meter that reports nowhere, for work run without progress.
    pub(crate) fn silent(phase: Phase) -> Meter<'static> {
        Meter::start(&Silent, phase, 0)
    }

    /// `units` more work than the phase started with (found on the way).
    pub(crate) fn grow(&mut self, units: u64) {
        self.total += units;
    }

    /// `units` more done.
    pub(crate) fn add(&self, units: u64) {
        let done = (self.done.fetch_add(units, Ordering::Relaxed) + units).min(self.total);
        let thousandth = (1000 * u128::from(done) / u128::from(self.total.max(1))) as u64;
        if self.reported.fetch_max(thousandth, Ordering::Relaxed) < thousandth {
            self.progress.report(self.phase, done, self.total);
        }
    }

    /// The phase is done, whatever was counted.
    pub(crate) fn finish(&self) {
        self.done.store(self.total, Ordering::Relaxed);
        self.progress.report(self.phase, self.total, self.total);
    }
}

/// Counts its units on a meter when dropped: at the end of a piece of work, however it ends.
pub(crate) struct Done<'m, 'a>(pub(crate) &'m Meter<'a>, pub(crate) u64);

impl Drop for Done<'_, '_> {
    fn drop(&mut self) {
        self.0.add(self.1);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Every report, in order.
    #[derive(Default)]
    struct Log(Mutex<Vec<(Phase, u64, u64)>>);

    impl Progress for Log {
        fn report(&self, phase: Phase, done: u64, total: u64) {
            self.0.lock().expect("log").push((phase, done, total));
        }
    }

    impl Log {
        fn take(self) -> Vec<(Phase, u64, u64)> {
            self.0.into_inner().expect("log")
        }
    }

    /// The phases in the order they began; each rises to its total and ends there.
    fn phases(log: &[(Phase, u64, u64)]) -> Vec<Phase> {
        let mut order: Vec<Phase> = Vec::new();
        for &(phase, done, total) in log {
            if order.last() != Some(&phase) {
                assert!(!order.contains(&phase), "{phase:?} came back: {log:?}");
                order.push(phase);
            }
            assert!(done <= total);
        }
        for &phase in &order {
            let mine: Vec<_> = log.iter().filter(|r| r.0 == phase).collect();
            assert!(
                mine.windows(2).all(|w| w[0].1 <= w[1].1),
                "{phase:?} went back"
            );
            let last = mine[mine.len() - 1];
            assert_eq!(last.1, last.2, "{phase:?} ends at its total");
        }
        order
    }

    #[test]
    fn a_meter_reports_each_thousandth_once_and_ends_at_its_total() {
        let log = Log::default();
        let meter = Meter::start(&log, Phase::Computing, 1_000_000);
        (0..1_000_000).for_each(|_| meter.add(1));
        meter.finish();
        let log = log.take();
        assert!(log.len() <= 1_002, "{}", log.len());
        assert_eq!(phases(&log), [Phase::Computing]);
    }

    #[cfg(feature = "embedded-demo")]
    #[test]
    fn loading_and_building_the_demo_report_every_phase_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/demo");
        let log = Log::default();
        let inputs = crate::Inputs::from_dir_with(&dir, &log).expect("read");
        let region = crate::Region::from_inputs_with(&inputs, &log).expect("valid");
        crate::profile::ProfileBuilder::new()
            .build_with(&region, &log)
            .expect("build");
        let log = log.take();
        assert_eq!(
            phases(&log),
            [
                Phase::Reading,
                Phase::Validating,
                Phase::Computing,
                Phase::Protecting,
                Phase::Auditing,
                Phase::AuditingRates,
            ]
        );
        // Units: the bytes of the files read and parsed, the rows of the tables decoded and
        // checked (`gp_counts` a batch at a time, once).
        let size: u64 = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok()?.metadata().ok())
            .map(|m| m.len())
            .sum();
        let reading = log.iter().find(|r| r.0 == Phase::Reading).expect("reading");
        assert!(reading.2 <= 2 * size && reading.2 > size, "{reading:?}");
        let rows: u64 = inputs
            .tables
            .iter()
            .map(|(name, t)| {
                t.height() as u64
                    * if *name == crate::TableName::GpCounts {
                        1
                    } else {
                        2
                    }
            })
            .sum();
        assert!(log.contains(&(Phase::Validating, rows, rows)));
    }
}
