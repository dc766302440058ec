//! Areas: CBS codes, levels and the hierarchy buurt → wijk → gemeente → region → country.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The level of an area, from the smallest up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Buurt,
    Wijk,
    Gemeente,
    Region,
    Country,
}

impl Level {
    /// All levels, smallest first.
    pub const ALL: [Level; 5] = [
        Self::Buurt,
        Self::Wijk,
        Self::Gemeente,
        Self::Region,
        Self::Country,
    ];

    /// The name used in data files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Buurt => "buurt",
            Self::Wijk => "wijk",
            Self::Gemeente => "gemeente",
            Self::Region => "region",
            Self::Country => "country",
        }
    }

    /// The level of a parent.
    pub const fn parent(self) -> Option<Level> {
        match self {
            Self::Buurt => Some(Self::Wijk),
            Self::Wijk => Some(Self::Gemeente),
            Self::Gemeente => Some(Self::Region),
            Self::Region => Some(Self::Country),
            Self::Country => None,
        }
    }

    /// Prefix and number of digits of this level's codes.
    const fn code_shape(self) -> (&'static str, usize) {
        match self {
            Self::Buurt => ("BU", 8),
            Self::Wijk => ("WK", 6),
            Self::Gemeente => ("GM", 4),
            Self::Region => ("GG", 4),
            Self::Country => ("NL", 2),
        }
    }

    /// The code rule in words, for error messages.
    pub const fn code_rule(self) -> &'static str {
        match self {
            Self::Buurt => "BU + 8 digits",
            Self::Wijk => "WK + 6 digits",
            Self::Gemeente => "GM + 4 digits",
            Self::Region => "GG + 4 digits",
            Self::Country => "NL + 2 digits",
        }
    }

    /// Whether `code` follows this level's CBS rule.
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::Level;
    /// assert!(Level::Buurt.is_valid_code("BU02680202"));
    /// assert!(!Level::Wijk.is_valid_code("WK02680"));
    /// ```
    pub fn is_valid_code(self, code: &str) -> bool {
        let (prefix, digits) = self.code_shape();
        code.len() == prefix.len() + digits
            && code.starts_with(prefix)
            && code[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
    }

    /// Whether `code` (valid for this level) lies inside `parent` by the CBS truncation rule:
    /// a buurt's first six digits are its wijk's, a wijk's first four its gemeente's. Levels
    /// above gemeente are not encoded in the code and always pass.
    pub fn code_inside(self, code: &str, parent: &str) -> bool {
        match self {
            Self::Buurt => code.get(2..8) == parent.get(2..8),
            Self::Wijk => code.get(2..6) == parent.get(2..6),
            _ => true,
        }
    }
}

impl FromStr for Level {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str() == text.trim())
            .ok_or(())
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One area of the region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Parent code; `None` for the root.
    pub parent: Option<String>,
    /// Boundary vintage (year).
    pub vintage: i32,
}

/// The validated area hierarchy, in input order, with lookup by code.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    list: Vec<Area>,
    index: HashMap<String, usize>,
}

impl Areas {
    /// Builds the lookup. The caller has checked the hierarchy (see `validate`).
    pub(crate) fn new(list: Vec<Area>) -> Self {
        let index = list
            .iter()
            .enumerate()
            .map(|(i, area)| (area.code.clone(), i))
            .collect();
        Self { list, index }
    }

    /// The area with this code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        self.index.get(code).map(|&i| &self.list[i])
    }

    /// All areas in input order.
    pub fn iter(&self) -> impl Iterator<Item = &Area> {
        self.list.iter()
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no areas.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Areas of one level, in input order.
    pub fn at_level(&self, level: Level) -> impl Iterator<Item = &Area> {
        self.list.iter().filter(move |area| area.level == level)
    }

    /// Number of areas per level, smallest level first.
    pub fn count_by_level(&self) -> Vec<(Level, usize)> {
        Level::ALL
            .into_iter()
            .map(|level| (level, self.at_level(level).count()))
            .collect()
    }

    /// The chain of ancestors of `code`, nearest first.
    pub fn ancestors<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Area> + 'a {
        let mut next = self.get(code).and_then(|a| a.parent.as_deref());
        std::iter::from_fn(move || {
            let area = self.get(next?)?;
            next = area.parent.as_deref();
            Some(area)
        })
    }
}
