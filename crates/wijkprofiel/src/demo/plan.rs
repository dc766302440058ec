//! The fictional region: areas laid out as a tiling of rectangles (drawn as organic shapes by
//! `map`), residents by age and sex,
//! a smooth deprivation field, GP practices and where their patients live.

use super::map::Map;
use super::reference::{BANDS, NL_MEN, NL_WOMEN};
use crate::rng::Rng;

/// A rectangle in RD New metres; neighbours share exact integer edges, so areas tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x0: i64,
    pub(crate) y0: i64,
    pub(crate) x1: i64,
    pub(crate) y1: i64,
}

impl Rect {
    pub(crate) fn centre(&self) -> (f64, f64) {
        (
            (self.x0 + self.x1) as f64 / 2.0,
            (self.y0 + self.y1) as f64 / 2.0,
        )
    }

    /// A random point well inside.
    pub(crate) fn point_inside(&self, rng: &mut Rng) -> (f64, f64) {
        let x = self.x0 as f64 + (self.x1 - self.x0) as f64 * rng.range(0.15, 0.85);
        let y = self.y0 as f64 + (self.y1 - self.y0) as f64 * rng.range(0.15, 0.85);
        (x.round(), y.round())
    }

    /// Splits into pieces with areas proportional to `weights` (input order kept), cutting
    /// across the longer side at whole metres.
    pub(crate) fn split(&self, weights: &[f64]) -> Vec<Rect> {
        if weights.len() <= 1 {
            return vec![*self; weights.len()];
        }
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let mut k = 1;
        let mut best = f64::INFINITY;
        for (i, w) in weights.iter().enumerate().take(weights.len() - 1) {
            acc += w;
            let gap = (acc - total / 2.0).abs();
            if gap < best {
                best = gap;
                k = i + 1;
            }
        }
        let frac = weights[..k].iter().sum::<f64>() / total;
        let (a, b) = if self.x1 - self.x0 >= self.y1 - self.y0 {
            let cut = cut_at(self.x0, self.x1, frac);
            (Rect { x1: cut, ..*self }, Rect { x0: cut, ..*self })
        } else {
            let cut = cut_at(self.y0, self.y1, frac);
            (Rect { y1: cut, ..*self }, Rect { y0: cut, ..*self })
        };
        let mut out = a.split(&weights[..k]);
        out.extend(b.split(&weights[k..]));
        out
    }
}

fn cut_at(lo: i64, hi: i64, frac: f64) -> i64 {
    let cut = lo + ((hi - lo) as f64 * frac).round() as i64;
    cut.clamp(lo + 1, hi - 1)
}

/// Special characters of a wijk or buurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Character {
    Ordinary,
    /// Young adults: crude rates low, standardised rates high.
    Student,
    /// An elderly village: crude rates high, standardised rates low.
    Elderly,
    /// An industrial estate, a holiday park: a handful of residents.
    Tiny,
    /// Sparsely populated countryside.
    Rural,
}

/// The kind of municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Urbanity {
    City,
    Town,
    Rural,
}

#[derive(Debug, Clone)]
pub(crate) struct Gemeente {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) region: usize,
    pub(crate) rect: Rect,
    pub(crate) practices: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Wijk {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) gemeente: usize,
    pub(crate) rect: Rect,
    pub(crate) character: Character,
}

#[derive(Debug, Clone)]
pub(crate) struct Buurt {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) wijk: usize,
    pub(crate) rect: Rect,
    pub(crate) character: Character,
    /// Standardised deprivation (population-weighted mean 0, sd 1).
    pub(crate) deprivation: f64,
    /// Expected residents in the base year, [men, women] × band.
    pub(crate) people: [[f64; 19]; 2],
    /// Yearly growth.
    pub(crate) growth: f64,
    /// Share of residents listed with a participating practice.
    pub(crate) coverage: f64,
    /// Participating practices its patients go to, with shares summing to 1.
    pub(crate) practices: Vec<(usize, f64)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Practice {
    pub(crate) id: String,
    pub(crate) name: String,
    /// Where it lies in the plan (the map draws it at `Map::place` of this).
    pub(crate) location: (f64, f64),
    /// Registration habits: a log-rate factor on every condition.
    pub(crate) coding: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Code and name of each GGD region.
    pub(crate) regions: Vec<(String, String)>,
    pub(crate) region_rects: Vec<Rect>,
    pub(crate) gemeenten: Vec<Gemeente>,
    pub(crate) wijken: Vec<Wijk>,
    pub(crate) buurten: Vec<Buurt>,
    pub(crate) practices: Vec<Practice>,
    /// The tiling drawn as organic shapes.
    pub(crate) map: Map,
}

