//! Writing the demo region's files: every table of the data contract, deterministic bytes.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::map::metres;
use super::plan::{BASE_YEAR, Character, Plan, YEARS};
use super::reference::{BANDS, GGD, GGD_YEARS, GP, NL_MEN, NL_WOMEN, THEMES};
use super::{DemoOptions, Scale};
use crate::atomic;
use crate::error::DemoError;
use crate::progress::Meter;
use crate::rng::Rng;
use crate::social::Role;

/// Files of the demo scale, in writing order.
pub const FILES: [&str; 15] = [
    "README.md",
    "dataset.toml",
    "catalogue.toml",
    "areas.csv",
    "geometry.geojson",
    "population.csv",
    "practices.csv",
    "gp_counts.parquet",
    "ggd_estimates.csv",
    "respondents.parquet",
    "benchmarks.csv",
    "benchmark_rates.csv",
    "providers.csv",
    "projects.csv",
    "custom_areas.geojson",
];

struct Out<'a> {
    dir: &'a Path,
    options: &'a DemoOptions,
    written: Vec<String>,
}

impl Out<'_> {
    fn notice(&self) -> String {
        format!(
            "SYNTHETIC DEMO DATA: fictional region made by `wijkprofiel demo-data --seed {}{}`; no real places or persons",
            self.options.seed,
            if self.options.scale == Scale::National {
                " --scale national"
            } else {
                ""
            }
        )
    }

    /// Records a file that is in place.
    fn record(&mut self, name: &str) {
        self.written.push(name.to_owned());
    }

    /// Writes a text file atomically.
    fn text(&mut self, name: &str, content: &str) -> Result<(), DemoError> {
        let path = self.dir.join(name);
        atomic::write(
            &path,
            |temporary| atomic::fill_with(temporary, content.as_bytes()).map_err(io(&path)),
            io(&path),
        )?;
        self.record(name);
        Ok(())
    }

    /// Writes a CSV table, with the synthetic notice as a leading comment.
    fn csv(&mut self, name: &str, header: &str, rows: &[String]) -> Result<(), DemoError> {
        let mut content = format!("# {}\n{header}\n", self.notice());
        for row in rows {
            content.push_str(row);
            content.push('\n');
        }
        self.text(name, &content)
    }

    /// A table that is CSV at demo scale and Parquet at national scale.
    fn table(&mut self, stem: &str, frame: &mut DataFrame) -> Result<(), DemoError> {
        if self.options.scale == Scale::National {
            let mut sink = self.parquet(&format!("{stem}.parquet"), frame.schema())?;
            sink.write(frame)?;
            return sink.finish(self);
        }
        let header = frame
            .get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let columns = frame.columns();
        let rows: Vec<String> = (0..frame.height())
            .map(|i| {
                columns
                    .iter()
                    .map(|c| match c.get(i) {
                        Ok(AnyValue::Null) | Err(_) => String::new(),
                        Ok(AnyValue::String(s)) => field(s),
                        Ok(AnyValue::Float64(v)) => format!("{v}"),
                        Ok(v) => v.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        self.csv(&format!("{stem}.csv"), &header, &rows)
    }

    /// A Parquet file written batch by batch, atomically: it is in place once finished.
    fn parquet(&self, name: &str, schema: &Schema) -> Result<ParquetSink, DemoError> {
        let path = self.dir.join(name);
        let file = atomic::create_new(&atomic::partial(&path), 0).map_err(io(&path))?;
        let metadata = KeyValueMetadata::from_static(vec![
            ("synthetic".to_owned(), "true".to_owned()),
            ("wijkprofiel.notice".to_owned(), self.notice()),
        ]);
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_key_value_metadata(Some(metadata))
            .set_parallel(false)
            .batched(schema)
            .map_err(encode(&path))?;
        Ok(ParquetSink {
            name: name.to_owned(),
            path,
            writer,
        })
    }
}

struct ParquetSink {
    name: String,
    path: PathBuf,
    writer: polars::io::parquet::write::BatchedWriter<File>,
}

impl ParquetSink {
    fn write(&mut self, frame: &DataFrame) -> Result<(), DemoError> {
        self.writer.write_batch(frame).map_err(encode(&self.path))
    }

    fn finish(self, out: &mut Out<'_>) -> Result<(), DemoError> {
        self.writer.finish().map_err(encode(&self.path))?;
        atomic::publish(&self.path).map_err(io(&self.path))?;
        out.record(&self.name);
        Ok(())
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_owned(),
        source,
    }
}

fn encode(path: &Path) -> impl Fn(PolarsError) -> DemoError + '_ {
    move |e| DemoError::Encode {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// A CSV field, quoted when needed.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// What making the plan and each group of files costs, in hundred-thousandths of the whole
/// (measured on the national data, where the GP counts take four fifths of the time): the
/// weights of the generator's progress.
pub(super) const PLAN_COST: u64 = 3_000;
const AREAS_COST: u64 = 3_000;
const POPULATION_COST: u64 = 4_000;
const GP_COST: u64 = 84_000;
const GGD_COST: u64 = 6_000;
pub(super) const COST: u64 = PLAN_COST + AREAS_COST + POPULATION_COST + GP_COST + GGD_COST;

/// Writes every file, counting each on `meter` by what it costs.
pub(super) fn all(
    dir: &Path,
    plan: &Plan,
    options: &DemoOptions,
    meter: &Meter<'_>,
) -> Result<Vec<String>, DemoError> {
    let mut out = Out {
        dir,
        options,
        written: Vec::new(),
    };
    let root = Rng::new(options.seed);
    readme(&mut out, plan)?;
    dataset(&mut out)?;
    catalogue(&mut out)?;
    areas(&mut out, plan)?;
    geometry(&mut out, plan)?;
    meter.add(AREAS_COST);
    let residents = residents(&root, plan);
    population(&mut out, plan, &residents)?;
    meter.add(POPULATION_COST);
    practices(&mut out, plan)?;
    gp_counts(&mut out, plan, &residents, &root, meter)?;
    ggd_estimates(&mut out, plan, &residents, &root)?;
    meter.add(GGD_COST);
    if options.scale != Scale::National {
        respondents(&mut out, plan, &residents, &root)?;
    }
    benchmarks(&mut out)?;
    providers_and_projects(&mut out, plan, &root)?;
    custom_areas(&mut out, plan)?;
    Ok(out.written)
}

fn readme(out: &mut Out<'_>, plan: &Plan) -> Result<(), DemoError> {
    let text = format!(
        "# Demo region (synthetic)\n\n{}.\n\n{} gemeenten, {} wijken, {} buurten, {} GP practices, years {}–{}.\n\
         Regenerate with the command above; the same seed gives the same bytes.\n\
         The files follow `docs/data-contract.md`.\n",
        out.notice(),
        plan.gemeenten.len(),
        plan.wijken.len(),
        plan.buurten.len(),
        plan.practices.len(),
        YEARS[0],
        YEARS[YEARS.len() - 1],
    );
    out.text("README.md", &text)
}

fn dataset(out: &mut Out<'_>) -> Result<(), DemoError> {
    let name = if out.options.scale == Scale::National {
        "Nederland (synthetische benchmarkdata)"
    } else {
        "Regio Lindewaard (synthetische demodata)"
    };
    let text = format!(
        "# {}\nname = \"{name}\"\nsynthetic = true\ndescription = \"Fictional areas, residents, practices and \
         professionals. Rates follow published national age-sex patterns; nothing describes real people.\"\n",
        out.notice()
    );
    out.text("dataset.toml", &text)
}

fn catalogue(out: &mut Out<'_>) -> Result<(), DemoError> {
    let mut t = format!(
        "# {}\n# The demo's indicator catalogue (see docs/data-contract.md).\n",
        out.notice()
    );
    for (id, nl, en) in THEMES {
        let _ = write!(
            t,
            "\n[[theme]]\nid = \"{id}\"\nlabel_nl = \"{nl}\"\nlabel_en = \"{en}\"\n"
        );
    }
    for c in GP {
        let codes: Vec<String> = c.icpc.iter().map(|c| format!("\"{c}\"")).collect();
        let (prevalence, definition) = if c.zorgprevalentie {
            (
                "zorgprevalentie",
                "Patiënten die in het jaar zorg kregen voor",
            )
        } else {
            (
                "jaarprevalentie",
                "Patiënten met een open episode in het jaar van",
            )
        };
        let _ = write!(
            t,
            "\n[[indicator]]\nid = \"{}\"\nlabel_nl = \"{}\"\nlabel_en = \"{}\"\ntheme = \"{}\"\nsource = \"gp\"\n\
             kind = \"proportion\"\nmultiplier = 1000\npolarity = \"lower-better\"\nstandardisation = \"direct\"\n\
             age = \"0+\"\nsex = \"all\"\ndefinition = \"{definition} ICPC {}, per 1.000 ingeschreven patiënten\"\n\
             icpc = [{}]\nprevalence = \"{prevalence}\"\n",
            c.id,
            c.label_nl,
            c.label_en,
            c.theme,
            c.icpc.join("/"),
            codes.join(", "),
        );
    }
    for g in GGD {
        let _ = write!(
            t,
            "\n[[indicator]]\nid = \"{}\"\nlabel_nl = \"{}\"\nlabel_en = \"{}\"\ntheme = \"{}\"\nsource = \"ggd\"\n\
             kind = \"proportion\"\nmultiplier = 100\npolarity = \"{}\"\nage = \"18+\"\n\
             definition = \"Percentage volwassenen (GGD Gezondheidsmonitor, kleine-domeinschatting RIVM): {}\"\n",
            g.id,
            g.label_nl,
            g.label_en,
            g.theme,
            g.polarity,
            g.label_nl.to_lowercase(),
        );
        if let Some((_, _, block)) = MONITOR.iter().find(|(i, _, _)| GGD[*i].id == g.id) {
            let _ = write!(t, "\n[indicator.survey]\n{block}");
        }
    }
    t.push_str(
        "\n[[indicator]]\nid = \"cbs_aandeel_65plus\"\nlabel_nl = \"Aandeel 65-plussers\"\nlabel_en = \"Share aged 65+\"\n\
         theme = \"population\"\nsource = \"cbs\"\nkind = \"proportion\"\nmultiplier = 100\npolarity = \"no-judgement\"\nnumerator_age = \"65+\"\n\
         definition = \"Inwoners van 65 jaar en ouder als percentage van alle inwoners op 1 januari (CBS)\"\n",
    );
    // The health monitor's design and the minimum numbers of its agreements.
    t.push_str(
        "\n[survey]\nweight = \"ewGGD\"\nstratum = \"stratum\"\nfpc = \"fpc\"\nmin_respondents = 50\n\
         min_per_answer = 0\nno_group_of_one = true\n",
    );
    out.text("catalogue.toml", &t)
}

fn areas(out: &mut Out<'_>, plan: &Plan) -> Result<(), DemoError> {
    let vintage = YEARS[YEARS.len() - 1];
    let mut rows = vec![format!("NL01,Nederland,country,,{vintage}")];
    for (code, name) in &plan.regions {
        rows.push(format!("{code},{},region,NL01,{vintage}", field(name)));
    }
    for g in &plan.gemeenten {
        rows.push(format!(
            "{},{},gemeente,{},{vintage}",
            g.code,
            field(&g.name),
            plan.regions[g.region].0
        ));
    }
    for w in &plan.wijken {
        rows.push(format!(
            "{},{},wijk,{},{vintage}",
            w.code,
            field(&w.name),
            plan.gemeenten[w.gemeente].code
        ));
    }
    for b in &plan.buurten {
        rows.push(format!(
            "{},{},buurt,{},{vintage}",
            b.code,
            field(&b.name),
            plan.wijken[b.wijk].code
        ));
    }
    out.csv("areas.csv", "code,name,level,parent_code,vintage", &rows)
}

fn geometry(out: &mut Out<'_>, plan: &Plan) -> Result<(), DemoError> {
    let feature = |code: &str, r: &super::plan::Rect| {
        let ring: Vec<String> = plan
            .map
            .ring(r)
            .iter()
            .map(|&(x, y)| format!("[{},{}]", metres(x), metres(y)))
            .collect();
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{code}\"}},\"geometry\":{{\"type\":\"Polygon\",\
             \"coordinates\":[[{}]]}}}}",
            ring.join(",")
        )
    };
    let mut features = Vec::new();
    for ((code, _), rect) in plan.regions.iter().zip(&plan.region_rects) {
        features.push(feature(code, rect));
    }
    features.extend(plan.gemeenten.iter().map(|g| feature(&g.code, &g.rect)));
    features.extend(plan.wijken.iter().map(|w| feature(&w.code, &w.rect)));
    features.extend(plan.buurten.iter().map(|b| feature(&b.code, &b.rect)));
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"name\":\"wijkprofiel demo geometry\",\"synthetic\":true,\
         \"description\":\"{}\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::28992\"}}}},\
         \"features\":[\n{}\n]}}\n",
        out.notice(),
        features.join(",\n")
    );
    out.text("geometry.geojson", &text)
}

/// Three custom areas of the first gemeente: a stadsdeel of its first four wijken (given as
/// wijken), a social-team area of three buurten across two wijken (given as buurten, like the
/// seeds' JES-gebied), and the catchment of the practice nearest the gemeente's centre drawn
/// as an octagon (overlaid on the buurten; it cuts some in part).
fn custom_areas(out: &mut Out<'_>, plan: &Plan) -> Result<(), DemoError> {
    let codes = |list: &[&str]| {
        list.iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let feature = |id: &str,
                   name: &str,
                   kind: &str,
                   members: Option<String>,
                   shape: Option<String>| {
        let members = members.map_or_else(String::new, |m| format!(",\"members\":[{m}]"));
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":\"{id}\",\"name\":\"{name}\",\"kind\":\"{kind}\"{members}}},\
             \"geometry\":{}}}",
            shape.unwrap_or_else(|| "null".into())
        )
    };
    let wijken: Vec<&super::plan::Wijk> = plan.wijken.iter().filter(|w| w.gemeente == 0).collect();
    let stadsdeel: Vec<&str> = wijken.iter().take(4).map(|w| w.code.as_str()).collect();
    let buurten_of = |w: usize| -> Vec<&str> {
        plan.buurten
            .iter()
            .filter(|b| plan.wijken[b.wijk].code == wijken[w].code)
            .map(|b| b.code.as_str())
            .collect()
    };
    let (first, second) = (buurten_of(1), buurten_of(2));
    let mut team: Vec<&str> = first.iter().rev().take(1).copied().collect();
    team.extend(second.iter().take(2));
    let centre = plan.gemeenten[0].rect.centre();
    let distance = |p: &(f64, f64)| (p.0 - centre.0).hypot(p.1 - centre.1);
    let practice = plan
        .practices
        .iter()
        .min_by(|a, b| distance(&a.location).total_cmp(&distance(&b.location)));
    let mut features = vec![
        feature(
            "SD-NOORD",
            "Stadsdeel Noord",
            "stadsdeel",
            Some(codes(&stadsdeel)),
            None,
        ),
        feature(
            "ST-DE-BRUG",
            "Sociaal team De Brug",
            "social-team",
            Some(codes(&team)),
            None,
        ),
    ];
    if let Some(p) = practice {
        // The size of a buurt near the centre sets the radius: about two buurten across.
        let near = plan
            .buurten
            .iter()
            .min_by(|a, b| distance(&a.rect.centre()).total_cmp(&distance(&b.rect.centre())));
        let radius = near.map_or(1000.0, |b| {
            1.2 * (b.rect.x1 - b.rect.x0).max(b.rect.y1 - b.rect.y0) as f64
        });
        let ring: Vec<String> = (0..=8)
            .map(|k| {
                let angle =
                    std::f64::consts::PI * f64::from(k % 8) / 4.0 + std::f64::consts::PI / 8.0;
                let centre = plan.map.place(p.location);
                let (x, y) = (
                    centre.0 + radius * angle.cos(),
                    centre.1 + radius * angle.sin(),
                );
                format!("[{},{}]", x.round(), y.round())
            })
            .collect();
        let shape = format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}",
            ring.join(",")
        );
        features.push(feature(
            &format!("WG-{}", p.id),
            &format!("Werkgebied {}", p.name),
            "practice-catchment",
            None,
            Some(shape),
        ));
    }
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"name\":\"wijkprofiel demo custom areas\",\"synthetic\":true,\
         \"description\":\"{}\",\"features\":[\n{}\n]}}\n",
        out.notice(),
        features.join(",\n")
    );
    out.text("custom_areas.geojson", &text)
}

