//! The data contract: a small valid region, then one broken input per rule, checking the
//! problem and its wording (file, row, line, column, area, indicator).

use std::io::Cursor;

use polars::prelude::*;
use wijkprofiel::{Inputs, Region, validate};

const CATALOGUE: &str = r#"
[[theme]]
id = "chronic"
label_nl = "Chronische aandoeningen"
label_en = "Chronic conditions"

[[theme]]
id = "mental"
label_nl = "Mentale gezondheid"
label_en = "Mental health"

[[indicator]]
id = "gp_diabetes"
label_nl = "Diabetes mellitus"
label_en = "Diabetes mellitus"
theme = "chronic"
source = "gp"
kind = "proportion"
multiplier = 1000
polarity = "lower-better"
standardisation = "direct"
definition = "Open episode T90 in the year"
icpc = ["T90"]
prevalence = "jaarprevalentie"

[[indicator]]
id = "ggd_eenzaam"
label_nl = "Eenzaam"
label_en = "Lonely"
theme = "mental"
source = "ggd"
kind = "proportion"
multiplier = 100
polarity = "lower-better"
age = "18+"
definition = "Share of adults who are lonely"

[[indicator]]
id = "ggd_gezondheid"
label_nl = "Ervaren gezondheid (zeer) goed"
label_en = "Good self-rated health"
theme = "mental"
source = "ggd"
kind = "proportion"
multiplier = 100
polarity = "higher-better"
age = "18+"
definition = "Share of adults rating their health good or very good"

[indicator.survey]
question = "GZ01"
counts = [1, 2]
codes = [1, 2, 3, 4, 5]
missing = [9]

[survey]
weight = "ewGGD"
stratum = "stratum"
psu = "psu"
min_respondents = 3
"#;

const AREAS: &str = "code,name,level,parent_code,vintage
NL01,Nederland,country,,2024
GG9901,GGD Test,region,NL01,2024
GM9901,Testgemeente,gemeente,GG9901,2024
WK990101,Centrum,wijk,GM9901,2024
BU99010101,Oud,buurt,WK990101,2024
BU99010102,Nieuw,buurt,WK990101,2024
";

const POPULATION: &str = "# a comment line before the header
area_code,year,sex,age_band,residents
BU99010101,2024,male,0-64,400
BU99010101,2024,male,65+,100
BU99010101,2024,female,0-64,420
BU99010101,2024,female,65+,130
BU99010102,2024,male,0-64,300
BU99010102,2024,male,65+,80
BU99010102,2024,female,0-64,310
BU99010102,2024,female,65+,90
";

const PRACTICES: &str = "practice_id,name,x,y,list_size
HA0001,Praktijk Oud,150500,400500,1500
";

const GP_COUNTS: &str = "practice_id,year,area_code,sex,age_band,indicator,numerator,denominator
HA0001,2024,BU99010101,male,0-64,gp_diabetes,12,300
HA0001,2024,BU99010101,male,65+,gp_diabetes,20,80
HA0001,2024,BU99010101,female,0-64,gp_diabetes,10,310
HA0001,2024,BU99010101,female,65+,gp_diabetes,18,100
";

const GGD: &str = "area_code,year,indicator,age_group,value,lower,upper,respondents
BU99010101,2024,ggd_eenzaam,18+,45.1,40.2,50.0,
GM9901,2024,ggd_eenzaam,18+,46.0,44.0,48.0,310
";

const RESPONDENTS: &str = "area_code,year,ewGGD,stratum,psu,sex,age,GZ01
BU99010101,2024,120.5,A,1,female,34,1
BU99010101,2024,80.0,A,1,male,71,3
BU99010101,2024,95.2,A,2,female,45,2
BU99010102,2024,140.0,B,3,male,19,9
BU99010102,2024,60.7,B,3,female,52,4
BU99010102,2024,110.0,B,4,male,66,1
WK990101,2024,101.3,B,4,female,80,2
";

const BENCHMARKS: &str = "indicator,year,benchmark,label,sex,value,lower,upper
gp_diabetes,2024,NL01,Nederland,all,66.0,,
ggd_eenzaam,2024,NL01,Nederland,all,47.5,47.2,47.8
";

const RATES: &str = "indicator,year,benchmark,sex,age_band,rate
gp_diabetes,2024,NL01,male,0-64,30.5
gp_diabetes,2024,NL01,male,65+,220.0
gp_diabetes,2024,NL01,female,0-64,25.1
gp_diabetes,2024,NL01,female,65+,190.2
";

