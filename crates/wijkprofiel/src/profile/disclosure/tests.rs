//! Disclosure control against an independent attacker: the attacker knows how the published
//! counts relate (areas to their children, custom areas to their buurten and to every area
//! they overlap, totals to their sexes, age bands and pyramid bars) and subtracts; it never
//! uses the suppression code's own list of sums.

use std::collections::HashMap;

use super::ledger::{Family, Ledger, Rule, Shape, Sheet};
use super::protect::Repair;
use crate::profile::figure::Mode;
use crate::profile::hierarchy::Hierarchy;
use crate::progress::Silent;
use crate::{Area, Areas, Custom, CustomKind, Level};

/// SplitMix64: small, deterministic random numbers for property tests.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A count: often zero, often small, sometimes large.
    fn count(&mut self) -> f64 {
        match self.below(10) {
            0..=3 => 0.0,
            4..=6 => (1 + self.below(9)) as f64,
            _ => (10 + self.below(60)) as f64,
        }
    }
}

const BANDS: usize = 3;
const K: f64 = 10.0;

/// What an area publishes: its total, each sex, each band, each bar, and its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum What {
    Total,
    Sex(usize),
    Band(usize),
    Bar(usize, usize),
    Events,
}

fn whats() -> Vec<What> {
    let mut out = vec![What::Total, What::Sex(0), What::Sex(1), What::Events];
    for b in 0..BANDS {
        out.push(What::Band(b));
        out.push(What::Bar(0, b));
        out.push(What::Bar(1, b));
    }
    out
}

/// The cells (sex × band, male first) a `What` covers.
fn bits(what: What) -> Vec<bool> {
    (0..2 * BANDS)
        .map(|cell| {
            let (sex, band) = (cell / BANDS, cell % BANDS);
            match what {
                What::Total | What::Events => true,
                What::Sex(s) => s == sex,
                What::Band(b) => b == band,
                What::Bar(s, b) => s == sex && b == band,
            }
        })
        .collect()
}

/// A random region → gemeenten → wijken → buurten tree, with up to four custom areas that
/// overlap it and each other in the ways that give counts away: a wijk but one buurt,
/// another custom area and one buurt more or less, and random groups of buurten.
fn random_tree(rng: &mut Random) -> Hierarchy {
    let mut list = vec![Area {
        code: "RG01".into(),
        name: "region".into(),
        level: Level::Region,
        parent: None,
        vintage: 2024,
        custom: None,
    }];
    let add = |list: &mut Vec<Area>, level: Level, parent: usize| {
        let code = format!("{}{}", level.as_str(), list.len());
        let parent = Some(list[parent].code.clone());
        list.push(Area {
            name: code.clone(),
            code,
            level,
            parent,
            vintage: 2024,
            custom: None,
        });
        list.len() - 1
    };
    let mut wijken = Vec::new();
    for _ in 0..=rng.below(3) {
        let g = add(&mut list, Level::Gemeente, 0);
        for _ in 0..=rng.below(3) {
            let w = add(&mut list, Level::Wijk, g);
            let buurten: Vec<usize> = (0..=rng.below(4))
                .map(|_| add(&mut list, Level::Buurt, w))
                .collect();
            wijken.push(buurten);
        }
    }
    let all: Vec<usize> = wijken.iter().flatten().copied().collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for _ in 0..rng.below(5) {
        let pick = |rng: &mut Random, from: &[usize]| from[rng.below(from.len() as u64) as usize];
        let mut members: Vec<usize> = match rng.below(3) {
            0 => {
                let wijk = &wijken[rng.below(wijken.len() as u64) as usize];
                let gone = pick(rng, wijk);
                wijk.iter().copied().filter(|&b| b != gone).collect()
            }
            1 if !groups.is_empty() => {
                let mut other = groups[rng.below(groups.len() as u64) as usize].clone();
                let b = pick(rng, &all);
                match other.iter().position(|&m| m == b) {
                    Some(at) => {
                        other.remove(at);
                    }
                    None => other.push(b),
                }
                other
            }
            _ => all.iter().copied().filter(|_| rng.below(3) == 0).collect(),
        };
        members.sort_unstable();
        if members.is_empty() {
            continue;
        }
        let code = format!("custom{}", list.len());
        list.push(Area {
            name: code.clone(),
            code,
            level: Level::Custom,
            parent: None,
            vintage: 2024,
            custom: Some(Custom {
                kind: CustomKind::Other,
                within: Some("RG01".into()),
                members: members.iter().map(|&b| list[b].code.clone()).collect(),
                partial: Vec::new(),
            }),
        });
        groups.push(members);
    }
    Hierarchy::new(&Areas::new(list))
}

/// The buurten of every area, worked out from the children and the custom areas' members
/// (sorted).
fn buurten(tree: &Hierarchy) -> Vec<Vec<usize>> {
    fn below(tree: &Hierarchy, area: usize, out: &mut Vec<usize>) {
        if tree.level[area] == Level::Buurt {
            out.push(area);
        }
        for &child in &tree.children[area] {
            below(tree, child, out);
        }
    }
    (0..tree.len())
        .map(|area| {
            let mut out = tree.members[area].clone();
            below(tree, area, &mut out);
            out.sort_unstable();
            out
        })
        .collect()
}

/// A group of buurten as CBS areas: the largest areas wholly inside it, greedily from the top.
fn as_cbs_areas(tree: &Hierarchy, inside: &[Vec<usize>], group: &[usize]) -> Vec<usize> {
    let mut left: Vec<usize> = group.to_vec();
    let mut out = Vec::new();
    for level in [Level::Region, Level::Gemeente, Level::Wijk, Level::Buurt] {
        for area in (0..tree.len()).filter(|&a| tree.level[a] == level) {
            let own = &inside[area];
            if !own.is_empty() && own.iter().all(|b| left.contains(b)) {
                left.retain(|b| !own.contains(b));
                out.push(area);
            }
        }
    }
    out
}

/// The attacker: every relation that holds between published counts, with exactly one
/// unknown, gives that unknown away. Returns what it recovered.
/// A relation the attacker knows: `Σ coefficient × count = 0`, and its name.
type Relation = (Vec<((usize, What), f64)>, String);

/// Every relation between the counts of a random hierarchy, as the attacker writes them.
fn relations(tree: &Hierarchy) -> Vec<Relation> {
    let sum = |total: (usize, What), parts: Vec<(usize, What)>| {
        std::iter::once((total, 1.0))
            .chain(parts.into_iter().map(|p| (p, -1.0)))
            .collect::<Vec<_>>()
    };
    let mut relations: Vec<Relation> = Vec::new();
    for area in 0..tree.len() {
        // total = its parts, within an area
        let within = |total: What, parts: Vec<What>| {
            let parts = parts.into_iter().map(|p| (area, p)).collect();
            (
                sum((area, total), parts),
                format!("{total:?} of area {area}"),
            )
        };
        relations.push(within(What::Total, vec![What::Sex(0), What::Sex(1)]));
        relations.push(within(What::Total, (0..BANDS).map(What::Band).collect()));
        for s in 0..2 {
            relations.push(within(
                What::Sex(s),
                (0..BANDS).map(|b| What::Bar(s, b)).collect(),
            ));
        }
        for b in 0..BANDS {
            relations.push(within(
                What::Band(b),
                vec![What::Bar(0, b), What::Bar(1, b)],
            ));
        }
        // an area = its children
        if !tree.children[area].is_empty() {
            for what in whats() {
                let parts = tree.children[area].iter().map(|&c| (c, what)).collect();
                relations.push((
                    sum((area, what), parts),
                    format!("{what:?} of area {area} over its children"),
                ));
            }
        }
    }
    // A custom area = its buurten; and a custom area minus any area it overlaps = the
    // buurten only it holds minus those only the other holds, in buurten or in CBS areas.
    let inside = buurten(tree);
    for area in (0..tree.len()).filter(|&a| tree.level[a] == Level::Custom) {
        for other in (0..tree.len()).filter(|&o| o != area && tree.level[o] != Level::Country) {
            let (mine, theirs) = (&inside[area], &inside[other]);
            if !mine.iter().any(|b| theirs.contains(b)) {
                continue;
            }
            let only_mine: Vec<usize> = mine
                .iter()
                .copied()
                .filter(|b| !theirs.contains(b))
                .collect();
            let only_theirs: Vec<usize> = theirs
                .iter()
                .copied()
                .filter(|b| !mine.contains(b))
                .collect();
            let ways = [
                (only_mine.clone(), only_theirs.clone()),
                (
                    as_cbs_areas(tree, &inside, &only_mine),
                    as_cbs_areas(tree, &inside, &only_theirs),
                ),
            ];
            for (plus, minus) in ways {
                for what in whats() {
                    // area − other − Σ plus + Σ minus = 0
                    let mut terms = vec![((area, what), 1.0), ((other, what), -1.0)];
                    terms.extend(plus.iter().map(|&a| ((a, what), -1.0)));
                    terms.extend(minus.iter().map(|&a| ((a, what), 1.0)));
                    relations.push((
                        terms,
                        format!("{what:?} of custom area {area} minus area {other}"),
                    ));
                }
            }
        }
        for what in whats() {
            let parts = inside[area].iter().map(|&b| (b, what)).collect();
            relations.push((
                sum((area, what), parts),
                format!("{what:?} of custom area {area} over its buurten"),
            ));
        }
    }
    relations
}

/// The withheld counts one subtraction gives away (counts no output shows, `gaps`, are no
/// secret: they are derivable wherever their parts are published).
fn attack(
    tree: &Hierarchy,
    published: &HashMap<(usize, What), Option<f64>>,
    gaps: &[(usize, What)],
) -> Vec<String> {
    let mut recovered = Vec::new();
    for (terms, name) in relations(tree) {
        let unknown: Vec<_> = terms
            .iter()
            .filter(|(c, _)| published[c].is_none())
            .collect();
        if let [(cell, _)] = unknown[..]
            && !gaps.contains(cell)
        {
            recovered.push(format!("{cell:?} from {name}"));
        }
    }
    recovered
}

