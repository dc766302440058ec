//! Rows of `gp_counts` that repeat an earlier row's key (practice, year, buurt, sex, age band
//! and indicator), found on the compact rows.

use rayon::prelude::*;

use crate::cube::{Cells, Rows};
use crate::social::Practice;
use crate::table::{Problems, Table, report_repeated};

/// What the indices of compact rows stand for.
pub(super) struct Names<'a> {
    pub(super) practices: &'a [Practice],
    pub(super) years: &'a [i32],
    pub(super) buurten: &'a [&'a str],
    pub(super) cells: &'a Cells,
    pub(super) indicators: &'a [&'a crate::Indicator],
}

/// Records rows that repeat an earlier row's practice, year, buurt, sex, age band and
/// indicator. The key is the indices packed into one integer; rows with a rejected cell have
/// none.
pub(super) fn duplicates(t: &Table, p: &mut Problems, rows: &Rows, names: &Names<'_>) {
    let sizes = [
        names.practices.len(),
        names.years.len(),
        names.buurten.len(),
        names.cells.len(),
        names.indicators.len(),
    ];
    if !may_repeat(rows, sizes) {
        return;
    }
    let key = |row: usize| -> Option<u128> {
        let parts = [
            rows.practice[row] as usize,
            usize::from(rows.year[row]),
            rows.buurt[row] as usize,
            usize::from(rows.cell[row]),
            usize::from(rows.indicator[row]),
        ];
        parts
            .iter()
            .zip(sizes)
            .try_fold(0_u128, |acc, (&part, size)| {
                (part < size).then(|| acc * size as u128 + part as u128)
            })
    };
    let show = |row: usize| {
        let (sex, band) = names.cells.cell(usize::from(rows.cell[row]));
        format!(
            "{} {} {} {sex} {band} {}",
            names.practices[rows.practice[row] as usize].id,
            names.years[usize::from(rows.year[row])],
            names.buurten[rows.buurt[row] as usize],
            names.indicators[usize::from(rows.indicator[row])].id,
        )
    };
    let span = sizes
        .iter()
        .try_fold(1_u128, |acc, &s| acc.checked_mul(s.max(1) as u128));
    if span.is_some_and(|s| s <= u128::from(u64::MAX)) {
        report_repeated(t, p, rows.len(), |row| key(row).map(|k| k as u64), show);
    } else {
        report_repeated(t, p, rows.len(), key, show);
    }
}

/// Whether two rows may share a key (`false` proves they do not; `true` is then checked
/// exactly by sorting). The rows are grouped by practice, and each practice's keys are marked
/// in a bitmap ordered buurt first, so one practice's marks lie close together; the bitmap is
/// cleared after each practice. Memory: 4 bytes a row and a bitmap per task.
pub(super) fn may_repeat(rows: &Rows, sizes: [usize; 5]) -> bool {
    let [practices, years, buurten, cells, indicators] = sizes;
    let span = buurten * years * indicators * cells;
    if span > 1 << 32 || u32::try_from(rows.len()).is_err() {
        return true;
    }
    // Rows grouped by practice (a counting sort); rows without a practice have no key.
    let mut start = vec![0_usize; practices + 1];
    for &practice in &rows.practice {
        if let Some(n) = start.get_mut(practice as usize + 1) {
            *n += 1;
        }
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut next = start.clone();
    let mut grouped = vec![0_u32; start[practices]];
    for (row, &practice) in (0_u32..).zip(&rows.practice) {
        if (practice as usize) < practices {
            grouped[next[practice as usize]] = row;
            next[practice as usize] += 1;
        }
    }
    let key = |row: u32| -> Option<usize> {
        let row = row as usize;
        let (b, y) = (rows.buurt[row] as usize, usize::from(rows.year[row]));
        let (i, c) = (
            usize::from(rows.indicator[row]),
            usize::from(rows.cell[row]),
        );
        (b < buurten && y < years && i < indicators && c < cells)
            .then(|| ((b * years + y) * indicators + i) * cells + c)
    };
    let words = span.div_ceil(64);
    (0..practices)
        .into_par_iter()
        .map_init(
            || vec![0_u64; words],
            |marks, practice| {
                let group = &grouped[start[practice]..start[practice + 1]];
                let mut repeated = false;
                for k in group.iter().filter_map(|&row| key(row)) {
                    let (word, bit) = (k / 64, 1_u64 << (k % 64));
                    repeated |= marks[word] & bit != 0;
                    marks[word] |= bit;
                }
                for k in group.iter().filter_map(|&row| key(row)) {
                    marks[k / 64] = 0;
                }
                repeated
            },
        )
        .any(|repeated| repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows for every practice × year × buurt × cell × indicator in `keys`, shuffled.
    fn rows_of(keys: &[[usize; 5]]) -> Rows {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        let mut state = 12_345_u64;
        for i in (1..order.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut rows = Rows::with_capacity(keys.len());
        for &[practice, year, buurt, cell, indicator] in order.iter().map(|&k| &keys[k]) {
            let narrow = |v: usize| u8::try_from(v).unwrap();
            rows.practice.push(u32::try_from(practice).unwrap());
            rows.year.push(narrow(year));
            rows.buurt.push(u32::try_from(buurt).unwrap());
            rows.cell.push(narrow(cell));
            rows.indicator.push(u16::try_from(indicator).unwrap());
            rows.numerator.push(0);
            rows.denominator.push(0);
        }
        rows
    }

    #[test]
    fn repeated_keys_are_found_within_a_practice_only() {
        let sizes = [40, 3, 11, 4, 5];
        let all: Vec<[usize; 5]> = (0..sizes.iter().product())
            .map(|mut k: usize| {
                sizes.map(|size| {
                    let part = k % size;
                    k /= size;
                    part
                })
            })
            .filter(|key| (key.iter().sum::<usize>()) % 3 != 0)
            .collect();
        // Every key once, each practice sharing its other parts with the other practices; on
        // one thread, practices follow each other on one bitmap.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        assert!(!one.install(|| may_repeat(&rows_of(&all), sizes)));
        assert!(!may_repeat(&rows_of(&all), sizes));
        // One key twice, wherever it lies.
        for at in [0, all.len() / 2, all.len() - 1] {
            let mut keys = all.clone();
            keys.push(all[at]);
            assert!(may_repeat(&rows_of(&keys), sizes), "key {:?}", all[at]);
        }
        // Rows with a rejected cell have no key, so they repeat nothing.
        let mut keys = all.clone();
        keys.extend([[2, 1, 3, usize::from(u8::MAX), 0]; 2]);
        assert!(!may_repeat(&rows_of(&keys), sizes));
    }
}