const PROVIDERS: &str = "provider_id,name,role,organisation,x,y
PR1,Anouk Smit,district_nurse,Wijkverpleging,150600,400400
";

const PROJECTS: &str = "project_id,name,theme,areas,contact_role
PJ1,Samen aan tafel,mental,BU99010101;WK990101,social_worker
";

fn rect(code: &str, x0: i64, x1: i64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},400000],[{x1},400000],[{x1},401000],[{x0},401000],[{x0},400000]]]}}}}"#
    )
}

fn geometry() -> String {
    let features = [
        rect("GG9901", 150000, 152000),
        rect("GM9901", 150000, 152000),
        rect("WK990101", 150000, 152000),
        rect("BU99010101", 150000, 151000),
        rect("BU99010102", 151000, 152000),
    ];
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn files() -> Vec<(String, String)> {
    vec![
        (
            "dataset.toml".into(),
            "name = \"Test\"\nsynthetic = false\n".into(),
        ),
        ("catalogue.toml".into(), CATALOGUE.into()),
        ("areas.csv".into(), AREAS.into()),
        ("geometry.geojson".into(), geometry()),
        ("population.csv".into(), POPULATION.into()),
        ("practices.csv".into(), PRACTICES.into()),
        ("gp_counts.csv".into(), GP_COUNTS.into()),
        ("ggd_estimates.csv".into(), GGD.into()),
        ("benchmarks.csv".into(), BENCHMARKS.into()),
        ("benchmark_rates.csv".into(), RATES.into()),
        ("providers.csv".into(), PROVIDERS.into()),
        ("projects.csv".into(), PROJECTS.into()),
        ("respondents.csv".into(), RESPONDENTS.into()),
    ]
}

fn inputs(files: Vec<(String, String)>) -> Inputs {
    Inputs::from_files(
        "test region".into(),
        files
            .into_iter()
            .map(|(n, c)| (n, c.into_bytes()))
            .collect(),
    )
}

/// The problems found after replacing `from` by `to` in `file`.
fn problems_after(file: &str, from: &str, to: &str) -> Vec<String> {
    let mut files = files();
    let entry = files
        .iter_mut()
        .find(|(n, _)| n == file)
        .expect("the fixture has this file");
    assert!(entry.1.contains(from), "{file} has no `{from}`");
    entry.1 = entry.1.replacen(from, to, 1);
    let report = validate(&inputs(files));
    assert!(!report.is_valid(), "{file}: `{from}` → `{to}` was accepted");
    report.problems.iter().map(ToString::to_string).collect()
}

/// Asserts that the broken input yields exactly this problem among those found.
fn assert_problem(file: &str, from: &str, to: &str, expected: &str) {
    let problems = problems_after(file, from, to);
    assert!(
        problems.iter().any(|p| p == expected),
        "{file}: `{from}` → `{to}`\nexpected: {expected}\nfound:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_fixture_is_valid_and_summarised() {
    let report = validate(&inputs(files()));
    assert!(report.is_valid(), "{report}");
    let summary = report.summary.expect("a valid region has a summary");
    assert_eq!(summary.residents, vec![(2024, 1830)]);
    assert_eq!(summary.practices, 1);
    // Listed patients 790 of 1,830 residents.
    assert!((summary.coverage[0].1 - 790.0 / 1830.0).abs() < 1e-12);
    let region = Region::from_inputs(&inputs(files())).expect("valid");
    let population = &region.population;
    assert_eq!(population.column("year").unwrap().dtype(), &DataType::Int32);
    assert_eq!(
        population.column("residents").unwrap().dtype(),
        &DataType::Int64
    );
    assert_eq!(region.projects[0].areas, vec!["BU99010101", "WK990101"]);
    // `target_group` is optional: absent, nobody is named.
    assert_eq!(region.projects[0].target_group, None);
}

#[test]
fn a_project_says_whom_it_is_for_where_the_data_do() {
    let with_groups = |rows: &str| {
        let mut files = files();
        let projects = files.iter_mut().find(|f| f.0 == "projects.csv").unwrap();
        projects.1 = format!("project_id,name,theme,areas,contact_role,target_group\n{rows}");
        Region::from_inputs(&inputs(files)).expect("valid")
    };
    let region = with_groups(
        "PJ1,Samen aan tafel,mental,WK990101,social_worker, ouderen die alleen wonen \n\
         PJ2,Taalcafé,mental,WK990101,social_worker,\n",
    );
    let groups: Vec<Option<&str>> = region
        .projects
        .iter()
        .map(|p| p.target_group.as_deref())
        .collect();
    assert_eq!(groups, vec![Some("ouderen die alleen wonen"), None]);
}

#[test]
fn area_codes_and_hierarchy() {
    let f = "areas.csv";
    assert_problem(
        f,
        "BU99010102,Nieuw",
        "BU9901010,Nieuw",
        "areas.csv, row 6 (line 7), column `code`: `BU9901010` is not a valid buurt code (BU + 8 digits)",
    );
    assert_problem(
        f,
        "WK990101,Centrum",
        "WK99010,Centrum",
        "areas.csv, row 4 (line 5), column `code`: `WK99010` is not a valid wijk code (WK + 6 digits)",
    );
    assert_problem(
        f,
        "GM9901,Testgemeente",
        "GM991,Testgemeente",
        "areas.csv, row 3 (line 4), column `code`: `GM991` is not a valid gemeente code (GM + 4 digits)",
    );
    assert_problem(
        f,
        "BU99010102,Nieuw",
        "BU99020102,Nieuw",
        "areas.csv, row 6 (line 7), column `parent_code`: `BU99020102` does not lie inside its parent `WK990101` (a buurt code starts with the six digits of its wijk)",
    );
    assert_problem(
        f,
        "WK990101,Centrum,wijk,GM9901",
        "WK990201,Centrum,wijk,GM9901",
        "areas.csv, row 4 (line 5), column `parent_code`: `WK990201` does not lie inside its parent `GM9901` (a wijk code starts with the four digits of its gemeente)",
    );
    assert_problem(
        f,
        "wijk,GM9901",
        "wijk,GM9902",
        "areas.csv, row 4 (line 5), column `parent_code`: parent `GM9902` of `WK990101` is not in the areas table",
    );
    assert_problem(
        f,
        "Nieuw,buurt,WK990101",
        "Nieuw,buurt,GM9901",
        "areas.csv, row 6 (line 7), column `parent_code`: parent `GM9901` of buurt `BU99010102` is a gemeente; expected a wijk",
    );
    assert_problem(
        f,
        "NL01,Nederland,country,,",
        "NL01,Nederland,country,GG9901,",
        "areas.csv, row 1 (line 2), column `parent_code`: parent `GG9901` of country `NL01` is a region; expected no parent (a country is the root)",
    );
    assert_problem(
        f,
        "BU99010102,Nieuw,buurt,WK990101,2024\n",
        "BU99010102,Nieuw,buurt,WK990101,2024\nBU99010102,Dubbel,buurt,WK990101,2024\n",
        "areas.csv, row 7 (line 8), column `code`: area `BU99010102` is listed twice (first in row 6)",
    );
    assert_problem(
        f,
        "NL01,Nederland,country,,",
        "NL01,Nederland,country,GG9901,",
        "areas.csv, row 2 (line 3), column `parent_code`: the parents of `GG9901` form a cycle: GG9901 → NL01 → GG9901",
    );
    assert_problem(
        f,
        "region,NL01",
        "region,",
        "areas.csv, column `parent_code`: the hierarchy must have exactly one root (area without parent); found `NL01`, `GG9901`",
    );
    assert_problem(
        f,
        "Nieuw,buurt,WK990101,2024",
        "Nieuw,buurt,WK990101,2023",
        "areas.csv, column `vintage`: areas of vintages 2023, 2024 are mixed; one region uses one boundary vintage",
    );
    assert_problem(
        f,
        "Oud,buurt",
        "Oud,buurtje",
        "areas.csv, row 5 (line 6), column `level`: `buurtje` is not one of buurt, wijk, gemeente, region, country",
    );
    assert_problem(
        f,
        "Oud,buurt",
        ",buurt",
        "areas.csv, row 5 (line 6), column `name`: value is missing",
    );
    assert_problem(
        f,
        "code,name,level,parent_code",
        "code,name,level,parent",
        "areas.csv, column `parent_code`: required column is missing",
    );
    assert_problem(
        f,
        "Oud,buurt,WK990101,2024",
        "Oud,buurt,WK990101,20x4",
        "areas.csv, row 5 (line 6), column `vintage`: `20x4` is not a year from 1900 to 2100",
    );
}

#[test]
fn population_cells() {
    let f = "population.csv";
    assert_problem(
        f,
        "male,0-64,400",
        "male,0-64,4x0",
        "population.csv, row 1 (line 3), column `residents`: `4x0` is not a whole number of at least 0",
    );
    assert_problem(
        f,
        "male,0-64,400",
        "male,0-64,-5",
        "population.csv, row 1 (line 3), column `residents`: `-5` is not a whole number of at least 0",
    );
    assert_problem(
        f,
        "2024,male,0-64,400",
        "2024,man,0-64,400",
        "population.csv, row 1 (line 3), column `sex`: `man` is not `male` or `female`",
    );
    assert_problem(
        f,
        "2024,male,0-64,400",
        "2024,all,0-64,400",
        "population.csv, row 1 (line 3), column `sex`: `all` is not `male` or `female`",
    );
    assert_problem(
        f,
        "male,0-64,400",
        "male,0_64,400",
        "population.csv, row 1 (line 3), column `age_band`: `0_64` is not an age band such as `0-4` or `90+` (whole years, 0-120) (expected `lower-upper` or `lower+`)",
    );
    assert_problem(
        f,
        "BU99010101,2024,male,0-64,400",
        "BU99010101,1800,male,0-64,400",
        "population.csv, row 1 (line 3), column `year`: `1800` is not a year from 1900 to 2100",
    );
    assert_problem(
        f,
        "BU99010101,2024,male,0-64",
        "BU99010199,2024,male,0-64",
        "population.csv, row 1 (line 3), column `area_code`: area `BU99010199` is not in the areas table",
    );
    assert_problem(
        f,
        "BU99010101,2024,male,0-64",
        "WK990101,2024,male,0-64",
        "population.csv, row 1 (line 3), column `area_code`: area `WK990101` is a wijk; this table takes buurten (higher levels are summed from them)",
    );
    assert_problem(
        f,
        "BU99010101,2024,male,65+,100",
        "BU99010101,2024,male,0-64,100",
        "population.csv, row 2 (line 4): duplicate of row 1 (key BU99010101 2024 male 0-64)",
    );
    assert_problem(
        f,
        "BU99010102,2024,female,65+,90\n",
        "BU99010102,2023,female,65+,90\n",
        "population.csv, column `area_code`: no population for `BU99010101` in 2023",
    );
    assert_problem(
        f,
        "female,0-64,310",
        "female,0-70,310",
        "population.csv, column `age_band`: age bands do not tile: `0-64` and `0-70` overlap",
    );
}

#[test]
fn age_bands_must_tile() {
    let mut files = files();
    for (name, content) in &mut files {
        if name == "population.csv" {
            *content = content.replace("65+", "70+");
        }
    }
    let report = validate(&inputs(files));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.contains(&"population.csv, column `age_band`: age bands do not tile: gap between `0-64` and `70+` (ages 65-69 are in no band)".to_owned()),
        "{problems:?}"
    );
}

#[test]
fn gp_counts_and_practices() {
    let f = "gp_counts.csv";
    assert_problem(
        f,
        "gp_diabetes,12,300",
        "gp_diabetes,312,300",
        "gp_counts.csv, row 1 (line 2), column `numerator`: numerator 312 is larger than denominator 300 for indicator `gp_diabetes`",
    );
    assert_problem(
        f,
        "HA0001,2024,BU99010101,male,0-64",
        "HA0009,2024,BU99010101,male,0-64",
        "gp_counts.csv, row 1 (line 2), column `practice_id`: practice `HA0009` is not in the practices table",
    );
    assert_problem(
        f,
        "0-64,gp_diabetes,12",
        "0-64,gp_xyz,12",
        "gp_counts.csv, row 1 (line 2), column `indicator`: indicator `gp_xyz` is not in the catalogue",
    );
    assert_problem(
        f,
        "0-64,gp_diabetes,12",
        "0-64,ggd_eenzaam,12",
        "gp_counts.csv, row 1 (line 2), column `indicator`: indicator `ggd_eenzaam` is not a GP indicator (source = \"gp\") in the catalogue",
    );
    assert_problem(
        f,
        "HA0001,2024,BU99010101,male,0-64",
        "HA0001,2023,BU99010101,male,0-64",
        "gp_counts.csv, row 1 (line 2), column `year`: no population for `BU99010101` in 2023",
    );
    assert_problem(
        f,
        "HA0001,2024,BU99010101,male,65+,gp_diabetes,20,80",
        "HA0001,2024,BU99010101,male,0-64,gp_diabetes,20,80",
        "gp_counts.csv, row 2 (line 3): duplicate of row 1 (key HA0001 2024 BU99010101 male 0-64 gp_diabetes)",
    );
    assert_problem(
        "practices.csv",
        "HA0001,Praktijk Oud,150500,400500,1500\n",
        "HA0001,Praktijk Oud,150500,400500,1500\nHA0001,Kopie,150500,400500,\n",
        "practices.csv, row 2 (line 3): duplicate of row 1 (key HA0001)",
    );
    assert_problem(
        "practices.csv",
        "150500,400500",
        "5.85,51.84",
        "practices.csv, row 1 (line 2), column `x`: point (5.85, 51.84) is in EPSG:4326, but the geometry's reference system is EPSG:28992; use one reference system",
    );
    assert_problem(
        "practices.csv",
        "150500,400500",
        "950500,400500",
        "practices.csv, row 1 (line 2), column `x`: point (950500, 400500) is not within the Netherlands in EPSG:28992 (the geometry's reference system)",
    );
    assert_problem(
        "practices.csv",
        "400500,1500",
        "400500,-3",
        "practices.csv, row 1 (line 2), column `list_size`: `-3` is not a whole number of at least 0",
    );
}

#[test]
fn gp_counts_need_practices() {
    let files: Vec<_> = files()
        .into_iter()
        .filter(|(n, _)| n != "practices.csv")
        .collect();
    let report = validate(&inputs(files));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        vec![
            "test region: required input `practices` is missing (expected `practices.csv` or `practices.parquet`)"
        ]
    );
}

