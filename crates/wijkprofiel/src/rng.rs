//! A small deterministic random generator (SplitMix64) with named sub-streams: the demo data
//! and the simulations in [`crate::stats`] depend only on their seed, never on a dependency.
//! Gamma, beta and Poisson draws serve the simulation tests only.

/// SplitMix64 (Steele, Lea & Flood 2014).
///
/// # Examples
///
/// ```
/// let mut a = wijkprofiel::rng::Rng::new(7);
/// let mut b = wijkprofiel::rng::Rng::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// An independent stream for `tag` (e.g. one per area), stable when other parts change.
    pub(crate) fn fork(&self, tag: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in tag.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let mut child = Self(self.0 ^ h);
        child.next_u64();
        child
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        let u = (self.next_u64() >> 11) as f64;
        u * (1.0 / (1u64 << 53) as f64)
    }

    pub(crate) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    /// Standard normal (Box–Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// An index below `n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        let i = (self.uniform() * n as f64) as usize;
        i.min(n.saturating_sub(1))
    }

    /// Gamma(shape, 1) (Marsaglia & Tsang 2000; shape below 1 by the boost `U^(1/shape)`).
    #[cfg(test)]
    pub(crate) fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = 1.0 - self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = (1.0 + c * z).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = 1.0 - self.uniform();
            if u.ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b) from two gamma draws.
    #[cfg(test)]
    pub(crate) fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }

    /// Poisson(mean), exact: inversion on pieces of at most 30 (a sum of Poissons is Poisson).
    #[cfg(test)]
    pub(crate) fn poisson(&mut self, mean: f64) -> i64 {
        let mut left = mean.max(0.0);
        let mut total = 0;
        while left > 0.0 {
            let piece = left.min(30.0);
            left -= piece;
            let u = self.uniform();
            let mut pmf = (-piece).exp();
            let mut cdf = pmf;
            let mut k = 0_i64;
            while u > cdf && pmf > 0.0 {
                k += 1;
                let kf = k as f64;
                pmf *= piece / kf;
                cdf += pmf;
            }
            total += k;
        }
        total
    }

    /// Binomial(n, p): exact inversion for small means, normal approximation otherwise.
    pub(crate) fn binomial(&mut self, n: i64, p: f64) -> i64 {
        if n <= 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        let nf = n as f64;
        let mean = nf * p;
        let var = mean * (1.0 - p);
        if var > 30.0 {
            let draw = (mean + var.sqrt() * self.normal()).round() as i64;
            return draw.clamp(0, n);
        }
        // Inversion: walk the pmf from 0 (at most a few dozen steps here).
        let q = 1.0 - p;
        let mut pmf = q.powf(nf);
        let mut cdf = pmf;
        let u = self.uniform();
        let mut k = 0;
        while u > cdf && k < n {
            let kf = k as f64;
            pmf *= (nf - kf) / (kf + 1.0) * p / q;
            cdf += pmf;
            k += 1;
            if pmf < 1e-300 && cdf < u {
                break;
            }
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_forks_differ() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(
            Rng::new(7).fork("x").next_u64(),
            Rng::new(7).fork("y").next_u64()
        );
    }

    #[test]
    fn binomial_mean_is_right() {
        let mut rng = Rng::new(1);
        for (n, p) in [(50_i64, 0.03), (2000, 0.2), (10, 0.9)] {
            let draws = 20_000;
            let total: i64 = (0..draws).map(|_| rng.binomial(n, p)).sum();
            let mean = total as f64 / f64::from(draws);
            let expected = n as f64 * p;
            assert!(
                (mean - expected).abs() < 0.03 * expected + 0.05,
                "{n} {p}: {mean}"
            );
        }
    }

    #[test]
    fn gamma_beta_and_poisson_moments() {
        let mut rng = Rng::new(5);
        let draws = 40_000.0;
        for shape in [0.5, 2.0, 30.0] {
            let xs: Vec<f64> = (0..40_000).map(|_| rng.gamma(shape)).collect();
            let mean = xs.iter().sum::<f64>() / draws;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / draws;
            assert!((mean - shape).abs() < 0.03 * shape, "gamma {shape}: {mean}");
            assert!((var - shape).abs() < 0.06 * shape, "gamma {shape}: {var}");
        }
        let b: f64 = (0..40_000).map(|_| rng.beta(2.0, 6.0)).sum::<f64>() / draws;
        assert!((b - 0.25).abs() < 0.005, "beta {b}");
        for mean in [0.3, 7.0, 95.0] {
            let xs: Vec<f64> = (0..40_000).map(|_| rng.poisson(mean) as f64).collect();
            let m = xs.iter().sum::<f64>() / draws;
            let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / draws;
            assert!((m - mean).abs() < 0.02 * mean + 0.01, "poisson {mean}: {m}");
            assert!(
                (var - mean).abs() < 0.05 * mean + 0.01,
                "poisson {mean}: {var}"
            );
        }
    }

    #[test]
    fn uniform_and_normal_moments() {
        let mut rng = Rng::new(3);
        let xs: Vec<f64> = (0..50_000).map(|_| rng.normal()).collect();
        let mean = xs.iter().sum::<f64>() / 50_000.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 50_000.0;
        assert!(mean.abs() < 0.02 && (var - 1.0).abs() < 0.03);
        assert!(
            (0..1000)
                .map(|_| rng.uniform())
                .all(|u| (0.0..1.0).contains(&u))
        );
    }
}