/// The smallest and largest value of the `asked` withheld counts given every relation, every
/// published count and non-negativity: the linear-programming audit, solved with HiGHS
/// over all withheld counts of a case at once.
fn lp_attack(
    tree: &Hierarchy,
    published: &HashMap<(usize, What), Option<f64>>,
    asked: impl Fn(&(usize, What)) -> bool,
) -> HashMap<(usize, What), (f64, f64)> {
    let mut unknowns: Vec<(usize, What)> = published
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| *c)
        .collect();
    unknowns.sort_by_key(|&(a, w)| (a, format!("{w:?}")));
    let index: HashMap<(usize, What), usize> =
        unknowns.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rows: Vec<(Vec<(usize, f64)>, f64)> = relations(tree)
        .into_iter()
        .map(|(terms, _)| {
            let mut row = Vec::new();
            let mut rest = 0.0;
            for (c, k) in terms {
                match index.get(&c) {
                    Some(&i) => row.push((i, k)),
                    None => rest -= k * published[&c].unwrap_or(0.0),
                }
            }
            (row, rest)
        })
        .filter(|(row, _)| !row.is_empty())
        .collect();
    let extreme = |i: usize, sense: highs::Sense| {
        let mut problem = highs::RowProblem::default();
        let columns: Vec<_> = (0..unknowns.len())
            .map(|j| problem.add_column(if j == i { 1.0 } else { 0.0 }, 0.0..))
            .collect();
        for (row, rest) in &rows {
            let factors: Vec<_> = row.iter().map(|&(j, k)| (columns[j], k)).collect();
            problem.add_row(*rest..=*rest, factors);
        }
        let solved = problem.optimise(sense).solve();
        match solved.status() {
            highs::HighsModelStatus::Optimal => solved.get_solution().columns()[i],
            _ => f64::INFINITY,
        }
    };
    unknowns
        .iter()
        .enumerate()
        .filter(|(_, c)| asked(c))
        .map(|(i, &c)| {
            let low = extreme(i, highs::Sense::Minimise);
            let high = extreme(i, highs::Sense::Maximise);
            (c, (low, high))
        })
        .collect()
}

/// The withheld counts of a case less protected than the threat model requires: a small
/// count's interval must hold 0 and `K`, a small denominator's numerator's be `K` wide.
fn weak(
    ledger: &Ledger,
    ids: &HashMap<(usize, What), (super::ledger::CellId, f64)>,
    intervals: &HashMap<(usize, What), (f64, f64)>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (cell, (id, v)) in ids {
        let Some(&(low, high)) = intervals.get(cell) else {
            continue;
        };
        let short = match ledger.reason(*id) {
            Some(Rule::Count) => low > 1e-6 || high < K - 1e-6,
            Some(Rule::Denominator) => high - low < K - 1e-6,
            _ => false,
        };
        if short {
            out.push(format!("{cell:?} = {v} in [{low}, {high}]"));
        }
    }
    out.sort();
    out
}

/// A random hierarchy's counts, recorded in a ledger with primary suppression done.
struct Case {
    tree: Hierarchy,
    ledger: Ledger,
    /// Each count's cell and true value.
    ids: HashMap<(usize, What), (super::ledger::CellId, f64)>,
    /// The counts no output shows (a buurt's bands in a coverage gap).
    gaps: Vec<(usize, What)>,
}

fn random_case(rng: &mut Random) -> Case {
    let tree = random_tree(rng);
    // Counts per buurt and cell, summed up the tree.
    let cells = 2 * BANDS;
    let mut values = vec![0.0; tree.len() * cells];
    let mut events = vec![0.0; tree.len()];
    for &b in &tree.buurten {
        for k in 0..cells {
            values[b * cells + k] = rng.count();
        }
        events[b] = rng.count();
    }
    tree.roll_up(&mut values, cells);
    tree.roll_up(&mut events, 1);
    // Coverage gaps: some buurten show no age bands or bars, which their parents' still hold.
    let gap: Vec<bool> = (0..tree.len())
        .map(|a| tree.level[a] == Level::Buurt && rng.below(6) == 0)
        .collect();

    let mut ledger = Ledger::default();
    let mut local = HashMap::new();
    let mut sheets = Vec::new();
    for area in 0..tree.len() {
        let mut sheet = Sheet::new(area);
        for what in whats() {
            let (family, value, shape) = match what {
                What::Events => (
                    Family::Events(0, Mode::Residence),
                    events[area],
                    Shape::Scope,
                ),
                other => {
                    let shape = match other {
                        What::Band(_) => Shape::Band,
                        What::Bar(..) => Shape::Bar,
                        _ => Shape::Scope,
                    };
                    let sum = bits(other)
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b)
                        .map(|(k, _)| values[area * cells + k])
                        .sum();
                    (Family::Residents, sum, shape)
                }
            };
            let mask = ledger.mask(true, bits(what), shape, &format!("{what:?}"));
            let id = if gap[area] && matches!(what, What::Band(_) | What::Bar(..)) {
                sheet.unshown((family, 2024, mask), value)
            } else {
                sheet.count((family, 2024, mask), value, K, false)
            };
            // Some values are withheld for a small denominator, too.
            if what == What::Events && rng.below(8) == 0 {
                sheet.withhold(id, Rule::Denominator);
            }
            local.insert((area, what), (id, value));
        }
        sheets.push(sheet);
    }
    let joined = ledger.join(sheets);
    let ids: HashMap<_, _> = local
        .into_iter()
        .map(|((area, what), (id, v))| ((area, what), (joined[area][id as usize], v)))
        .collect();
    let mut gaps: Vec<(usize, What)> = ids
        .iter()
        .filter(|(_, (id, _))| ledger.reason(*id) == Some(Rule::Unpublished))
        .map(|(c, _)| *c)
        .collect();
    gaps.sort_by_key(|&(a, w)| (a, format!("{w:?}")));
    Case {
        tree,
        ledger,
        ids,
        gaps,
    }
}

/// What a ledger publishes of a case: each count, or None when withheld.
fn publish(
    ids: &HashMap<(usize, What), (super::ledger::CellId, f64)>,
    ledger: &Ledger,
) -> HashMap<(usize, What), Option<f64>> {
    ids.iter()
        .map(|(k, (id, v))| (*k, ledger.shown(*id).then_some(*v)))
        .collect()
}

/// The counts `after` withholds that `before` publishes: those of CBS areas (weighed by
/// what withholding each loses), and those of custom areas.
fn lost(tree: &Hierarchy, before: &Ledger, after: &Ledger) -> (f64, usize) {
    let newly = before.ids().filter(|&c| before.shown(c) && !after.shown(c));
    let (custom, cbs): (Vec<_>, Vec<_>) =
        newly.partition(|&c| tree.level[before.describe(c).1] == Level::Custom);
    (cbs.iter().map(|&c| before.cost(c)).sum(), custom.len())
}

#[test]
fn random_hierarchies_leave_no_withheld_count_less_protected_than_required() {
    let mut rng = Random(25);
    let (mut weak_before, mut added, mut checked) = (0, 0, 0);
    let (mut gapped, mut blind_to_gaps) = (0, 0);
    let (mut lost_cheapest, mut lost_greedy) = (0.0, 0.0);
    for case in 0..40 {
        let Case {
            tree,
            mut ledger,
            ids,
            gaps,
        } = random_case(&mut rng);
        let sums = ledger.sums(&tree);
        ledger.complete(&sums, &tree);
        gapped += gaps.len();
        // Not blind: single-subtraction protection alone leaves counts bounded.
        let sensitive = |ledger: &Ledger, c: &(usize, What)| {
            matches!(
                ledger.reason(ids[c].0),
                Some(Rule::Count | Rule::Denominator)
            )
        };
        let attack = |ledger: &Ledger| {
            let asked = |c: &(usize, What)| sensitive(ledger, c);
            weak(
                ledger,
                &ids,
                &lp_attack(&tree, &publish(&ids, ledger), asked),
            )
        };
        weak_before += attack(&ledger).len();
        let ledger_before = ledger.clone();
        // Every other case proven in parts (one per gemeente), as large components are.
        let part = if case % 2 == 0 { usize::MAX } else { 30 };
        // Not blind to gaps (every fourth case): proven without the sums that hold a count
        // no output shows (as when such counts were not recorded), counts are left bounded.
        if case % 4 == 0 {
            let seen: Vec<_> = sums
                .iter()
                .filter(|s| {
                    s.terms()
                        .all(|(c, _)| ledger.reason(c) != Some(Rule::Unpublished))
                })
                .cloned()
                .collect();
            let mut blind = ledger.clone();
            super::protect::protect(&mut blind, &seen, &tree, part, &Silent);
            blind_to_gaps += attack(&blind).len();
        }
        // The greedy repair (one count a bound rests on per round), for comparison.
        let mut greedy = ledger.clone();
        let bound =
            super::protect::protect_with(&mut greedy, &sums, &tree, part, Repair::Bound, &Silent);
        assert!(bound.unprotected.is_empty(), "case {case}: {bound:?}");
        assert!(attack(&greedy).is_empty(), "case {case}");
        let outcome = super::protect::protect(&mut ledger, &sums, &tree, part, &Silent);
        assert!(outcome.unprotected.is_empty(), "case {case}: {outcome:?}");
        let lost = |after: &Ledger| lost(&tree, &ledger_before, after);
        let (by_cost, by_bound) = (lost(&ledger), lost(&greedy));
        lost_cheapest += by_cost.0 + 0.01 * by_cost.1 as f64;
        lost_greedy += by_bound.0 + 0.01 * by_bound.1 as f64;
        added += outcome.added;
        checked += outcome.checked;
        let found = attack(&ledger);
        assert!(found.is_empty(), "case {case}: {found:?}");
    }
    assert!(
        weak_before > 50 && added > 50 && checked > 1000,
        "{weak_before} {added} {checked}"
    );
    assert!(gapped > 50 && blind_to_gaps > 0, "{gapped} {blind_to_gaps}");
    // The cheapest repairs lose less than withholding one count a bound rests on at a time.
    assert!(
        lost_cheapest < 0.95 * lost_greedy,
        "{lost_cheapest} {lost_greedy}"
    );
}