#[test]
fn ggd_estimates_and_benchmarks() {
    let f = "ggd_estimates.csv";
    assert_problem(
        f,
        "45.1,40.2,50.0",
        "45.1,46.2,50.0",
        "ggd_estimates.csv, row 1 (line 2): interval is not ordered: lower 46.2 <= value 45.1 <= upper 50 fails",
    );
    assert_problem(
        f,
        "45.1,40.2,50.0",
        "45.1,40.2,150.0",
        "ggd_estimates.csv, row 1 (line 2), column `upper`: `150` is not a percentage from 0 to 100",
    );
    assert_problem(
        f,
        "45.1,40.2",
        "\"45,1\",40.2",
        "ggd_estimates.csv, row 1 (line 2), column `value`: `45,1` is not a number (use a decimal point, not a comma)",
    );
    assert_problem(
        f,
        "2024,ggd_eenzaam,18+,45.1",
        "2024,gp_diabetes,18+,45.1",
        "ggd_estimates.csv, row 1 (line 2), column `indicator`: indicator `gp_diabetes` is not a GGD indicator (source = \"ggd\") in the catalogue",
    );
    assert_problem(
        f,
        "GM9901,2024",
        "NL01,2024",
        "ggd_estimates.csv, row 2 (line 3), column `area_code`: area `NL01` is a country; this table takes buurten, wijken, gemeenten or the region",
    );
    assert_problem(
        f,
        "18+,46.0",
        "18-,46.0",
        "ggd_estimates.csv, row 2 (line 3), column `age_group`: `18-` is not an age band such as `0-4` or `90+` (whole years, 0-120) (an age must be a whole number from 0 to 120)",
    );
    assert_problem(
        f,
        "48.0,310",
        "48.0,31.5",
        "ggd_estimates.csv, row 2 (line 3), column `respondents`: `31.5` is not a whole number of at least 0",
    );
    let b = "benchmarks.csv";
    assert_problem(
        b,
        "47.5,47.2,47.8",
        "47.5,47.2,",
        "benchmarks.csv, row 2 (line 3), column `upper`: value is missing",
    );
    assert_problem(
        b,
        "Nederland,all,66.0",
        "Nederland,both,66.0",
        "benchmarks.csv, row 1 (line 2), column `sex`: `both` is not `all`, `male` or `female`",
    );
    assert_problem(
        b,
        "47.5,47.2,47.8",
        "47.5,47.6,47.8",
        "benchmarks.csv, row 2 (line 3): interval is not ordered: lower 47.6 <= value 47.5 <= upper 47.8 fails",
    );
    assert_problem(
        b,
        "gp_diabetes,2024",
        "gp_unknown,2024",
        "benchmarks.csv, row 1 (line 2), column `indicator`: indicator `gp_unknown` is not in the catalogue",
    );
    let r = "benchmark_rates.csv";
    assert_problem(
        r,
        "0-64,30.5",
        "0-64,-1.0",
        "benchmark_rates.csv, row 1 (line 2), column `rate`: `-1` is not a rate of at least 0",
    );
    assert_problem(
        r,
        "male,65+,220.0",
        "male,66+,220.0",
        "benchmark_rates.csv, column `age_band`: age bands do not tile: `66+` overlaps the open band `65+`",
    );
}