/// Residents per buurt × year × sex × band.
type Residents = Vec<[[[i64; 19]; 2]; 5]>;

fn residents(root: &Rng, plan: &Plan) -> Residents {
    plan.buurten
        .iter()
        .map(|b| {
            let mut rng = root.fork(&format!("residents/{}", b.code));
            let mut cells = [[[0_i64; 19]; 2]; 5];
            for (yi, year) in YEARS.iter().enumerate() {
                let growth = (1.0 + b.growth).powi(year - BASE_YEAR);
                for sex in 0..2 {
                    for band in 0..19 {
                        let expected = b.people[sex][band] * growth * (0.015 * rng.normal()).exp();
                        // Stochastic rounding keeps small buurten's totals near their size.
                        let whole = expected.floor();
                        let up = rng.uniform() < expected - whole;
                        let count = (whole as i64 + i64::from(up)).max(0);
                        cells[yi][sex][band] = count;
                    }
                }
            }
            cells
        })
        .collect()
}

const SEXES: [&str; 2] = ["male", "female"];

fn population(out: &mut Out<'_>, plan: &Plan, residents: &Residents) -> Result<(), DemoError> {
    let (mut area, mut year, mut sex, mut band, mut count) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (b, cells) in plan.buurten.iter().zip(residents) {
        for (yi, y) in YEARS.iter().enumerate() {
            for (si, s) in SEXES.iter().enumerate() {
                for (bi, age) in BANDS.iter().enumerate() {
                    area.push(b.code.clone());
                    year.push(*y);
                    sex.push(*s);
                    band.push(age.to_string());
                    count.push(cells[yi][si][bi]);
                }
            }
        }
    }
    let mut frame = df!(
        "area_code" => area, "year" => year, "sex" => sex, "age_band" => band, "residents" => count
    )
    .map_err(|e| DemoError::Encode {
        path: out.dir.join("population"),
        message: e.to_string(),
    })?;
    out.table("population", &mut frame)
}

