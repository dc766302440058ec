//! The demo's map: the plan's tiling of rectangles drawn as organic shapes.
//!
//! Every corner where areas meet moves a little, and every border between two corners bends
//! in a few deterministic wiggles (midpoint displacement, finer on longer borders). A corner
//! moves at most 6% and a border bends at most 6% of the narrowest buurt it touches, so every
//! point in the middle 70% of a rectangle, where the plan puts practices and providers, stays
//! in its area. Then the whole plane is warped by a smooth one-to-one deformation (a few waves
//! of 1.5 to 25 km), which bends long straight borders; points are warped with it.
//!
//! A border is computed once and shared by the areas on both sides point for point, so
//! buurten, wijken, gemeenten and regions still tile and nest exactly.

use std::collections::{BTreeMap, BTreeSet};

use super::plan::Rect;
use crate::rng::Rng;

/// A corner of the plan, in whole RD New metres.
type P = (i64, i64);
/// A point as drawn, in whole decimetres: finer than the plan's metre, so that rounding
/// cannot fold corners a metre apart over each other.
pub(crate) type D = (i64, i64);

/// The share of a buurt's narrower side that a corner may move, and that a border may bend.
const REACH: f64 = 0.06;
/// Longest straight piece of a border before the warp (metres): the warp bends it by at most
/// a few metres between its points.
const PIECE: f64 = 200.0;
/// Wavelengths of the warp (metres). The three waves of one wavelength tilt the plane by at
/// most `TILT` together; with four wavelengths the warp's Jacobian differs from the identity
/// by at most 0.68 (in norm), so its determinant stays positive and the warp is one-to-one.
const WAVES: [f64; 4] = [1_500.0, 4_000.0, 10_000.0, 25_000.0];
const TILT: f64 = 0.17;

/// One wave of the warp: a displacement across `direction` of `amplitude` times the sine of
/// `k` times the position along it, shifted by `phase`. A wave that moves points across its
/// direction is a shear: it keeps areas (its Jacobian's determinant is 1), so the warp keeps
/// the plan's land areas but for the small products of different waves.
#[derive(Debug, Clone)]
struct Wave {
    direction: (f64, f64),
    k: f64,
    phase: f64,
    amplitude: f64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Map {
    /// Corners of the tiling on each vertical line (x → its ys) and horizontal line (y → xs).
    vertical: BTreeMap<i64, BTreeSet<i64>>,
    horizontal: BTreeMap<i64, BTreeSet<i64>>,
    /// Where each corner is drawn (moved and warped).
    moved: BTreeMap<P, D>,
    /// The points drawn between the two ends of each border, from its lower end (in (x, y)
    /// order) to its higher.
    bends: BTreeMap<(P, P), Vec<D>>,
    waves: Vec<Wave>,
}

impl Map {
    /// The map of a tiling of `buurten`; the same rectangles and stream give the same map.
    pub(crate) fn new(buurten: &[Rect], rng: &mut Rng) -> Self {
        let mut map = Self::default();
        // Three waves per wavelength, in random directions, so that no pattern repeats.
        for length in WAVES {
            for _ in 0..3 {
                let angle = rng.range(0.0, std::f64::consts::TAU);
                let k = std::f64::consts::TAU / length;
                map.waves.push(Wave {
                    direction: (angle.cos(), angle.sin()),
                    k,
                    phase: rng.range(0.0, std::f64::consts::TAU),
                    amplitude: TILT / k / 3.0,
                });
            }
        }
        for r in buurten {
            for (x, y) in [(r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)] {
                map.vertical.entry(x).or_default().insert(y);
                map.horizontal.entry(y).or_default().insert(x);
            }
        }
        // How far each corner may move and each border may bend: the narrowest buurt that
        // touches it decides, and short borders bend and move less.
        let mut corner_reach: BTreeMap<P, f64> = BTreeMap::new();
        let mut border_reach: BTreeMap<(P, P), f64> = BTreeMap::new();
        for r in buurten {
            let reach = REACH * (r.x1 - r.x0).min(r.y1 - r.y0) as f64;
            for (a, b) in map.borders(r) {
                let length = distance(a, b);
                let border = border_reach.entry(ordered(a, b)).or_insert(f64::MAX);
                *border = border.min(reach).min(0.12 * length);
                for p in [a, b] {
                    let corner = corner_reach.entry(p).or_insert(f64::MAX);
                    *corner = corner.min(reach).min(0.2 * length);
                }
            }
        }
        let mut moved: BTreeMap<P, (f64, f64)> = BTreeMap::new();
        for (&(x, y), &reach) in &corner_reach {
            let angle = rng.range(0.0, std::f64::consts::TAU);
            let r = reach * rng.uniform().sqrt();
            moved.insert(
                (x, y),
                (x as f64 + r * angle.cos(), y as f64 + r * angle.sin()),
            );
        }
        for (&(a, b), &reach) in &border_reach {
            let (from, to) = (moved[&a], moved[&b]);
            let length = (to.0 - from.0).hypot(to.1 - from.1);
            let depth = match length {
                l if l >= 1_600.0 => 3,
                l if l >= 400.0 => 2,
                l if l >= 100.0 => 1,
                _ => 0,
            };
            let mut points = vec![from];
            // Displacements of 1, 1/2 and 1/4 times the amplitude add up to at most `reach`.
            bend(from, to, reach / 1.75, depth, rng, &mut points);
            points.push(to);
            let mut drawn: Vec<D> = Vec::new();
            for w in points.windows(2) {
                let (p, q) = (w[0], w[1]);
                let pieces = ((q.0 - p.0).hypot(q.1 - p.1) / PIECE).ceil().max(1.0);
                for i in 1..=pieces as usize {
                    let t = i as f64 / pieces;
                    drawn.push(map.draw((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))));
                }
            }
            drawn.pop();
            map.bends.insert((a, b), drawn);
        }
        map.moved = moved.iter().map(|(&p, &to)| (p, map.draw(to))).collect();
        map
    }