#[test]
fn respondents_of_the_monitor() {
    let f = "respondents.csv";
    assert_problem(
        f,
        "2024,120.5,A",
        "2024,0,A",
        "respondents.csv, row 1 (line 2), column `ewGGD`: `0` is not a positive weight",
    );
    assert_problem(
        f,
        "2024,120.5,A",
        "2024,,A",
        "respondents.csv, row 1 (line 2), column `ewGGD`: value is missing",
    );
    assert_problem(
        f,
        "BU99010102,2024,60.7",
        "BU99019999,2024,60.7",
        "respondents.csv, row 5 (line 6), column `area_code`: area `BU99019999` is not in the areas table",
    );
    assert_problem(
        f,
        "female,52,4",
        "female,52,7",
        "respondents.csv, row 5 (line 6), column `GZ01`: `7` is not an answer code of indicator `ggd_gezondheid` (1, 2, 3, 4, 5), or a missing code (9)",
    );
    assert_problem(
        f,
        "sex,age,GZ01",
        "sex,age,GZ02",
        "respondents.csv, column `GZ01`: indicator `ggd_gezondheid` asks this question, but `respondents` has no column by its name",
    );
    assert_problem(
        f,
        "female,34,1",
        "vrouw,34,1",
        "respondents.csv, row 1 (line 2), column `sex`: `vrouw` is not `male` or `female`",
    );
    assert_problem(
        f,
        "BU99010101,2024,95.2,A,2",
        "BU99010101,2024,95.2,A,1",
        "respondents.csv, row 1 (line 2), column `stratum`: survey design: stratum `A` has one PSU in 2024: its variance cannot be estimated (merge it with another stratum, or set `lonely_psu` in the catalogue's `[survey]`)",
    );
    assert_problem(
        f,
        "female,34,1",
        "female,,1",
        "respondents.csv, row 1 (line 2), column `age`: value is missing",
    );
    // A lonely PSU is no error when the catalogue says what it contributes.
    let mut files = files();
    for (name, text) in &mut files {
        match name.as_str() {
            "respondents.csv" => *text = text.replacen("A,2,", "A,1,", 1),
            "catalogue.toml" => {
                *text = text.replacen(
                    "psu = \"psu\"",
                    "psu = \"psu\"\nlonely_psu = \"certainty\"",
                    1,
                )
            }
            _ => {}
        }
    }
    let report = validate(&inputs(files));
    assert!(report.is_valid(), "{:?}", report.problems);

    let c = "catalogue.toml";
    assert_problem(
        c,
        "counts = [1, 2]",
        "counts = [1, 6]",
        "catalogue.toml: indicator `ggd_gezondheid`: counted answer 6 is not one of `survey.codes`",
    );
    assert_problem(
        c,
        "counts = [1, 2]\n",
        "",
        "catalogue.toml: indicator `ggd_gezondheid`: a proportion from respondents needs the answers it counts (`survey.counts`)",
    );
    assert_problem(
        c,
        "missing = [9]",
        "missing = [5]",
        "catalogue.toml: indicator `ggd_gezondheid`: answer 5 cannot be both missing and valid",
    );
    assert_problem(
        c,
        "question = \"GZ01\"",
        "question = \"ewGGD\"",
        "respondents.csv, column `ewGGD`: indicator `ggd_gezondheid` asks a question by the name of a column of the design (area, round, weight, stratum, PSU, population, sex or age)",
    );
}