/// Year index, sex index, band index, practice index, listed patients.
type ListedCell = (usize, usize, usize, usize, i64);

/// Listed patients of one buurt per year × sex × band × practice (largest-remainder split).
fn listed(buurt: &super::plan::Buurt, cells: &[[[i64; 19]; 2]; 5], root: &Rng) -> Vec<ListedCell> {
    let mut rng = root.fork(&format!("listed/{}", buurt.code));
    let mut rows = Vec::new();
    for yi in 0..YEARS.len() {
        for sex in 0..2 {
            for band in 0..19 {
                let r = cells[yi][sex][band];
                let total = ((r as f64) * buurt.coverage * (0.03 * rng.normal()).exp())
                    .round()
                    .clamp(0.0, r as f64) as i64;
                for (practice, n) in split(total, &buurt.practices) {
                    if n > 0 {
                        rows.push((yi, sex, band, practice, n));
                    }
                }
            }
        }
    }
    rows
}

/// Splits `total` by shares with the largest-remainder method (ties by order).
fn split(total: i64, shares: &[(usize, f64)]) -> Vec<(usize, i64)> {
    let mut parts: Vec<(usize, i64, f64)> = shares
        .iter()
        .map(|(p, s)| {
            let exact = total as f64 * s;
            (*p, exact.floor() as i64, exact - exact.floor())
        })
        .collect();
    let mut left = total - parts.iter().map(|p| p.1).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].2.total_cmp(&parts[a].2).then(a.cmp(&b)));
    for i in order {
        if left <= 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    parts.into_iter().map(|(p, n, _)| (p, n)).collect()
}

