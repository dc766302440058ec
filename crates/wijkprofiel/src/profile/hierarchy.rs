//! The area tree by index: parents, the region of each area, and sums from buurten upward;
//! custom areas with their member buurten, and the differences between overlapping areas.

use crate::{Areas, CustomKind, Level};

/// Areas by index (their order in [`Areas`]) with their parent and region.
#[derive(Debug, Clone)]
pub(crate) struct Hierarchy {
    pub level: Vec<Level>,
    /// The parent of each area; a custom area's is the area it lies within.
    pub parent: Vec<Option<usize>>,
    /// The region (GGD) each area lies in; a region is its own.
    pub region: Vec<Option<usize>>,
    /// The children of each area, in area order (custom areas are nobody's children).
    pub children: Vec<Vec<usize>>,
    /// The member buurten of each custom area, in area order; empty for CBS areas.
    pub members: Vec<Vec<usize>>,
    /// The kind of each custom area.
    pub kind: Vec<Option<CustomKind>>,
    /// Area index of each buurt, in area order.
    pub buurten: Vec<usize>,
    /// Buurten, wijken, gemeenten, regions and then custom areas (no country: national
    /// figures come from benchmarks, not from one region's data).
    pub bottom_up: Vec<usize>,
}

impl Hierarchy {
    pub(crate) fn new(areas: &Areas) -> Self {
        let list: Vec<_> = areas.iter().collect();
        let codes_map: std::collections::HashMap<&str, usize> = list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect();
        let level: Vec<Level> = list.iter().map(|a| a.level).collect();
        let parent: Vec<Option<usize>> = list
            .iter()
            .map(|a| {
                let within = a.custom.as_ref().and_then(|c| c.within.as_deref());
                let parent = a.parent.as_deref().or(within)?;
                codes_map.get(parent).copied()
            })
            .collect();
        let region = (0..list.len())
            .map(|mut i| {
                loop {
                    match level[i] {
                        Level::Region => return Some(i),
                        Level::Country => return None,
                        _ => i = parent[i]?,
                    }
                }
            })
            .collect();
        let mut children = vec![Vec::new(); list.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p
                && level[i] != Level::Custom
            {
                children[*p].push(i);
            }
        }
        let members = list
            .iter()
            .map(|a| {
                let codes = a.custom.iter().flat_map(|c| &c.members);
                codes
                    .filter_map(|m| codes_map.get(m.as_str()).copied())
                    .collect()
            })
            .collect();
        let kind = list
            .iter()
            .map(|a| a.custom.as_ref().map(|c| c.kind))
            .collect();
        let buurten = (0..list.len())
            .filter(|&i| level[i] == Level::Buurt)
            .collect();
        let bottom_up = [
            Level::Buurt,
            Level::Wijk,
            Level::Gemeente,
            Level::Region,
            Level::Custom,
        ]
        .into_iter()
        .flat_map(|l| {
            (0..list.len())
                .filter(|&i| level[i] == l)
                .collect::<Vec<_>>()
        })
        .collect();
        Self {
            level,
            parent,
            region,
            children,
            members,
            kind,
            buurten,
            bottom_up,
        }
    }

    /// Number of areas.
    pub(crate) fn len(&self) -> usize {
        self.level.len()
    }

    /// Adds each area's `width` values (row `area` of `values`) into its parent's, smallest
    /// level first, and each custom area's members into it, so that every area below the
    /// country holds the sum of its buurten.
    pub(crate) fn roll_up(&self, values: &mut [f64], width: usize) {
        for &area in &self.bottom_up {
            if self.level[area] == Level::Custom {
                for &member in &self.members[area] {
                    let (from, to) = (member * width, area * width);
                    for k in 0..width {
                        values[to + k] += values[from + k];
                    }
                }
                continue;
            }
            let Some(parent) = self.parent[area] else {
                continue;
            };
            if self.level[parent] == Level::Country {
                continue;
            }
            let (from, to) = (area * width, parent * width);
            for k in 0..width {
                values[to + k] += values[from + k];
            }
        }
    }

    /// The areas an area's counts are the sum of: a custom area's members, else its children.
    pub(crate) fn parts(&self, area: usize) -> &[usize] {
        if self.level[area] == Level::Custom {
            &self.members[area]
        } else {
            &self.children[area]
        }
    }

