//! The statistics at scale: DSR with 19 age bands for 100,000 areas (1.9 million rows, as a
//! polars frame grouped by area code, and as the scalar method on prepared strata), and
//! Wilson proportions and Poisson/Byar rates for 100,000 rows; 95% and 99.8% each time; and
//! a health monitor's design-based estimates: 400,000 respondents in 350 strata
//! (gemeenten) of 2,000 PSUs, a proportion for each of 14,000 wijken at once.

use criterion::{Criterion, criterion_group, criterion_main};
use polars::prelude::*;
use wijkprofiel::stats::Confidence;
use wijkprofiel::stats::columns::{self, BandedCounts};
use wijkprofiel::stats::dsr::{Dsr, Stratum};
use wijkprofiel::stats::standard::StandardPopulation;

const AREAS: usize = 100_000;

/// A small deterministic generator (no dependency): uniform integers below `n`.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn counts(rng: &mut Lcg, rows: usize) -> (Vec<f64>, Vec<f64>) {
    let n: Vec<f64> = (0..rows).map(|_| (1 + rng.below(3000)) as f64).collect();
    let x = n
        .iter()
        .map(|&n| rng.below(n as u64 / 10 + 2) as f64)
        .collect();
    (x, n)
}

fn dsr(c: &mut Criterion) {
    let esp = StandardPopulation::esp2013();
    let bands: Vec<String> = esp.bands().map(|(b, _)| b.to_string()).collect();
    let mut rng = Lcg(42);
    let (events, population) = counts(&mut rng, AREAS * 19);
    let area: Vec<String> = (0..AREAS * 19)
        .map(|i| format!("BU{:08}", i / 19))
        .collect();
    let band: Vec<&str> = (0..AREAS * 19).map(|i| bands[i % 19].as_str()).collect();
    let frame = DataFrame::new_infer_height(vec![
        Column::new("area".into(), area),
        Column::new("band".into(), band),
        Column::new("events".into(), events.clone()),
        Column::new("population".into(), population.clone()),
    ])
    .expect("frame");
    let spec = BandedCounts {
        by: &["area"],
        band: "band",
        events: "events",
        population: "population",
    };
    let standard_bands: Vec<_> = esp.bands().map(|(b, _)| b).collect();
    let strata: Vec<Stratum> = standard_bands
        .iter()
        .cycle()
        .zip(events.iter().zip(&population))
        .map(|(&band, (&events, &population))| Stratum {
            band,
            events,
            population,
        })
        .collect();

    let mut group = c.benchmark_group("dsr 100k areas x 19 bands");
    group.sample_size(10);
    group.bench_function("polars frame, 95% and 99.8%", |b| {
        b.iter(|| columns::dsr(&frame, spec, &esp, &Confidence::PAIR, 100_000.0))
    });
    group.bench_function("scalar method on strata, 95% and 99.8%", |b| {
        b.iter(|| {
            strata
                .chunks(19)
                .map(|s| {
                    let d = Dsr::new(s, &esp).expect("valid");
                    Confidence::PAIR.map(|c| d.estimate(c).map(|e| e.upper).unwrap_or(0.0))
                })
                .fold(0.0, |acc, [a, b]| acc + a + b)
        })
    });
    group.finish();
}

fn rows(c: &mut Criterion) {
    let mut rng = Lcg(7);
    let (x, n) = counts(&mut rng, AREAS);
    let x = Series::new("x".into(), x);
    let n = Series::new("n".into(), n);
    let mut group = c.benchmark_group("100k rows, 95% and 99.8%");
    group.sample_size(10);
    group.bench_function("proportion (Wilson)", |b| {
        b.iter(|| columns::proportions(&x, &n, &Confidence::PAIR, 100.0))
    });
    group.bench_function("rate (exact/Byar)", |b| {
        b.iter(|| columns::rates(&x, &n, &Confidence::PAIR, 1000.0))
    });
    group.finish();
}

fn survey(c: &mut Criterion) {
    use wijkprofiel::stats::survey::{Design, LonelyPsu, means_by};
    let mut rng = Lcg(11);
    let respondents = 400_000;
    let psu: Vec<u32> = (0..respondents).map(|_| rng.below(2_000) as u32).collect();
    let strata: Vec<u32> = psu.iter().map(|p| p % 350).collect();
    let weights: Vec<f64> = (0..respondents)
        .map(|_| 20.0 + rng.below(400) as f64)
        .collect();
    let answer: Vec<f64> = (0..respondents)
        .map(|_| (rng.below(10) < 3) as u8 as f64)
        .collect();
    let wijk: Vec<u32> = (0..respondents).map(|_| rng.below(14_000) as u32).collect();
    let design = Design {
        weights: &weights,
        strata: Some(&strata),
        clusters: Some(&psu),
        population: None,
        lonely_psu: LonelyPsu::Fail,
    };
    let mut group = c.benchmark_group("survey, 400k respondents");
    group.sample_size(10);
    group.bench_function("proportion per wijk (14,000 domains)", |b| {
        b.iter(|| means_by(&design, &answer, &wijk).map(|m| m.len()))
    });
    group.finish();
}

criterion_group!(benches, dsr, rows, survey);
criterion_main!(benches);