fn practices(out: &mut Out<'_>, plan: &Plan) -> Result<(), DemoError> {
    let mut rows = Vec::new();
    // List size: the region's patients plus some from outside, known for most practices.
    let mut patients = vec![0.0_f64; plan.practices.len()];
    for b in &plan.buurten {
        let people: f64 = b.people.iter().flatten().sum();
        for (p, share) in &b.practices {
            patients[*p] += people * b.coverage * share;
        }
    }
    for (i, p) in plan.practices.iter().enumerate() {
        let known = i % 7 != 3;
        let size = if known {
            format!("{}", (patients[i] * 1.08).round() as i64)
        } else {
            String::new()
        };
        rows.push(format!(
            "{},{},{},{},{size}",
            p.id,
            field(&p.name),
            plan.map.place(p.location).0,
            plan.map.place(p.location).1
        ));
    }
    out.csv("practices.csv", "practice_id,name,x,y,list_size", &rows)
}

fn gp_counts(
    out: &mut Out<'_>,
    plan: &Plan,
    residents: &Residents,
    root: &Rng,
    meter: &Meter<'_>,
) -> Result<(), DemoError> {
    let schema = Schema::from_iter([
        Field::new("practice_id".into(), DataType::String),
        Field::new("year".into(), DataType::Int32),
        Field::new("area_code".into(), DataType::String),
        Field::new("sex".into(), DataType::String),
        Field::new("age_band".into(), DataType::String),
        Field::new("indicator".into(), DataType::String),
        Field::new("numerator".into(), DataType::Int64),
        Field::new("denominator".into(), DataType::Int64),
    ]);
    let mut sink = out.parquet("gp_counts.parquet", &schema)?;
    let band_names: Vec<String> = BANDS.iter().map(ToString::to_string).collect();
    // National rates per condition × year × sex × band, per person.
    let rates: Vec<Vec<[[f64; 19]; 2]>> = GP
        .iter()
        .map(|c| {
            YEARS
                .iter()
                .map(|&y| [c.rates(false, y), c.rates(true, y)])
                .collect()
        })
        .collect();
    let wijk_effects: Vec<Vec<f64>> = plan
        .wijken
        .iter()
        .map(|w| {
            let mut rng = root.fork(&format!("gp-effects/{}", w.code));
            GP.iter().map(|_| 0.08 * rng.normal()).collect()
        })
        .collect();
    let mut batch = Batch::default();
    // `GP_COST` spread over the buurten.
    let counted = |done: usize| GP_COST * done as u64 / plan.buurten.len().max(1) as u64;
    for (bi, b) in plan.buurten.iter().enumerate() {
        meter.add(counted(bi + 1) - counted(bi));
        let mut rng = root.fork(&format!("gp/{}", b.code));
        let character = plan.wijken[b.wijk].character;
        for (yi, sex, band, practice, n) in listed(b, &residents[bi], root) {
            let p = &plan.practices[practice];
            for (ci, c) in GP.iter().enumerate() {
                let special = match character {
                    Character::Student => c.student,
                    Character::Elderly => c.elderly,
                    _ => 0.0,
                };
                let effect =
                    c.deprivation * b.deprivation + special + p.coding + wijk_effects[b.wijk][ci];
                let prob = (rates[ci][yi][sex][band] / 1000.0 * effect.exp()).min(0.95);
                batch.push(
                    &p.id,
                    YEARS[yi],
                    &b.code,
                    SEXES[sex],
                    &band_names[band],
                    c.id,
                    rng.binomial(n, prob),
                    n,
                );
            }
        }
        if batch.len() >= 500_000 || bi + 1 == plan.buurten.len() {
            let frame = batch.take().map_err(|e| DemoError::Encode {
                path: out.dir.join("gp_counts.parquet"),
                message: e.to_string(),
            })?;
            sink.write(&frame)?;
        }
    }
    sink.finish(out)
}