#[test]
fn social_map() {
    assert_problem(
        "providers.csv",
        "district_nurse",
        "nurse",
        "providers.csv, row 1 (line 2), column `role`: `nurse` is not one of gp, district_nurse, health_broker, social_worker, youth_nurse, physiotherapist, sports_coach, other",
    );
    assert_problem(
        "providers.csv",
        "Anouk Smit,",
        ",",
        "providers.csv, row 1 (line 2), column `name`: value is missing",
    );
    assert_problem(
        "projects.csv",
        "tafel,mental",
        "tafel,sport",
        "projects.csv, row 1 (line 2), column `theme`: theme `sport` is not in the catalogue",
    );
    assert_problem(
        "projects.csv",
        "BU99010101;WK990101",
        "BU99010101;BU99019999",
        "projects.csv, row 1 (line 2), column `areas`: area `BU99019999` is not in the areas table",
    );
    assert_problem(
        "projects.csv",
        "social_worker",
        "buurtvader",
        "projects.csv, row 1 (line 2), column `contact_role`: `buurtvader` is not one of gp, district_nurse, health_broker, social_worker, youth_nurse, physiotherapist, sports_coach, other",
    );
}

#[test]
fn geometry_against_areas() {
    let g = "geometry.geojson";
    let buurt = rect("BU99010102", 151000, 152000);
    assert_problem(
        g,
        &format!(",{buurt}"),
        "",
        "geometry.geojson: area `BU99010102` has no geometry",
    );
    assert_problem(
        g,
        &buurt,
        &buurt.replace("BU99010102\"", "BU99019999\""),
        "geometry.geojson: feature 5 has area `BU99019999`, which is not in the areas table",
    );
    assert_problem(
        g,
        &buurt,
        &buurt.replace("[151000,400000]]]", "[151000,400001]]]"),
        "geometry.geojson: geometry of area `BU99010102` is invalid: a ring is not closed (first and last positions differ)",
    );
    assert_problem(
        g,
        "FeatureCollection",
        "Feature",
        "geometry.geojson: not a GeoJSON FeatureCollection",
    );
}

