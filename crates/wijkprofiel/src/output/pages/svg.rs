//! Inline SVG for the pages: spine charts, the population pyramid and maps. Every text is
//! escaped; colours come with text labels elsewhere on the page, never alone.

use std::fmt::Write as _;

use geo::{BoundingRect, MultiPolygon};

use super::escape_html;
use crate::Crs;
use crate::stats::compare::Judgement;

/// Okabe–Ito colours by judgement (colour-blind safe).
pub(crate) fn colour(j: Judgement) -> &'static str {
    match j {
        Judgement::Best | Judgement::Better => "#0072B2",
        Judgement::Similar => "#E69F00",
        Judgement::Worse | Judgement::Worst => "#D55E00",
        Judgement::Higher => "#CC79A7",
        Judgement::Lower => "#56B4E9",
        Judgement::NotCompared | Judgement::NotAvailable => "#BBBBBB",
    }
}

/// A sequential blue scale (light to dark) for maps, by position 0..=1.
pub(crate) fn shade(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let mix = |light: f64, dark: f64| (light + (dark - light) * t).round();
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(239.0, 8.0) as u8,
        mix(243.0, 69.0) as u8,
        mix(255.0, 148.0) as u8
    )
}

/// A number with one decimal, as `{:.1}` writes it but without its slow exact path (pages
/// write hundreds of coordinates each). It rounds `10 × x` half to even, so only a value
/// within rounding error of a half tenth can come out one tenth apart from `{:.1}`, which
/// rounds the exact decimal value of `x`.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round_ties_even();
        if !tenths.is_finite() || tenths.abs() >= 1e15 {
            return write!(f, "{:.1}", self.0);
        }
        let tenths = tenths.abs() as u64;
        let sign = if self.0.is_sign_negative() { "-" } else { "" };
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

const SPINE_WIDTH: f64 = 180.0;

/// One spine: worst to best among the level's areas, the middle half darker, the benchmark
/// as the centre line, the area's value as a dot. Better lies to the right. `alt` is the
/// chart's text alternative (what a screen reader says instead).
pub(crate) fn spine(
    spine: [f64; 5],
    benchmark: f64,
    value: f64,
    judgement: Judgement,
    alt: &str,
) -> String {
    let [worst, p25, _, p75, best] = spine;
    let reach = [worst, best, value]
        .iter()
        .map(|v| (v - benchmark).abs())
        .fold(f64::EPSILON, f64::max);
    let towards_best = if best >= worst { 1.0 } else { -1.0 };
    let x = |v: f64| SPINE_WIDTH * (0.5 + 0.5 * towards_best * (v - benchmark) / reach);
    let span = |a: f64, b: f64| (x(a).min(x(b)), (x(a) - x(b)).abs());
    let (outer_x, outer_w) = span(worst, best);
    let (inner_x, inner_w) = span(p25, p75);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spine\" width=\"{SPINE_WIDTH}\" \
         height=\"14\" viewBox=\"0 0 {SPINE_WIDTH} 14\" role=\"img\" aria-label=\"{alt}\">\
         <rect x=\"{outer_x}\" y=\"3\" width=\"{outer_w}\" height=\"8\" fill=\"#d9d9d9\"/>\
         <rect x=\"{inner_x}\" y=\"3\" width=\"{inner_w}\" height=\"8\" fill=\"#a6a6a6\"/>\
         <line x1=\"{c}\" y1=\"0\" x2=\"{c}\" y2=\"14\" stroke=\"#000\" stroke-width=\"1.5\"/>\
         <circle cx=\"{v}\" cy=\"7\" r=\"4.5\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.5\"/>\
         </svg>",
        alt = escape_html(alt),
        outer_x = Tenths(outer_x),
        outer_w = Tenths(outer_w),
        inner_x = Tenths(inner_x),
        inner_w = Tenths(inner_w),
        c = Tenths(SPINE_WIDTH / 2.0),
        v = Tenths(x(value)),
        fill = colour(judgement),
    )
}

/// One bar of a pyramid: the band and its men and women (None when withheld).
pub(crate) struct Bar<'a> {
    pub band: &'a str,
    pub male: Option<f64>,
    pub female: Option<f64>,
}