#[derive(Default)]
struct Batch {
    practice: Vec<String>,
    year: Vec<i32>,
    area: Vec<String>,
    sex: Vec<&'static str>,
    band: Vec<String>,
    indicator: Vec<&'static str>,
    numerator: Vec<i64>,
    denominator: Vec<i64>,
}

impl Batch {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        practice: &str,
        year: i32,
        area: &str,
        sex: &'static str,
        band: &str,
        indicator: &'static str,
        numerator: i64,
        denominator: i64,
    ) {
        self.practice.push(practice.to_owned());
        self.year.push(year);
        self.area.push(area.to_owned());
        self.sex.push(sex);
        self.band.push(band.to_owned());
        self.indicator.push(indicator);
        self.numerator.push(numerator);
        self.denominator.push(denominator);
    }

    fn len(&self) -> usize {
        self.year.len()
    }

    fn take(&mut self) -> PolarsResult<DataFrame> {
        let b = std::mem::take(self);
        df!(
            "practice_id" => b.practice,
            "year" => b.year,
            "area_code" => b.area,
            "sex" => b.sex,
            "age_band" => b.band,
            "indicator" => b.indicator,
            "numerator" => b.numerator,
            "denominator" => b.denominator,
        )
    }
}

/// Adults 18-64 and 65+ of a cell set (18 and 19 are two fifths of band 15-19).
fn adults(cells: &[[i64; 19]; 2]) -> (f64, f64) {
    let mut young = 0.0;
    let mut old = 0.0;
    for sex in cells {
        young += 0.4 * sex[3] as f64 + sex[4..13].iter().sum::<i64>() as f64;
        old += sex[13..].iter().sum::<i64>() as f64;
    }
    (young, old)
}

/// The true prevalence of each GGD indicator in each buurt in round `gi`, for ages 18-64
/// and 65+.
fn ggd_truth(plan: &Plan, root: &Rng, gi: usize) -> Vec<Vec<(f64, f64)>> {
    let year = GGD_YEARS[gi];
    plan.buurten
        .iter()
        .map(|b| {
            let mut rng = root.fork(&format!("ggd/{}/{year}", b.code));
            let character = plan.wijken[b.wijk].character;
            GGD.iter()
                .map(|ind| {
                    let special = match character {
                        Character::Student => ind.student,
                        Character::Elderly => ind.elderly,
                        _ => 0.0,
                    };
                    let base = logit(ind.national[gi] / 100.0)
                        + ind.deprivation * b.deprivation
                        + special
                        + 0.12 * rng.normal();
                    (expit(base + ind.ages.0), expit(base + ind.ages.1))
                })
                .collect()
        })
        .collect()
}

/// The monitor's questions in the demo: the GGD indicator (index in `GGD`), its answer
/// column and catalogue block.
const MONITOR: [(usize, &str, &str); 2] = [
    (
        0,
        "GZGGA401",
        "question = \"GZGGA401\"\ncounts = [1, 2]\ncodes = [1, 2, 3, 4, 5]\nmissing = [9]\n",
    ),
    (
        5,
        "LFRKA401",
        "question = \"LFRKA401\"\ncounts = [1]\ncodes = [1, 2]\nmissing = [9]\n",
    ),
];

