//! `projects` (`docs/data-contract.md`, "`projects`"): preventive projects by theme and
//! area.

use crate::error::TableError;
use crate::social::Project;
use crate::table::{Problems, Reader, Table};

use super::Context;
use super::general::{roles, unique_ids};

pub(super) fn projects(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Project>> {
    let mut r = Reader::new(t, p);
    let id = r.text("project_id", true);
    let name = r.text("name", true);
    let theme = r.text("theme", true);
    let areas = r.text("areas", true);
    let contact = r.text("contact_role", true);
    let target_group = r.text("target_group", false);
    let (id, name, theme, areas, contact) = (id?, name?, theme?, areas?, contact?);
    let contact = roles(contact, t, "contact_role", p);
    unique_ids(t, p, &id);
    let mut out = Vec::new();
    for row in 0..t.height() {
        let theme_id = theme.get(row);
        if let (Some(th), Some(c)) = (theme_id, ctx.catalogue)
            && !c.has_theme(th)
        {
            p.push(TableError::UnknownTheme {
                at: t.at(row, "theme"),
                theme: th.to_owned(),
            });
        }
        let codes: Vec<String> = areas
            .get(row)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(known) = ctx.areas {
            for code in codes.iter().filter(|c| known.get(c).is_none()) {
                p.push(TableError::UnknownArea {
                    at: t.at(row, "areas"),
                    code: code.clone(),
                });
            }
        }
        if let (Some(i), Some(n), Some(th), Some(c)) =
            (id.get(row), name.get(row), theme_id, contact.get(row))
        {
            out.push(Project {
                id: i.to_owned(),
                name: n.to_owned(),
                theme: th.to_owned(),
                areas: codes,
                contact_role: c,
                target_group: target_group
                    .as_ref()
                    .and_then(|g| g.get(row))
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned),
            });
        }
    }
    Some(out)
}
