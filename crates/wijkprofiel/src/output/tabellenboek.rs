//! The tabellenboek: the Excel workbook GGD analysts publish per gemeente (and for the
//! region), with the health monitor's indicators as rows by theme and the area and its parts
//! (a gemeente's wijken, a region's gemeenten) as columns: the value, its interval, the
//! respondents and the judgements against the area's parent, against the region and against
//! the previous round of the monitor, a withheld cell saying why. One
//! sheet per round, newest first, and a sheet of definitions and sources.
//!
//! The numbers are the profiles' own (`profile.parquet`): disclosure control and the
//! monitor's minimum numbers have already applied. The same profiles give the same bytes:
//! the workbook's creation time is fixed (1 January of the newest round) and the zip
//! entries carry no clock time.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::error::ProfileError;
use crate::profile::{Figure, Language, Method, Mode, Profiles};
use crate::stats::compare::Judgement;
use crate::{Level, Source};

/// Columns per area: value, lower, upper, respondents (n), judgement against the parent,
/// against the region and against the previous round.
const PER_AREA: u16 = 7;

impl Profiles {
    /// The tabellenboek of a gemeente or the region (see the module's text): `None` for
    /// another level, an unknown code, or profiles without GGD figures.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().years([2024]).build(&region)?;
    /// let workbook = profiles.tabellenboek("GM9901").expect("a demo gemeente")?;
    /// assert!(workbook.starts_with(b"PK")); // an xlsx file is a zip archive
    /// assert!(profiles.tabellenboek("WK990100").is_none()); // a wijk has none of its own
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ProfileError::Encode`] when the workbook cannot be written.
    pub fn tabellenboek(&self, code: &str) -> Option<Result<Vec<u8>, ProfileError>> {
        let area = self.area_index(code)?;
        if !matches!(self.areas[area].level, Level::Gemeente | Level::Region) {
            return None;
        }
        let ggd: Vec<usize> = (0..self.catalogue.indicators().len())
            .filter(|&i| self.catalogue.indicators()[i].source == Source::Ggd)
            .collect();
        let mut years: Vec<i32> = self
            .figures_of(code)
            .iter()
            .filter(|f| ggd.contains(&f.indicator))
            .map(|f| f.year)
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        if years.is_empty() {
            return None;
        }
        Some(
            self.workbook(area, &ggd, &years)
                .map_err(|e| ProfileError::Encode {
                    path: format!("tabellenboek/{code}.xlsx").into(),
                    message: e.to_string(),
                }),
        )
    }

    fn workbook(
        &self,
        area: usize,
        ggd: &[usize],
        years: &[i32],
    ) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let nl = self.options.language == Language::Nl;
        let t = |dutch: &'static str, english: &'static str| if nl { dutch } else { english };
        let mut book = Workbook::new();
        let created = ExcelDateTime::from_ymd(years[0] as u16, 1, 1)?;
        let title = format!("{} {}", t("Tabellenboek", "Tables"), self.areas[area].name);
        book.set_properties(
            &DocProperties::new()
                .set_title(&title)
                .set_author("wijkprofiel")
                .set_creation_datetime(&created),
        );
        let columns: Vec<usize> = std::iter::once(area)
            .chain(self.tree.children[area].iter().copied())
            .collect();
        for &year in years {
            let sheet = book.add_worksheet();
            sheet.set_name(year.to_string())?;
            self.round_sheet(sheet, &title, &columns, ggd, year)?;
        }
        let sheet = book.add_worksheet();
        sheet.set_name(t("Definities", "Definitions"))?;
        self.definitions_sheet(sheet, ggd)?;
        book.save_to_buffer()
    }

    /// One round: a title, a header of areas, then per theme its indicators.
    fn round_sheet(
        &self,
        sheet: &mut Worksheet,
        title: &str,
        columns: &[usize],
        ggd: &[usize],
        year: i32,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        let language = self.options.language;
        let nl = language == Language::Nl;
        let t = |dutch: &'static str, english: &'static str| if nl { dutch } else { english };
        let bold = Format::new().set_bold();
        let theme_format = Format::new().set_bold().set_background_color("#E8E8E8");
        let number = Format::new().set_num_format("0.0");
        let centred = Format::new().set_align(FormatAlign::Center).set_bold();
        let withheld = Format::new().set_italic().set_font_color("#666666");
        sheet.write_string_with_format(0, 0, format!("{title}, {year}"), &bold)?;
        let level = self.options.confidence.0.label().replace('_', ",");
        let note = if nl {
            format!(
                "Waarden met het {level}%-betrouwbaarheidsinterval; n = respondenten; oordeel: \
                 significant verschil met de rest van het bovenliggende gebied, met de rest van \
                 de regio en met de vorige ronde van de monitor."
            )
        } else {
            format!(
                "Values with their {}% confidence interval; n = respondents; judgement: a \
                 significant difference from the rest of the parent area, from the rest of the \
                 region and from the monitor's previous round.",
                level.replace(',', ".")
            )
        };
        sheet.write_string(1, 0, note)?;
        sheet.set_column_width(0, 48)?;
        for (k, &a) in columns.iter().enumerate() {
            let first = 1 + PER_AREA * k as u16;
            sheet.merge_range(
                3,
                first,
                3,
                first + PER_AREA - 1,
                &self.areas[a].name,
                &centred,
            )?;
            let heads = [
                t("waarde", "value"),
                t("onder", "lower"),
                t("boven", "upper"),
                "n",
                t("t.o.v. bovenliggend gebied", "vs parent area"),
                t("t.o.v. regio", "vs region"),
                t("t.o.v. vorige ronde", "since the previous round"),
            ];
            for (j, head) in heads.into_iter().enumerate() {
                sheet.write_string_with_format(4, first + j as u16, head, &bold)?;
            }
        }
        sheet.write_string_with_format(4, 0, t("Indicator", "Indicator"), &bold)?;
        sheet.set_freeze_panes(5, 1)?;
        let indicators = self.catalogue.indicators();
        let mut row = 5;
        for theme in self.catalogue.themes() {
            let listed: Vec<usize> = ggd
                .iter()
                .copied()
                .filter(|&i| indicators[i].theme == theme.id)
                .collect();
            if listed.is_empty() {
                continue;
            }
            let label = if nl { &theme.label_nl } else { &theme.label_en };
            sheet.write_string_with_format(row, 0, label, &theme_format)?;
            row += 1;
            for i in listed {
                let ind = &indicators[i];
                let label = if nl { &ind.label_nl } else { &ind.label_en };
                sheet.write_string(row, 0, format!("{label} ({})", unit(ind.multiplier, nl)))?;
                for (k, &a) in columns.iter().enumerate() {
                    let first = 1 + PER_AREA * k as u16;
                    let Some(f) = self.figure(a, i, year) else {
                        continue;
                    };
                    match f.value.filter(|_| f.is_published()) {
                        Some(v) => {
                            sheet.write_number_with_format(row, first, v.value, &number)?;
                            sheet.write_number_with_format(row, first + 1, v.lower, &number)?;
                            sheet.write_number_with_format(row, first + 2, v.upper, &number)?;
                            let standing = &f.standing;
                            let judged = [standing.parent, standing.region, standing.previous];
                            for (j, comparison) in judged.into_iter().enumerate() {
                                let judgement = comparison.judgement;
                                if !matches!(
                                    judgement,
                                    Judgement::NotCompared | Judgement::NotAvailable
                                ) {
                                    let text = super::pages::judgement_text(judgement, language);
                                    sheet.write_string(row, first + 4 + j as u16, text)?;
                                }
                            }
                        }
                        None => {
                            let reason = f.status.reason().map(|r| r.text(language));
                            let text = reason.filter(|r| !r.is_empty());
                            let text = text.unwrap_or_else(|| t("geen gegevens", "no data").into());
                            sheet.write_string_with_format(row, first, text, &withheld)?;
                        }
                    }
                    // Respondents, where the figure was made from them.
                    let respondents =
                        matches!(f.method, Method::SurveyDesign | Method::GgdRespondents);
                    if let Some(n) = f.denominator.filter(|_| respondents) {
                        sheet.write_number(row, first + 3, n)?;
                    }
                }
                row += 1;
            }
        }
        Ok(())
    }

    /// Every GGD indicator's definition, source, question and method.
    fn definitions_sheet(
        &self,
        sheet: &mut Worksheet,
        ggd: &[usize],
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        let nl = self.options.language == Language::Nl;
        let t = |dutch: &'static str, english: &'static str| if nl { dutch } else { english };
        let bold = Format::new().set_bold();
        let heads = [
            "id",
            "indicator",
            t("thema", "theme"),
            t("definitie", "definition"),
            t("eenheid", "unit"),
            t("vraag", "question"),
            t("telt antwoorden", "counts answers"),
            t("bron", "source"),
        ];
        for (j, head) in heads.into_iter().enumerate() {
            sheet.write_string_with_format(0, j as u16, head, &bold)?;
        }
        sheet.set_column_width(1, 40)?;
        sheet.set_column_width(3, 60)?;
        let source = t(
            "GGD Gezondheidsmonitor: gewogen schattingen uit de respondenten (of de aangeleverde \
             schattingen); zie docs/outputs.md",
            "GGD health monitor: weighted estimates from the respondents (or the estimates as \
             delivered); see docs/outputs.md",
        );
        for (r, &i) in ggd.iter().enumerate() {
            let ind = &self.catalogue.indicators()[i];
            let row = 1 + r as u32;
            sheet.write_string(row, 0, &ind.id)?;
            sheet.write_string(row, 1, if nl { &ind.label_nl } else { &ind.label_en })?;
            let theme = self.catalogue.themes().iter().find(|th| th.id == ind.theme);
            let theme = theme.map_or(
                &ind.theme,
                |th| if nl { &th.label_nl } else { &th.label_en },
            );
            sheet.write_string(row, 2, theme)?;
            sheet.write_string(row, 3, &ind.definition)?;
            sheet.write_string(row, 4, unit(ind.multiplier, nl))?;
            if let Some(q) = &ind.survey {
                sheet.write_string(row, 5, &q.question)?;
                let counts: Vec<String> = q.counts.iter().map(ToString::to_string).collect();
                sheet.write_string(row, 6, counts.join(", "))?;
            }
            sheet.write_string(row, 7, source)?;
        }
        Ok(())
    }

    /// The figure of an area, indicator and year (residence, the GGD's mode).
    fn figure(&self, area: usize, indicator: usize, year: i32) -> Option<&Figure> {
        self.figures[self.by_area[area].clone()]
            .iter()
            .find(|f| f.indicator == indicator && f.year == year && f.mode == Mode::Residence)
    }
}

/// The unit of a multiplier: `%` for 100, a mean for 1, else `per N`.
fn unit(multiplier: f64, nl: bool) -> String {
    match multiplier {
        100.0 => "%".into(),
        1.0 if nl => "gemiddelde".into(),
        1.0 => "mean".into(),
        _ => format!("per {multiplier}"),
    }
}
