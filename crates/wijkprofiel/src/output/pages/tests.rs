//! The pages on the demo region: one per area, every index link resolves, names with markup
//! are shown as text, and nothing is fetched from elsewhere.

use crate::output::{page_file, write};
use crate::profile::{ProfileBuilder, Profiles};
use crate::{Areas, Catalogue, Region};

fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// No network request: no scripts, no external styles, images or fonts.
fn self_contained(html: &str) {
    for needle in [
        "<script",
        "src=",
        "<link",
        "url(http",
        "@import",
        "href=\"http",
    ] {
        assert!(!html.contains(needle), "{needle}");
    }
}

/// The demo's profiles of 2024 in `language`.
fn demo_2024(region: &Region, language: crate::profile::Language) -> Profiles {
    ProfileBuilder::new()
        .language(language)
        .years([2024])
        .build(region)
        .expect("build")
}

#[test]
fn every_area_has_a_page_and_every_index_link_resolves() {
    let region = Region::demo().expect("demo");
    let profiles = ProfileBuilder::new().build(&region).expect("build");
    let dir = tempfile::tempdir().expect("tempdir");
    write::write(
        &profiles,
        dir.path(),
        write::Shard::WHOLE,
        &crate::progress::Silent,
    )
    .expect("write");
    let pages = dir.path().join(write::PAGES);
    let index = std::fs::read_to_string(pages.join("index.html")).expect("index");
    self_contained(&index);
    let links = hrefs(&index);
    for area in profiles.areas() {
        let file = page_file(&area.code);
        assert!(links.contains(&file), "the index links {file}");
        let page = std::fs::read_to_string(pages.join(&file)).expect("page");
        self_contained(&page);
        for link in hrefs(&page) {
            assert!(pages.join(&link).is_file(), "{file} links {link}");
        }
    }
    for link in &links {
        assert!(pages.join(link).is_file(), "index links {link}");
    }
    // The overview's tartan rug has a letter in every coloured cell.
    assert!(index.contains("class=\"rug\"") && index.matches("<td style=").count() > 500);
}

#[test]
fn a_wijk_page_has_every_part() {
    let region = Region::demo().expect("demo");
    let profiles = ProfileBuilder::new().build(&region).expect("build");
    let page = profiles.page_html("WK990100").expect("page");
    for part in [
        "SYNTHETISCHE DEMODATA",
        "class=\"pyramid\"",
        "class=\"map\"",
        "class=\"spine\"",
        "Prioriteiten voor de sessie",
        "Zorg-welzijndriehoek",
        "Bronnen, methoden en toelichting",
        "href=\"index.html\"",
    ] {
        assert!(page.contains(part), "{part}");
    }
    let english = ProfileBuilder::new()
        .language(crate::profile::Language::En)
        .years([2024])
        .build(&region)
        .expect("build");
    let page = english.page_html("BU99070303").expect("a tiny buurt");
    assert!(page.contains("lang=\"en\"") && page.contains("Priority themes"));
    assert!(
        page.contains("withheld (privacy)"),
        "withheld figures are marked"
    );
    assert!(page.contains("small numbers: ") && page.contains("no estimate for this area"));
    // A Dutch page gives the reasons in Dutch.
    let dutch = ProfileBuilder::new()
        .years([2024])
        .build(&region)
        .expect("build");
    let page = dutch.page_html("BU99070303").expect("a tiny buurt");
    assert!(page.contains("afgeschermd (privacy)"));
    assert!(page.contains("kleine aantallen: ") && page.contains("geen schatting voor dit gebied"));
    for english in ["small numbers: ", "no estimate", "no listed"] {
        assert!(!page.contains(english), "{english}");
    }
}

