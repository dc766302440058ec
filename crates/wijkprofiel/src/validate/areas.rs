//! `areas` (`docs/data-contract.md`, "`areas`"): codes by level, one vintage, and a tree:
//! parents exist, are one level up and contain the child's code; one root; no cycles.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::area::{Area, Areas, Level};
use crate::error::{AreaError, TableError};
use crate::table::{Problems, Reader, Table};

use super::general::{Parsed, YEAR, YEARS};

pub(super) fn areas(t: &Table, p: &mut Problems) -> Option<Areas> {
    let mut r = Reader::new(t, p);
    let code = r.text("code", true);
    let name = r.text("name", true);
    let level = r.text("level", true);
    let parent = r.text("parent_code", false);
    let vintage = r.integer("vintage", true, YEARS, YEAR);
    // `parent_code` is empty for the root, but the column must be there.
    if t.frame().is_none_or(|f| f.column("parent_code").is_err()) {
        p.push(TableError::MissingColumn {
            at: t.whole().column("parent_code"),
        });
        return None;
    }
    let (code, name, level, parent, vintage) = (code?, name?, level?, parent?, vintage?);
    let levels = Parsed::new(level, t, "level", p, |v| {
        v.parse::<Level>()
            .map_err(|()| "one of buurt, wijk, gemeente, region, country".to_owned())
    });
    let mut list = Vec::with_capacity(t.height());
    let mut rows = Vec::with_capacity(t.height());
    let mut first: HashMap<&str, usize> = HashMap::new();
    for row in 0..t.height() {
        let (Some(c), Some(lv), Some(v)) = (code.get(row), levels.get(row), vintage.get(row))
        else {
            continue;
        };
        if !lv.is_valid_code(c) {
            p.push(AreaError::BadCode {
                at: t.at(row, "code"),
                code: c.to_owned(),
                level: lv.to_string(),
                rule: lv.code_rule(),
            });
            continue;
        }
        if let Some(&earlier) = first.get(c) {
            p.push(AreaError::DuplicateCode {
                at: t.at(row, "code"),
                code: c.to_owned(),
                first_row: earlier + 1,
            });
            continue;
        }
        first.insert(c, row);
        list.push(Area {
            code: c.to_owned(),
            name: name.get(row).unwrap_or_default().to_owned(),
            level: lv,
            parent: parent.get(row).map(str::to_owned),
            vintage: i32::try_from(v).unwrap_or_default(),
            custom: None,
        });
        rows.push(row);
    }
    let before = p.count();
    hierarchy(t, &list, &rows, p);
    let vintages: BTreeSet<i32> = list.iter().map(|a| a.vintage).collect();
    if vintages.len() > 1 {
        let names: Vec<String> = vintages.iter().map(ToString::to_string).collect();
        p.push(AreaError::MixedVintages {
            at: t.whole().column("vintage"),
            vintages: names.join(", "),
        });
    }
    (p.count() == before && list.len() == t.height()).then(|| Areas::new(list))
}

/// Parents exist, have the next level up, contain the child's code; one root; no cycles.
pub(super) fn hierarchy(t: &Table, list: &[Area], rows: &[usize], p: &mut Problems) {
    let index: HashMap<&str, usize> = list
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let mut roots = Vec::new();
    for (area, &row) in list.iter().zip(rows) {
        let Some(parent_code) = &area.parent else {
            roots.push(area.code.clone());
            continue;
        };
        let at = || t.at(row, "parent_code");
        let Some(&pi) = index.get(parent_code.as_str()) else {
            p.push(AreaError::UnknownParent {
                at: at(),
                code: area.code.clone(),
                parent: parent_code.clone(),
            });
            continue;
        };
        let parent = &list[pi];
        let expected = area.level.parent();
        if Some(parent.level) != expected {
            p.push(AreaError::WrongParentLevel {
                at: at(),
                code: area.code.clone(),
                level: area.level.to_string(),
                parent: parent_code.clone(),
                parent_level: parent.level.to_string(),
                expected: expected.map_or_else(
                    || format!("no parent (a {} is the root)", area.level),
                    |l| format!("a {l}"),
                ),
            });
        } else if !area.level.code_inside(&area.code, parent_code) {
            p.push(AreaError::OutsideParent {
                at: at(),
                code: area.code.clone(),
                parent: parent_code.clone(),
                rule: match area.level {
                    Level::Buurt => "a buurt code starts with the six digits of its wijk",
                    _ => "a wijk code starts with the four digits of its gemeente",
                },
            });
        }
    }
    if roots.len() != 1 {
        let found = if roots.is_empty() {
            "none".to_owned()
        } else {
            roots
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        p.push(AreaError::RootCount {
            at: t.whole().column("parent_code"),
            found,
        });
    }
    // Cycles: walk up from every area; report each cycle once, at its smallest code.
    let mut reported = HashSet::new();
    for (start, &row) in rows.iter().enumerate() {
        let mut path = vec![start];
        let mut seen = HashSet::from([start]);
        let mut current = start;
        while let Some(next) = list[current].parent.as_deref().and_then(|c| index.get(c)) {
            if !seen.insert(*next) {
                let from = path.iter().position(|&i| i == *next).unwrap_or(0);
                let cycle: Vec<usize> = path[from..].to_vec();
                let smallest = cycle
                    .iter()
                    .map(|&i| &list[i].code)
                    .min()
                    .cloned()
                    .unwrap_or_default();
                if cycle.contains(&start)
                    && list[start].code == smallest
                    && reported.insert(smallest.clone())
                {
                    let mut names: Vec<&str> =
                        cycle.iter().map(|&i| list[i].code.as_str()).collect();
                    names.push(&list[cycle[0]].code);
                    p.push(AreaError::Cycle {
                        at: t.at(row, "parent_code"),
                        code: smallest,
                        path: names.join(" → "),
                    });
                }
                break;
            }
            path.push(*next);
            current = *next;
        }
    }
}