/// The health monitor's respondents (adults, 2020, 2022, 2024): per buurt a sample of
/// adults invited, answering more often when older and less often in deprived buurten;
/// stratified by gemeente (each respondent a PSU of their own, the stratum's adults as
/// its population) and weighted within each gemeente to its adults aged 18-64 and 65+.
/// Answers follow the same true prevalences as `ggd_estimates`.
fn respondents(
    out: &mut Out<'_>,
    plan: &Plan,
    residents: &Residents,
    root: &Rng,
) -> Result<(), DemoError> {
    let year_index = |y: i32| YEARS.iter().position(|&v| v == y).unwrap_or(0);
    let gemeente_of = |b: usize| plan.wijken[plan.buurten[b].wijk].gemeente;
    let mut area = Vec::new();
    let mut year = Vec::new();
    let mut weight = Vec::new();
    let mut stratum = Vec::new();
    let mut fpc = Vec::new();
    let mut sex = Vec::new();
    let mut age = Vec::new();
    let mut answers: Vec<Vec<i32>> = vec![Vec::new(); MONITOR.len()];
    for (gi, &y) in GGD_YEARS.iter().enumerate() {
        let yi = year_index(y);
        let truth = ggd_truth(plan, root, gi);
        // Adults per gemeente and age group (18-64, 65+), and respondents drawn per buurt.
        let mut population = vec![[0.0_f64; 2]; plan.gemeenten.len()];
        let mut drawn: Vec<(usize, usize, u8)> = Vec::new();
        for (bi, b) in plan.buurten.iter().enumerate() {
            let mut rng = root.fork(&format!("monitor/{}/{y}", b.code));
            let invited = 0.09 * (-0.15 * b.deprivation).exp();
            for (si, cells) in residents[bi][yi].iter().enumerate() {
                for (band, &n) in cells.iter().enumerate().skip(3) {
                    let lower = BANDS[band].lower.max(18);
                    let adults = if band == 3 {
                        (n as f64 * 0.4).round() as i64
                    } else {
                        n
                    };
                    population[gemeente_of(bi)][usize::from(lower >= 65)] += adults as f64;
                    let response = match lower {
                        ..25 => 0.22,
                        25..45 => 0.28,
                        45..65 => 0.38,
                        65..80 => 0.48,
                        _ => 0.33,
                    };
                    for _ in 0..rng.binomial(adults, invited * response) {
                        let upper = BANDS[band].upper.unwrap_or(99);
                        let a = lower + rng.below(usize::from(upper - lower) + 1) as u8;
                        drawn.push((bi, si, a));
                    }
                }
            }
        }
        let mut sampled = vec![[0.0_f64; 2]; plan.gemeenten.len()];
        for &(bi, _, a) in &drawn {
            sampled[gemeente_of(bi)][usize::from(a >= 65)] += 1.0;
        }
        for (k, &(bi, si, a)) in drawn.iter().enumerate() {
            let b = &plan.buurten[bi];
            let mut rng = root.fork(&format!("monitor/{}/{y}/{k}", b.code));
            let (g, old) = (gemeente_of(bi), usize::from(a >= 65));
            area.push(b.code.clone());
            year.push(y);
            weight.push((population[g][old] / sampled[g][old] * 1e4).round() / 1e4);
            stratum.push(plan.gemeenten[g].code.clone());
            fpc.push(population[g][0] + population[g][1]);
            sex.push(SEXES[si]);
            age.push(i32::from(a));
            for (q, &(ind, _, _)) in MONITOR.iter().enumerate() {
                let p = if old == 1 {
                    truth[bi][ind].1
                } else {
                    truth[bi][ind].0
                };
                let counted = rng.uniform() < p;
                let answer = match (rng.uniform() < 0.02, q, counted) {
                    (true, _, _) => 9,
                    (false, 0, true) => 1 + i32::from(rng.uniform() < 0.7),
                    (false, 0, false) => match rng.uniform() {
                        u if u < 0.75 => 3,
                        u if u < 0.95 => 4,
                        _ => 5,
                    },
                    (false, _, true) => 1,
                    (false, _, false) => 2,
                };
                answers[q].push(answer);
            }
        }
    }
    let mut columns = vec![
        Column::new("area_code".into(), area),
        Column::new("year".into(), year),
        Column::new("ewGGD".into(), weight),
        Column::new("stratum".into(), stratum),
        Column::new("fpc".into(), fpc),
        Column::new("sex".into(), sex),
        Column::new("age".into(), age),
    ];
    for (q, (_, name, _)) in MONITOR.iter().enumerate() {
        columns.push(Column::new((*name).into(), std::mem::take(&mut answers[q])));
    }
    let path = out.dir.join("respondents.parquet");
    let frame = DataFrame::new_infer_height(columns).map_err(encode(&path))?;
    let mut sink = out.parquet("respondents.parquet", frame.schema())?;
    sink.write(&frame)?;
    sink.finish(out)
}

fn ggd_estimates(
    out: &mut Out<'_>,
    plan: &Plan,
    residents: &Residents,
    root: &Rng,
) -> Result<(), DemoError> {
    let year_index = |y: i32| YEARS.iter().position(|&v| v == y).unwrap_or(0);
    let mut rows = GgdRows::default();
    for (gi, year) in GGD_YEARS.iter().enumerate() {
        let yi = year_index(*year);
        let truth = ggd_truth(plan, root, gi);
        let sizes: Vec<(f64, f64)> = residents.iter().map(|c| adults(&c[yi])).collect();
        // Areas: each buurt with at least 100 adults, each wijk and gemeente.
        let mut areas: Vec<(String, Vec<usize>, bool)> = Vec::new();
        for (bi, b) in plan.buurten.iter().enumerate() {
            if sizes[bi].0 + sizes[bi].1 >= 100.0 {
                areas.push((b.code.clone(), vec![bi], false));
            }
        }
        for (wi, w) in plan.wijken.iter().enumerate() {
            areas.push((
                w.code.clone(),
                (0..plan.buurten.len())
                    .filter(|&b| plan.buurten[b].wijk == wi)
                    .collect(),
                false,
            ));
        }
        for (gmi, g) in plan.gemeenten.iter().enumerate() {
            let members = (0..plan.buurten.len())
                .filter(|&b| plan.wijken[plan.buurten[b].wijk].gemeente == gmi)
                .collect();
            areas.push((g.code.clone(), members, true));
        }
        for (code, members, with_respondents) in areas {
            let mut rng = root.fork(&format!("ggd-estimate/{code}/{year}"));
            let young: f64 = members.iter().map(|&b| sizes[b].0).sum();
            let old: f64 = members.iter().map(|&b| sizes[b].1).sum();
            for (ii, ind) in GGD.iter().enumerate() {
                let p_young = members
                    .iter()
                    .map(|&b| truth[b][ii].0 * sizes[b].0)
                    .sum::<f64>()
                    / young.max(1.0);
                let p_old = members
                    .iter()
                    .map(|&b| truth[b][ii].1 * sizes[b].1)
                    .sum::<f64>()
                    / old.max(1.0);
                let p_all = (p_young * young + p_old * old) / (young + old).max(1.0);
                for (group, p, size) in [
                    ("18+", p_all, young + old),
                    ("18-64", p_young, young),
                    ("65+", p_old, old),
                ] {
                    if size < 20.0 {
                        continue;
                    }
                    let p = p.clamp(0.005, 0.995);
                    let n_eff = 150.0 + 0.1 * size;
                    let se = 1.0 / (n_eff * p * (1.0 - p)).sqrt();
                    let estimate = logit(p) + 0.5 * se * rng.normal();
                    let respondents =
                        (with_respondents && group == "18+").then(|| (0.03 * size).round() as i64);
                    rows.push(
                        &code,
                        *year,
                        ind.id,
                        group,
                        [
                            round1(100.0 * expit(estimate)),
                            round1(100.0 * expit(estimate - 1.96 * se)),
                            round1(100.0 * expit(estimate + 1.96 * se)),
                        ],
                        respondents,
                    );
                }
            }
        }
    }
    let mut frame = rows.frame().map_err(|e| DemoError::Encode {
        path: out.dir.join("ggd_estimates"),
        message: e.to_string(),
    })?;
    out.table("ggd_estimates", &mut frame)
}