/// One year of a trend chart: the value and its interval, `None` where withheld.
pub(crate) type Point = (i32, Option<[f64; 3]>);

const TREND_WIDTH: f64 = 120.0;
const TREND_HEIGHT: f64 = 40.0;

/// A small trend chart: the area's values over the years as dots on a line (broken where a
/// year is withheld) with their intervals as whiskers, the region as a dashed line and the
/// Netherlands as a dotted one (`comparators`: year and value). Empty with fewer than two
/// years published. `alt` is the chart's text alternative. Whole pixels and the page's
/// styles (`.trend` in the pages' CSS) keep it small: a national run draws 700,000.
pub(crate) fn trend(area: &[Point], comparators: [&[(i32, f64)]; 2], alt: &str) -> String {
    let shown: Vec<(i32, [f64; 3])> = area.iter().filter_map(|&(y, v)| Some((y, v?))).collect();
    if shown.len() < 2 {
        return String::new();
    }
    let years = area.iter().map(|p| p.0);
    let (first, last) = (years.clone().min().unwrap_or(0), years.max().unwrap_or(0));
    let values = shown
        .iter()
        .flat_map(|(_, v)| *v)
        .chain(comparators.iter().flat_map(|c| c.iter().map(|p| p.1)))
        .filter(|v| v.is_finite());
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (low, high) = if high - low > 1e-9 {
        (low, high)
    } else {
        (low - 1.0, high + 1.0)
    };
    let span = f64::from((last - first).max(1));
    let x = |y: i32| (4.0 + (TREND_WIDTH - 8.0) * f64::from(y - first) / span).round() as i32;
    let y = |v: f64| {
        (TREND_HEIGHT - 4.0 - (TREND_HEIGHT - 8.0) * (v - low) / (high - low)).round() as i32
    };
    let mut out = format!(
        "<svg class=\"trend\" viewBox=\"0 0 {TREND_WIDTH} {TREND_HEIGHT}\" role=\"img\" \
         aria-label=\"{}\">",
        escape_html(alt)
    );
    for (line, class) in comparators.iter().zip(["r", "n"]) {
        if line.len() >= 2 {
            let _ = write!(out, "<path class=\"{class}\" d=\"");
            for (k, &(year, v)) in line.iter().enumerate() {
                let _ = write!(
                    out,
                    "{}{},{}",
                    if k == 0 { 'M' } else { 'L' },
                    x(year),
                    y(v)
                );
            }
            out.push_str("\"/>");
        }
    }
    let (mut line, mut whiskers, mut dots) = (String::new(), String::new(), String::new());
    let mut pen_down = false;
    for &(year, v) in area {
        let Some([value, lower, upper]) = v else {
            pen_down = false;
            continue;
        };
        let (at, level) = (x(year), y(value));
        let _ = write!(line, "{}{at},{level}", if pen_down { 'L' } else { 'M' });
        pen_down = true;
        let _ = write!(whiskers, "M{at},{}V{}", y(lower), y(upper));
        let _ = write!(dots, "M{at},{level}h0");
    }
    let _ = write!(
        out,
        "<path class=\"w\" d=\"{whiskers}\"/><path class=\"l\" d=\"{line}\"/>\
         <path class=\"d\" d=\"{dots}\"/></svg>"
    );
    out
}