/// The base year of the expected populations.
pub(crate) const BASE_YEAR: i32 = 2022;
/// Years of the demo.
pub(crate) const YEARS: [i32; 5] = [2020, 2021, 2022, 2023, 2024];
/// Target share of residents listed with a participating practice.
const COVERAGE: f64 = 0.70;

/// One municipality to lay out: name, residents, wijken, buurten, urbanity, practices, and
/// the indices of wijken with a special character.
struct GemeenteSpec {
    name: String,
    residents: f64,
    wijken: usize,
    buurten: usize,
    urbanity: Urbanity,
    practices: usize,
    special: Vec<(usize, Character, &'static str)>,
    tiny: Vec<(&'static str, f64)>,
}

fn demo_specs() -> Vec<GemeenteSpec> {
    let spec = |name: &str, residents: f64, wijken, buurten, urbanity, practices| GemeenteSpec {
        name: name.to_owned(),
        residents,
        wijken,
        buurten,
        urbanity,
        practices,
        special: Vec::new(),
        tiny: Vec::new(),
    };
    let mut specs = vec![
        spec("Lindestad", 190_000.0, 20, 105, Urbanity::City, 17),
        spec("Waalhaven", 72_000.0, 9, 48, Urbanity::Town, 6),
        spec("Eikenrode", 45_000.0, 7, 34, Urbanity::Town, 4),
        spec("Molenveen", 38_000.0, 6, 30, Urbanity::Town, 4),
        spec("Beekdal", 34_000.0, 6, 27, Urbanity::Rural, 3),
        spec("Heidewoude", 28_000.0, 5, 22, Urbanity::Rural, 2),
        spec("Oosterbroek", 24_000.0, 4, 18, Urbanity::Rural, 2),
        spec("Kleiwaard", 19_000.0, 3, 16, Urbanity::Rural, 2),
    ];
    specs[0].special = vec![(3, Character::Student, "Universiteitskwartier")];
    specs[5].special = vec![(2, Character::Elderly, "Zonnedorp")];
    specs[0].tiny = vec![("Bedrijventerrein De Hoven", 18.0)];
    specs[1].tiny = vec![("Haventerrein", 35.0)];
    specs[3].tiny = vec![("Recreatiepark De Veenplas", 42.0)];
    specs[4].tiny = vec![("Industrieterrein Beekdal", 12.0)];
    specs[6].tiny = vec![("Sportpark Oosterbroek", 8.0)];
    specs[7].tiny = vec![("Kleiwaard-Noord buitengebied", 65.0)];
    specs
}

fn national_specs(rng: &mut Rng) -> Vec<GemeenteSpec> {
    // 342 municipalities, 3,300 wijken, 14,500 buurten, 5,000 practices, ≈17.9 million people.
    let n = 342;
    let sizes: Vec<f64> = (0..n).map(|_| (10.2 + 0.85 * rng.normal()).exp()).collect();
    let total: f64 = sizes.iter().sum();
    let mut specs: Vec<GemeenteSpec> = sizes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let residents = (s / total * 17_900_000.0).max(1_000.0);
            let wijken = ((residents / 5_450.0).round() as usize).clamp(1, 90);
            let urbanity = if residents > 120_000.0 {
                Urbanity::City
            } else if residents > 35_000.0 {
                Urbanity::Town
            } else {
                Urbanity::Rural
            };
            GemeenteSpec {
                name: format!("Gemeente {:03}", i + 1),
                residents,
                wijken,
                buurten: wijken * 4,
                urbanity,
                practices: 1,
                special: Vec::new(),
                tiny: Vec::new(),
            }
        })
        .collect();
    // Raise counts, largest municipalities first, until the national total is reached; a
    // code has room for 99 wijken per gemeente.
    type Get = fn(&GemeenteSpec) -> usize;
    type Set = fn(&mut GemeenteSpec, usize);
    let scale = |target: usize, get: Get, set: Set, cap: usize, specs: &mut Vec<GemeenteSpec>| {
        let mut order: Vec<usize> = (0..specs.len()).collect();
        order.sort_by(|&a, &b| {
            specs[b]
                .residents
                .total_cmp(&specs[a].residents)
                .then(a.cmp(&b))
        });
        let mut have: usize = specs.iter().map(get).sum();
        for g in order.iter().cycle() {
            if have >= target {
                break;
            }
            let v = get(&specs[*g]);
            if v < cap {
                set(&mut specs[*g], v + 1);
                have += 1;
            }
        }
    };
    scale(3_300, |s| s.wijken, |s, v| s.wijken = v, 99, &mut specs);
    for s in &mut specs {
        s.buurten = s.wijken * 4;
    }
    scale(
        14_500,
        |s| s.buurten,
        |s, v| s.buurten = v,
        usize::MAX,
        &mut specs,
    );
    for s in &mut specs {
        let practices = (s.residents / 17_900_000.0 * 5_000.0).floor() as usize;
        s.practices = practices.max(1);
    }
    scale(
        5_000,
        |s| s.practices,
        |s, v| s.practices = v,
        usize::MAX,
        &mut specs,
    );
    specs
}

