//! The page notes that describe how the figures were made, written from the options of the
//! build (standard population, confidence levels, disclosure thresholds and rounding), so a
//! page never claims a method or a threshold the run did not use.

use crate::Catalogue;
use crate::profile::numbers::exact as number;
use crate::profile::{Language, Options};
use crate::stats::standard::StandardPopulation;

/// A confidence level as a percentage: `95%`, `99,8%` (Dutch) or `99.8%`.
pub(super) fn percent(level: f64, language: Language) -> String {
    // Levels are given to a few decimals; rounding to 1e-9 undoes 0.998 × 100's float error.
    let hundred = (level * 100.0 * 1e9).round() / 1e9;
    format!("{}%", number(hundred, language))
}

/// The run's standard population by name: "Europese standaardbevolking 2013",
/// "standard population NL-equal".
pub(super) fn standard(options: &Options) -> String {
    let esp = options.standard == StandardPopulation::esp2013();
    let name = options.standard.name();
    match (options.language, esp) {
        (Language::Nl, true) => "Europese standaardbevolking 2013".to_owned(),
        (Language::Nl, false) => format!("standaardbevolking {name}"),
        (Language::En, true) => "European Standard Population 2013".to_owned(),
        (Language::En, false) => format!("standard population {name}"),
    }
}

/// Standardisation and confidence: the standard population and the two levels of the run.
pub(super) fn methods(options: &Options) -> String {
    let language = options.language;
    let inner = percent(options.confidence.0.level(), language);
    let outer = percent(options.confidence.1.level(), language);
    let standard = standard(options);
    match language {
        Language::Nl => {
            format!(
                "Leeftijdsstandaardisatie (direct, {standard}) maakt gebieden met een andere \
                 leeftijdsopbouw vergelijkbaar; {inner}-betrouwbaarheidsintervallen, oordelen \
                 op {inner} en {outer}."
            )
        }
        Language::En => {
            format!(
                "Age standardisation (direct, {standard}) makes areas with different age \
                 structures comparable; {inner} confidence intervals, judgements at {inner} \
                 and {outer}."
            )
        }
    }
}

/// Disclosure control as the run applied it: off, or its thresholds, whether some sources or
/// indicators have their own, and the rounding base.
pub(super) fn privacy(options: &Options, catalogue: &Catalogue) -> String {
    let d = &options.disclosure;
    let language = options.language;
    let en = language == Language::En;
    if !d.enabled {
        return if en {
            "Privacy: disclosure control was off for this run; these figures are not for \
             publication."
        } else {
            "Privacy: de afscherming van kleine aantallen stond uit bij deze run; deze cijfers \
             zijn niet bedoeld voor publicatie."
        }
        .to_owned();
    }
    let n = |v| number(v, language);
    let (count, rate, percentage) = (
        n(d.min_count),
        n(d.min_denominator),
        n(d.min_denominator_percent),
    );
    let mut text = if en {
        format!(
            "Privacy: small counts (below {count}) and values on small denominators (below \
             {rate}; percentages below {percentage}) are withheld, and other cells where \
             needed, so that nothing can be worked back."
        )
    } else {
        format!(
            "Privacy: kleine aantallen (onder {count}) en waarden op kleine noemers (onder \
             {rate}; percentages onder {percentage}) zijn afgeschermd, en zo nodig ook andere \
             cellen, zodat niets terug te rekenen is."
        )
    };
    let own = catalogue.indicators().iter().any(|ind| {
        let limits = d.limits(ind);
        let base = if ind.multiplier == 100.0 {
            d.min_denominator_percent
        } else {
            d.min_denominator
        };
        limits.min_count != d.min_count
            || (limits.min_denominator != 0.0 && limits.min_denominator != base)
    });
    if own {
        text.push_str(if en {
            " Some sources or indicators have thresholds of their own (see the run's metadata)."
        } else {
            " Voor sommige bronnen of indicatoren gelden eigen drempels (zie de metadata van de \
             run)."
        });
    }
    if let Some(base) = d.round_to {
        let base = n(base);
        text.push_str(&if en {
            format!(" Published counts are rounded to multiples of {base}.")
        } else {
            format!(" Gepubliceerde aantallen zijn afgerond op veelvouden van {base}.")
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_levels_read_as_written() {
        assert_eq!(percent(0.95, Language::Nl), "95%");
        assert_eq!(percent(0.998, Language::Nl), "99,8%");
        assert_eq!(percent(0.998, Language::En), "99.8%");
        assert_eq!(percent(0.9, Language::En), "90%");
        assert_eq!(number(12.5, Language::Nl), "12,5");
        assert_eq!(number(15.0, Language::En), "15");
    }
}