    /// The buurten inside an area, in area order.
    pub(crate) fn buurten_of(&self, area: usize) -> Vec<usize> {
        if self.level[area] == Level::Custom {
            return self.members[area].clone();
        }
        let mut out = Vec::new();
        let mut stack = vec![area];
        while let Some(a) = stack.pop() {
            if self.level[a] == Level::Buurt {
                out.push(a);
            }
            stack.extend(&self.children[a]);
        }
        out.sort_unstable();
        out
    }

    /// The custom areas, in area order.
    pub(crate) fn custom(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&a| self.level[a] == Level::Custom)
    }

    /// The gemeente an area lies in (itself for a gemeente; a custom area's is that of the
    /// area it lies within); `None` for a region.
    pub(crate) fn gemeente_of(&self, mut area: usize) -> Option<usize> {
        loop {
            match self.level[area] {
                Level::Gemeente => return Some(area),
                Level::Buurt | Level::Wijk | Level::Custom => area = self.parent[area]?,
                _ => return None,
            }
        }
    }

    /// The wijk an area lies in (itself for a wijk); `None` above wijk level.
    pub(crate) fn wijk_of(&self, mut area: usize) -> Option<usize> {
        loop {
            match self.level[area] {
                Level::Wijk => return Some(area),
                Level::Buurt => area = self.parent[area]?,
                _ => return None,
            }
        }
    }
}

/// Two overlapping areas, at least one of them custom: `area = other + Σ plus − Σ minus`,
/// `plus` and `minus` being the areas that make up the buurten only `area` holds and only
/// `other` holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    pub area: usize,
    pub other: usize,
    pub plus: Vec<usize>,
    pub minus: Vec<usize>,
}

impl Hierarchy {
    /// The differences of every custom area with each area it overlaps: the wijken,
    /// gemeenten and region holding any of its buurten, and the custom areas sharing one
    /// (each pair once). Each pair comes twice, the difference written in buurten and in the
    /// largest CBS areas that fit (when that differs), since a reader may use either.
    pub(crate) fn differences(&self) -> Vec<Difference> {
        let custom: Vec<usize> = self.custom().collect();
        let mut out = Vec::new();
        for (k, &area) in custom.iter().enumerate() {
            let members = &self.members[area];
            let mut others: Vec<usize> = Vec::new();
            for &b in members {
                let mut up = self.parent[b];
                while let Some(a) = up.filter(|&a| self.level[a] != Level::Country) {
                    others.push(a);
                    up = self.parent[a];
                }
            }
            others.extend(custom[k + 1..].iter().copied().filter(|&c| {
                self.members[c]
                    .iter()
                    .any(|b| members.binary_search(b).is_ok())
            }));
            others.sort_unstable();
            others.dedup();
            for other in others {
                let theirs = self.buurten_of(other);
                let plus: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|b| theirs.binary_search(b).is_err())
                    .collect();
                let minus: Vec<usize> = theirs
                    .iter()
                    .copied()
                    .filter(|b| members.binary_search(b).is_err())
                    .collect();
                let coarse = (self.coarsest(&plus), self.coarsest(&minus));
                let fine = Difference {
                    area,
                    other,
                    plus,
                    minus,
                };
                if (&coarse.0, &coarse.1) != (&fine.plus, &fine.minus) {
                    out.push(Difference {
                        area,
                        other,
                        plus: coarse.0,
                        minus: coarse.1,
                    });
                }
                out.push(fine);
            }
        }
        out
    }

    /// The largest CBS areas that together make up exactly these buurten (sorted), sorted.
    fn coarsest(&self, buurten: &[usize]) -> Vec<usize> {
        let mut known: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
        let mut inside = |a: usize| {
            *known.entry(a).or_insert_with(|| {
                self.buurten_of(a)
                    .iter()
                    .all(|b| buurten.binary_search(b).is_ok())
            })
        };
        let mut out: Vec<usize> = buurten
            .iter()
            .map(|&b| {
                let mut top = b;
                while let Some(p) =
                    self.parent[top].filter(|&p| self.level[p] != Level::Country && inside(p))
                {
                    top = p;
                }
                top
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