const STEMS: [&str; 24] = [
    "Linden", "Eiken", "Beuken", "Wilgen", "Berken", "Molen", "Kerk", "Haven", "Dijk", "Veld",
    "Brink", "Hof", "Akker", "Beek", "Heide", "Zand", "Klei", "Water", "Bos", "Weide", "Vlier",
    "Essen", "Hazel", "Rozen",
];
const SUFFIXES: [&str; 16] = [
    "hof", "laan", "kwartier", "park", "veld", "dorp", "wijk", "hoek", "rode", "kamp", "straat",
    "buurt", "kade", "wal", "es", "horst",
];
const WIJK_NAMES: [&str; 12] = [
    "Centrum",
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Binnenstad",
    "Oude Haven",
    "Stationsgebied",
    "Het Broek",
    "De Hoven",
    "Rivierzijde",
    "Buitengebied",
];

fn name_from(rng: &mut Rng, used: &mut std::collections::HashSet<String>) -> String {
    loop {
        let name = format!(
            "{}{}",
            STEMS[rng.below(STEMS.len())],
            SUFFIXES[rng.below(SUFFIXES.len())]
        );
        if used.insert(name.clone()) {
            return name;
        }
        let numbered = format!("{name} {}", used.len());
        if used.insert(numbered.clone()) {
            return numbered;
        }
    }
}

/// Lognormal weights with spread `sd`.
fn weights(rng: &mut Rng, n: usize, sd: f64) -> Vec<f64> {
    (0..n).map(|_| (sd * rng.normal()).exp()).collect()
}

