//! Sex, from a fixed set.

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
    /// All values.
    pub const ALL: [Sex; 3] = [Self::Male, Self::Female, Self::All];

    /// The codes as written in data files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
            Self::All => "all",
        }
    }
}

named!(Sex);