#[test]
fn a_monitor_figure_shows_its_judgement_against_the_previous_round() {
    // The wijk's page says, beside the trend, how each health-monitor figure compares with
    // its previous round, as the document's `standing.previous` judges it.
    let region = Region::demo().expect("demo");
    let profiles = ProfileBuilder::new().build(&region).expect("build");
    let page = profiles.page_html("WK990100").expect("page");
    let figures = profiles.figures_of("WK990100");
    let latest = |f: &crate::profile::Figure| {
        figures
            .iter()
            .filter(|g| (g.indicator, g.mode) == (f.indicator, f.mode))
            .all(|g| g.year <= f.year)
    };
    // The page shows each indicator's latest round.
    let compared: Vec<_> = figures
        .iter()
        .filter(|f| !f.standing.previous.is_unset() && latest(f))
        .collect();
    assert!(!compared.is_empty(), "the demo compares rounds");
    assert_eq!(page.matches("<small>t.o.v. ").count(), compared.len());
    for f in compared {
        let year = f.standing.previous_year.expect("a previous round");
        let judged =
            super::judgement_text(f.standing.previous.judgement, crate::profile::Language::Nl);
        let said = format!("<small>t.o.v. {year}: {judged}</small>");
        assert!(page.contains(&said), "{said}");
    }
}

/// The demo with a wijk and an indicator whose names carry markup and quotes.
fn hostile() -> Profiles {
    let mut region = Region::demo().expect("demo");
    let areas: Vec<_> = region
        .areas
        .iter()
        .cloned()
        .map(|mut a| {
            if a.code == "WK990100" {
                a.name = "<script>alert('x')</script> \"Centrum\"".into();
            }
            a
        })
        .collect();
    region.areas = Areas::new(areas);
    let bytes = crate::demo::EMBEDDED
        .iter()
        .find(|(name, _)| *name == "catalogue.toml")
        .map(|(_, b)| *b)
        .expect("catalogue");
    let text = String::from_utf8_lossy(bytes).replacen(
        "label_nl = \"",
        "label_nl = \"<script>alert(1)</script> ",
        1,
    );
    region.catalogue = Catalogue::parse("catalogue.toml", &text).expect("catalogue");
    ProfileBuilder::new()
        .years([2024])
        .build(&region)
        .expect("build")
}

#[test]
fn names_with_markup_are_shown_as_text_on_every_page() {
    let profiles = hostile();
    let mut pages: Vec<String> = profiles
        .areas()
        .filter_map(|a| profiles.page_html(&a.code))
        .collect();
    pages.push(profiles.overview_html());
    pages.push(profiles.card_html("WK990100").expect("card"));
    let mut shown = 0;
    for page in &pages {
        assert!(!page.contains("<script"), "raw markup");
        assert!(!page.contains("alert('x')"), "raw quotes");
        shown += usize::from(
            page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Centrum&quot;"),
        );
    }
    assert!(
        shown > 5,
        "the wijk's name appears as text on its own, its buurten's and the index: {shown}"
    );
}

/// The notes of every page say what the run did: its thresholds and rounding, that
/// disclosure control was off, its standard population and confidence levels.
#[test]
fn every_page_states_the_settings_of_its_run() {
    use crate::profile::{Disclosure, Language};
    use crate::stats::Confidence;
    use crate::stats::standard::StandardPopulation;

    let region = Region::demo().expect("demo");
    let pages = |builder: ProfileBuilder| {
        let profiles = builder.build(&region).expect("build");
        let pages: Vec<String> = profiles
            .areas()
            .map(|a| profiles.page_html(&a.code).expect("page"))
            .collect();
        assert!(pages.len() > 300);
        pages
    };

    let strict = Disclosure {
        min_count: 15.0,
        round_to: Some(5.0),
        ..Disclosure::default()
    };
    for page in pages(ProfileBuilder::new().disclosure(strict)) {
        assert!(page.contains("kleine aantallen (onder 15)"), "min_count");
        assert!(page.contains("afgerond op veelvouden van 5"), "round_to");
        assert!(!page.contains("(onder 10)"));
    }

    for page in pages(ProfileBuilder::new().disclosure(Disclosure::off())) {
        assert!(page.contains("afscherming van kleine aantallen stond uit"));
        assert!(!page.contains("kleine aantallen (onder"));
    }

    let esp = StandardPopulation::esp2013();
    let equal: Vec<_> = esp.bands().map(|(band, _)| (band, 1.0)).collect();
    let standard = StandardPopulation::new("NL-equal", equal).expect("bands");
    let level = |l| Confidence::new(l).expect("level");
    let given = ProfileBuilder::new()
        .standard_population(standard)
        .confidence(level(0.9), level(0.99))
        .language(Language::En);
    for page in pages(given) {
        assert!(page.contains("(direct, standard population NL-equal)"));
        assert!(page.contains("90% confidence intervals, judgements at 90% and 99%."));
        assert!(
            page.contains("<th scope=\"col\">90%</th>"),
            "the interval column's level"
        );
        assert!(!page.contains("European Standard Population") && !page.contains("99.8%"));
        assert!(page.contains("small counts (below 10)"));
    }
}

