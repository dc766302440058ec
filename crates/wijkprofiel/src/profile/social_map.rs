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
    /// Who it is for, where the data say.
    pub target_group: Option<String>,
}

/// The social map of one area. A buurt shows its wijk's map; a custom area its own, from
/// the providers in its buurten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SocialMap {
    /// The area the map describes (the wijk for a buurt).
    pub scope: String,
    /// Providers per role inside the scope.
    pub roles: BTreeMap<Role, usize>,
    /// Triangle roles missing in the wijk or custom area (empty when complete); for larger
    /// areas, the roles missing anywhere in it.
    pub triangle_missing: Vec<Role>,
    /// Wijken inside the scope (for a custom area: wholly inside) with a complete
    /// triangle, and all such wijken.
    pub wijken_with_triangle: (usize, usize),
    /// The providers, listed for a wijk or custom area only.
    pub providers: Vec<ProviderEntry>,
    /// Projects running in, around or inside the scope, by theme id.
    pub projects: BTreeMap<String, Vec<ProjectEntry>>,
}

/// Providers and projects placed on the area tree.
#[derive(Debug)]
pub(crate) struct Placed {
    tree: Hierarchy,
    codes: Vec<String>,
    providers: Vec<ProviderEntry>,
    /// Providers (by input order) per buurt (area index).
    by_buurt: Vec<Vec<usize>>,
    projects: Vec<Project>,
    /// Projects (by input order) named at each area.
    projects_at: Vec<Vec<usize>>,
}

impl Placed {
    /// `provider_buurt` gives each provider's buurt (by input order), if placed.
    pub(crate) fn new(
        tree: &Hierarchy,
        codes: &[&str],
        providers: &[Provider],
        provider_buurt: &[Option<usize>],
        projects: &[Project],
    ) -> Self {
        let mut by_buurt = vec![Vec::new(); tree.len()];
        for (k, buurt) in provider_buurt.iter().enumerate() {
            if let Some(b) = buurt {
                by_buurt[*b].push(k);
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
            providers: providers
                .iter()
                .map(|p| ProviderEntry {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    role: p.role,
                    organisation: p.organisation.clone(),
                })
                .collect(),
            by_buurt,
            projects: projects.to_vec(),
            projects_at,
        }
    }

    /// The providers (by input order) in an area.
    fn providers_in(&self, area: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .tree
            .buurten_of(area)
            .into_iter()
            .flat_map(|b| self.by_buurt[b].iter().copied())
            .collect();
        out.sort_unstable();
        out
    }

    /// The area and every area inside it; for a custom area, its buurten and the wijken
    /// wholly inside it.
    fn inside(&self, area: usize) -> Vec<usize> {
        let tree = &self.tree;
        if tree.level[area] == Level::Custom {
            let members = &tree.members[area];
            let mut out = vec![area];
            out.extend(members);
            let mut wijken: Vec<usize> = members.iter().filter_map(|&b| tree.parent[b]).collect();
            wijken.dedup();
            out.extend(wijken.into_iter().filter(|&w| {
                tree.children[w]
                    .iter()
                    .all(|b| members.binary_search(b).is_ok())
            }));
            return out;
        }
        let mut out = vec![area];
        let mut k = 0;
        while k < out.len() {
            out.extend(&tree.children[out[k]]);
            k += 1;
        }
        out
    }

    /// The areas around an area: its ancestors, and for a custom area its members'.
    fn around(&self, area: usize) -> Vec<usize> {
        let tree = &self.tree;
        let starts: Vec<usize> = if tree.level[area] == Level::Custom {
            tree.members[area].clone()
        } else {
            vec![area]
        };
        let mut out = Vec::new();
        for start in starts {
            let mut up = tree.parent[start];
            while let Some(a) = up {
                out.push(a);
                up = tree.parent[a];
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The map of an area (for a buurt, its wijk's).
    pub(crate) fn map(&self, area: usize) -> SocialMap {
        let tree = &self.tree;
        let scope = match tree.level[area] {
            Level::Buurt => tree.wijk_of(area).unwrap_or(area),
            _ => area,
        };
        let inside = self.inside(scope);
        let wijken: Vec<usize> = inside
            .iter()
            .copied()
            .filter(|&w| tree.level[w] == Level::Wijk)
            .collect();
        let here = self.providers_in(scope);
        let mut roles = BTreeMap::new();
        for &k in &here {
            *roles.entry(self.providers[k].role).or_insert(0) += 1;
        }
        let complete = wijken
            .iter()
            .filter(|&&w| {
                let present: Vec<Role> = self
                    .providers_in(w)
                    .into_iter()
                    .map(|k| self.providers[k].role)
                    .collect();
                TRIANGLE.iter().all(|r| present.contains(r))
            })
            .count();
        let providers = if matches!(tree.level[scope], Level::Wijk | Level::Custom) {
            here.iter().map(|&k| self.providers[k].clone()).collect()
        } else {
            Vec::new()
        };
        // Projects named at the scope, at an area around it, or at an area inside it.
        let mut running: Vec<usize> = inside
            .iter()
            .chain(&self.around(scope))
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
                    target_group: project.target_group.clone(),
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