    /// Where the warp takes a point of the plan (RD New metres).
    pub(crate) fn warp(&self, p: (f64, f64)) -> (f64, f64) {
        let (mut x, mut y) = p;
        for w in &self.waves {
            let (dx, dy) = w.direction;
            let across = w.amplitude * (w.k * (p.0 * dx + p.1 * dy) + w.phase).sin();
            x -= across * dy;
            y += across * dx;
        }
        (x, y)
    }

    /// A location of the plan (a practice, a provider) as the map draws it: warped, to the
    /// decimetre. A location in the middle 70% of its buurt's rectangle lies in its buurt's
    /// shape.
    pub(crate) fn place(&self, p: (f64, f64)) -> (f64, f64) {
        let (x, y) = self.draw(p);
        (metres(x), metres(y))
    }

    /// A point of the plan as drawn: warped, in whole decimetres.
    fn draw(&self, p: (f64, f64)) -> D {
        let (x, y) = self.warp(p);
        ((10.0 * x).round() as i64, (10.0 * y).round() as i64)
    }

    /// The outline of a rectangle of the tiling (a buurt, or a union of buurten such as a
    /// wijk), in decimetres ([`metres`] converts), counter-clockwise and closed, without
    /// repeated points.
    pub(crate) fn ring(&self, rect: &Rect) -> Vec<D> {
        let mut ring: Vec<D> = Vec::new();
        for (a, b) in self.borders(rect) {
            ring.push(
                self.moved
                    .get(&a)
                    .copied()
                    .unwrap_or_else(|| self.draw(as_f64(a))),
            );
            let key = ordered(a, b);
            let points = self.bends.get(&key).map_or(&[][..], Vec::as_slice);
            if key.0 == a {
                ring.extend(points);
            } else {
                ring.extend(points.iter().rev());
            }
        }
        ring.dedup();
        if let Some(&first) = ring.first() {
            if ring.last() == Some(&first) && ring.len() > 1 {
                ring.pop();
            }
            ring.push(first);
        }
        ring
    }

