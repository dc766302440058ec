//! Areas: CBS codes, levels and the hierarchy buurt → wijk → gemeente → region → country,
//! and custom areas (groups of buurten such as a stadsdeel or a social-team area).

use std::collections::HashMap;

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
    /// A custom area: a group of buurten defined by the analyst (see [`Custom`]).
    Custom,
}

impl Level {
    /// All CBS levels, smallest first ([`Level::Custom`] stands apart: it is no level of the
    /// CBS hierarchy and no row of `areas` has it).
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
            Self::Custom => "custom",
        }
    }

    /// The level of a parent in the CBS hierarchy (a custom area has none).
    pub const fn parent(self) -> Option<Level> {
        match self {
            Self::Buurt => Some(Self::Wijk),
            Self::Wijk => Some(Self::Gemeente),
            Self::Gemeente => Some(Self::Region),
            Self::Region => Some(Self::Country),
            Self::Country | Self::Custom => None,
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
            Self::Custom => ("", 0),
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
            Self::Custom => "letters, digits, `-` and `_`, at most 40",
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
        if self == Self::Custom {
            return (1..=40).contains(&code.len())
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        }
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

named!(Level);

/// One area of the region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// Parent code; `None` for the root and for custom areas (see [`Custom::within`]).
    pub parent: Option<String>,
    /// Boundary vintage (year).
    pub vintage: i32,
    /// What makes a custom area; `None` for a CBS area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<Custom>,
}

/// The kind of a custom area; custom areas are ranked among those of their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CustomKind {
    Stadsdeel,
    SocialTeam,
    PracticeCatchment,
    Other,
}

impl CustomKind {
    /// All kinds.
    pub const ALL: [CustomKind; 4] = [
        Self::Stadsdeel,
        Self::SocialTeam,
        Self::PracticeCatchment,
        Self::Other,
    ];

    /// The name used in data files: `stadsdeel`, `social-team`, `practice-catchment`, `other`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stadsdeel => "stadsdeel",
            Self::SocialTeam => "social-team",
            Self::PracticeCatchment => "practice-catchment",
            Self::Other => "other",
        }
    }
}

named!(CustomKind);

/// What makes a custom area: its kind and member buurten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Custom {
    pub kind: CustomKind,
    /// The gemeente holding all its buurten, else the region: the area it is compared with
    /// as its parent (it is not part of that area's sums as a child is).
    pub within: Option<String>,
    /// Member buurten (codes), in area order.
    pub members: Vec<String>,
    /// For an area drawn as a polygon: the buurten only partly inside it, with the share of
    /// their area inside and whether that made them members (a buurt is a member when at
    /// least half of it lies inside). Empty for an area given as a list of members.
    pub partial: Vec<PartialBuurt>,
}

/// A buurt that a custom area's polygon covers only in part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartialBuurt {
    pub code: String,
    /// Share of the buurt's area inside the polygon, 0 to 1.
    pub share: f64,
    pub member: bool,
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

    /// Number of areas per level, smallest level first, custom areas last.
    pub fn count_by_level(&self) -> Vec<(Level, usize)> {
        Level::ALL
            .into_iter()
            .chain([Level::Custom])
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