/// Builds the whole plan.
pub(crate) fn build(seed: u64, national: bool) -> Plan {
    let root = Rng::new(seed);
    let mut rng = root.fork("layout");
    let specs = if national {
        national_specs(&mut rng)
    } else {
        demo_specs()
    };
    let regions: Vec<(String, String)> = if national {
        (0..25)
            .map(|i| {
                (
                    format!("GG99{:02}", i + 1),
                    format!("GGD-regio {:02} (synthetisch)", i + 1),
                )
            })
            .collect()
    } else {
        vec![("GG9901".to_owned(), "GGD Lindewaard".to_owned())]
    };
    // Land per municipality: denser places take less of it.
    let land: Vec<f64> = specs
        .iter()
        .map(|s| {
            let density = match s.urbanity {
                Urbanity::City => 2_800.0,
                Urbanity::Town => 1_200.0,
                Urbanity::Rural => 280.0,
            };
            s.residents / density * rng.range(0.8, 1.25)
        })
        .collect();
    let total_km2: f64 = land.iter().sum();
    // A rectangle of the right size around a fictional centre (RD New metres).
    let (width, height) = if national {
        (260_000.0, 300_000.0)
    } else {
        (4.0 / 3.0, 1.0)
    };
    let scale = if national {
        1.0
    } else {
        (total_km2 * 1.0e6 / (width * height)).sqrt()
    };
    let (w, h) = (
        (width * scale).round() as i64,
        (height * scale).round() as i64,
    );
    let (cx, cy) = if national {
        (155_000, 463_000)
    } else {
        (192_000, 438_000)
    };
    let outline = Rect {
        x0: cx - w / 2,
        y0: cy - h / 2,
        x1: cx - w / 2 + w,
        y1: cy - h / 2 + h,
    };
    // Regions tile the outline; each region's gemeenten tile the region.
    let region_of = |gi: usize| gi * regions.len() / specs.len();
    let region_land: Vec<f64> = (0..regions.len())
        .map(|r| {
            (0..specs.len())
                .filter(|&g| region_of(g) == r)
                .map(|g| land[g])
                .sum()
        })
        .collect();
    let region_rects = outline.split(&region_land);
    let mut gm_rects = Vec::with_capacity(specs.len());
    for (r, rect) in region_rects.iter().enumerate() {
        let members: Vec<f64> = (0..specs.len())
            .filter(|&g| region_of(g) == r)
            .map(|g| land[g])
            .collect();
        gm_rects.extend(rect.split(&members));
    }
    let first_gm = if national { 5_000 } else { 9_901 };

    let mut gemeenten = Vec::new();
    let mut wijken = Vec::new();
    let mut buurten = Vec::new();
    for (gi, (spec, rect)) in specs.iter().zip(gm_rects).enumerate() {
        let gm_digits = format!("{:04}", first_gm + gi);
        let region = region_of(gi);
        gemeenten.push(Gemeente {
            code: format!("GM{gm_digits}"),
            name: spec.name.clone(),
            region,
            rect,
            practices: spec.practices,
        });
        let mut grng = root.fork(&format!("gemeente/{gm_digits}"));
        // Wijken: residents and buurten per wijk.
        let wijk_pop = weights(&mut grng, spec.wijken, 0.35);
        let wijk_pop_total: f64 = wijk_pop.iter().sum();
        let mut buurten_per_wijk = vec![spec.buurten / spec.wijken; spec.wijken];
        for extra in buurten_per_wijk.iter_mut().take(spec.buurten % spec.wijken) {
            *extra += 1;
        }
        let mut used = std::collections::HashSet::new();
        let mut wijk_plans = Vec::new();
        for wi in 0..spec.wijken {
            let special = spec.special.iter().find(|(i, _, _)| *i == wi);
            let character = special.map_or(Character::Ordinary, |s| s.1);
            let name = match special {
                Some((_, _, name)) => (*name).to_owned(),
                None if spec.urbanity == Urbanity::City || wi < WIJK_NAMES.len() / 2 => {
                    let base = WIJK_NAMES[wi % WIJK_NAMES.len()];
                    if used.insert(base.to_owned()) {
                        base.to_owned()
                    } else {
                        name_from(&mut grng, &mut used)
                    }
                }
                None => name_from(&mut grng, &mut used),
            };
            let residents = spec.residents * wijk_pop[wi] / wijk_pop_total;
            wijk_plans.push((name, character, residents, buurten_per_wijk[wi]));
        }
        // Tiny buurten go into the last wijken.
        let wijk_land: Vec<f64> = wijk_plans
            .iter()
            .map(|(_, character, residents, _)| {
                let factor = match (spec.urbanity, character) {
                    (_, Character::Student) => 0.6,
                    (Urbanity::Rural, _) => 2.0,
                    _ => 1.0,
                };
                residents * factor * grng.range(0.7, 1.4)
            })
            .collect();
        let wijk_rects = rect.split(&wijk_land);
        for (wi, ((name, character, residents, n_buurten), wrect)) in
            wijk_plans.into_iter().zip(wijk_rects).enumerate()
        {
            let wk_digits = format!("{gm_digits}{:02}", wi);
            let wijk_index = wijken.len();
            wijken.push(Wijk {
                code: format!("WK{wk_digits}"),
                name: name.clone(),
                gemeente: gi,
                rect: wrect,
                character,
            });
            let tiny: Vec<(&str, f64)> = if wi + 1 == spec.wijken {
                spec.tiny.clone()
            } else {
                Vec::new()
            };
            let ordinary = n_buurten.saturating_sub(tiny.len()).max(1);
            let rural_last = spec.urbanity == Urbanity::Rural && ordinary > 2;
            let shares = weights(&mut grng, ordinary, 0.5);
            let share_total: f64 = shares.iter().sum();
            let tiny_total: f64 = tiny.iter().map(|t| t.1).sum();
            let mut members: Vec<(String, Character, f64, f64)> = Vec::new();
            for (bi, share) in shares.iter().enumerate() {
                let people = (residents - tiny_total).max(100.0) * share / share_total;
                let rural = rural_last && bi + 1 == ordinary;
                let buurt_character = if rural { Character::Rural } else { character };
                let bname = if bi == 0 && !national {
                    name.clone()
                } else {
                    name_from(&mut grng, &mut used)
                };
                let land = people * if rural { 25.0 } else { 1.0 } * grng.range(0.6, 1.6);
                members.push((bname, buurt_character, people, land));
            }
            for (tname, people) in tiny {
                let land = residents / f64::from(u32::try_from(ordinary).unwrap_or(1)) * 0.8;
                members.push((tname.to_owned(), Character::Tiny, people, land));
            }
            let land: Vec<f64> = members.iter().map(|m| m.3).collect();
            for (bi, ((bname, bcharacter, people, _), brect)) in
                members.into_iter().zip(wrect.split(&land)).enumerate()
            {
                let mut brng = root.fork(&format!("buurt/{wk_digits}{bi:02}"));
                buurten.push(Buurt {
                    code: format!("BU{wk_digits}{bi:02}"),
                    name: bname,
                    wijk: wijk_index,
                    rect: brect,
                    character: bcharacter,
                    deprivation: 0.0,
                    people: age_structure(&mut brng, people, bcharacter, spec.urbanity),
                    growth: 0.004 + 0.006 * brng.normal(),
                    coverage: 0.0,
                    practices: Vec::new(),
                });
            }
        }
    }
    deprivation(&root, &mut buurten, &wijken, national);
    let practices = place_practices(&root, &gemeenten, &wijken, &buurten);
    allocate_patients(&mut buurten, &practices);
    let rects: Vec<Rect> = buurten.iter().map(|b| b.rect).collect();
    let map = Map::new(&rects, &mut root.fork("map"));
    Plan {
        regions,
        region_rects,
        gemeenten,
        wijken,
        buurten,
        practices,
        map,
    }
}

