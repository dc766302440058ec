//! The social map on an area's page, as the people of a samenwerkingssessie read it: who
//! works in the wijk (by role, and by name and organisation where the social map lists
//! them), whether the care–welfare triangle is complete and which of its roles is missing,
//! and the projects that run there, by theme, with whom they are for and whom to contact.

use std::fmt::Write as _;

use super::escape_html;
use crate::output::AreaDocument;
use crate::profile::numbers::{counted, fixed};
use crate::profile::{Language, Profiles};
use crate::social::Role;

/// A role as a reader names it, for `n` people: "1 huisarts", "2 huisartsen".
pub(crate) fn role_name(role: Role, n: usize, language: Language) -> &'static str {
    let (nl, nl_many, en, en_many) = match role {
        Role::Gp => ("huisarts", "huisartsen", "GP", "GPs"),
        Role::DistrictNurse => (
            "wijkverpleegkundige",
            "wijkverpleegkundigen",
            "district nurse",
            "district nurses",
        ),
        Role::HealthBroker => (
            "gezondheidsmakelaar",
            "gezondheidsmakelaars",
            "health broker",
            "health brokers",
        ),
        Role::SocialWorker => (
            "maatschappelijk werker",
            "maatschappelijk werkers",
            "social worker",
            "social workers",
        ),
        Role::YouthNurse => (
            "jeugdverpleegkundige",
            "jeugdverpleegkundigen",
            "youth nurse",
            "youth nurses",
        ),
        Role::Physiotherapist => (
            "fysiotherapeut",
            "fysiotherapeuten",
            "physiotherapist",
            "physiotherapists",
        ),
        Role::SportsCoach => (
            "buurtsportcoach",
            "buurtsportcoaches",
            "sports coach",
            "sports coaches",
        ),
        Role::Other => (
            "andere professional",
            "andere professionals",
            "other professional",
            "other professionals",
        ),
    };
    match (language == Language::En, n == 1) {
        (false, true) => nl,
        (false, false) => nl_many,
        (true, true) => en,
        (true, false) => en_many,
    }
}

/// Items joined as a sentence lists them: "a", "a en b", "a, b en c".
fn listed(items: &[&str], language: Language) -> String {
    let and = if language == Language::En {
        " and "
    } else {
        " en "
    };
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
    }
}

impl Profiles {
    /// The "who works here" section of an area's page.
    pub(super) fn social_section(&self, doc: &AreaDocument, out: &mut String) {
        let language = self.options.language;
        let t = |nl, en| self.text(nl, en);
        let map = &doc.social_map;
        let _ = write!(
            out,
            "<section class=\"social\"><h2>{}</h2>",
            t("Wie werkt hier", "Who works here")
        );
        // A buurt shows its wijk's map, and says so.
        if let Some(parent) = doc.area.parent.as_ref().filter(|p| p.code == map.scope) {
            let _ = write!(
                out,
                "<p>{} {}:</p>",
                t("De sociale kaart van de wijk", "The social map of the wijk"),
                escape_html(&parent.name)
            );
        }
        if map.roles.is_empty() {
            let _ = write!(
                out,
                "<p>{}</p>",
                t(
                    "Er zijn geen professionals bekend in dit gebied.",
                    "No professionals are known in this area."
                )
            );
        } else {
            let roles: Vec<String> = map
                .roles
                .iter()
                .map(|(&role, &n)| {
                    format!(
                        "{} {}",
                        fixed(n as f64, 0, language),
                        role_name(role, n, language)
                    )
                })
                .collect();
            let _ = write!(out, "<p>{}</p>", roles.join(" · "));
        }
        // The triangle: in a wijk or custom area complete or who is missing; in a larger
        // area, in how many of its wijken it is complete and which roles it lacks anywhere.
        let missing: Vec<&str> = map
            .triangle_missing
            .iter()
            .map(|&r| role_name(r, 1, language))
            .collect();
        let missing = escape_html(&listed(&missing, language));
        let _ = write!(
            out,
            "<p>{}: ",
            t(
                "Zorg-welzijndriehoek (huisarts, wijkverpleegkundige, gezondheidsmakelaar, maatschappelijk werker)",
                "Care-welfare triangle (GP, district nurse, health broker, social worker)"
            )
        );
        let (complete, wijken) = map.wijken_with_triangle;
        if wijken > 1 {
            let _ = write!(
                out,
                "{} {} {} {}",
                t("compleet in", "complete in"),
                fixed(complete as f64, 0, language),
                t("van de", "of the"),
                counted(wijken, "wijk", "wijken", language),
            );
            if !missing.is_empty() {
                let _ = write!(
                    out,
                    "; {} {missing}",
                    t(
                        "in het hele gebied ontbreekt:",
                        "missing in the whole area:"
                    )
                );
            }
        } else if missing.is_empty() {
            out.push_str(t("compleet", "complete"));
        } else {
            let _ = write!(out, "{} {missing}", t("ontbreekt nog:", "missing:"));
        }
        out.push_str("</p>");
        if !map.providers.is_empty() {
            let mut providers: Vec<_> = map.providers.iter().collect();
            providers.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
            let _ = write!(
                out,
                "<table class=\"people\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>\
                 <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                t(
                    "Professionals in de sociale kaart",
                    "Professionals on the social map"
                ),
                t("Naam", "Name"),
                t("Rol", "Role"),
                t("Organisatie", "Organisation"),
            );
            for p in providers {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape_html(&p.name),
                    role_name(p.role, 1, language),
                    escape_html(&p.organisation)
                );
            }
            out.push_str("</tbody></table>");
        }
        if !map.projects.is_empty() {
            let _ = write!(
                out,
                "<table class=\"projects\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>\
                 <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr>\
                 </thead><tbody>",
                t("Projecten en aanbod", "Projects and services"),
                t("Thema", "Theme"),
                t("Project", "Project"),
                t("Voor wie", "For whom"),
                t("Contact", "Contact"),
            );
            for (theme, projects) in &map.projects {
                let label = self
                    .catalogue
                    .themes()
                    .iter()
                    .find(|th| &th.id == theme)
                    .map_or(theme.as_str(), |th| match language {
                        Language::En => th.label_en.as_str(),
                        _ => th.label_nl.as_str(),
                    });
                for p in projects {
                    let _ = write!(
                        out,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape_html(label),
                        escape_html(&p.name),
                        p.target_group
                            .as_deref()
                            .map_or("—".to_owned(), escape_html),
                        role_name(p.contact_role, 1, language),
                    );
                }
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_lists_read_as_each_language_writes_them() {
        assert_eq!(role_name(Role::Gp, 1, Language::Nl), "huisarts");
        assert_eq!(role_name(Role::Gp, 2, Language::Nl), "huisartsen");
        assert_eq!(
            role_name(Role::SportsCoach, 3, Language::En),
            "sports coaches"
        );
        let two = ["huisarts", "gezondheidsmakelaar"];
        assert_eq!(
            listed(&two, Language::Nl),
            "huisarts en gezondheidsmakelaar"
        );
        assert_eq!(listed(&["a", "b", "c"], Language::En), "a, b and c");
        assert_eq!(listed(&["a"], Language::En), "a");
    }
}
