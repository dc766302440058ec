//! `dataset.toml` (`docs/data-contract.md`, "`dataset.toml`"): the data set's name and whether
//! it is synthetic.

use serde::Deserialize;

use crate::catalogue::toml_problem;
use crate::error::{CatalogueError, Location};
use crate::inputs::Inputs;
use crate::region::Dataset;
use crate::table::{Problems, hidden_in};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DatasetFile {
    name: String,
    #[serde(default)]
    synthetic: bool,
    #[serde(default)]
    description: String,
}

pub(super) fn dataset(inputs: &Inputs, p: &mut Problems) -> Dataset {
    let fallback = Dataset {
        name: inputs.origin.clone(),
        synthetic: false,
        description: String::new(),
    };
    let Some(doc) = &inputs.dataset else {
        return fallback;
    };
    let text = String::from_utf8_lossy(&doc.bytes);
    match toml::from_str::<DatasetFile>(&text) {
        Ok(file) => {
            // The name heads every page and output: no hidden characters in it.
            for (field, value) in [("name", &file.name), ("description", &file.description)] {
                if let Some(message) = hidden_in(field, value) {
                    p.push(CatalogueError::Parse {
                        at: Location::file(doc.name.clone()).column(field),
                        message,
                    });
                }
            }
            Dataset {
                name: file.name,
                synthetic: file.synthetic,
                description: file.description,
            }
        }
        Err(e) => {
            p.push(toml_problem(&doc.name, &text, &e));
            fallback
        }
    }
}