/// The population pyramid of an area as shares of its residents (men left, women right),
/// with the parent's shares as an outline; withheld bars are hatched and labelled.
pub(crate) fn pyramid(area: &[Bar], parent: &[Bar], labels: [&str; 3]) -> String {
    let share = |bars: &[Bar]| -> Vec<(Option<f64>, Option<f64>)> {
        let total: f64 = bars
            .iter()
            .map(|b| b.male.unwrap_or(0.0) + b.female.unwrap_or(0.0))
            .sum();
        bars.iter()
            .map(|b| {
                let of = |n: Option<f64>| n.filter(|_| total > 0.0).map(|n| n / total);
                (of(b.male), of(b.female))
            })
            .collect()
    };
    let (own, theirs) = (share(area), share(parent));
    let widest = own
        .iter()
        .chain(&theirs)
        .flat_map(|(m, f)| [*m, *f])
        .flatten()
        .fold(0.01, f64::max);
    let (row, half, label_w) = (12.0, 130.0, 44.0);
    let height = row * area.len() as f64 + 20.0;
    let centre = half + label_w / 2.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"pyramid\" width=\"{w}\" \
         height=\"{height}\" viewBox=\"0 0 {w} {height}\" role=\"img\" aria-label=\"{title}\">\
         <defs><pattern id=\"withheld\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\">\
         <path d=\"M0,4 L4,0\" stroke=\"#666\" stroke-width=\"1\"/></pattern></defs>",
        w = 2.0 * half + label_w,
        title = escape_html(labels[0]),
    );
    // Youngest at the bottom.
    for (i, (bar, ((m, f), (pm, pf)))) in area.iter().zip(own.iter().zip(&theirs)).enumerate() {
        let y = height - 20.0 - row * (i as f64 + 1.0);
        let len = |s: f64| half * s / widest;
        for (value, theirs, left) in [(m, pm, true), (f, pf, false)] {
            let (x, w, fill) = match value {
                Some(s) => {
                    let w = len(*s);
                    let x = if left {
                        centre - label_w / 2.0 - w
                    } else {
                        centre + label_w / 2.0
                    };
                    (x, w, if left { "#56B4E9" } else { "#E69F00" })
                }
                None => {
                    let w = 18.0;
                    let x = if left {
                        centre - label_w / 2.0 - w
                    } else {
                        centre + label_w / 2.0
                    };
                    (x, w, "url(#withheld)")
                }
            };
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"/>",
                Tenths(x),
                Tenths(y + 1.0),
                Tenths(w),
                Tenths(row - 2.0)
            );
            if let Some(s) = theirs {
                let w = len(*s);
                let x = if left {
                    centre - label_w / 2.0 - w
                } else {
                    centre + label_w / 2.0 + w
                };
                let _ = write!(
                    out,
                    "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#000\" \
                     stroke-width=\"1.5\"/>",
                    Tenths(y),
                    Tenths(y + row),
                    x = Tenths(x),
                );
            }
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
            Tenths(centre),
            Tenths(y + row - 3.0),
            escape_html(bar.band)
        );
    }
    let _ = write!(
        out,
        "<text x=\"2\" y=\"{y}\" font-size=\"10\">{}</text>\
         <text x=\"{r}\" y=\"{y}\" font-size=\"10\" text-anchor=\"end\">{}</text></svg>",
        escape_html(labels[1]),
        escape_html(labels[2]),
        y = Tenths(height - 5.0),
        r = Tenths(2.0 * half + label_w - 2.0),
    );
    out
}

/// One shape on a map.
pub(crate) struct Shape<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub shape: &'a MultiPolygon<f64>,
    pub fill: String,
    /// The area the page is about: drawn with a heavy outline.
    pub focus: bool,
    /// A link, e.g. to the area's page.
    pub href: Option<String>,
    /// The value or judgement shown on hover, as text.
    pub title: String,
    /// Where its name goes, if anywhere (a point inside the shape).
    pub label_at: Option<(f64, f64)>,
}