#[test]
fn catalogue_rules() {
    let c = "catalogue.toml";
    let problems = problems_after(c, "id = \"gp_diabetes\"", "id = gp_diabetes");
    assert!(
        problems[0].starts_with("catalogue.toml, line 13: "),
        "{problems:?}"
    );
    let problems = problems_after(c, "polarity = \"lower-better\"", "polarity = \"better\"");
    assert!(problems[0].starts_with("catalogue.toml, line 20: unknown variant `better`, expected one of `higher-better`, `lower-better`, `no-judgement`"), "{problems:?}");
    let problems = problems_after(
        c,
        "prevalence = \"jaarprevalentie\"",
        "prevalence = \"jaarprevalentie\"\ncolour = \"red\"",
    );
    assert!(
        problems[0].contains("unknown field `colour`"),
        "{problems:?}"
    );
    assert_problem(
        c,
        "theme = \"chronic\"",
        "theme = \"sport\"",
        "catalogue.toml: indicator `gp_diabetes`: theme `sport` is not a `[[theme]]` of the catalogue",
    );
    assert_problem(
        c,
        "id = \"ggd_eenzaam\"",
        "id = \"gp_diabetes\"",
        "catalogue.toml, column `indicator.id`: `gp_diabetes` is defined twice",
    );
    assert_problem(
        c,
        "age = \"18+\"",
        "age = \"18+\"\nstandardisation = \"direct\"",
        "catalogue.toml: indicator `ggd_eenzaam`: only GP counts can be standardised (set `standardisation = \"none\"`)",
    );
    assert_problem(
        c,
        "icpc = [\"T90\"]",
        "icpc = []",
        "catalogue.toml: indicator `gp_diabetes`: a GP indicator needs its ICPC codes (`icpc`)",
    );
    assert_problem(
        c,
        "icpc = [\"T90\"]",
        "icpc = [\"T9\"]",
        "catalogue.toml: indicator `gp_diabetes`: ICPC code `T9` is not a letter and two digits",
    );
    assert_problem(
        c,
        "multiplier = 1000",
        "multiplier = 0",
        "catalogue.toml: indicator `gp_diabetes`: multiplier must be a positive number, not 0",
    );
    assert_problem(
        c,
        "multiplier = 100\n",
        "multiplier = 1000\n",
        "catalogue.toml: indicator `ggd_eenzaam`: GGD proportions are percentages: multiplier must be 100",
    );
    assert_problem(
        c,
        "age = \"18+\"",
        "age = \"adults\"",
        "catalogue.toml: indicator `ggd_eenzaam`: age scope `adults` is not an age band such as `0-4` or `90+` (whole years, 0-120)",
    );
    assert_problem(
        c,
        "id = \"gp_diabetes\"",
        "id = \"GP-Diabetes\"",
        "catalogue.toml: indicator `GP-Diabetes`: id must be lower-case letters, digits and `_`, starting with a letter",
    );
    assert_problem(
        "dataset.toml",
        "synthetic = false",
        "synthetic = \"no\"",
        "dataset.toml, line 2: invalid type: string \"no\", expected a boolean",
    );
}