/// Expected residents by sex and band: the Dutch age structure, shaped by the buurt's kind.
fn age_structure(
    rng: &mut Rng,
    residents: f64,
    character: Character,
    urbanity: Urbanity,
) -> [[f64; 19]; 2] {
    let family = 0.25 * rng.normal()
        + if urbanity == Urbanity::City {
            -0.15
        } else {
            0.1
        };
    let ageing = 0.25 * rng.normal()
        + if urbanity == Urbanity::Rural {
            0.2
        } else {
            0.0
        };
    let mut weight = [[0.0; 19]; 2];
    for b in 0..19 {
        let lower = BANDS[b].lower;
        let mut f = 1.0;
        if lower < 15 || (30..50).contains(&lower) {
            f *= family.exp();
        }
        if lower >= 65 {
            f *= ageing.exp();
        } else if (20..35).contains(&lower) {
            f *= (-ageing).exp();
            if urbanity == Urbanity::City {
                f *= 1.4;
            }
        }
        f *= match character {
            Character::Student => match lower {
                15 => 2.2,
                20 => 7.0,
                25 => 3.5,
                30 => 1.3,
                0..15 => 0.2,
                35..65 => 0.22,
                _ => 0.08,
            },
            Character::Elderly => match lower {
                65.. => 2.8,
                0..40 => 0.55,
                _ => 1.0,
            },
            _ => 1.0,
        };
        f *= (0.08 * rng.normal()).exp();
        weight[0][b] = NL_MEN[b] * f;
        weight[1][b] = NL_WOMEN[b] * f * (0.03 * rng.normal()).exp();
    }
    let total: f64 = weight.iter().flatten().sum();
    for row in &mut weight {
        for cell in row.iter_mut() {
            *cell *= residents / total;
        }
    }
    weight
}