/// The numbers in a page's table cells (`<td class="n">`), ranges split at the dash (not
/// the status of a figure without one).
fn cell_numbers(html: &str) -> Vec<String> {
    html.split("<td class=\"n\">")
        .skip(1)
        .filter_map(|rest| rest.split("</td>").next())
        .flat_map(|cell| cell.split('–').map(str::to_owned).collect::<Vec<_>>())
        .filter(|n| n.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
        .collect()
}

/// Whether `text` is a number as `language` writes it: digits grouped by three with
/// `thousands` from five digits up, `point` before the decimals.
fn written(text: &str, thousands: char, point: char) -> bool {
    let text = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = text.split_once(point).unwrap_or((text, ""));
    let groups: Vec<&str> = whole.split(thousands).collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let grouped = match groups.as_slice() {
        [one] => digits(one) && one.len() <= 4,
        [first, rest @ ..] => {
            digits(first) && first.len() <= 3 && rest.iter().all(|g| digits(g) && g.len() == 3)
        }
        [] => false,
    };
    grouped && (fraction.is_empty() || digits(fraction))
}

#[test]
fn numbers_are_written_as_the_page_language_writes_them() {
    let region = Region::demo().expect("demo");
    for (language, thousands, point) in [
        (crate::profile::Language::Nl, '.', ','),
        (crate::profile::Language::En, ',', '.'),
    ] {
        let profiles = demo_2024(&region, language);
        let (mut checked, mut decimals, mut grouped) = (0, 0, 0);
        for code in ["GM9901", "WK990100", "BU99010000"] {
            let page = profiles.page_html(code).expect("page");
            for n in cell_numbers(&page) {
                assert!(
                    written(&n, thousands, point),
                    "{code}: {n:?} in {language:?}"
                );
                checked += 1;
                decimals += usize::from(n.contains(point));
                grouped += usize::from(n.contains(thousands));
            }
            // Plurals as written: never "indicator(en)" or "1 indicatoren".
            assert!(
                !page.contains("(en)")
                    && !page.contains("(s) ")
                    && !page.contains(" 1 indicatoren")
            );
        }
        assert!(
            checked > 100 && decimals > 20 && grouped > 0,
            "{checked} {decimals} {grouped}"
        );
        let card = profiles.card_html("WK990100").expect("card");
        let english = ["worse", "similar", "better", "suppressed"];
        if language == crate::profile::Language::Nl {
            assert!(
                english.iter().all(|w| !card.contains(&format!(">{w}<"))),
                "{card}"
            );
        }
    }
}

#[test]
fn the_social_map_reads_in_the_page_language() {
    // Roles, themes and the triangle in words, the professionals by name and organisation,
    // and each project with whom it is for: no data codes on the page.
    let region = Region::demo().expect("demo");
    for (language, words) in [
        (
            crate::profile::Language::Nl,
            [
                "huisartsen",
                "Organisatie",
                "Voor wie",
                "Leefstijl",
                "ontbreekt nog: huisarts en wijkverpleegkundige",
            ],
        ),
        (
            crate::profile::Language::En,
            [
                "GPs",
                "Organisation",
                "For whom",
                "Lifestyle",
                "missing: GP and district nurse",
            ],
        ),
    ] {
        let profiles = demo_2024(&region, language);
        let mut pages = String::new();
        for code in ["WK990100", "WK990101"] {
            let page = profiles.page_html(code).expect("page");
            let doc = profiles.document(code).expect("document");
            let map = &doc.social_map;
            for p in &map.providers {
                assert!(
                    page.contains(&format!("<td>{}</td>", p.name)),
                    "{code}: {}",
                    p.name
                );
                assert!(page.contains(&p.organisation), "{code}: {}", p.organisation);
            }
            for project in map.projects.values().flatten() {
                let group = project.target_group.as_deref().expect("the demo names it");
                assert!(page.contains(group), "{code}: {group}");
            }
            let social = &page[page.find("<h2>").unwrap()..];
            for code_word in [
                "district_nurse",
                "health_broker",
                "social_worker",
                ">gp<",
                ">lifestyle<",
                ">overweight<",
            ] {
                assert!(!social.contains(code_word), "{code}: {code_word}");
            }
            pages.push_str(&page);
        }
        for w in words {
            assert!(pages.contains(w), "{language:?}: {w}");
        }
    }
}

#[test]
fn every_judged_row_shows_what_it_is_judged_against() {
    // The Netherlands column is never empty where the judgement is against the
    // Netherlands: a standardised GP figure shows its ratio to the national rates.
    let region = Region::demo().expect("demo");
    for language in [crate::profile::Language::Nl, crate::profile::Language::En] {
        let profiles = demo_2024(&region, language);
        let (mut judged, mut ratios) = (0, 0);
        for code in ["GM9901", "WK990100", "BU99010000"] {
            let page = profiles.page_html(code).expect("page");
            for row in page.split("<tr><td>").skip(1) {
                let cells: Vec<&str> = row
                    .split("</td>")
                    .map(|c| c.rsplit('>').next().unwrap_or(""))
                    .collect();
                let judgement = row.split("class=\"sw\"").nth(1).unwrap_or("");
                let against_region = judgement.contains("(t.o.v. de regio)")
                    || judgement.contains("(vs the region)");
                let unjudged = ["n.v.t.", "n/a", "niet vergeleken", "not compared"]
                    .iter()
                    .any(|w| judgement.split("</td>").next().unwrap_or("").contains(w));
                if cells.len() < 8 || unjudged || against_region {
                    continue;
                }
                judged += 1;
                let national = cells[7];
                assert!(national != "—" && !national.is_empty(), "{code}: {row}");
                ratios += usize::from(national.starts_with('×'));
            }
        }
        assert!(judged > 30 && ratios > 5, "{judged} {ratios}");
    }
}

#[test]
fn every_row_says_its_unit_and_method_and_every_indicator_is_defined() {
    let region = Region::demo().expect("demo");
    for (language, words) in [
        (
            crate::profile::Language::Nl,
            [
                "per 1000 ingeschreven patiënten, leeftijdsgestandaardiseerd (direct, Europese standaardbevolking 2013)",
                "% van de inwoners van 18 jaar en ouder, kleine-domeinschatting",
                "Definities",
            ],
        ),
        (
            crate::profile::Language::En,
            [
                "per 1000 listed patients, age-standardised (direct, European Standard Population 2013)",
                "% of residents aged 18 and over, small-area estimate",
                "Definitions",
            ],
        ),
    ] {
        let profiles = demo_2024(&region, language);
        let page = profiles.page_html("WK990100").expect("page");
        for w in words {
            assert!(page.contains(w), "{language:?}: {w}");
        }
        let doc = profiles.document("WK990100").expect("document");
        let shown: Vec<_> = doc
            .indicators
            .iter()
            .filter(|i| i.latest(crate::profile::figure::Mode::Residence).is_some())
            .collect();
        assert!(shown.len() > 15);
        let shown_count = shown.len();
        // A unit under every row's label, a definition with its source for every indicator.
        assert_eq!(page.matches("<small class=\"unit\">").count(), shown.len());
        let definitions = &page[page.find("class=\"definitions\"").expect("a section")..];
        let definitions = &definitions[..definitions.find("</section>").expect("its end")];
        for ind in shown {
            let entry = format!("<dt>{}</dt><dd>{}", ind.label, ind.definition);
            assert!(definitions.contains(&entry), "{entry}");
        }
        assert_eq!(definitions.matches("<dt>").count(), shown_count);
        // What to keep in mind, once per source (GP, GGD, CBS), not per indicator.
        assert_eq!(definitions.matches("<li>").count(), 3);
    }
}

#[test]
fn tables_have_captions_and_scopes_and_charts_say_what_they_show() {
    let region = Region::demo().expect("demo");
    for language in [crate::profile::Language::Nl, crate::profile::Language::En] {
        let profiles = demo_2024(&region, language);
        let mut pages: Vec<String> = ["GM9901", "WK990100", "BU99070303"]
            .iter()
            .map(|c| profiles.page_html(c).expect("page"))
            .collect();
        pages.push(profiles.overview_html());
        for page in &pages {
            // Every table has a caption and every header cell its scope.
            assert_eq!(
                page.matches("<table").count(),
                page.matches("<caption>").count()
            );
            let headers = page.matches("<th>").count() + page.matches("<th ").count();
            assert!(headers > 0);
            assert_eq!(
                headers,
                page.matches(" scope=\"").count(),
                "every <th> has a scope"
            );
            // Every chart has a text alternative; a spine chart's gives the numbers.
            for chart in page.split("role=\"img\"").skip(1) {
                let alt = chart
                    .strip_prefix(" aria-label=\"")
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or("");
                assert!(!alt.trim().is_empty(), "a chart without a text alternative");
            }
            for spine in page.split("class=\"spine\"").skip(1) {
                let alt = spine.split("aria-label=\"").nth(1).unwrap_or("");
                let alt = alt.split('"').next().unwrap_or("");
                assert!(
                    alt.contains(':') && alt.chars().any(|c| c.is_ascii_digit()),
                    "{alt}"
                );
            }
        }
    }
}

#[test]
fn every_row_draws_its_trend_and_says_whether_it_is_better_or_worse() {
    use crate::Polarity;
    use crate::profile::Language;
    use crate::profile::figure::Mode;
    let region = Region::demo().expect("demo");
    for language in [Language::Nl, Language::En] {
        let profiles = ProfileBuilder::new()
            .language(language)
            .build(&region)
            .expect("build");
        for code in ["WK990100", "GM9901", "BU99070303"] {
            let page = profiles.page_html(code).expect("page");
            let doc = profiles.document(code).expect("document");
            // Each row whose indicator has two or more years published draws them, one
            // dot per year.
            let (mut charts, mut dots, mut judged) = (0, 0, 0);
            for ind in &doc.indicators {
                let Some(f) = ind.latest(Mode::Residence) else {
                    continue;
                };
                let shown = ind
                    .figures
                    .iter()
                    .filter(|g| g.mode == Mode::Residence && g.published().is_some())
                    .count();
                if shown >= 2 {
                    charts += 1;
                    dots += shown;
                }
                let moving = f
                    .standing
                    .trend
                    .is_some_and(|t| matches!(t.direction, "increasing" | "decreasing"));
                if moving && matches!(ind.polarity, Polarity::HigherBetter | Polarity::LowerBetter)
                {
                    judged += 1;
                }
            }
            let drawn: Vec<&str> = page
                .split("class=\"trend\"")
                .skip(1)
                .map(|c| c.split("</svg>").next().unwrap_or(""))
                .collect();
            assert_eq!(drawn.len(), charts, "{code}");
            let circles: usize = drawn.iter().map(|c| c.matches("h0").count()).sum();
            assert_eq!(circles, dots, "{code}");
            // Each says in words what it shows: the years, and the region beside it.
            for chart in &drawn {
                let alt = chart.split("aria-label=\"").nth(1).unwrap_or("");
                assert!(alt.contains('–') && alt.contains("20"), "{alt}");
                let region = if language == Language::En {
                    "the region"
                } else {
                    "de regio"
                };
                assert_eq!(chart.contains("class=\"r\""), alt.contains(region), "{alt}");
            }
            // A rising or falling figure says whether that is better or worse.
            let (better, worse) = match language {
                Language::En => (", better", ", worse"),
                Language::Nl => (", beter", ", slechter"),
            };
            // In the visible text (the charts' text alternatives say it too).
            let visible: String = page
                .split("<svg")
                .map(|piece| piece.split_once("</svg>").map_or(piece, |(_, after)| after))
                .collect();
            let said = visible.matches(better).count() + visible.matches(worse).count();
            assert_eq!(said, judged, "{code}");
        }
        if language == Language::Nl {
            assert!(charts_in(&profiles, "WK990100") > 5, "the demo has series");
        }
    }
}

fn charts_in(profiles: &Profiles, code: &str) -> usize {
    let page = profiles.page_html(code).expect("page");
    page.matches("class=\"trend\"").count()
}

#[test]
fn the_overview_groups_wijken_by_gemeente_with_years_values_and_the_netherlands() {
    use crate::profile::Language;
    let region = Region::demo().expect("demo");
    let profiles = ProfileBuilder::new().build(&region).expect("build");
    let page = profiles.overview_html();
    let rug = page
        .split("<table class=\"rug\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the rug");
    // The Netherlands first, with values, then the region.
    let reference = rug
        .split("<tbody class=\"ref\">")
        .nth(1)
        .expect("reference rows");
    let reference = reference.split("</tbody>").next().unwrap_or("");
    assert!(reference.starts_with("<tr><th scope=\"row\">Nederland</th>"));
    assert!(reference.contains(",") && reference.contains("href=\"GG9901.html\""));
    // Each gemeente heads a group: its name, its own row, then its wijken.
    let groups: Vec<&str> = rug.split("scope=\"rowgroup\">").skip(1).collect();
    let gemeenten: Vec<&crate::Area> = profiles
        .areas()
        .filter(|a| a.level == crate::Level::Gemeente)
        .collect();
    assert_eq!(groups.len(), gemeenten.len());
    for (group, gemeente) in groups.iter().zip(&gemeenten) {
        assert!(
            group.starts_with(&super::escape_html(&gemeente.name)),
            "{group}"
        );
        let links = hrefs(group);
        assert_eq!(links[0], page_file(&gemeente.code));
        for link in &links[1..] {
            let code = link.trim_end_matches(".html");
            let wijk = profiles.areas().find(|a| a.code == code).expect("area");
            assert_eq!(wijk.level, crate::Level::Wijk);
            assert_eq!(
                wijk.parent.as_deref(),
                Some(gemeente.code.as_str()),
                "{code}"
            );
        }
    }
    // Every column says its year, and every cell its judgement, value and year on hover.
    let header = rug.split("</thead>").next().unwrap_or("");
    let columns = header.matches("class=\"v\"").count();
    assert!(columns > 10);
    assert_eq!(header.matches("<small>2024</small>").count(), columns);
    for cell in rug.split("<td style=").skip(1) {
        let title = cell.split("title=\"").nth(1).unwrap_or("");
        let title = title.split('"').next().unwrap_or("");
        assert!(title.contains(": ") && title.ends_with(')'), "{title}");
    }
    // A national run's title counts its regions instead of naming 25.
    let many = ["A"; 25];
    assert_eq!(super::overview::title(&many, Language::Nl), "25 regio's");
    assert_eq!(super::overview::title(&many[..2], Language::En), "A, A");
}

/// The map section of a page: each shape's code and fill, the names written on it, and its
/// legend.
fn map_parts(page: &str) -> (Vec<(String, String)>, Vec<String>, String) {
    let section = page
        .split("<section class=\"map\">")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("a map section");
    let shapes = section
        .split("<path ")
        .skip(1)
        .map(|p| {
            let attribute = |name: &str| {
                p.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .expect(name)
                    .to_owned()
            };
            (attribute("data-code"), attribute("fill"))
        })
        .collect();
    let names = section
        .split("<text class=\"ml\"")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split('<').next()))
        .map(str::to_owned)
        .collect();
    let legend = section
        .split("</svg>")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (shapes, names, legend)
}

