//! The social map: who works in an area (providers) and what already runs there (projects).

use serde::Serialize;

/// The role of a care or welfare professional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Gp,
    DistrictNurse,
    HealthBroker,
    SocialWorker,
    YouthNurse,
    Physiotherapist,
    SportsCoach,
    Other,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 8] = [
        Self::Gp,
        Self::DistrictNurse,
        Self::HealthBroker,
        Self::SocialWorker,
        Self::YouthNurse,
        Self::Physiotherapist,
        Self::SportsCoach,
        Self::Other,
    ];

    /// The code used in data files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gp => "gp",
            Self::DistrictNurse => "district_nurse",
            Self::HealthBroker => "health_broker",
            Self::SocialWorker => "social_worker",
            Self::YouthNurse => "youth_nurse",
            Self::Physiotherapist => "physiotherapist",
            Self::SportsCoach => "sports_coach",
            Self::Other => "other",
        }
    }

    /// The expectation stated in errors.
    pub fn expected() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
        format!("one of {}", names.join(", "))
    }
}

named!(Role);

/// A point location in the region's CRS.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A GP practice that delivers counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Practice {
    /// Pseudonymous id.
    pub id: String,
    pub name: Option<String>,
    pub location: Point,
    /// Listed patients in total (residents of the region and beyond), if known.
    pub list_size: Option<i64>,
}

/// A professional on the social map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub organisation: String,
    pub location: Point,
}

/// A preventive project running in some areas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// A catalogue theme id.
    pub theme: String,
    /// Area codes where it runs.
    pub areas: Vec<String>,
    /// The role to contact.
    pub contact_role: Role,
    /// Who it is for, as the data name them (e.g. "ouderen die alleen wonen").
    pub target_group: Option<String>,
}