#[test]
fn tables_files_and_types() {
    let without = |name: &str| -> Vec<String> {
        let files: Vec<_> = files().into_iter().filter(|(n, _)| n != name).collect();
        validate(&inputs(files))
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert!(without("areas.csv").contains(&"test region: required input `areas` is missing (expected `areas.csv` or `areas.parquet`)".to_owned()));
    assert!(without("population.csv").contains(&"test region: required input `population` is missing (expected `population.csv` or `population.parquet`)".to_owned()));
    assert_eq!(
        without("catalogue.toml")[0],
        "test region: required input `catalogue` is missing (expected `catalogue.toml`)"
    );

    // Both CSV and Parquet of one table.
    let mut raw: Vec<(String, Vec<u8>)> = files()
        .into_iter()
        .map(|(n, c)| (n, c.into_bytes()))
        .collect();
    raw.push((
        "population.parquet".into(),
        population_parquet(&[400.0, 100.0, 420.0, 130.0, 300.0, 80.0, 310.0, 90.0]),
    ));
    let report = validate(&Inputs::from_files("test region".into(), raw));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.contains(
            &"population.parquet: table `population` is given both as CSV and as Parquet; keep one"
                .to_owned()
        ),
        "{problems:?}"
    );

    // A Parquet table: typed columns, rows counted without lines.
    let mut raw: Vec<(String, Vec<u8>)> = files()
        .into_iter()
        .filter(|(n, _)| n != "population.csv")
        .map(|(n, c)| (n, c.into_bytes()))
        .collect();
    raw.push((
        "population.parquet".into(),
        population_parquet(&[400.0, 1.5, 420.0, 130.0, 300.0, 80.0, 310.0, 90.0]),
    ));
    let report = validate(&Inputs::from_files("test region".into(), raw.clone()));
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        vec![
            "population.parquet, row 2, column `residents`: `1.5` is not a whole number of at least 0"
        ]
    );

    // Unreadable Parquet.
    let last = raw.len() - 1;
    raw[last].1 = b"not parquet".to_vec();
    let report = validate(&Inputs::from_files("test region".into(), raw));
    assert!(
        report.problems[0]
            .to_string()
            .starts_with("population.parquet: cannot read the file: "),
        "{}",
        report.problems[0]
    );
}

