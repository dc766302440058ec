//! Numbers as a reader of the page's language writes them: Dutch with a decimal comma and a
//! point between thousands (`12.345,6`), English with a decimal point and a comma
//! (`12,345.6`); "—" where there is no number.

use crate::profile::Language;

/// No number: withheld, missing or not compared.
const NONE: &str = "—";

/// `value` with `decimals` decimals, thousands grouped (from 10,000 up; four digits stay
/// together, as both languages' style guides write them).
///
/// ```text
/// fixed(12345.64, 1, Nl) == "12.345,6"     fixed(1234.4, 0, En) == "1234"
/// ```
pub(crate) fn fixed(value: f64, decimals: usize, language: Language) -> String {
    let (point, thousands) = match language {
        Language::Nl => (',', '.'),
        Language::En => ('.', ','),
    };
    let text = format!("{value:.decimals$}");
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let mut out = String::with_capacity(text.len() + 4);
    out.push_str(sign);
    if whole.len() > 4 {
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(thousands);
            }
            out.push(digit);
        }
    } else {
        out.push_str(whole);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    // "-0,0" reads as a sign without a number.
    if out
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == point)
    {
        out = out.trim_start_matches('-').to_owned();
    }
    out
}

/// A value in its unit: whole from 100 up, else with one decimal.
pub(crate) fn value(v: Option<f64>, language: Language) -> String {
    v.map_or_else(
        || NONE.to_owned(),
        |v| fixed(v, if v.abs() >= 100.0 { 0 } else { 1 }, language),
    )
}

/// A count, whole.
pub(crate) fn count(v: Option<f64>, language: Language) -> String {
    v.map_or_else(|| NONE.to_owned(), |v| fixed(v, 0, language))
}

/// A setting as written, without trailing zeros (`12,5`, `15`, `0,998`).
pub(crate) fn exact(v: f64, language: Language) -> String {
    if v.fract() == 0.0 {
        return fixed(v, 0, language);
    }
    let text = fixed(v, 6, language);
    text.trim_end_matches('0').to_owned()
}

/// `n` and the noun for `n` of it: `1 indicator`, `3 indicatoren`.
pub(crate) fn counted(n: usize, one: &str, many: &str, language: Language) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{} {noun}", fixed(n as f64, 0, language))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::{En, Nl};

    #[test]
    fn numbers_read_as_each_language_writes_them() {
        assert_eq!(fixed(12_345.64, 1, Nl), "12.345,6");
        assert_eq!(fixed(12_345.64, 1, En), "12,345.6");
        assert_eq!(fixed(1_234_567.0, 0, Nl), "1.234.567");
        assert_eq!(fixed(1234.5, 0, En), "1234");
        assert_eq!(fixed(-0.04, 1, Nl), "0,0");
        assert_eq!(fixed(-12.25, 1, Nl), "-12,2");
        assert_eq!(value(Some(143.4), Nl), "143");
        assert_eq!(value(Some(14.34), Nl), "14,3");
        assert_eq!(value(None, En), "—");
        assert_eq!(count(Some(23_456.0), Nl), "23.456");
        assert_eq!(exact(12.5, Nl), "12,5");
        assert_eq!(exact(15.0, En), "15");
        assert_eq!(exact(99.8, Nl), "99,8");
        assert_eq!(counted(1, "indicator", "indicatoren", Nl), "1 indicator");
        assert_eq!(
            counted(12_000, "indicator", "indicators", En),
            "12,000 indicators"
        );
    }
}