#[derive(Default)]
struct GgdRows {
    area: Vec<String>,
    year: Vec<i32>,
    indicator: Vec<&'static str>,
    group: Vec<&'static str>,
    value: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    respondents: Vec<Option<i64>>,
}

impl GgdRows {
    fn push(
        &mut self,
        area: &str,
        year: i32,
        indicator: &'static str,
        group: &'static str,
        v: [f64; 3],
        respondents: Option<i64>,
    ) {
        self.area.push(area.to_owned());
        self.year.push(year);
        self.indicator.push(indicator);
        self.group.push(group);
        self.value.push(v[0]);
        self.lower.push(v[1]);
        self.upper.push(v[2]);
        self.respondents.push(respondents);
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        df!(
            "area_code" => self.area,
            "year" => self.year,
            "indicator" => self.indicator,
            "age_group" => self.group,
            "value" => self.value,
            "lower" => self.lower,
            "upper" => self.upper,
            "respondents" => self.respondents,
        )
    }
}

fn benchmarks(out: &mut Out<'_>) -> Result<(), DemoError> {
    let mut rows = Vec::new();
    let mut rate_rows = Vec::new();
    let men: f64 = NL_MEN.iter().sum();
    let women: f64 = NL_WOMEN.iter().sum();
    for c in GP {
        for &year in &YEARS {
            let (m, w) = (c.rates(false, year), c.rates(true, year));
            let crude_m = m.iter().zip(&NL_MEN).map(|(r, n)| r * n).sum::<f64>() / men;
            let crude_w = w.iter().zip(&NL_WOMEN).map(|(r, n)| r * n).sum::<f64>() / women;
            let crude = (crude_m * men + crude_w * women) / (men + women);
            for (sex, v) in [("all", crude), ("male", crude_m), ("female", crude_w)] {
                rows.push(format!(
                    "{},{year},NL01,Nederland,{sex},{},,",
                    c.id,
                    round1(v)
                ));
            }
            for (sex, rates) in [("male", m), ("female", w)] {
                for (band, rate) in BANDS.iter().zip(rates) {
                    rate_rows.push(format!(
                        "{},{year},NL01,{sex},{band},{}",
                        c.id,
                        (rate * 1000.0).round() / 1000.0
                    ));
                }
            }
        }
    }
    for g in GGD {
        for (gi, year) in GGD_YEARS.iter().enumerate() {
            let v = g.national[gi];
            rows.push(format!(
                "{},{year},NL01,Nederland,all,{v},{},{}",
                g.id,
                round1(v - 0.3),
                round1(v + 0.3)
            ));
        }
    }
    let old: f64 = NL_MEN[13..].iter().chain(&NL_WOMEN[13..]).sum();
    rows.push(format!(
        "cbs_aandeel_65plus,2021,NL01,Nederland,all,{},,",
        round1(100.0 * old / (men + women))
    ));
    out.csv(
        "benchmarks.csv",
        "indicator,year,benchmark,label,sex,value,lower,upper",
        &rows,
    )?;
    out.csv(
        "benchmark_rates.csv",
        "indicator,year,benchmark,sex,age_band,rate",
        &rate_rows,
    )
}

const FIRST: [&str; 20] = [
    "Anouk", "Bram", "Fatima", "Daan", "Sanne", "Youssef", "Lotte", "Mehmet", "Eva", "Joris",
    "Noor", "Sem", "Ilse", "Ahmed", "Femke", "Ruben", "Mila", "Thijs", "Esra", "Koen",
];
const LAST: [&str; 20] = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "El Amrani",
    "Yilmaz",
    "Kramer",
    "van Dijk",
];