fn population_parquet(residents: &[f64]) -> Vec<u8> {
    let areas = [
        "BU99010101",
        "BU99010101",
        "BU99010101",
        "BU99010101",
        "BU99010102",
        "BU99010102",
        "BU99010102",
        "BU99010102",
    ];
    let sexes = [
        "male", "male", "female", "female", "male", "male", "female", "female",
    ];
    let bands = ["0-64", "65+", "0-64", "65+", "0-64", "65+", "0-64", "65+"];
    let mut frame = df!(
        "area_code" => areas,
        "year" => [2024_i32; 8],
        "sex" => sexes,
        "age_band" => bands,
        "residents" => residents,
    )
    .expect("frame");
    let mut bytes = Cursor::new(Vec::new());
    ParquetWriter::new(&mut bytes)
        .finish(&mut frame)
        .expect("parquet");
    bytes.into_inner()
}

#[test]
fn problems_are_capped_per_file_and_counted() {
    let mut files = files();
    let population = &mut files
        .iter_mut()
        .find(|(n, _)| n == "population.csv")
        .expect("population")
        .1;
    for i in 0..60 {
        population.push_str(&format!("BU99010101,2024,male,0-64,bad{i}\n"));
    }
    let report = validate(&inputs(files));
    let in_population = report
        .problems
        .iter()
        .filter(|p| p.location().file == "population.csv")
        .count();
    assert_eq!(in_population, wijkprofiel::PROBLEMS_PER_FILE);
    // Each added row is a bad value and a duplicate key: 120 problems, 50 shown.
    assert_eq!(report.problem_count(), 120);
    assert_eq!(report.omitted.get("population.csv"), Some(&70));
    assert!(
        report
            .to_string()
            .contains("... and 70 more in population.csv")
    );
}

#[test]
fn a_folder_is_read_from_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, content) in files() {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    std::fs::write(dir.path().join("notes.txt"), "ignored").expect("write");
    let region = Region::load(dir.path()).expect("valid folder");
    assert_eq!(region.areas.len(), 6);
    let missing = Region::load(dir.path().join("absent")).expect_err("no folder");
    assert!(missing.to_string().contains("absent"), "{missing}");
}
