//! Points (practices, providers) placed in buurten by point-in-polygon, with a grid of
//! bounding boxes so that each point is tested against a few shapes only.

use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Point as GeoPoint, Rect};

use crate::social::Point;

/// The buurt shapes of a region, indexed for point lookups.
#[derive(Debug)]
pub(crate) struct Locator<'a> {
    /// Area index and shape of each buurt.
    shapes: Vec<(usize, &'a MultiPolygon<f64>, Rect<f64>)>,
    origin: Coord<f64>,
    step: f64,
    columns: usize,
    rows: usize,
    /// Shapes whose box touches each grid cell (indices into `shapes`).
    grid: Vec<Vec<usize>>,
}

impl<'a> Locator<'a> {
    /// Indexes the given shapes (area index, shape).
    pub(super) fn new(shapes: impl IntoIterator<Item = (usize, &'a MultiPolygon<f64>)>) -> Self {
        let shapes: Vec<_> = shapes
            .into_iter()
            .filter_map(|(area, shape)| Some((area, shape, shape.bounding_rect()?)))
            .collect();
        let mut min = Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        };
        let mut max = Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        };
        for (_, _, r) in &shapes {
            min.x = min.x.min(r.min().x);
            min.y = min.y.min(r.min().y);
            max.x = max.x.max(r.max().x);
            max.y = max.y.max(r.max().y);
        }
        // About one shape per grid cell.
        let n = shapes.len().max(1) as f64;
        let extent = (max.x - min.x).max(max.y - min.y).max(f64::MIN_POSITIVE);
        let step = if shapes.is_empty() {
            1.0
        } else {
            extent / n.sqrt().ceil()
        };
        let cells = |span: f64| {
            let c = (span / step).floor() as usize + 1;
            c.clamp(1, 4096)
        };
        let (columns, rows) = if shapes.is_empty() {
            (1, 1)
        } else {
            (cells(max.x - min.x), cells(max.y - min.y))
        };
        let mut locator = Self {
            shapes: Vec::new(),
            origin: min,
            step,
            columns,
            rows,
            grid: vec![Vec::new(); columns * rows],
        };
        for (k, (_, _, r)) in shapes.iter().enumerate() {
            let (c0, r0) = locator.cell(r.min());
            let (c1, r1) = locator.cell(r.max());
            for row in r0..=r1 {
                for col in c0..=c1 {
                    locator.grid[row * columns + col].push(k);
                }
            }
        }
        locator.shapes = shapes;
        locator
    }

    fn cell(&self, c: Coord<f64>) -> (usize, usize) {
        let at = |v: f64, o: f64, n: usize| {
            let i = ((v - o) / self.step).floor().max(0.0) as usize;
            i.min(n - 1)
        };
        (
            at(c.x, self.origin.x, self.columns),
            at(c.y, self.origin.y, self.rows),
        )
    }

    /// The area whose shape holds the point (its border included); on a border shared by
    /// two shapes, the first in area order.
    pub(super) fn locate(&self, point: Point) -> Option<usize> {
        let p = GeoPoint::new(point.x, point.y);
        let c = Coord {
            x: point.x,
            y: point.y,
        };
        if !point.x.is_finite() || !point.y.is_finite() {
            return None;
        }
        let (col, row) = self.cell(c);
        self.grid[row * self.columns + col]
            .iter()
            .map(|&k| &self.shapes[k])
            .filter(|(_, shape, rect)| rect.intersects(&p) && shape.intersects(&p))
            .map(|(area, _, _)| *area)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use geo::{LineString, Polygon};

    use super::*;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![
            (x, y),
            (x + size, y),
            (x + size, y + size),
            (x, y + size),
            (x, y),
        ]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    }

    #[test]
    fn points_land_in_the_shape_that_holds_them() {
        let shapes: Vec<MultiPolygon<f64>> = (0..20)
            .map(|i| square(f64::from(i % 5) * 100.0, f64::from(i / 5) * 100.0, 100.0))
            .collect();
        let locator = Locator::new(shapes.iter().enumerate().map(|(i, s)| (i + 7, s)));
        for i in 0..20u32 {
            let point = Point {
                x: f64::from(i % 5) * 100.0 + 37.0,
                y: f64::from(i / 5) * 100.0 + 61.0,
            };
            assert_eq!(locator.locate(point), Some(i as usize + 7));
        }
        assert_eq!(locator.locate(Point { x: -5.0, y: 50.0 }), None);
        assert_eq!(locator.locate(Point { x: 550.0, y: 50.0 }), None);
        assert_eq!(
            locator.locate(Point {
                x: f64::NAN,
                y: 0.0
            }),
            None
        );
        // A point inside a bounding box but outside the shape (an L-shaped hole).
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 1.0),
            (1.0, 1.0),
            (1.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let l_shape = MultiPolygon::new(vec![Polygon::new(ring, vec![])]);
        let one = Locator::new([(0, &l_shape)]);
        assert_eq!(one.locate(Point { x: 5.0, y: 5.0 }), None);
        assert_eq!(one.locate(Point { x: 0.5, y: 5.0 }), Some(0));
    }
}
