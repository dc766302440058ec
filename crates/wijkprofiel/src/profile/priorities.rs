//! Priority themes for the samenwerkingssessie: an area's themes ranked by how many of their
//! indicators are significantly worse than the benchmark, then by the excess number of people
//! affected, then by catalogue order.

use serde::Serialize;

use super::figure::{Figure, Mode};
use crate::Catalogue;
use crate::stats::compare::Judgement;

/// One theme of an area, ranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeRank {
    pub rank: usize,
    pub theme: String,
    pub label: String,
    /// Indicators significantly worse than the benchmark (national, else the region).
    pub worse: Vec<String>,
    /// People affected beyond the benchmark, summed over the worse indicators.
    pub excess: f64,
    /// Indicators of the theme with a published figure.
    pub indicators: usize,
}

/// The ranked themes of one area from its figures (residence mode, latest year of each
/// indicator).
pub(crate) fn rank(
    area_figures: &[&Figure],
    catalogue: &Catalogue,
    label: impl Fn(&crate::catalogue::Theme) -> String,
) -> Vec<ThemeRank> {
    let latest = |ind: usize| {
        area_figures
            .iter()
            .filter(|f| f.indicator == ind && f.mode == Mode::Residence)
            .max_by_key(|f| f.year)
            .filter(|f| f.is_published())
    };
    let mut themes: Vec<(usize, ThemeRank)> = Vec::new();
    for (t, theme) in catalogue.themes().iter().enumerate() {
        let mut entry = ThemeRank {
            rank: 0,
            theme: theme.id.clone(),
            label: label(theme),
            worse: Vec::new(),
            excess: 0.0,
            indicators: 0,
        };
        for (i, ind) in catalogue.indicators().iter().enumerate() {
            if ind.theme != theme.id {
                continue;
            }
            let Some(f) = latest(i) else {
                continue;
            };
            entry.indicators += 1;
            let judgement = match f.standing.national.judgement {
                Judgement::NotAvailable => f.standing.region.judgement,
                j => j,
            };
            if matches!(judgement, Judgement::Worse | Judgement::Worst) {
                entry.worse.push(ind.id.clone());
                entry.excess += f.excess.unwrap_or(0.0).max(0.0);
            }
        }
        if entry.indicators > 0 {
            themes.push((t, entry));
        }
    }
    themes.sort_by(|(ta, a), (tb, b)| {
        b.worse
            .len()
            .cmp(&a.worse.len())
            .then(b.excess.total_cmp(&a.excess))
            .then(ta.cmp(tb))
    });
    themes
        .into_iter()
        .enumerate()
        .map(|(k, (_, mut t))| {
            t.rank = k + 1;
            t
        })
        .collect()
}