/// Projects: name, theme, contact role, target group.
const PROJECTS: [(&str, &str, Role, &str); 12] = [
    (
        "Samen aan tafel",
        "loneliness",
        Role::SocialWorker,
        "ouderen die alleen wonen",
    ),
    (
        "Beweegmaatje",
        "overweight",
        Role::SportsCoach,
        "volwassenen die weinig bewegen",
    ),
    (
        "Welzijn op Recept",
        "mental",
        Role::HealthBroker,
        "patiënten met psychosociale klachten",
    ),
    (
        "Gezond in de wijk",
        "lifestyle",
        Role::HealthBroker,
        "bewoners met een laag inkomen",
    ),
    (
        "Geldzorgen-spreekuur",
        "income",
        Role::SocialWorker,
        "huishoudens met schulden",
    ),
    (
        "Mantelzorgcafé",
        "care",
        Role::SocialWorker,
        "mantelzorgers",
    ),
    (
        "Jongeren Op Gezond Gewicht",
        "overweight",
        Role::YouthNurse,
        "kinderen en jongeren met overgewicht",
    ),
    (
        "Rookvrije generatie",
        "lifestyle",
        Role::YouthNurse,
        "ouders van jonge kinderen",
    ),
    (
        "Taalcafé",
        "income",
        Role::SocialWorker,
        "laaggeletterde volwassenen",
    ),
    (
        "Ouder worden in je eigen wijk",
        "loneliness",
        Role::DistrictNurse,
        "thuiswonende 75-plussers",
    ),
    (
        "Zorgpad diabetes in de buurt",
        "chronic",
        Role::Gp,
        "mensen met diabetes type 2",
    ),
    (
        "Stress-sensitieve spreekuren",
        "mental",
        Role::Gp,
        "bewoners met stress door geldzorgen",
    ),
];

fn providers_and_projects(out: &mut Out<'_>, plan: &Plan, root: &Rng) -> Result<(), DemoError> {
    let mut rows = Vec::new();
    let mut number = 0;
    let mut add =
        |rows: &mut Vec<String>, rng: &mut Rng, role: Role, organisation: &str, at: (f64, f64)| {
            number += 1;
            let name = format!(
                "{} {}",
                FIRST[rng.below(FIRST.len())],
                LAST[rng.below(LAST.len())]
            );
            rows.push(format!(
                "PR{number:05},{},{role},{},{},{}",
                field(&name),
                field(organisation),
                at.0,
                at.1
            ));
        };
    for p in &plan.practices {
        let mut rng = root.fork(&format!("provider/{}", p.id));
        add(
            &mut rows,
            &mut rng,
            Role::Gp,
            &p.name,
            plan.map.place(p.location),
        );
    }
    for (wi, w) in plan.wijken.iter().enumerate() {
        let mut rng = root.fork(&format!("providers/{}", w.code));
        let gemeente = &plan.gemeenten[w.gemeente].name;
        // The demo's incomplete triangles: two city wijken without a health broker, one
        // without a district nurse; elsewhere a few gaps by chance.
        let no_broker = !matches!(out.options.scale, Scale::National)
            && w.gemeente == 0
            && matches!(wi, 6 | 11);
        let no_nurse = !matches!(out.options.scale, Scale::National) && w.gemeente == 0 && wi == 1;
        let roles: [(Role, f64, String); 6] = [
            (
                Role::DistrictNurse,
                if no_nurse { 0.0 } else { 0.95 },
                "Wijkverpleging Lindewaard".to_owned(),
            ),
            (
                Role::HealthBroker,
                if no_broker { 0.0 } else { 0.85 },
                format!("GGD {gemeente}"),
            ),
            (
                Role::SocialWorker,
                0.92,
                format!("Sociaal Wijkteam {gemeente}"),
            ),
            (
                Role::YouthNurse,
                0.6,
                "Jeugdgezondheidszorg Lindewaard".to_owned(),
            ),
            (
                Role::Physiotherapist,
                0.8,
                format!("Fysiotherapie {}", w.name),
            ),
            (Role::SportsCoach, 0.55, format!("Sportbedrijf {gemeente}")),
        ];
        let members: Vec<&super::plan::Buurt> = plan
            .buurten
            .iter()
            .filter(|b| b.wijk == wi && b.character != Character::Tiny)
            .collect();
        for (role, chance, organisation) in roles {
            if rng.uniform() < chance && !members.is_empty() {
                let buurt = members[rng.below(members.len())];
                let at = plan.map.place(buurt.rect.point_inside(&mut rng));
                add(&mut rows, &mut rng, role, &organisation, at);
            }
        }
    }
    out.csv(
        "providers.csv",
        "provider_id,name,role,organisation,x,y",
        &rows,
    )?;

    let mut rng = root.fork("projects");
    let mut project_rows = Vec::new();
    let n = if out.options.scale == Scale::National {
        2_000
    } else {
        28
    };
    for i in 0..n {
        let (name, theme, role, group) = PROJECTS[i % PROJECTS.len()];
        let wi = rng.below(plan.wijken.len());
        let wijk = &plan.wijken[wi];
        let areas = match rng.below(3) {
            0 => wijk.code.clone(),
            1 => plan.gemeenten[wijk.gemeente].code.clone(),
            _ => {
                let members: Vec<&str> = plan
                    .buurten
                    .iter()
                    .filter(|b| b.wijk == wi)
                    .take(3)
                    .map(|b| b.code.as_str())
                    .collect();
                members.join(";")
            }
        };
        project_rows.push(format!(
            "PJ{:04},{},{theme},{areas},{role},{}",
            i + 1,
            field(&format!("{name} {}", wijk.name)),
            field(group)
        ));
    }
    out.csv(
        "projects.csv",
        "project_id,name,theme,areas,contact_role,target_group",
        &project_rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_keeps_the_total() {
        let parts = split(10, &[(0, 0.5), (1, 0.3), (2, 0.2)]);
        assert_eq!(parts, vec![(0, 5), (1, 3), (2, 2)]);
        let parts = split(7, &[(4, 0.34), (5, 0.33), (6, 0.33)]);
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 7);
        assert_eq!(parts[0], (4, 3));
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
