//! The area tree by index: parents, the region of each area, and sums from buurten upward.

use crate::{Areas, Level};

/// Areas by index (their order in [`Areas`]) with their parent and region.
#[derive(Debug, Clone)]
pub(crate) struct Hierarchy {
    pub level: Vec<Level>,
    pub parent: Vec<Option<usize>>,
    /// The region (GGD) each area lies in; a region is its own.
    pub region: Vec<Option<usize>>,
    /// The children of each area, in area order.
    pub children: Vec<Vec<usize>>,
    /// Area index of each buurt, in area order.
    pub buurten: Vec<usize>,
    /// Buurten, wijken, gemeenten and regions, smallest level first (no country: national
    /// figures come from benchmarks, not from one region's data).
    pub bottom_up: Vec<usize>,
}

impl Hierarchy {
    pub fn new(areas: &Areas) -> Self {
        let list: Vec<_> = areas.iter().collect();
        let codes: std::collections::HashMap<&str, usize> = list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str(), i))
            .collect();
        let level: Vec<Level> = list.iter().map(|a| a.level).collect();
        let parent: Vec<Option<usize>> = list
            .iter()
            .map(|a| a.parent.as_deref().and_then(|p| codes.get(p).copied()))
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
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        let buurten = (0..list.len())
            .filter(|&i| level[i] == Level::Buurt)
            .collect();
        let bottom_up = [Level::Buurt, Level::Wijk, Level::Gemeente, Level::Region]
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
            buurten,
            bottom_up,
        }
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.level.len()
    }

    /// Adds each area's `width` values (row `area` of `values`) into its parent's, smallest
    /// level first, so that every area below the country holds the sum of its buurten.
    pub fn roll_up(&self, values: &mut [f64], width: usize) {
        for &area in &self.bottom_up {
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

    /// The wijk an area lies in (itself for a wijk); `None` above wijk level.
    pub fn wijk_of(&self, mut area: usize) -> Option<usize> {
        loop {
            match self.level[area] {
                Level::Wijk => return Some(area),
                Level::Buurt => area = self.parent[area]?,
                _ => return None,
            }
        }
    }
}