/// A map of shapes in their own coordinates: RD New (metres) as is, WGS84 with longitude
/// scaled by the cosine of the middle latitude; north up. Each shape is named on hover, and
/// on the map where its name fits inside it.
pub(crate) fn map(shapes: &[Shape], crs: Crs, width: f64, label: &str) -> String {
    let boxes: Vec<_> = shapes
        .iter()
        .filter_map(|s| s.shape.bounding_rect())
        .collect();
    let Some(first) = boxes.first() else {
        return String::new();
    };
    let (mut x0, mut y0, mut x1, mut y1) =
        (first.min().x, first.min().y, first.max().x, first.max().y);
    for b in &boxes {
        x0 = x0.min(b.min().x);
        y0 = y0.min(b.min().y);
        x1 = x1.max(b.max().x);
        y1 = y1.max(b.max().y);
    }
    let squeeze = match crs {
        Crs::Wgs84 => ((y0 + y1) / 2.0).to_radians().cos(),
        Crs::RdNew => 1.0,
    };
    let span_x = ((x1 - x0) * squeeze).max(f64::EPSILON);
    let span_y = (y1 - y0).max(f64::EPSILON);
    let scale = width / span_x;
    let height = (span_y * scale).ceil().max(1.0);
    let px = |x: f64, y: f64| ((x - x0) * squeeze * scale, (y1 - y) * scale);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" width=\"{width:.0}\" \
         height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" \
         aria-label=\"{}\">",
        escape_html(label)
    );
    // The focus area last, so that its outline lies on top.
    let mut order: Vec<&Shape> = shapes.iter().collect();
    order.sort_by_key(|s| s.focus);
    for s in order {
        let mut d = String::new();
        for polygon in &s.shape.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                // In whole pixels, each point as a step from the last (a point in the same
                // pixel adds nothing to see): a map's thousands of points stay short.
                let mut last: Option<(i64, i64)> = None;
                for c in ring.coords() {
                    let (x, y) = px(c.x, c.y);
                    let (x, y) = (x.round() as i64, y.round() as i64);
                    match last {
                        None => {
                            let _ = write!(d, "M{x},{y}");
                        }
                        Some((lx, ly)) if (lx, ly) != (x, y) => {
                            let _ = write!(d, "l{},{}", x - lx, y - ly);
                        }
                        Some(_) => continue,
                    }
                    last = Some((x, y));
                }
                d.push('Z');
            }
        }
        let (stroke, width) = if s.focus {
            ("#000", 2.5)
        } else {
            ("#fff", 0.8)
        };
        let path = format!(
            "<path d=\"{d}\" fill=\"{}\" fill-rule=\"evenodd\" stroke=\"{stroke}\" \
             stroke-width=\"{width}\" data-code=\"{}\"><title>{}: {}</title></path>",
            s.fill,
            escape_html(s.code),
            escape_html(s.name),
            escape_html(&s.title)
        );
        match &s.href {
            Some(href) => {
                let _ = write!(out, "<a href=\"{}\">{path}</a>", escape_html(href));
            }
            None => out.push_str(&path),
        }
    }
    // Names where they fit (about 5.5 pixels a letter at the labels' 9 pixels).
    for s in shapes {
        let (Some(at), Some(b)) = (s.label_at, s.shape.bounding_rect()) else {
            continue;
        };
        let (x, y) = px(at.0, at.1);
        let (w, h) = (b.width() * squeeze * scale, b.height() * scale);
        if 5.5 * s.name.chars().count() as f64 <= 0.8 * w && h >= 14.0 {
            let _ = write!(
                out,
                "<text class=\"ml\" x=\"{}\" y=\"{}\">{}</text>",
                Tenths(x),
                Tenths(y + 3.0),
                escape_html(s.name)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    #[test]
    fn a_trend_breaks_its_line_at_a_withheld_year_and_needs_two_years() {
        let v = |x: f64| Some([x, x - 1.0, x + 1.0]);
        let series = [(2020, v(5.0)), (2021, None), (2022, v(6.0)), (2023, v(7.0))];
        let region = [(2020, 4.0), (2023, 4.5)];
        let chart = trend(&series, [&region, &[]], "x <y>");
        assert!(chart.contains("aria-label=\"x &lt;y&gt;\""));
        let path = |class: &str| {
            let tag = format!("<path class=\"{class}\" d=\"");
            chart
                .split(&tag)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        let dots = path("d").expect("dots");
        assert_eq!(dots.matches("h0").count(), 3, "one dot per year shown");
        // Two pieces of line: 2020 alone, then 2022–2023; one whisker per dot.
        let line = path("l").expect("line");
        assert_eq!(line.matches('M').count(), 2, "{line}");
        assert_eq!(line.matches('L').count(), 1, "{line}");
        assert_eq!(path("w").expect("whiskers").matches('V').count(), 3);
        // The region's line is drawn; the national line has no points.
        assert!(path("r").is_some() && path("n").is_none());
        // The whole range fits: the lowest interval at the bottom, the highest at the top.
        assert!(chart.contains(",36V") && chart.contains("V4"), "{chart}");
        assert!(
            trend(&series[..2], [&region, &[]], "x").is_empty(),
            "one year shown"
        );
    }

    fn square(x: f64, y: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![
            (x, y),
            (x + 1.0, y),
            (x + 1.0, y + 1.0),
            (x, y + 1.0),
            (x, y),
        ]);
        MultiPolygon(vec![Polygon::new(ring, vec![])])
    }

    #[test]
    fn a_spine_puts_better_to_the_right_whatever_the_polarity() {
        let svg = spine(
            [10.0, 30.0, 50.0, 70.0, 90.0],
            50.0,
            80.0,
            Judgement::Better,
            "spine chart",
        );
        insta::assert_snapshot!(svg);
        let mirrored = spine(
            [90.0, 70.0, 50.0, 30.0, 10.0],
            50.0,
            80.0,
            Judgement::Worse,
            "",
        );
        assert!(
            mirrored.contains("cx=\"22.5\"") && svg.contains("cx=\"157.5\""),
            "{mirrored}"
        );
        assert!(mirrored.contains(colour(Judgement::Worse)));
    }

    #[test]
    fn a_pyramid_draws_every_band_and_hatches_what_is_withheld() {
        let area = [
            Bar {
                band: "0-39",
                male: Some(40.0),
                female: Some(60.0),
            },
            Bar {
                band: "40+",
                male: None,
                female: Some(30.0),
            },
        ];
        let parent = [
            Bar {
                band: "0-39",
                male: Some(500.0),
                female: Some(500.0),
            },
            Bar {
                band: "40+",
                male: Some(400.0),
                female: Some(600.0),
            },
        ];
        let svg = pyramid(&area, &parent, ["<pyramid>", "men", "women"]);
        insta::assert_snapshot!(svg);
        assert!(svg.contains("url(#withheld)") && svg.contains("&lt;pyramid&gt;"));
        assert_eq!(svg.matches("<text").count(), 4);
    }

    #[test]
    fn a_map_puts_north_up_and_outlines_the_focus_last() {
        let (a, b) = (square(0.0, 0.0), square(1.0, 1.0));
        let shapes = [
            Shape {
                code: "BU1",
                name: "<b>",
                shape: &a,
                fill: shade(1.0),
                focus: true,
                href: None,
                title: "12".into(),
                label_at: Some((0.5, 0.5)),
            },
            Shape {
                code: "BU2",
                name: "B",
                shape: &b,
                fill: shade(0.0),
                focus: false,
                href: Some("BU2.html".into()),
                title: "3".into(),
                label_at: Some((1.5, 1.5)),
            },
        ];
        let svg = map(&shapes, Crs::RdNew, 100.0, "map");
        insta::assert_snapshot!(svg);
        // BU1 (south-west) is drawn last, at the bottom left: y from 50 to 100.
        let focus = svg.rfind("data-code=\"BU1\"").unwrap_or(0);
        assert!(focus > svg.find("data-code=\"BU2\"").unwrap_or(usize::MAX));
        assert!(svg.contains("M0,100l50,0") && svg.contains("&lt;b&gt;"));
        assert!(svg.contains("<a href=\"BU2.html\">"));
    }

    #[test]
    fn tenths_write_what_one_decimal_writes() {
        for (x, text) in [
            (0.0, "0.0"),
            (-0.04, "-0.0"),
            (2.25, "2.2"),
            (2.75, "2.8"),
            (-13.96, "-14.0"),
            (180.0, "180.0"),
            (1e20, "100000000000000000000.0"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(Tenths(x).to_string(), text, "{x}");
        }
        // Away from half tenths, exactly `{:.1}`.
        let mut x = 0.000_123_f64;
        for _ in 0..100_000 {
            x = (x * 7.31 + 0.173).rem_euclid(250_000.0) - 1_000.0;
            let near_tie = ((x * 10.0).rem_euclid(1.0) - 0.5).abs() < 1e-6;
            if !near_tie {
                assert_eq!(Tenths(x).to_string(), format!("{x:.1}"), "{x}");
            }
        }
    }
}