#[test]
fn the_map_colours_areas_by_judgement_names_them_and_has_a_legend() {
    use super::svg;
    use crate::profile::{Language, MapColours};
    let region = Region::demo().expect("demo");
    for language in [Language::Nl, Language::En] {
        let profiles = demo_2024(&region, language);
        let doc = profiles.document("WK990100").expect("document");
        let indicator = profiles.map_indicator(&doc).expect("an indicator to map");
        let page = profiles.page_html("WK990100").expect("page");
        let (shapes, names, legend) = map_parts(&page);
        assert!(shapes.len() > 5, "the wijk among its neighbours");
        for (code, fill) in &shapes {
            let a = profiles.index[code.as_str()];
            let expected = profiles
                .latest(a, indicator)
                .filter(|f| f.is_published())
                .map_or("#dddddd", |f| svg::colour(super::headline_judgement(f)));
            assert_eq!(fill, expected, "{code}");
            // Every colour on the map is in the legend, and the other way round.
            assert!(legend.contains(&format!("background:{fill}")), "{fill}");
        }
        assert_eq!(
            legend.matches("class=\"sw\"").count(),
            shapes
                .iter()
                .map(|s| &s.1)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
        assert!(legend.contains(language.pick("t.o.v. Nederland", "against the Netherlands")));
        // Names are written where they fit, and they are the areas' names.
        assert!(names.len() * 2 >= shapes.len(), "{names:?}");
        for name in &names {
            assert!(
                shapes
                    .iter()
                    .any(|(c, _)| profiles.areas[profiles.index[c.as_str()]].name == *name),
                "{name}"
            );
        }
    }
    // By value: five classes of equal width, darker for higher values, ranges in the legend.
    let profiles = ProfileBuilder::new()
        .years([2024])
        .map_colours(MapColours::Value)
        .build(&region)
        .expect("build");
    let doc = profiles.document("GM9901").expect("document");
    let indicator = profiles.map_indicator(&doc).expect("indicator");
    let (shapes, _, legend) = map_parts(&profiles.page_html("GM9901").expect("page"));
    let mut by_value: Vec<(f64, String)> = shapes
        .iter()
        .filter_map(|(code, fill)| {
            let f = profiles.latest(profiles.index[code.as_str()], indicator)?;
            Some((f.published()?.value, fill.clone()))
        })
        .collect();
    by_value.sort_by(|a, b| a.0.total_cmp(&b.0));
    let shades: Vec<String> = (0..5).map(|c| svg::shade((c as f64 + 0.5) / 5.0)).collect();
    let class = |fill: &str| {
        shades
            .iter()
            .position(|s| s == fill)
            .expect("a class shade")
    };
    assert!(by_value.len() >= 5);
    assert!(
        by_value
            .windows(2)
            .all(|w| class(&w[0].1) <= class(&w[1].1))
    );
    assert_eq!(
        class(&by_value[0].1),
        0,
        "the lowest value in the first class"
    );
    assert_eq!(class(&by_value[by_value.len() - 1].1), 4);
    assert!(legend.contains('–') && legend.contains(',') && !legend.contains("Nederland"));
}