#[test]
fn random_hierarchies_leave_no_withheld_count_to_subtract() {
    let mut rng = Random(2026);
    let (mut withheld, mut complementary, mut primary_only_recovered) = (0, 0, 0);
    let (mut blind_to_overlaps_recovered, mut for_overlaps) = (0, 0);
    for case in 0..300 {
        let Case {
            tree,
            mut ledger,
            ids,
            gaps,
        } = random_case(&mut rng);
        let publish = |ledger: &Ledger| publish(&ids, ledger);
        let attack = |tree: &Hierarchy, published: &_| attack(tree, published, &gaps);
        // The attacker is not blind: with primary suppression alone it recovers counts.
        primary_only_recovered += attack(&tree, &publish(&ledger)).len();
        let sums = ledger.sums(&tree);
        // Nor is it blind to overlaps: with the sums of custom areas left out, it recovers
        // counts through them.
        let custom = |id| tree.level[ledger.describe(id).1] == Level::Custom;
        let without: Vec<_> = sums
            .iter()
            .filter(|s| !custom(s.total) && !s.parts.iter().any(|&p| custom(p)))
            .cloned()
            .collect();
        let mut blind = ledger.clone();
        blind.complete(&without, &tree);
        blind_to_overlaps_recovered += attack(&tree, &publish(&blind)).len();
        complementary += ledger.complete(&sums, &tree);
        for_overlaps += ledger
            .ids()
            .filter(|&id| {
                matches!(
                    ledger.reason(id),
                    Some(Rule::Complementary {
                        against: Some(_),
                        ..
                    })
                )
            })
            .count();
        let published = publish(&ledger);
        withheld += published.values().filter(|v| v.is_none()).count();
        for ((area, what), v) in &published {
            assert!(
                v.is_none_or(|v| v == 0.0 || v >= K),
                "case {case}: area {area} {what:?} publishes {v:?}"
            );
        }
        let recovered = attack(&tree, &published);
        assert!(recovered.is_empty(), "case {case}: {recovered:?}");
    }
    assert!(
        withheld > 1000 && complementary > 300,
        "{withheld} {complementary}"
    );
    assert!(primary_only_recovered > 300, "{primary_only_recovered}");
    assert!(
        blind_to_overlaps_recovered > 1000 && for_overlaps > 500,
        "{blind_to_overlaps_recovered} {for_overlaps}"
    );
}

#[test]
fn random_hierarchies_round_their_counts_so_that_every_sum_holds() {
    // Controlled rounding over sexes, age bands and scopes, buurten to the region, custom
    // areas and their overlaps, coverage gaps and withheld counts: each published count
    // goes to a multiple of 5 next to it, and every sum of published counts holds; where
    // a sum has withheld counts, what is left for them is at least 0.
    use super::Disclosure;
    use super::rounding::round;
    let mut rng = Random(2027);
    let d = Disclosure {
        round_to: Some(5.0),
        ..Disclosure::default()
    };
    let (mut held, mut open, mut moved) = (0, 0, 0);
    for case in 0..60 {
        let Case {
            tree, mut ledger, ..
        } = random_case(&mut rng);
        let sums = ledger.sums(&tree);
        ledger.complete(&sums, &tree);
        let rounded = round(&ledger, &sums, 5.0);
        assert_eq!(rounded.nearest, 0, "case {case}");
        let at = |c| rounded.count(Some(c), ledger.value(c), &d);
        for c in ledger.ids().filter(|&c| ledger.shown(c)) {
            let (r, v) = (at(c), ledger.value(c));
            assert!(
                (r / 5.0).fract() == 0.0 && (r - v).abs() < 5.0,
                "case {case}: {v} {r}"
            );
            moved += usize::from((r - d.rounded(v)).abs() > 0.0);
        }
        for s in &sums {
            let shown: f64 = s
                .terms()
                .filter(|&(c, _)| ledger.shown(c))
                .map(|(c, k)| k * at(c))
                .sum();
            let hidden: Vec<f64> = s
                .terms()
                .filter(|&(c, _)| !ledger.shown(c))
                .map(|(_, k)| k)
                .collect();
            if hidden.is_empty() {
                assert!(shown.abs() < 1e-9, "case {case}: {s:?} {shown}");
                held += 1;
            } else if hidden.iter().all(|&k| k < 0.0) {
                // total − Σ shown parts = Σ withheld parts ≥ 0.
                assert!(shown >= -1e-9, "case {case}: {s:?} {shown}");
                open += 1;
            }
        }
    }
    // Not the nearest multiple everywhere: that would break sums.
    assert!(
        held > 1000 && open > 100 && moved > 100,
        "{held} {open} {moved}"
    );
}

#[test]
fn a_repair_frees_the_withheld_counts_of_other_components_it_meets() {
    // The national monitor's case (session 24): a wijk's respondents by age group (A, B,
    // C) over five buurten; the two smallest have no one in C, so their totals are tied to
    // no age group and are components of their own. Protecting their age groups withholds
    // published counts whose sums hold those totals: held as they are, they leave no room,
    // and the build was refused.
    let tree = wijk_of(&["B1", "B2", "B3", "B4", "B5"]);
    let mut ledger = Ledger::default();
    let bands = [
        [true, false, false],
        [false, true, false],
        [false, false, true],
    ];
    let all = ledger.mask(true, vec![true; 3], Shape::Scope, "all");
    let masks: Vec<u32> = bands
        .iter()
        .enumerate()
        .map(|(k, b)| ledger.mask(true, b.to_vec(), Shape::Band, &format!("band {k}")))
        .collect();
    // Per area: all, A, B, C (None: no row).
    let counts: [(f64, [Option<f64>; 3]); 6] = [
        (57.0, [Some(29.0), Some(18.0), Some(10.0)]),
        (15.0, [Some(7.0), Some(4.0), Some(4.0)]),
        (23.0, [Some(8.0), Some(10.0), Some(5.0)]),
        (13.0, [Some(10.0), Some(2.0), Some(1.0)]),
        (4.0, [Some(3.0), Some(1.0), None]),
        (2.0, [Some(1.0), Some(1.0), None]),
    ];
    let family = Family::Respondents(0);
    let sheets = counts.iter().enumerate().map(|(area, (total, parts))| {
        let mut sheet = Sheet::new(area);
        sheet.count((family, 2024, all), *total, K, false);
        for (mask, part) in masks.iter().zip(parts) {
            if let Some(v) = part {
                sheet.count((family, 2024, *mask), *v, K, false);
            }
        }
        sheet
    });
    ledger.join(sheets.collect());
    let sums = ledger.sums(&tree);
    ledger.complete(&sums, &tree);
    let outcome = super::protect::protect(&mut ledger, &sums, &tree, usize::MAX, &Silent);
    assert!(
        outcome.unprotected.is_empty() && outcome.narrowest >= K,
        "{outcome:?}"
    );
}

#[test]
fn sheets_are_numbered_round_by_round_then_area_by_area() {
    let mut ledger = Ledger::default();
    let mask = ledger.mask(true, vec![true], Shape::Scope, "0+ all");
    let key = |year| (Family::Residents, year, mask);
    let (mut first, mut second) = (Sheet::new(0), Sheet::new(1));
    // Round 0: two cells of area 0, one of area 1.
    let a = first.count(key(2020), 40.0, K, false);
    let b = first.count(key(2021), 50.0, K, false);
    let c = second.count(key(2020), 60.0, K, false);
    first.next_round();
    second.next_round();
    // Round 1: a new cell of area 0, a cell of area 0 shown again (below a stricter
    // minimum, so now withheld), and a new cell of area 1.
    let d = first.count(key(2022), 70.0, K, false);
    assert_eq!(first.count(key(2020), 40.0, 45.0, false), a);
    let e = second.count(key(2021), 80.0, K, false);
    let ids = ledger.join(vec![first, second]);
    let id = |sheet: usize, local: u32| ids[sheet][local as usize];
    assert_eq!(
        [id(0, a), id(0, b), id(1, c), id(0, d), id(1, e)],
        [0, 1, 2, 3, 4]
    );
    let described: Vec<(usize, i32)> = (0..5)
        .map(|i| {
            let (_, area, year, ..) = ledger.describe(i);
            (area, year)
        })
        .collect();
    assert_eq!(
        described,
        [(0, 2020), (0, 2021), (1, 2020), (0, 2022), (1, 2021)]
    );
    assert_eq!(ledger.reason(id(0, a)), Some(Rule::Count));
    assert!(ledger.ids().skip(1).all(|i| ledger.shown(i)));
}

/// A wijk `WK01` (area 0) of these buurten (areas 1, 2, ...).
fn wijk_of(buurten: &[&str]) -> Hierarchy {
    let list = std::iter::once("WK01")
        .chain(buurten.iter().copied())
        .enumerate()
        .map(|(i, code)| Area {
            code: code.into(),
            name: code.into(),
            level: if i == 0 { Level::Wijk } else { Level::Buurt },
            parent: (i > 0).then(|| "WK01".into()),
            vintage: 2024,
            custom: None,
        })
        .collect();
    Hierarchy::new(&Areas::new(list))
}