/// A smooth field of a few wide bumps, plus wijk and buurt noise; three city wijken and the
/// student wijk stand out, the elderly village is well off. Standardised by population.
fn deprivation(root: &Rng, buurten: &mut [Buurt], wijken: &[Wijk], national: bool) {
    let mut rng = root.fork("deprivation");
    let (x_min, x_max, y_min, y_max) =
        buurten
            .iter()
            .fold((f64::MAX, f64::MIN, f64::MAX, f64::MIN), |acc, b| {
                let (x, y) = b.rect.centre();
                (acc.0.min(x), acc.1.max(x), acc.2.min(y), acc.3.max(y))
            });
    let span = (x_max - x_min).max(y_max - y_min);
    let bumps: Vec<(f64, f64, f64, f64)> = (0..if national { 60 } else { 6 })
        .map(|_| {
            (
                rng.range(x_min, x_max),
                rng.range(y_min, y_max),
                span * rng.range(0.05, 0.15),
                rng.range(-1.0, 1.4),
            )
        })
        .collect();
    let wijk_noise: Vec<f64> = wijken.iter().map(|_| 0.3 * rng.normal()).collect();
    let mut highlighted = 0;
    let mut raw = Vec::with_capacity(buurten.len());
    for b in buurten.iter() {
        let (x, y) = b.rect.centre();
        let field: f64 = bumps
            .iter()
            .map(|(bx, by, sigma, amp)| {
                amp * (-((x - bx).powi(2) + (y - by).powi(2)) / (2.0 * sigma * sigma)).exp()
            })
            .sum();
        raw.push(field + wijk_noise[b.wijk] + 0.25 * rng.normal());
    }
    if !national {
        // Three city wijken (indices 1, 6, 11 of Lindestad) with deprivation on several fronts.
        for (b, value) in buurten.iter().zip(raw.iter_mut()) {
            let wijk = &wijken[b.wijk];
            let city_wijk = wijk.gemeente == 0 && matches!(b.wijk, 1 | 6 | 11);
            if city_wijk {
                *value += 1.6;
                highlighted += 1;
            }
        }
        debug_assert!(highlighted > 0);
    }
    for (b, value) in buurten.iter().zip(raw.iter_mut()) {
        match wijken[b.wijk].character {
            Character::Student => *value += 0.2,
            Character::Elderly => *value -= 1.2,
            _ => {}
        }
    }
    let people: Vec<f64> = buurten
        .iter()
        .map(|b| b.people.iter().flatten().sum())
        .collect();
    let total: f64 = people.iter().sum();
    let mean = raw.iter().zip(&people).map(|(r, p)| r * p).sum::<f64>() / total;
    let var = raw
        .iter()
        .zip(&people)
        .map(|(r, p)| (r - mean).powi(2) * p)
        .sum::<f64>()
        / total;
    for (b, r) in buurten.iter_mut().zip(raw) {
        b.deprivation = (r - mean) / var.sqrt().max(1e-9);
    }
}

const PRACTICE_PREFIX: [&str; 4] = [
    "Huisartsenpraktijk",
    "Gezondheidscentrum",
    "Huisartsen",
    "Praktijk",
];

fn place_practices(
    root: &Rng,
    gemeenten: &[Gemeente],
    wijken: &[Wijk],
    buurten: &[Buurt],
) -> Vec<Practice> {
    let mut practices = Vec::new();
    for (gi, gemeente) in gemeenten.iter().enumerate() {
        let mut rng = root.fork(&format!("practices/{}", gemeente.code));
        let candidates: Vec<usize> = (0..buurten.len())
            .filter(|&b| {
                wijken[buurten[b].wijk].gemeente == gi
                    && !matches!(buurten[b].character, Character::Tiny | Character::Rural)
            })
            .collect();
        let mut weights: Vec<f64> = candidates
            .iter()
            .map(|&b| buurten[b].people.iter().flatten().sum())
            .collect();
        for _ in 0..gemeente.practices {
            let total: f64 = weights.iter().sum();
            if total <= 0.0 {
                break;
            }
            let mut u = rng.uniform() * total;
            let mut pick = candidates.len() - 1;
            for (i, w) in weights.iter().enumerate() {
                if u < *w {
                    pick = i;
                    break;
                }
                u -= w;
            }
            weights[pick] *= 0.25;
            let buurt = candidates[pick];
            let number = practices.len() + 1;
            practices.push(Practice {
                id: format!("HA{number:04}"),
                name: format!(
                    "{} {}",
                    PRACTICE_PREFIX[rng.below(PRACTICE_PREFIX.len())],
                    buurten[buurt].name
                ),
                location: buurten[buurt].rect.point_inside(&mut rng),
                coding: 0.07 * rng.normal(),
            });
        }
    }
    practices
}

