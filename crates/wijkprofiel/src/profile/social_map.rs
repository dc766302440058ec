//! The social map of an area: who works there (providers placed by point-in-polygon), whether
//! the care-welfare triangle is complete, and the projects that run there, per theme.

use std::collections::BTreeMap;

use serde::Serialize;

use super::hierarchy::Hierarchy;
use crate::{Level, Project, Provider, Role};

/// The roles that make the care-welfare triangle around the GP: public health (health
/// broker), care (district nurse) and welfare (social worker), with the GP.
pub const TRIANGLE: [Role; 4] = [
    Role::Gp,
    Role::HealthBroker,
    Role::DistrictNurse,
    Role::SocialWorker,
];

/// A provider as shown on a wijk's map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderEntry {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub organisation: String,
}

/// A project as shown on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectEntry {
    pub id: String,
    pub name: String,
    pub contact_role: Role,
    /// Where it runs (area codes).
    pub areas: Vec<String>,
}

/// The social map of one area. A buurt shows its wijk's map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SocialMap {
    /// The area the map describes (the wijk for a buurt).
    pub scope: String,
    /// Providers per role inside the scope.
    pub roles: BTreeMap<Role, usize>,
    /// Triangle roles missing in the wijk (empty when complete); for larger areas, the
    /// roles missing anywhere in it.
    pub triangle_missing: Vec<Role>,
    /// Wijken inside the scope with a complete triangle, and all wijken.
    pub wijken_with_triangle: (usize, usize),
    /// The providers, listed for a wijk only.
    pub providers: Vec<ProviderEntry>,
    /// Projects running in, around or inside the scope, by theme id.
    pub projects: BTreeMap<String, Vec<ProjectEntry>>,
}

/// Providers and projects placed on the area tree.
#[derive(Debug)]
pub(crate) struct Placed {
    tree: Hierarchy,
    codes: Vec<String>,
    /// Providers per wijk (area index), in input order.
    by_wijk: Vec<Vec<ProviderEntry>>,
    projects: Vec<Project>,
    /// Projects (by input order) named at each area.
    projects_at: Vec<Vec<usize>>,
}

impl Placed {
    /// `provider_buurt` gives each provider's buurt (by input order), if placed.
    pub fn new(
        tree: &Hierarchy,
        codes: &[&str],
        providers: &[Provider],
        provider_buurt: &[Option<usize>],
        projects: &[Project],
    ) -> Self {
        let mut by_wijk = vec![Vec::new(); tree.len()];
        for (p, buurt) in providers.iter().zip(provider_buurt) {
            if let Some(w) = buurt.and_then(|b| tree.wijk_of(b)) {
                by_wijk[w].push(ProviderEntry {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    role: p.role,
                    organisation: p.organisation.clone(),
                });
            }
        }
        let index: std::collections::HashMap<&str, usize> =
            codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut projects_at = vec![Vec::new(); tree.len()];
        for (k, project) in projects.iter().enumerate() {
            for area in project.areas.iter().filter_map(|a| index.get(a.as_str())) {
                projects_at[*area].push(k);
            }
        }
        Self {
            tree: tree.clone(),
            codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            by_wijk,
            projects: projects.to_vec(),
            projects_at,
        }
    }

    /// The area and every area inside it.
    fn subtree(&self, area: usize) -> Vec<usize> {
        let mut out = vec![area];
        let mut k = 0;
        while k < out.len() {
            out.extend(&self.tree.children[out[k]]);
            k += 1;
        }
        out
    }

    /// The map of an area (for a buurt, its wijk's).
    pub fn map(&self, area: usize) -> SocialMap {
        let scope = match self.tree.level[area] {
            Level::Buurt => self.tree.wijk_of(area).unwrap_or(area),
            _ => area,
        };
        let inside = self.subtree(scope);
        let wijken: Vec<usize> = inside
            .iter()
            .copied()
            .filter(|&w| self.tree.level[w] == Level::Wijk)
            .collect();
        let mut roles = BTreeMap::new();
        let mut complete = 0;
        for &w in &wijken {
            let here: Vec<Role> = self.by_wijk[w].iter().map(|p| p.role).collect();
            for role in &here {
                *roles.entry(*role).or_insert(0) += 1;
            }
            if TRIANGLE.iter().all(|r| here.contains(r)) {
                complete += 1;
            }
        }
        let providers = if self.tree.level[scope] == Level::Wijk {
            self.by_wijk[scope].clone()
        } else {
            Vec::new()
        };
        // Projects named at the scope, at an area around it, or at an area inside it.
        let mut around = Vec::new();
        let mut up = self.tree.parent[scope];
        while let Some(a) = up {
            around.push(a);
            up = self.tree.parent[a];
        }
        let mut running: Vec<usize> = inside
            .iter()
            .chain(&around)
            .flat_map(|&a| self.projects_at[a].iter().copied())
            .collect();
        running.sort_unstable();
        running.dedup();
        let mut projects: BTreeMap<String, Vec<ProjectEntry>> = BTreeMap::new();
        for project in running.into_iter().map(|k| &self.projects[k]) {
            projects
                .entry(project.theme.clone())
                .or_default()
                .push(ProjectEntry {
                    id: project.id.clone(),
                    name: project.name.clone(),
                    contact_role: project.contact_role,
                    areas: project.areas.clone(),
                });
        }
        SocialMap {
            scope: self.codes[scope].clone(),
            triangle_missing: TRIANGLE
                .into_iter()
                .filter(|r| !roles.contains_key(r))
                .collect(),
            roles,
            wijken_with_triangle: (complete, wijken.len()),
            providers,
            projects,
        }
    }
}