#[test]
fn a_weak_count_is_protected_by_the_counts_that_lose_least() {
    // A wijk (area 0) of three buurten: 3 (small), 4 and 50. One subtraction protects the 3
    // with the 4, but that leaves it 4 to move up, not the 7 to the threshold: the wijk's
    // count or the 50 must go as well. Whichever feeds fewer published values goes (the
    // greedy repair takes the smaller part, the 50, either way).
    let tree = wijk_of(&["BU1", "BU2", "BU3"]);
    let withheld = |feeding: usize, repair: Repair| {
        let mut ledger = Ledger::default();
        let mask = ledger.mask(true, vec![true], Shape::Scope, "0+ all");
        let sheets = [57.0, 3.0, 4.0, 50.0].iter().enumerate().map(|(area, v)| {
            let mut sheet = Sheet::new(area);
            sheet.count((Family::Residents, 2024, mask), *v, K, false);
            sheet
        });
        let ids: Vec<_> = ledger.join(sheets.collect()).concat();
        for _ in 0..3 {
            ledger.feeds(ids[feeding]);
        }
        let sums = ledger.sums(&tree);
        ledger.complete(&sums, &tree);
        let outcome =
            super::protect::protect_with(&mut ledger, &sums, &tree, usize::MAX, repair, &Silent);
        assert!(
            outcome.unprotected.is_empty() && outcome.narrowest >= K,
            "{outcome:?}"
        );
        (0..4)
            .filter(|&a| !ledger.shown(ids[a]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        withheld(3, Repair::Cheapest),
        [0, 1, 2],
        "the wijk, not the 50"
    );
    assert_eq!(
        withheld(0, Repair::Cheapest),
        [1, 2, 3],
        "the 50, not the wijk"
    );
    assert_eq!(withheld(3, Repair::Bound), [1, 2, 3]);
}

#[test]
fn by_practice_a_custom_area_is_the_sum_of_the_practices_in_its_buurten() {
    // A wijk of two buurten with a practice each (3 and 50 patients with the condition),
    // and a buurt of another wijk where no practice lies. Custom area C1 holds the first
    // buurt and the practiceless one, C2 the second: by practice, C1 counts 3 (small) and
    // C2 50, and the wijk 53 = C1 + C2. Without the buurten's counts by practice as
    // unknowns (and the practiceless buurt as a zero), no sum of the ledger ties them, and
    // the wijk and C2 give C1 away by one subtraction.
    let area = |code: &str, level: Level, parent: Option<&str>| Area {
        code: code.into(),
        name: code.into(),
        level,
        parent: parent.map(Into::into),
        vintage: 2024,
        custom: None,
    };
    let custom = |code: &str, members: &[&str]| Area {
        custom: Some(Custom {
            kind: CustomKind::Other,
            within: Some("RG01".into()),
            members: members.iter().map(|&m| m.into()).collect(),
            partial: Vec::new(),
        }),
        ..area(code, Level::Custom, None)
    };
    let tree = Hierarchy::new(&Areas::new(vec![
        area("RG01", Level::Region, None),
        area("GM01", Level::Gemeente, Some("RG01")),
        area("WK01", Level::Wijk, Some("GM01")),
        area("BU1", Level::Buurt, Some("WK01")),
        area("BU2", Level::Buurt, Some("WK01")),
        area("WK02", Level::Wijk, Some("GM01")),
        area("BU3", Level::Buurt, Some("WK02")),
        custom("C1", &["BU1", "BU3"]),
        custom("C2", &["BU2"]),
    ]));
    let published = |parts: bool| {
        let mut ledger = Ledger::default();
        let mask = ledger.mask(false, vec![true], Shape::Scope, "0+ all");
        let key = (Family::Events(0, Mode::Practice), 2024, mask);
        let sheets = (0..9).map(|a| {
            let mut sheet = Sheet::new(a);
            match a {
                2 => drop(sheet.count(key, 53.0, K, false)),
                3 if parts => drop(sheet.unshown(key, 3.0)),
                4 if parts => drop(sheet.unshown(key, 50.0)),
                7 => drop(sheet.count(key, 3.0, K, false)),
                8 => drop(sheet.count(key, 50.0, K, false)),
                _ => {}
            }
            sheet
        });
        let ids = ledger.join(sheets.collect());
        let sums = ledger.sums(&tree);
        ledger.complete(&sums, &tree);
        let outcome = super::protect::protect(&mut ledger, &sums, &tree, usize::MAX, &Silent);
        assert!(outcome.unprotected.is_empty(), "{outcome:?}");
        let shown = |a: usize| ledger.shown(ids[a][0]);
        assert!(!shown(7), "C1's 3 is withheld");
        (shown(2), shown(8))
    };
    assert_eq!(
        published(false),
        (true, true),
        "the gap: 53 − 50 gives C1's 3"
    );
    assert_eq!(
        published(true),
        (true, false),
        "C2 goes with C1 (a custom area's count first)"
    );
}

#[test]
fn complementary_cells_are_the_smallest_non_zero_siblings() {
    // A wijk (area 0) of three buurten: 4 (withheld), 0, 30, 12 → 12 goes with it, not 0.
    let tree = wijk_of(&["BU1", "BU2", "BU3", "BU4"]);
    let record = |values: &[f64]| {
        let mut ledger = Ledger::default();
        let mask = ledger.mask(true, vec![true], Shape::Scope, "0+ all");
        let sheets = values.iter().enumerate().map(|(area, v)| {
            let mut sheet = Sheet::new(area);
            sheet.count((Family::Residents, 2024, mask), *v, K, false);
            sheet
        });
        let ids: Vec<_> = ledger.join(sheets.collect()).concat();
        (ledger, ids)
    };
    let (mut ledger, ids) = record(&[46.0, 4.0, 0.0, 30.0, 12.0]);
    let sums = ledger.sums(&tree);
    assert_eq!(sums.len(), 1);
    assert_eq!(ledger.complete(&sums, &tree), 1);
    let shown: Vec<bool> = ids.iter().map(|&id| ledger.shown(id)).collect();
    assert_eq!(shown, [true, false, true, true, false]);
    assert_eq!(
        ledger.reason(ids[4]),
        Some(Rule::Complementary {
            total: ids[0],
            against: None
        })
    );
    // The same input gives the same choice.
    let (mut again, _) = record(&[46.0, 4.0, 0.0, 30.0, 12.0]);
    again.complete(&again.sums(&tree), &tree);
    assert!(ids.iter().all(|&id| again.shown(id) == ledger.shown(id)));
}

#[test]
fn expected_counts_go_with_a_withheld_band_and_their_sums_stay_closed() {
    // A wijk (area 0) of three buurten, each with its listed patients and an expected
    // count; buurt 1 shows its listed patients in two bands, 4 of them aged 65+ (withheld,
    // and the other band with it). Its expected count goes, and the largest sibling's with
    // it, so that the wijk's expected count minus the others' does not give it back.
    let tree = wijk_of(&["BU1", "BU2", "BU3"]);
    let record = || {
        let mut ledger = Ledger::default();
        let all = ledger.mask(false, vec![true, true], Shape::Scope, "0+ all");
        let bands = [
            ledger.mask(false, vec![true, false], Shape::Band, "0-64 all"),
            ledger.mask(false, vec![false, true], Shape::Band, "65+ all"),
        ];
        let (listed, expected) = (
            Family::Listed(Mode::Residence),
            Family::Expected(0, Mode::Residence),
        );
        // Listed patients and expected count per area.
        let areas = [[224.0, 30.0], [64.0, 7.0], [60.0, 8.0], [100.0, 15.0]];
        let sheets = areas.iter().enumerate().map(|(area, [n, e])| {
            let mut sheet = Sheet::new(area);
            sheet.count((expected, 2024, all), *e, 0.0, false);
            sheet.count((listed, 2024, all), *n, K, false);
            if area == 1 {
                sheet.count((listed, 2024, bands[0]), 60.0, K, false);
                sheet.count((listed, 2024, bands[1]), 4.0, K, false);
            }
            sheet
        });
        let ids: Vec<_> = ledger
            .join(sheets.collect())
            .iter()
            .map(|ids| ids[0])
            .collect();
        (ledger, ids)
    };
    let (mut ledger, expected) = record();
    let sums = ledger.sums(&tree);
    ledger.complete(&sums, &tree);
    assert!(expected.iter().all(|&id| ledger.shown(id)));
    assert_eq!(ledger.withhold_expected(), 1);
    assert_eq!(ledger.reason(expected[1]), Some(Rule::Weighs));
    // One withheld expected count in the wijk's sum: the largest other part goes with it.
    assert_eq!(ledger.complete(&sums, &tree), 1);
    let shown: Vec<bool> = expected.iter().map(|&id| ledger.shown(id)).collect();
    assert_eq!(shown, [true, false, true, false]);
    // Without that complement, the wijk's expected count minus its other buurten's gives
    // buurt 1's back: exactly one withheld in the sum.
    let (mut open, _) = record();
    open.complete(&sums, &tree);
    open.withhold_expected();
    let hidden = |l: &Ledger| expected.iter().filter(|&&id| !l.shown(id)).count();
    assert_eq!(hidden(&open), 1);
    assert_eq!(hidden(&ledger), 2);
}

/// The attacker's interval for area `target`'s events from every published count and
/// every published rate: the events per area and band (never published) as unknowns, each
/// area's the sum of its parts' (children, or a custom area's buurten), a published count the sum of its bands, a published
/// rate and its variance the standard's weights over the denominators (all of an area's
/// bands with a denominator, none in a band without). Written apart from `rates`.
fn rate_attack(
    tree: &Hierarchy,
    events: &[[f64; 3]],
    denominators: &[[f64; 3]],
    weights: [f64; 3],
    shown: &[bool],
    target: usize,
) -> (f64, f64) {
    use highs::{HighsModelStatus, RowProblem, Sense};
    let bound = |up: bool| {
        let mut problem = RowProblem::default();
        let columns: Vec<Vec<Option<highs::Col>>> = (0..events.len())
            .map(|a| {
                (0..3)
                    .map(|b| {
                        let cost = if a == target { 1.0 } else { 0.0 };
                        (denominators[a][b] > 0.0).then(|| problem.add_column(cost, 0.0..))
                    })
                    .collect()
            })
            .collect();
        for area in (0..events.len()).filter(|&a| !tree.parts(a).is_empty()) {
            for b in 0..3 {
                let mut row: Vec<(highs::Col, f64)> =
                    columns[area][b].map(|c| (c, 1.0)).into_iter().collect();
                row.extend(
                    tree.parts(area)
                        .iter()
                        .filter_map(|&p| Some((columns[p][b]?, -1.0))),
                );
                problem.add_row(0.0..=0.0, row);
            }
        }
        for a in (0..events.len()).filter(|&a| shown[a]) {
            let held = |power: i32| {
                let terms: Vec<(highs::Col, f64)> = (0..3)
                    .filter_map(|b| {
                        Some((
                            columns[a][b]?,
                            (weights[b] / denominators[a][b]).powi(power),
                        ))
                    })
                    .collect();
                let value: f64 = (0..3)
                    .filter(|&b| denominators[a][b] > 0.0)
                    .map(|b| events[a][b] * (weights[b] / denominators[a][b]).powi(power))
                    .sum();
                (terms, value)
            };
            for power in [0, 1, 2] {
                // Each row scaled to a largest coefficient of 1, for the solver's tolerances.
                let (terms, value) = held(power);
                let scale = terms.iter().map(|t| t.1).fold(0.0, f64::max);
                if scale > 0.0 {
                    let value = value / scale;
                    problem.add_row(value..=value, terms.iter().map(|&(c, k)| (c, k / scale)));
                }
            }
        }
        let sense = if up { Sense::Maximise } else { Sense::Minimise };
        let solved = problem.optimise(sense).solve();
        match solved.status() {
            HighsModelStatus::Optimal => solved.objective_value(),
            HighsModelStatus::Unbounded if up => f64::INFINITY,
            status => panic!("the true counts satisfy every relation: {status:?}"),
        }
    };
    (bound(false), bound(true))
}

#[test]
fn standardised_rates_are_proven_as_relations_and_withheld_where_they_give_a_count_away() {
    // A wijk (area 0) of three buurten, three age bands. Buurt 1 has two listed children
    // and no events: its numerator goes with its small denominator, and buurt 3's with it
    // (sums alone: 0 to 61 events). But the wijk's rate and the variance of its interval,
    // with its count, pin its events in each band, and buurt 1's lie in the children's
    // band, where buurt 2's are pinned as well: 0 events, exactly. The rates' audit
    // withholds the wijk's count with its rate.
    use super::rates::audit_rates;
    use crate::profile::gp::Bands;
    let tree = wijk_of(&["BU1", "BU2", "BU3"]);
    let buurten = [[0.0, 0.0, 0.0], [1.0, 20.0, 40.0], [0.0, 15.0, 35.0]];
    let buurt_n = [[2.0, 0.0, 0.0], [100.0, 400.0, 200.0], [80.0, 300.0, 150.0]];
    let sum = |rows: &[[f64; 3]]| -> [f64; 3] {
        std::array::from_fn(|b| rows.iter().map(|r| r[b]).sum())
    };
    let events: Vec<[f64; 3]> = std::iter::once(sum(&buurten)).chain(buurten).collect();
    let denominators: Vec<[f64; 3]> = std::iter::once(sum(&buurt_n)).chain(buurt_n).collect();
    let weights = [0.2, 0.5, 0.3];
    let mut ledger = Ledger::default();
    let mask = ledger.mask(false, vec![true; 6], Shape::Scope, "0+ all");
    let family = Family::Events(0, Mode::Residence);
    let sheets = events.iter().enumerate().map(|(area, e)| {
        let mut sheet = Sheet::new(area);
        let id = sheet.count((family, 2024, mask), e.iter().sum(), K, false);
        if area == 1 {
            sheet.withhold(id, Rule::Denominator);
        }
        sheet
    });
    let ids: Vec<_> = ledger.join(sheets.collect()).concat();
    let sums = ledger.sums(&tree);
    ledger.complete(&sums, &tree);
    let outcome = super::protect::protect(&mut ledger, &sums, &tree, usize::MAX, &Silent);
    assert!(outcome.unprotected.is_empty());
    let shown = |l: &Ledger| ids.iter().map(|&id| l.shown(id)).collect::<Vec<_>>();
    assert_eq!(
        shown(&ledger),
        [true, false, true, false],
        "sums alone: buurt 3 goes with 1"
    );
    // Not blind: with the rates, the attacker pins buurt 1 below the threshold.
    let (low, high) = rate_attack(&tree, &events, &denominators, weights, &shown(&ledger), 1);
    assert!(low.abs() < 1e-6 && high < 1.0, "{low} {high}");

    let bands = |i: usize, mode: Mode, year: i32| {
        (i == 0 && mode == Mode::Residence && year == 2024).then(|| Bands {
            width: 3,
            events: events.concat(),
            denominators: denominators.concat(),
            weights: weights.to_vec(),
        })
    };
    let rated = audit_rates(&ledger, &sums, &tree, &bands, &[true], &Silent);
    assert_eq!(
        (rated.checked, rated.unprotected.len()),
        (1, 0),
        "{rated:?}"
    );
    assert!(rated.narrowest >= K, "{rated:?}");
    assert_eq!(rated.withheld, [ids[0]], "the wijk's rate goes");
    for &c in &rated.withheld {
        ledger.withhold_secondary(c, Rule::Rates);
    }
    let (low, high) = rate_attack(&tree, &events, &denominators, weights, &shown(&ledger), 1);
    assert!(low <= 0.0 + 1e-6 && high - low >= K - 1e-6, "{low} {high}");
    // Once withheld, the audit proves it as it is.
    let again = audit_rates(&ledger, &sums, &tree, &bands, &[true], &Silent);
    assert!(
        again.withheld.is_empty() && again.unprotected.is_empty(),
        "{again:?}"
    );
}

#[test]
fn random_hierarchies_with_standardised_rates_leave_no_count_less_protected_than_required() {
    // Random trees with custom areas; three age bands per buurt, some without anyone listed
    // and some with a handful (a buurt of children): the rates' audit leaves every
    // sensitive count as protected as required against the attacker who writes every rate
    // and variance out, where the sums' audit alone leaves some bounded (not blind).
    use super::rates::audit_rates;
    use crate::profile::gp::Bands;
    let mut rng = Random(2512);
    let weights = [0.25, 0.45, 0.3];
    let (mut weak_before, mut withheld, mut checked) = (0, 0, 0);
    for case in 0..40 {
        let tree = random_tree(&mut rng);
        let inside = buurten(&tree);
        let mut own = vec![([0.0; 3], [0.0; 3]); tree.len()];
        for (a, o) in own.iter_mut().enumerate() {
            if tree.level[a] != Level::Buurt {
                continue;
            }
            for b in 0..3 {
                let n = match rng.below(4) {
                    0 => 0.0,
                    1 => (1 + rng.below(5)) as f64,
                    _ => (20 + rng.below(300)) as f64,
                };
                o.1[b] = n;
                o.0[b] = (rng.below(n as u64 / 4 + 2) as f64).min(n);
            }
        }
        let total = |a: usize, k: usize| -> [f64; 3] {
            std::array::from_fn(|b| {
                inside[a]
                    .iter()
                    .map(|&u| if k == 0 { own[u].0[b] } else { own[u].1[b] })
                    .sum()
            })
        };
        let events: Vec<[f64; 3]> = (0..tree.len()).map(|a| total(a, 0)).collect();
        let denominators: Vec<[f64; 3]> = (0..tree.len()).map(|a| total(a, 1)).collect();
        let mut ledger = Ledger::default();
        let mask = ledger.mask(false, vec![true; 6], Shape::Scope, "0+ all");
        let family = Family::Events(0, Mode::Residence);
        let sheets = (0..tree.len()).map(|a| {
            let mut sheet = Sheet::new(a);
            let n: f64 = denominators[a].iter().sum();
            let x: f64 = events[a].iter().sum();
            let id = sheet.count((family, 2024, mask), x, K, n == 0.0);
            if n > 0.0 && n < 50.0 {
                sheet.withhold(id, Rule::Denominator);
            }
            sheet
        });
        let ids: Vec<_> = ledger.join(sheets.collect()).concat();
        let sums = ledger.sums(&tree);
        ledger.complete(&sums, &tree);
        let outcome = super::protect::protect(&mut ledger, &sums, &tree, usize::MAX, &Silent);
        assert!(outcome.unprotected.is_empty(), "case {case}");
        let weak = |ledger: &Ledger| -> Vec<(usize, f64, f64)> {
            let shown: Vec<bool> = ids.iter().map(|&id| ledger.shown(id)).collect();
            (0..tree.len())
                .filter_map(|a| {
                    let rule = ledger.reason(ids[a])?;
                    let (low, high) =
                        rate_attack(&tree, &events, &denominators, weights, &shown, a);
                    let short = match rule {
                        Rule::Count => low > 1e-6 || high < K - 1e-6,
                        Rule::Denominator => high - low < K - 1e-6,
                        _ => false,
                    };
                    short.then_some((a, low, high))
                })
                .collect()
        };
        weak_before += weak(&ledger).len();
        let bands = |_: usize, _: Mode, _: i32| {
            Some(Bands {
                width: 3,
                events: events.concat(),
                denominators: denominators.concat(),
                weights: weights.to_vec(),
            })
        };
        let rated = audit_rates(&ledger, &sums, &tree, &bands, &[true], &Silent);
        assert!(rated.unprotected.is_empty(), "case {case}: {rated:?}");
        for &c in &rated.withheld {
            ledger.withhold_secondary(c, Rule::Rates);
        }
        withheld += rated.withheld.len();
        checked += rated.checked;
        let found = weak(&ledger);
        assert!(found.is_empty(), "case {case}: {found:?}");
    }
    // Seed 2512: 51 weak after the sums' audit, 77 counts withheld with their rates, 126
    // checked.
    assert!(
        weak_before > 20 && withheld > 20 && checked > 100,
        "{weak_before} {withheld} {checked}"
    );
}

// The demo region, through the engine and its outputs.

mod demo {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    use crate::Region;
    use crate::profile::{
        Disclosure, Figure, Intervals, Method, ProfileBuilder, Profiles, Status, Thresholds,
    };

    fn region() -> &'static Region {
        static REGION: OnceLock<Region> = OnceLock::new();
        REGION.get_or_init(|| Region::demo().expect("demo"))
    }

    fn safe() -> &'static Profiles {
        static P: OnceLock<Profiles> = OnceLock::new();
        P.get_or_init(|| ProfileBuilder::new().build(region()).expect("build"))
    }

    /// The demo with counts rounded to 5.
    fn rounded() -> &'static Profiles {
        static P: OnceLock<Profiles> = OnceLock::new();
        P.get_or_init(|| {
            ProfileBuilder::new()
                .disclosure(Disclosure {
                    round_to: Some(5.0),
                    ..Disclosure::default()
                })
                .build(region())
                .expect("build")
        })
    }

    fn open() -> &'static Profiles {
        static P: OnceLock<Profiles> = OnceLock::new();
        P.get_or_init(|| {
            ProfileBuilder::new()
                .disclosure(Disclosure::off())
                .build(region())
                .expect("build")
        })
    }

    /// `whole = Σ plus − Σ minus`, by area code.
    struct Relation {
        whole: String,
        plus: Vec<String>,
        minus: Vec<String>,
    }

    /// Every relation between areas a reader can use: each CBS area is the sum of its
    /// children; each custom area is the sum of its buurten, and equals each area it
    /// overlaps plus the buurten only it holds minus those only the other holds (written in
    /// buurten, and in the largest CBS areas that fit).
    fn relations(p: &Profiles) -> Vec<Relation> {
        let areas: Vec<&crate::Area> = p.areas().collect();
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in &areas {
            if let Some(parent) = &a.parent {
                children.entry(parent).or_default().push(&a.code);
            }
        }
        let mut out: Vec<Relation> = children
            .iter()
            .map(|(whole, kids)| Relation {
                whole: (*whole).to_owned(),
                plus: kids.iter().map(|k| (*k).to_owned()).collect(),
                minus: Vec::new(),
            })
            .collect();
        // The buurten of every area.
        let mut buurten: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in areas.iter().filter(|a| a.level == crate::Level::Buurt) {
            let mut at = Some(a.code.as_str());
            while let Some(code) = at {
                buurten.entry(code).or_default().push(&a.code);
                at = p
                    .areas()
                    .find(|x| x.code == code)
                    .and_then(|x| x.parent.as_deref());
            }
        }
        for a in &areas {
            if let Some(c) = &a.custom {
                buurten.insert(&a.code, c.members.iter().map(String::as_str).collect());
            }
        }
        // A group of buurten as the largest CBS areas wholly inside it.
        let cbs = |group: &[&str]| -> Vec<String> {
            let mut left: Vec<&str> = group.to_vec();
            let mut out = Vec::new();
            for level in [
                crate::Level::Region,
                crate::Level::Gemeente,
                crate::Level::Wijk,
                crate::Level::Buurt,
            ] {
                for a in areas.iter().filter(|a| a.level == level) {
                    let own = &buurten[a.code.as_str()];
                    if own.iter().all(|b| left.contains(b)) {
                        left.retain(|b| !own.contains(b));
                        out.push(a.code.clone());
                    }
                }
            }
            out
        };
        for a in areas.iter().filter(|a| a.custom.is_some()) {
            let mine = &buurten[a.code.as_str()];
            out.push(Relation {
                whole: a.code.clone(),
                plus: mine.iter().map(|b| (*b).to_owned()).collect(),
                minus: Vec::new(),
            });
            for other in areas.iter().filter(|o| o.code != a.code) {
                let theirs = &buurten[other.code.as_str()];
                if !mine.iter().any(|b| theirs.contains(b)) {
                    continue;
                }
                fn only<'a>(x: &[&'a str], y: &[&str]) -> Vec<&'a str> {
                    x.iter().copied().filter(|b| !y.contains(b)).collect()
                }
                let (plus, minus) = (only(mine, theirs), only(theirs, mine));
                let owned = |v: &[&str]| v.iter().map(|b| (*b).to_owned()).collect::<Vec<_>>();
                for (plus, minus) in [(owned(&plus), owned(&minus)), (cbs(&plus), cbs(&minus))] {
                    let mut with_other = vec![other.code.clone()];
                    with_other.extend(plus);
                    out.push(Relation {
                        whole: a.code.clone(),
                        plus: with_other,
                        minus,
                    });
                }
            }
        }
        out
    }

    type Field = fn(&Figure) -> Option<f64>;
    const FIELDS: [(&str, Field); 4] = [
        ("numerator", |f| f.numerator),
        ("denominator", |f| f.denominator),
        ("residents", |f| f.residents),
        // Not a count, but its sums between areas would give a withheld one back.
        ("expected", |f| f.expected_national),
    ];

    /// A count as the attacker knows it: published, a zero numerator or denominator
    /// shown as "no data" for GP and CBS, or unknown.
    fn known(p: &Profiles, f: &Figure, (name, field): (&str, Field)) -> Option<f64> {
        let no_data = matches!(f.status, Status::Missing(_))
            && name != "residents"
            && p.catalogue().indicators()[f.indicator].source != crate::Source::Ggd;
        field(f).or(no_data.then_some(0.0))
    }

    /// Every relation (see [`relations`]) that holds in the unsuppressed figures, checked on
    /// the published ones: never exactly one unknown. Returns relations checked, and those
    /// with a custom area.
    fn attack_figures(safe: &'static Profiles, open: &'static Profiles) -> (usize, usize) {
        let key = |f: &Figure| (f.indicator, f.year, f.mode);
        let index =
            |p: &'static Profiles| -> HashMap<(&str, usize, i32, crate::profile::Mode), &Figure> {
                p.figures()
                    .iter()
                    .map(|f| ((p.area_of(f).code.as_str(), f.indicator, f.year, f.mode), f))
                    .collect()
            };
        let (safe_at, open_at) = (index(safe), index(open));
        let (mut checked, mut custom) = (0, 0);
        for r in relations(open) {
            for whole in open.figures_of(&r.whole) {
                let (i, y, m) = key(whole);
                let find = |codes: &[String]| -> Option<Vec<(&Figure, &Figure)>> {
                    codes
                        .iter()
                        .map(|c| {
                            Some((
                                *open_at.get(&(c.as_str(), i, y, m))?,
                                *safe_at.get(&(c.as_str(), i, y, m))?,
                            ))
                        })
                        .collect()
                };
                let (Some(plus), Some(minus)) = (find(&r.plus), find(&r.minus)) else {
                    continue;
                };
                let safe_whole = safe_at[&(r.whole.as_str(), i, y, m)];
                for (name, field) in FIELDS {
                    let field = (name, field);
                    let Some(total) = known(open, whole, field) else {
                        continue;
                    };
                    let sum = |parts: &[(&Figure, &Figure)]| -> Option<f64> {
                        parts.iter().map(|(o, _)| known(open, o, field)).sum()
                    };
                    let rest = sum(&plus).zip(sum(&minus)).map(|(p, m)| p - m);
                    if rest.is_none_or(|s| (s - total).abs() > 1e-6 * total.max(1.0)) {
                        continue;
                    }
                    checked += 1;
                    custom += usize::from(open.area_of(whole).custom.is_some());
                    let unknown = std::iter::once(safe_whole)
                        .chain(plus.iter().chain(&minus).map(|(_, s)| *s))
                        .filter(|f| known(safe, f, field).is_none())
                        .count();
                    assert_ne!(
                        unknown, 1,
                        "{name} of {} = {:?} − {:?} (indicator {i}, {y}, {m:?}) gives one \
                         withheld count away",
                        r.whole, r.plus, r.minus
                    );
                }
            }
        }
        (checked, custom)
    }

    #[test]
    fn no_withheld_figure_count_is_one_subtraction_away() {
        let (checked, custom) = attack_figures(safe(), open());
        assert!(checked > 10_000 && custom > 1_000, "{checked} {custom}");
    }

    #[test]
    fn expected_counts_weigh_no_withheld_listed_count() {
        // An expected count at national rates is the area's listed patients per band and
        // sex weighed by public rates: published beside a withheld band, the expected
        // counts of a few indicators pin it. Where a band is withheld, they are withheld
        // with the ratios built on them; elsewhere they are published.
        let (p, open) = (safe(), open());
        let open_at: HashMap<_, &Figure> = open
            .figures()
            .iter()
            .map(|f| ((&open.area_of(f).code, f.indicator, f.year, f.mode), f))
            .collect();
        let (mut withheld, mut shown) = (0, 0);
        for f in p.figures() {
            let code = &p.area_of(f).code;
            let gp = p.catalogue().indicators()[f.indicator].source == crate::Source::Gp;
            let Some(coverage) = p.document(code).expect("document").coverage else {
                continue;
            };
            if !gp || f.mode != crate::profile::Mode::Residence || coverage.year != f.year {
                continue;
            }
            let band_withheld = coverage.by_age_band.iter().any(|b| b.listed.is_none());
            let computed = open_at[&(code, f.indicator, f.year, f.mode)]
                .expected_national
                .is_some();
            if band_withheld && computed {
                assert!(
                    f.expected_national.is_none() && f.isr_national.is_none(),
                    "{code}: the expected count of indicator {} weighs a withheld band",
                    f.indicator
                );
                withheld += 1;
            } else if f.status == Status::Published {
                assert!(f.expected_national.is_some() || !computed, "{code}");
                shown += 1;
            }
        }
        assert!(withheld > 100 && shown > 100, "{withheld} {shown}");
        // The owner's audit lists them, as complementary.
        let listed = p
            .withheld()
            .iter()
            .filter(|w| w.count == "expected")
            .count();
        assert!(listed >= withheld, "{listed} {withheld}");
    }

    /// Counts of the documents' context and coverage by (area, item).
    fn document_counts(p: &Profiles) -> HashMap<(String, String), Option<f64>> {
        let mut out = HashMap::new();
        for a in p.areas() {
            let doc = p.document(&a.code).expect("document");
            let mut put = |item: String, v: Option<f64>| {
                out.insert((a.code.clone(), item), v);
            };
            if let Some(c) = doc.context {
                put("residents".into(), c.residents);
                for bar in &c.pyramid {
                    put(format!("male {}", bar.age_band), bar.male);
                    put(format!("female {}", bar.age_band), bar.female);
                }
            }
            if let Some(c) = doc.coverage {
                put("listed".into(), c.listed);
                put("coverage residents".into(), c.residents);
                for band in &c.by_age_band {
                    put(format!("listed {}", band.age_band), band.listed);
                    put(
                        format!("coverage residents {}", band.age_band),
                        band.residents,
                    );
                }
            }
        }
        out
    }

    #[test]
    fn pyramids_and_coverage_give_nothing_away_by_sex_band_or_area() {
        let (safe, open) = (document_counts(safe()), document_counts(open()));
        let links = relations(self::open());
        let items: Vec<String> = {
            let mut v: Vec<String> = open.keys().map(|(_, i)| i.clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut relations: Vec<Vec<(String, String)>> = Vec::new();
        let areas: Vec<String> = self::open().areas().map(|a| a.code.clone()).collect();
        for area in &areas {
            let at = |item: &str| (area.clone(), item.to_owned());
            let bars: Vec<_> = items
                .iter()
                .filter(|i| i.starts_with("male ") || i.starts_with("female "))
                .map(|i| at(i))
                .collect();
            let mut total = vec![at("residents")];
            total.extend(bars.clone());
            relations.push(total);
            for band in items.iter().filter_map(|i| i.strip_prefix("male ")) {
                relations.push(vec![
                    at(&format!("male {band}")),
                    at(&format!("female {band}")),
                ]);
            }
            for stem in ["listed", "coverage residents"] {
                let mut sum = vec![at(stem)];
                sum.extend(
                    items
                        .iter()
                        .filter(|i| i.starts_with(&format!("{stem} ")))
                        .map(|i| at(i)),
                );
                relations.push(sum);
            }
        }
        // Relations between areas: whole, then parts, the last `minus` of them subtracted.
        let mut between: Vec<(Vec<(String, String)>, usize)> = Vec::new();
        for r in &links {
            for item in &items {
                let mut cells = vec![(r.whole.clone(), item.clone())];
                cells.extend(
                    r.plus
                        .iter()
                        .chain(&r.minus)
                        .map(|c| (c.clone(), item.clone())),
                );
                between.push((cells, r.minus.len()));
            }
        }
        let mut checked = 0;
        let within = relations.into_iter().map(|cells| (cells, 0, true));
        for (cells, minus, within) in within.chain(between.into_iter().map(|(c, m)| (c, m, false)))
        {
            // Pairs (male, female of one band) are not a sum with a published total: skip
            // them unless a band total is published (it is not); check the others.
            if within && cells.len() == 2 {
                continue;
            }
            let values: Option<Vec<f64>> = cells
                .iter()
                .map(|c| open.get(c).copied().flatten())
                .collect();
            let Some(values) = values else { continue };
            let split = values.len() - minus;
            let total = values[0];
            let rest = values[1..split].iter().sum::<f64>() - values[split..].iter().sum::<f64>();
            if (total - rest).abs() > 1e-6 * total.max(1.0) {
                continue;
            }
            checked += 1;
            let unknown: Vec<_> = cells
                .iter()
                .filter(|c| safe.get(*c).copied().flatten().is_none())
                .collect();
            assert_ne!(unknown.len(), 1, "{unknown:?} is one subtraction away");
        }
        assert!(checked > 3_000, "{checked}");
        // A count shown in two places is withheld in both: a hidden context total is not
        // the `residents` of any figure of the same area, year and scope (0+ all).
        let p = self::safe();
        let mut hidden_totals = 0;
        for a in p.areas() {
            let Some(context) = p.document(&a.code).and_then(|d| d.context.cloned()) else {
                continue;
            };
            if context.residents.is_some() {
                continue;
            }
            hidden_totals += 1;
            for f in p
                .figures_of(&a.code)
                .iter()
                .filter(|f| f.year == context.year)
            {
                let ind = &p.catalogue().indicators()[f.indicator];
                if ind.age == "0+" && ind.sex == "all" {
                    assert_eq!(f.residents, None, "{}: {f:?}", a.code);
                }
            }
        }
        assert!(hidden_totals > 0);
    }

    #[test]
    fn tiny_buurten_are_withheld_and_their_wijk_does_not_give_them_away() {
        let (safe, open) = (safe(), open());
        let tiny: Vec<String> = open
            .areas()
            .filter(|a| a.level == crate::Level::Buurt)
            .filter(|a| {
                open.document(&a.code)
                    .and_then(|d| d.context?.residents)
                    .is_some_and(|r| r < 60.0)
            })
            .map(|a| a.code.clone())
            .collect();
        assert!(tiny.len() >= 5, "{tiny:?}");
        for code in &tiny {
            let doc = safe.document(code).expect("document");
            let context = doc.context.expect("context");
            let residents = open.document(code).and_then(|d| d.context?.residents);
            if residents.is_some_and(|r| r < 10.0) {
                assert_eq!(context.residents, None, "{code}");
            }
            for f in safe.figures_of(code) {
                let source = safe.catalogue().indicators()[f.indicator].source;
                if source == crate::Source::Gp {
                    assert!(!f.is_published(), "{code}: {f:?}");
                }
                for x in [f.numerator, f.denominator, f.residents]
                    .into_iter()
                    .flatten()
                {
                    assert!(x == 0.0 || x >= 10.0, "{code}: {f:?}");
                }
            }
        }
        // And their wijken do not give them away (the attacker over every relation).
        assert!(attack_figures(safe, open).0 > 0);
    }

    #[test]
    fn the_audit_matches_the_flags_in_the_table() {
        let p = safe();
        let counts = p.summary().withheld_counts;
        let audit = p.withheld();
        assert_eq!(audit.len(), counts.total());
        for (reason, n) in [
            ("primary-count", counts.primary_count),
            ("small-denominator", counts.small_denominator),
            ("complementary", counts.complementary),
        ] {
            assert_eq!(audit.iter().filter(|w| w.reason == reason).count(), n);
            assert!(n > 0, "{reason}");
        }
        // Each GP or GGD numerator flagged in the table is one audit row, and back.
        let table = p.table(0..p.areas().count()).expect("table");
        let col = |name: &str| table.column(name).expect(name).str().expect(name).clone();
        let (area, indicator, mode, flag) = (
            col("area_code"),
            col("indicator"),
            col("mode"),
            col("numerator_withheld"),
        );
        let year = table
            .column("year")
            .expect("year")
            .i64()
            .expect("year")
            .clone();
        let mut flagged: Vec<(String, String, i32, String, String)> = (0..table.height())
            .filter_map(|r| {
                Some((
                    area.get(r)?.to_owned(),
                    indicator.get(r)?.to_owned(),
                    i32::try_from(year.get(r)?).ok()?,
                    mode.get(r)?.to_owned(),
                    flag.get(r)?.to_owned(),
                ))
            })
            .filter(|row| {
                p.catalogue()
                    .get(&row.1)
                    .is_some_and(|i| i.source != crate::Source::Cbs)
            })
            .collect();
        let mut listed: Vec<(String, String, i32, String, String)> = audit
            .iter()
            .filter(|w| w.count == "events")
            .map(|w| {
                (
                    w.area_code.clone(),
                    w.indicator.clone().unwrap_or_default(),
                    w.year,
                    w.mode.unwrap_or_default().to_owned(),
                    w.family.to_owned(),
                )
            })
            .collect();
        flagged.sort();
        listed.sort();
        assert_eq!(flagged, listed);
        // The audit as a table has the same rows and no value column.
        let frame = p.withheld_table().expect("audit");
        assert_eq!(frame.height(), audit.len());
        assert!(frame.column("value").is_err() && frame.column("numerator").is_err());
    }

    #[test]
    fn loosening_is_explicit_and_thresholds_follow_source_and_indicator() {
        let loose = Disclosure {
            min_count: 5.0,
            ..Disclosure::default()
        };
        let e = ProfileBuilder::new()
            .disclosure(loose.clone())
            .build(region())
            .expect_err("loosening without allow_loosening");
        assert!(e.to_string().contains("allow_loosening"), "{e}");
        let mut per_indicator = Disclosure::default();
        per_indicator.indicators.insert(
            "gp_copd".into(),
            Thresholds {
                min_count: Some(3.0),
                min_denominator: None,
            },
        );
        let e = ProfileBuilder::new()
            .disclosure(per_indicator.clone())
            .build(region())
            .expect_err("per-indicator loosening");
        assert!(e.to_string().contains("gp_copd"), "{e}");
        // From a settings file: per source and per indicator, and the explicit flag.
        let settings: crate::profile::Settings = toml::from_str(
            "[disclosure]\nallow_loosening = true\nround_to = 5\n\
             [disclosure.sources.gp]\nmin_count = 5\n\
             [disclosure.indicators.gp_copd]\nmin_count = 20\nmin_denominator = 200\n",
        )
        .expect("settings");
        let d = settings.disclosure.expect("disclosure");
        let copd = region().catalogue.get("gp_copd").expect("copd");
        let diabetes = region().catalogue.get("gp_diabetes").expect("diabetes");
        assert_eq!(d.limits(copd).min_count, 20.0);
        assert_eq!(d.limits(copd).min_denominator, 200.0);
        assert_eq!(d.limits(diabetes).min_count, 5.0);
        assert!(d.check(&region().catalogue).is_ok());
        // The catalogue's own threshold sits between the settings' indicator and source.
        let mut catalogued = copd.clone();
        catalogued.min_count = Some(30.0);
        assert_eq!(Disclosure::default().limits(&catalogued).min_count, 30.0);
        assert_eq!(d.limits(&catalogued).min_count, 20.0, "settings win");
        let mut unknown = Disclosure::default();
        unknown.sources.insert("rivm".into(), Thresholds::default());
        assert!(
            ProfileBuilder::new()
                .disclosure(unknown)
                .build(region())
                .is_err()
        );

        // Stricter for one indicator: its counts below 20 are withheld, others keep 10.
        let mut strict = Disclosure::default();
        strict.indicators.insert(
            "gp_copd".into(),
            Thresholds {
                min_count: Some(20.0),
                min_denominator: None,
            },
        );
        let p = ProfileBuilder::new()
            .disclosure(strict)
            .build(region())
            .expect("build");
        let copd = p
            .catalogue()
            .indicators()
            .iter()
            .position(|i| i.id == "gp_copd");
        let mut between = [0, 0];
        for f in p.figures().iter().filter(|f| f.is_published()) {
            if let Some(x) = f.numerator.filter(|x| *x > 0.0 && *x < 20.0) {
                assert!(x >= 10.0);
                between[usize::from(Some(f.indicator) == copd)] += 1;
            }
        }
        assert_eq!(between[1], 0, "gp_copd counts below 20 are withheld");
        assert!(
            between[0] > 0,
            "other indicators still publish counts from 10"
        );
        // Loosened explicitly: built, and the options say so.
        let p = ProfileBuilder::new()
            .disclosure(Disclosure {
                allow_loosening: true,
                ..loose
            })
            .build(region())
            .expect("explicit loosening");
        let doc = serde_json::to_value(p.document("WK990100").expect("doc")).expect("json");
        assert_eq!(doc["options"]["disclosure"]["allow_loosening"], true);
        assert_eq!(doc["options"]["disclosure"]["min_count"], 5.0);
    }

    /// The count an interval gives back: the whole number in `0..=limit` whose interval,
    /// computed by `interval`, comes nearest to `published` (the attacker's inversion).
    fn invert(published: f64, limit: f64, interval: impl Fn(f64) -> Option<f64>) -> f64 {
        let mut best = (f64::INFINITY, f64::NAN);
        for c in 0..=limit as u64 {
            let c = c as f64;
            if let Some(gap) = interval(c).map(|v| (v - published).abs())
                && gap < best.0
            {
                best = (gap, c);
            }
        }
        best.1
    }

    #[test]
    fn no_interval_gives_back_an_unrounded_count() {
        let c95 = crate::stats::Confidence::C95;
        let rounded = rounded();
        let exact = safe();
        // A DSR's Dobson interval: its two halves' ratio is a function of the total alone.
        let dobson_ratio = |events: f64| {
            let (low, high) = crate::stats::rate::poisson_limits(events, c95).ok()?;
            (events > 0.0).then(|| (events - low) / (high - events))
        };
        // A GGD estimate's Wilson interval at the respondents, for its value.
        let wilson_lower = |p: f64, n: f64| {
            let w = crate::stats::proportion::wilson(p * n, n, c95).ok()?;
            (n > 0.0).then_some(w.lower)
        };
        let (mut dsr, mut ggd, mut differ) = (0, 0, 0);
        for (r, e) in rounded.figures().iter().zip(exact.figures()) {
            assert_eq!((r.area, r.indicator, r.year), (e.area, e.indicator, e.year));
            let (Some(v), Some(w)) = (r.value.filter(|_| r.is_published()), e.value) else {
                continue;
            };
            let multiplier = rounded.catalogue().indicators()[r.indicator].multiplier;
            let (found, truth, published) = match r.method {
                Method::Dsr => {
                    let (x, x0) = (r.numerator.expect("x"), e.numerator.expect("x"));
                    let ratio = |i: Intervals| (i.value - i.lower) / (i.upper - i.value);
                    let limit = 2.0 * x0 + 20.0;
                    // Not blind: on the unrounded build the inversion gives the true total.
                    assert_eq!(invert(ratio(w), limit, dobson_ratio), x0, "{e:?}");
                    dsr += 1;
                    (invert(ratio(v), limit, dobson_ratio), x0, x)
                }
                Method::GgdRespondents => {
                    let (n, n0) = (r.denominator.expect("n"), e.denominator.expect("n"));
                    let at = |i: Intervals| {
                        let p = i.value / multiplier;
                        move |c: f64| wilson_lower(p, c)
                    };
                    let limit = 2.0 * n0 + 20.0;
                    assert_eq!(invert(w.lower / multiplier, limit, at(w)), n0, "{e:?}");
                    ggd += 1;
                    (invert(v.lower / multiplier, limit, at(v)), n0, n)
                }
                _ => continue,
            };
            assert_eq!(found, published, "{r:?}");
            differ += usize::from(truth != published);
        }
        assert!(
            dsr > 100 && ggd > 100 && differ > 100,
            "{dsr} {ggd} {differ}"
        );
    }

    #[test]
    fn rounded_totals_carry_the_dsr_and_the_expected_counts() {
        // A DSR and an expected count weigh band counts no output shows: taken as computed,
        // a scope of one band would give back its unrounded count. With rounding, both
        // are taken at the rounded total (every band scaled alike).
        let (rounded, exact) = (rounded(), safe());
        let (mut dsr, mut expected, mut moved) = (0, 0, 0);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
        for (r, e) in rounded.figures().iter().zip(exact.figures()) {
            if !r.is_published() || !e.is_published() {
                continue;
            }
            let (Some(x), Some(x0), Some(n), Some(n0)) =
                (r.numerator, e.numerator, r.denominator, e.denominator)
            else {
                continue;
            };
            if r.method == Method::Dsr
                && let (Some(v), Some(w)) = (r.value, e.value)
            {
                assert!(close(v.value, w.value * x / x0), "{r:?}");
                dsr += 1;
            }
            if let (Some(a), Some(b)) = (r.expected_national, e.expected_national) {
                assert!(close(a, b * n / n0), "{r:?}");
                // Observed over expected, both rounded: the published ratio gives back no
                // unrounded expected count.
                let ratio = r.isr_national.expect("ratio").value;
                assert!(close(ratio, x / a), "{r:?}");
                expected += 1;
                moved += usize::from(!close(a, b));
            }
        }
        assert!(
            dsr > 100 && expected > 100 && moved > 100,
            "{dsr} {expected} {moved}"
        );
    }

    #[test]
    fn ggd_aggregates_weigh_only_what_is_published() {
        // A GGD aggregate is its parts' values weighted by their residents: weighted by
        // counts that are withheld or unrounded, it would give them back. It is computed
        // again from the published residents (rounded, or none for a withheld count).
        for p in [safe(), rounded()] {
            let mut checked = 0;
            for f in p.figures() {
                if f.method != Method::GgdWeighted || !f.is_published() {
                    continue;
                }
                let code = &p.area_of(f).code;
                let (mut weight, mut sum) = (0.0, 0.0);
                for part in p.areas().filter(|a| {
                    a.parent.as_deref() == Some(code.as_str()) && p.area_of(f).custom.is_none()
                }) {
                    let g = p
                        .figures_of(&part.code)
                        .iter()
                        .find(|g| g.indicator == f.indicator && g.year == f.year)
                        .expect("part");
                    let v = g.value.expect("part value").value;
                    weight += g.residents.unwrap_or(0.0);
                    sum += g.residents.unwrap_or(0.0) * v;
                }
                if weight > 0.0 {
                    let v = f.value.expect("value").value;
                    assert!(
                        (v - sum / weight).abs() < 1e-9,
                        "{code}: {v} {}",
                        sum / weight
                    );
                    checked += 1;
                }
            }
            assert!(checked > 10, "{checked}");
        }
        // A part's value withheld (GGD respondents below a strict threshold): the
        // aggregate over it would give it back, so it is withheld too.
        let mut strict = Disclosure::default();
        strict.sources.insert(
            "ggd".into(),
            Thresholds {
                min_count: None,
                min_denominator: Some(1e9),
            },
        );
        let p = ProfileBuilder::new()
            .disclosure(strict)
            .build(region())
            .expect("build");
        let region_figures: Vec<&Figure> = p
            .figures()
            .iter()
            .filter(|f| f.method == Method::GgdWeighted && p.area_of(f).code.starts_with("GG"))
            .collect();
        assert!(!region_figures.is_empty());
        assert!(region_figures.iter().all(|f| f.value.is_none()
            && f.status == Status::Suppressed(crate::profile::Reason::SmallNumbers)));
    }

    #[test]
    fn rounding_publishes_multiples_and_recomputes_values() {
        let p = rounded();
        let multiple = |x: f64| (x / 5.0 - (x / 5.0).round()).abs() < 1e-9;
        let mut recomputed = 0;
        for f in p.figures() {
            for x in [f.numerator, f.denominator, f.residents]
                .into_iter()
                .flatten()
            {
                assert!(multiple(x), "{f:?}");
            }
            let ind = &p.catalogue().indicators()[f.indicator];
            if let (true, Some(x), Some(n), Some(crude)) =
                (f.is_published(), f.numerator, f.denominator, f.crude)
                && ind.source == crate::Source::Gp
                && n > 0.0
            {
                assert!((crude.value - x / n * ind.multiplier).abs() < 1e-9, "{f:?}");
                // The interval of the rounded counts, by the indicator's kind.
                let c95 = crate::stats::Confidence::C95;
                let expected = match ind.kind {
                    crate::Kind::Rate => crate::stats::rate::poisson(x, n, c95),
                    _ => crate::stats::proportion::wilson(x, n, c95),
                }
                .expect("interval");
                let lower = expected.lower * ind.multiplier;
                assert!(
                    (crude.lower - lower).abs() <= 1e-9 * lower.abs().max(1.0),
                    "{f:?}"
                );
                recomputed += 1;
            }
        }
        assert!(recomputed > 1000, "{recomputed}");
        let doc = p.document("WK990100").expect("doc");
        let context = doc.context.expect("context");
        for bar in &context.pyramid {
            assert!(bar.male.into_iter().chain(bar.female).all(multiple));
        }
        let residents = context.residents.expect("a wijk's residents");
        assert!(multiple(residents));
        let density = context.density_per_km2.expect("density");
        assert!((density * context.area_km2.expect("km2") - residents).abs() < 1e-6);
    }

    /// Per parent area (not custom): how many of its sums of published counts hold and how
    /// many do not, over every indicator, year, mode and count of the long table, where
    /// the parent's count and every child's are published (rounded by `round`).
    fn sums_of_counts(p: &Profiles, round: impl Fn(f64) -> f64) -> (usize, usize) {
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in p.areas().filter(|a| a.custom.is_none()) {
            if let Some(parent) = &a.parent {
                children.entry(parent.as_str()).or_default().push(&a.code);
            }
        }
        type Counts<'a> = HashMap<(&'a str, usize, i32, &'static str), [Option<f64>; 3]>;
        let mut counts: Counts = HashMap::new();
        for f in p.figures() {
            let code = p.area_of(f).code.as_str();
            let shown = [f.numerator, f.denominator, f.residents].map(|v| v.map(&round));
            counts.insert((code, f.indicator, f.year, f.mode.as_str()), shown);
        }
        let (mut hold, mut broken) = (0, 0);
        for (&(code, indicator, year, mode), parent) in &counts {
            let Some(kids) = children.get(code) else {
                continue;
            };
            for k in 0..3 {
                let parts: Option<Vec<f64>> = kids
                    .iter()
                    .map(|kid| counts.get(&(*kid, indicator, year, mode))?[k])
                    .collect();
                if let (Some(total), Some(parts)) = (parent[k], parts) {
                    if (total - parts.iter().sum::<f64>()).abs() < 1e-6 {
                        hold += 1;
                    } else {
                        broken += 1;
                    }
                }
            }
        }
        (hold, broken)
    }

    #[test]
    fn rounded_counts_add_up_as_the_true_ones_do() {
        // Controlled rounding: every sum of published counts holds for the rounded counts,
        // so that no sum narrows one within its rounding interval.
        let (hold, broken) = sums_of_counts(rounded(), |x| x);
        assert!(hold > 1000, "{hold}");
        assert_eq!(broken, 0);
        // Each count is one of the two multiples next to its true value.
        for (r, e) in rounded().figures().iter().zip(safe().figures()) {
            for (a, b) in [(r.numerator, e.numerator), (r.residents, e.residents)] {
                if let (Some(a), Some(b)) = (a, b) {
                    assert!((a - b).abs() < 5.0, "{a} {b} {r:?}");
                }
            }
        }
        // Not blind: each count rounded to its nearest multiple, many sums break.
        let (_, broken) = sums_of_counts(safe(), |x| (x / 5.0).round() * 5.0);
        assert!(broken > 100, "{broken}");
        // The pyramid's bars add up to the area's residents.
        let doc = rounded().document("WK990100").expect("doc");
        let context = doc.context.expect("context");
        let bars: f64 = context
            .pyramid
            .iter()
            .map(|b| b.male.unwrap_or(f64::NAN) + b.female.unwrap_or(f64::NAN))
            .sum();
        assert_eq!(Some(bars), context.residents);
    }

    #[test]
    fn the_monitor_table_gives_back_no_unrounded_respondents() {
        // The monitor's long table shows each group's respondents, and its effective sample
        // size is the respondents over the design effect: both at the rounded respondents,
        // or `effective_n × deff` would give the count back.
        let multiple = |x: f64| (x / 5.0 - (x / 5.0).round()).abs() < 1e-9;
        let given_back = |p: &Profiles| {
            let (mut rows, mut unrounded) = (0, 0);
            for e in p.monitor_estimates() {
                let reason = match &e.status {
                    Status::Withheld(crate::profile::Reason::Method(
                        crate::stats::Withheld::FewRespondents { respondents, .. },
                    )) => Some(*respondents),
                    _ => None,
                };
                let through = e.effective_n.zip(e.deff).map(|(n, d)| n * d);
                for n in [e.respondents, reason, through].into_iter().flatten() {
                    rows += 1;
                    unrounded += usize::from(!multiple(n));
                }
            }
            (rows, unrounded)
        };
        let (rows, unrounded) = given_back(rounded());
        assert!(rows > 1000, "{rows}");
        assert_eq!(unrounded, 0);
        // Not blind: unrounded, they give back counts that are no multiples of 5.
        assert!(given_back(safe()).1 > 1000);
    }
}