/// Patients of a buurt go to its three nearest participating practices (by distance decay);
/// the share listed with any participating practice falls with distance, scaled so that the
/// region's coverage is about 70%.
fn allocate_patients(buurten: &mut [Buurt], practices: &[Practice]) {
    if practices.is_empty() {
        return;
    }
    let mut nearest_distance = Vec::with_capacity(buurten.len());
    for b in buurten.iter_mut() {
        let (x, y) = b.rect.centre();
        let mut near: Vec<(f64, usize)> = practices
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    ((p.location.0 - x).powi(2) + (p.location.1 - y).powi(2)).sqrt(),
                    i,
                )
            })
            .collect();
        let k = near.len().min(3);
        near.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        near.truncate(k);
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let weights: Vec<f64> = near
            .iter()
            .map(|(d, _)| (-d / 1_500.0).exp().max(1e-6))
            .collect();
        let total: f64 = weights.iter().sum();
        b.practices = near
            .iter()
            .zip(&weights)
            .map(|((_, i), w)| (*i, w / total))
            .filter(|(_, share)| *share >= 0.05)
            .collect();
        let kept: f64 = b.practices.iter().map(|(_, s)| s).sum();
        for (_, share) in &mut b.practices {
            *share /= kept;
        }
        nearest_distance.push(near[0].0);
    }
    let people: Vec<f64> = buurten
        .iter()
        .map(|b| b.people.iter().flatten().sum())
        .collect();
    let total: f64 = people.iter().sum();
    let mut factor = 1.0;
    for _ in 0..20 {
        let mean = nearest_distance
            .iter()
            .zip(&people)
            .map(|(d, p)| p * (factor * (-d / 5_000.0).exp()).clamp(0.1, 0.95))
            .sum::<f64>()
            / total;
        factor *= COVERAGE / mean;
    }
    for (b, d) in buurten.iter_mut().zip(nearest_distance) {
        b.coverage = (factor * (-d / 5_000.0).exp()).clamp(0.1, 0.95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tiles_exactly() {
        let rect = Rect {
            x0: 0,
            y0: 0,
            x1: 1000,
            y1: 600,
        };
        let parts = rect.split(&[1.0, 2.0, 3.0, 0.5, 0.5]);
        let area: i64 = parts.iter().map(|r| (r.x1 - r.x0) * (r.y1 - r.y0)).sum();
        assert_eq!(area, 600_000);
        for (i, a) in parts.iter().enumerate() {
            assert!(a.x1 > a.x0 && a.y1 > a.y0);
            for b in &parts[i + 1..] {
                let overlap_x = a.x0.max(b.x0) < a.x1.min(b.x1);
                let overlap_y = a.y0.max(b.y0) < a.y1.min(b.y1);
                assert!(!(overlap_x && overlap_y), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn demo_plan_has_the_promised_shape() {
        let plan = build(42, false);
        assert_eq!(plan.gemeenten.len(), 8);
        assert_eq!(plan.wijken.len(), 60);
        assert_eq!(plan.buurten.len(), 300);
        assert_eq!(plan.practices.len(), 40);
        let residents: f64 = plan
            .buurten
            .iter()
            .map(|b| b.people.iter().flatten().sum::<f64>())
            .sum();
        assert!((440_000.0..460_000.0).contains(&residents), "{residents}");
        let covered: f64 = plan
            .buurten
            .iter()
            .map(|b| b.coverage * b.people.iter().flatten().sum::<f64>())
            .sum();
        assert!((covered / residents - COVERAGE).abs() < 0.02);
        assert!(
            plan.buurten
                .iter()
                .filter(|b| b.character == Character::Tiny)
                .count()
                >= 5
        );
    }
}
