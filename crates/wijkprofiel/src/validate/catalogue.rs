//! `catalogue.toml` (`docs/data-contract.md`, "`catalogue.toml`"): read by
//! [`Catalogue::parse`], whose problems are the rules.

use crate::catalogue::Catalogue;
use crate::error::{Location, TableError};
use crate::inputs::Inputs;
use crate::table::Problems;

pub(super) fn catalogue(inputs: &Inputs, p: &mut Problems) -> Option<Catalogue> {
    let Some(doc) = &inputs.catalogue else {
        p.push(TableError::MissingTable {
            at: Location::file(inputs.origin.clone()),
            table: "catalogue".into(),
            expected: "`catalogue.toml`".into(),
        });
        return None;
    };
    let text = String::from_utf8_lossy(&doc.bytes);
    match Catalogue::parse(&doc.name, &text) {
        Ok(c) => Some(c),
        Err(problems) => {
            for problem in problems {
                p.push(problem);
            }
            None
        }
    }
}