    /// The borders around a rectangle: consecutive corners of the tiling on its edges,
    /// counter-clockwise from its south-west corner.
    fn borders(&self, r: &Rect) -> Vec<(P, P)> {
        let along = |lines: &BTreeMap<i64, BTreeSet<i64>>, at: i64, lo: i64, hi: i64| {
            lines
                .get(&at)
                .map(|set| set.range(lo..=hi).copied().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let mut corners: Vec<P> = Vec::new();
        let mut push = |p: P| {
            if corners.last() != Some(&p) {
                corners.push(p);
            }
        };
        for x in along(&self.horizontal, r.y0, r.x0, r.x1) {
            push((x, r.y0));
        }
        for y in along(&self.vertical, r.x1, r.y0, r.y1) {
            push((r.x1, y));
        }
        for x in along(&self.horizontal, r.y1, r.x0, r.x1).into_iter().rev() {
            push((x, r.y1));
        }
        for y in along(&self.vertical, r.x0, r.y0, r.y1).into_iter().rev() {
            push((r.x0, y));
        }
        if corners.first() == corners.last() {
            corners.pop();
        }
        (0..corners.len())
            .map(|i| (corners[i], corners[(i + 1) % corners.len()]))
            .collect()
    }
}

/// Midpoint displacement between `a` and `b`: the middle moves across the line by up to
/// `amplitude`, then each half bends by half as much, `depth` times.
fn bend(
    a: (f64, f64),
    b: (f64, f64),
    amplitude: f64,
    depth: u32,
    rng: &mut Rng,
    out: &mut Vec<(f64, f64)>,
) {
    if depth == 0 {
        return;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx.hypot(dy).max(f64::MIN_POSITIVE);
    let offset = amplitude * rng.range(-1.0, 1.0);
    let middle = (
        (a.0 + b.0) / 2.0 - dy / length * offset,
        (a.1 + b.1) / 2.0 + dx / length * offset,
    );
    bend(a, middle, amplitude / 2.0, depth - 1, rng, out);
    out.push(middle);
    bend(middle, b, amplitude / 2.0, depth - 1, rng, out);
}

fn ordered(a: P, b: P) -> (P, P) {
    if a <= b { (a, b) } else { (b, a) }
}

/// A drawn coordinate in metres (the nearest double to the decimetres given).
pub(crate) fn metres(d: i64) -> f64 {
    d as f64 / 10.0
}

fn as_f64(p: P) -> (f64, f64) {
    (p.0 as f64, p.1 as f64)
}

fn distance(a: P, b: P) -> f64 {
    ((a.0 - b.0) as f64).hypot((a.1 - b.1) as f64)
}

#[cfg(test)]
mod tests {
    use geo::{Contains, Coord, LineString, Polygon, Validation};

    use super::*;

    fn polygon(ring: &[D]) -> Polygon<f64> {
        let coords: Vec<Coord<f64>> = ring
            .iter()
            .map(|&(x, y)| Coord {
                x: metres(x),
                y: metres(y),
            })
            .collect();
        Polygon::new(LineString::new(coords), vec![])
    }

    /// Twice the signed area in square decimetres, exactly.
    fn area2(ring: &[D]) -> i128 {
        ring.windows(2)
            .map(|w| {
                i128::from(w[0].0) * i128::from(w[1].1) - i128::from(w[1].0) * i128::from(w[0].1)
            })
            .sum()
    }

    fn tiling() -> (Rect, Vec<Rect>, Vec<Rect>) {
        let outline = Rect {
            x0: 100_000,
            y0: 400_000,
            x1: 112_000,
            y1: 409_000,
        };
        let wijken = outline.split(&[3.0, 1.0, 2.0, 2.5, 0.7]);
        let buurten = wijken
            .iter()
            .flat_map(|w| w.split(&[1.0, 0.4, 2.0, 1.3, 0.2, 0.9]))
            .collect();
        (outline, wijken, buurten)
    }

    #[test]
    fn shapes_are_valid_organic_and_tile_and_nest_exactly() {
        let (outline, wijken, buurten) = tiling();
        let map = Map::new(&buurten, &mut Rng::new(7));
        let whole = map.ring(&outline);
        let mut sum_wijken = 0;
        for w in &wijken {
            let ring = map.ring(w);
            assert!(polygon(&ring).is_valid(), "wijk {w:?}");
            assert!(area2(&ring) > 0, "counter-clockwise");
            let inside: i128 = buurten
                .iter()
                .filter(|b| w.x0 <= b.x0 && b.x1 <= w.x1 && w.y0 <= b.y0 && b.y1 <= w.y1)
                .map(|b| area2(&map.ring(b)))
                .sum();
            assert_eq!(inside, area2(&ring), "the buurten tile their wijk exactly");
            sum_wijken += area2(&ring);
        }
        assert_eq!(sum_wijken, area2(&whole));
        let mut organic = 0;
        for b in &buurten {
            let ring = map.ring(b);
            assert!(polygon(&ring).is_valid(), "buurt {b:?}: {ring:?}");
            organic += usize::from(ring.len() > 8);
        }
        assert!(organic * 2 > buurten.len(), "most buurten bend: {organic}");
    }

    #[test]
    fn the_middle_of_every_rectangle_stays_in_its_shape() {
        let (_, _, buurten) = tiling();
        let map = Map::new(&buurten, &mut Rng::new(11));
        for b in &buurten {
            let shape = polygon(&map.ring(b));
            let (w, h) = ((b.x1 - b.x0) as f64, (b.y1 - b.y0) as f64);
            for i in 0..=10 {
                for j in 0..=10 {
                    let (u, v) = (0.15 + 0.07 * f64::from(i), 0.15 + 0.07 * f64::from(j));
                    let (x, y) = map.warp((b.x0 as f64 + u * w, b.y0 as f64 + v * h));
                    let p = Coord { x, y };
                    assert!(shape.contains(&p), "{p:?} in {b:?}");
                }
            }
        }
    }

    #[test]
    fn areas_stay_near_the_plans() {
        let (outline, _, buurten) = tiling();
        let map = Map::new(&buurten, &mut Rng::new(5));
        let ratio =
            |r: &Rect| area2(&map.ring(r)) as f64 / (200 * (r.x1 - r.x0) * (r.y1 - r.y0)) as f64;
        assert!((ratio(&outline) - 1.0).abs() < 0.02, "{}", ratio(&outline));
        for b in &buurten {
            assert!((ratio(b) - 1.0).abs() < 0.2, "{b:?}: {}", ratio(b));
        }
    }

    #[test]
    fn the_same_stream_draws_the_same_map() {
        let (outline, _, buurten) = tiling();
        let a = Map::new(&buurten, &mut Rng::new(3)).ring(&outline);
        let b = Map::new(&buurten, &mut Rng::new(3)).ring(&outline);
        let c = Map::new(&buurten, &mut Rng::new(4)).ring(&outline);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
