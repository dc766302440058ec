//! Age bands such as `0-4`, `18-64` and `90+`, and the rule that a table's bands tile.

use std::fmt;
use std::str::FromStr;

/// An age band: whole years from `lower` to `upper` inclusive, or `lower` and over.
///
/// # Examples
///
/// ```
/// use wijkprofiel::AgeBand;
/// let band: AgeBand = "5-9".parse().unwrap();
/// assert_eq!((band.lower, band.upper), (5, Some(9)));
/// assert_eq!("90+".parse::<AgeBand>().unwrap().to_string(), "90+");
/// assert!("9-5".parse::<AgeBand>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgeBand {
    /// First year of age in the band.
    pub lower: u8,
    /// Last year of age in the band; `None` for an open band (`90+`).
    pub upper: Option<u8>,
}

/// The reason a text is not an age band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeBandParseError(pub &'static str);

impl fmt::Display for AgeBandParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl AgeBand {
    /// The expectation stated in errors.
    pub const EXPECTED: &'static str = "an age band such as `0-4` or `90+` (whole years, 0-120)";

    /// A closed band.
    pub const fn closed(lower: u8, upper: u8) -> Self {
        Self {
            lower,
            upper: Some(upper),
        }
    }

    /// An open band (`lower` and over).
    pub const fn open(lower: u8) -> Self {
        Self { lower, upper: None }
    }

    /// Whether the two bands share at least one year of age.
    pub fn overlaps(&self, other: &AgeBand) -> bool {
        let below = |a: &AgeBand, b: &AgeBand| a.upper.is_some_and(|u| u < b.lower);
        !below(self, other) && !below(other, self)
    }

    /// Whether `other` lies wholly inside this band.
    pub fn contains(&self, other: &AgeBand) -> bool {
        other.lower >= self.lower
            && match (self.upper, other.upper) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => b <= a,
            }
    }
}

impl FromStr for AgeBand {
    type Err = AgeBandParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let year = |s: &str| -> Result<u8, AgeBandParseError> {
            match s.parse::<u8>() {
                Ok(v) if v <= 120 && !s.starts_with('+') => Ok(v),
                _ => Err(AgeBandParseError(
                    "an age must be a whole number from 0 to 120",
                )),
            }
        };
        if let Some(lower) = text.strip_suffix('+') {
            return Ok(Self::open(year(lower)?));
        }
        let (lower, upper) = text
            .split_once('-')
            .ok_or(AgeBandParseError("expected `lower-upper` or `lower+`"))?;
        let (lower, upper) = (year(lower)?, year(upper)?);
        if upper < lower {
            return Err(AgeBandParseError("upper age is below lower age"));
        }
        Ok(Self::closed(lower, upper))
    }
}

impl fmt::Display for AgeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.upper {
            Some(upper) => write!(f, "{}-{upper}", self.lower),
            None => write!(f, "{}+", self.lower),
        }
    }
}

/// Written as its text (`18-64`, `65+`).
impl serde::Serialize for AgeBand {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Checks that distinct `bands` tile all ages: from 0, without gaps or overlaps, ending in an
/// open band. Returns the first problem in plain words.
///
/// # Errors
///
/// A description of the gap, overlap or missing end.
///
/// # Examples
///
/// ```
/// use wijkprofiel::{AgeBand, age_band::check_tiling};
/// let bands: Vec<AgeBand> = ["0-4", "5-9", "10+"].iter().map(|b| b.parse().unwrap()).collect();
/// assert!(check_tiling(&bands).is_ok());
/// let gap: Vec<AgeBand> = ["0-4", "10+"].iter().map(|b| b.parse().unwrap()).collect();
/// assert_eq!(check_tiling(&gap).unwrap_err(), "gap between `0-4` and `10+` (ages 5-9 are in no band)");
/// ```
pub fn check_tiling(bands: &[AgeBand]) -> Result<(), String> {
    let mut sorted = bands.to_vec();
    sorted.sort();
    sorted.dedup();
    let Some(first) = sorted.first() else {
        return Err("no age bands".to_owned());
    };
    if first.lower != 0 {
        return Err(format!("the first band `{first}` does not start at age 0"));
    }
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let Some(a_upper) = a.upper else {
            return Err(format!("`{b}` overlaps the open band `{a}`"));
        };
        let next = u16::from(a_upper) + 1;
        match u16::from(b.lower).cmp(&next) {
            std::cmp::Ordering::Less => return Err(format!("`{a}` and `{b}` overlap")),
            std::cmp::Ordering::Greater => {
                let last = u16::from(b.lower) - 1;
                let ages = if last == next {
                    format!("age {next} is")
                } else {
                    format!("ages {next}-{last} are")
                };
                return Err(format!("gap between `{a}` and `{b}` ({ages} in no band)"));
            }
            std::cmp::Ordering::Equal => {}
        }
    }
    match sorted.last() {
        Some(last) if last.upper.is_some() => Err(format!(
            "the last band `{last}` is closed; the oldest band must be open, such as `90+`"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bands(list: &[&str]) -> Vec<AgeBand> {
        list.iter().map(|b| b.parse().unwrap()).collect()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!("0-4".parse::<AgeBand>().unwrap(), AgeBand::closed(0, 4));
        assert_eq!(" 85+ ".parse::<AgeBand>().unwrap(), AgeBand::open(85));
        assert_eq!(AgeBand::closed(18, 64).to_string(), "18-64");
        for bad in ["", "4", "a-b", "5-", "-5", "3-1", "121+", "0-200", "++5"] {
            assert!(bad.parse::<AgeBand>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn tiling_rules() {
        assert!(check_tiling(&bands(&["5-9", "0-4", "10+", "0-4"])).is_ok());
        assert_eq!(
            check_tiling(&bands(&["0-4", "3-9", "10+"])).unwrap_err(),
            "`0-4` and `3-9` overlap"
        );
        assert_eq!(
            check_tiling(&bands(&["1-4", "5+"])).unwrap_err(),
            "the first band `1-4` does not start at age 0"
        );
        assert_eq!(
            check_tiling(&bands(&["0-4", "5-9"])).unwrap_err(),
            "the last band `5-9` is closed; the oldest band must be open, such as `90+`"
        );
        assert_eq!(
            check_tiling(&bands(&["0-4", "5+", "90+"])).unwrap_err(),
            "`90+` overlaps the open band `5+`"
        );
    }

    #[test]
    fn containment() {
        assert!(AgeBand::open(18).contains(&AgeBand::closed(20, 24)));
        assert!(!AgeBand::closed(18, 64).contains(&AgeBand::open(60)));
        assert!(AgeBand::closed(18, 64).contains(&AgeBand::closed(60, 64)));
    }
}
