//! `practices` (`docs/data-contract.md`, "`practices`"): unique ids and locations in the
//! geometry's reference system.

use crate::social::Practice;
use crate::table::{Problems, Reader, Table};

use super::Context;
use super::general::{COUNT, points, unique_ids};

pub(super) fn practices(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Practice>> {
    let mut r = Reader::new(t, p);
    let id = r.text("practice_id", true);
    let name = r.text("name", false);
    let list_size = r.integer("list_size", false, 0..=10_000_000, COUNT);
    let points = points(&mut r, ctx);
    let (id, points) = (id?, points?);
    unique_ids(t, p, &id);
    let practices = (0..t.height())
        .filter_map(|row| {
            Some(Practice {
                id: id.get(row)?.to_owned(),
                name: name.as_ref().and_then(|n| n.get(row)).map(str::to_owned),
                location: points[row]?,
                list_size: list_size.as_ref().and_then(|l| l.get(row)),
            })
        })
        .collect();
    Some(practices)
}
