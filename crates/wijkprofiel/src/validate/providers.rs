//! `providers` (`docs/data-contract.md`, "`providers`"): who works where, by role.

use crate::social::Provider;
use crate::table::{Problems, Reader, Table};

use super::Context;
use super::general::{points, roles, unique_ids};

pub(super) fn providers(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Provider>> {
    let mut r = Reader::new(t, p);
    let id = r.text("provider_id", true);
    let name = r.text("name", true);
    let role = r.text("role", true);
    let organisation = r.text("organisation", true);
    let points = points(&mut r, ctx);
    let (id, name, role, organisation, points) = (id?, name?, role?, organisation?, points?);
    let role = roles(role, t, "role", p);
    unique_ids(t, p, &id);
    Some(
        (0..t.height())
            .filter_map(|row| {
                Some(Provider {
                    id: id.get(row)?.to_owned(),
                    name: name.get(row)?.to_owned(),
                    role: role.get(row)?,
                    organisation: organisation.get(row)?.to_owned(),
                    location: points[row]?,
                })
            })
            .collect(),
    )
}
