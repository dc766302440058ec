//! Sex, from a fixed set.

use std::fmt;
use std::str::FromStr;

/// Sex of a cell: `male` or `female`; `all` for figures of both together.
///
/// # Examples
///
/// ```
/// use wijkprofiel::Sex;
/// assert_eq!("female".parse::<Sex>(), Ok(Sex::Female));
/// assert!("v".parse::<Sex>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    Male,
    Female,
    All,
}

impl Sex {
    /// The codes as written in data files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
            Self::All => "all",
        }
    }
}

impl FromStr for Sex {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.trim() {
            "male" => Ok(Self::Male),
            "female" => Ok(Self::Female),
            "all" => Ok(Self::All),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
