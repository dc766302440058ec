//! Outputs: everything that renders or writes [`Profiles`], apart from the engine that
//! makes them ([`crate::profile`]). Every arrow points into the engine: this wing reads a
//! built [`Profiles`] (its crate-internal fields) and nothing in `profile/` uses it.
//!
//! | output | code | `docs/outputs.md` |
//! |---|---|---|
//! | the long table (`profile.parquet`, `profile.csv`) | `long_table.rs`: [`Profiles::table`] | "The long table" |
//! | analysts' tables: themes, spine, social map, the audit (`suppression.csv`) | `frames.rs`: [`Profiles::themes_table`], [`Profiles::spine_table`], [`Profiles::social_table`], [`Profiles::withheld_table`] | "How figures are made" (audit) |
//! | one JSON document per area (`areas/<code>.json`) | `document.rs`: [`Profiles::document`], [`AreaDocument`] | "Area documents" |
//! | a page per area and the regional overview (`pages/`) | `pages/`: [`Profiles::page_html`], [`Profiles::overview_html`] | the table of files |
//! | the notebook card | `card.rs`: [`Profiles::card_html`] | |
//! | the tabellenboek: an Excel workbook per gemeente and the region (`tabellenboek/`) | `tabellenboek.rs`: [`Profiles::tabellenboek`] | "The tabellenboek" |
//! | the batch: every file of a run, atomically (`metadata.json` too); shards and merging | [`mod@write`] | the table of files, "Sharded runs" |
//! | whole output sets: the working folder, the swap into place, `manifest.json`, `verify` | [`mod@set`] | "Whole sets" |
//! | file writers: CSV byte for byte as polars writes it (formula cells excepted), files past the page cache | `csv.rs`, `direct.rs` | |
//!
//! Rendering and writing are methods of [`Profiles`] so that a built profile set reads as
//! one thing (`profiles.table()`, `profiles.page_html(code)`); their code lives here.

mod card;
mod csv;
mod direct;
mod document;
mod frames;
mod long_table;
mod monitor_table;
mod pages;
pub mod set;
mod tabellenboek;
pub mod write;

pub use document::{AreaDocument, IndicatorFigures, SCHEMA_VERSION};
pub use frames::OWNER_ONLY_COLUMNS;
pub use pages::{escape_html, page_file};

#[cfg(doc)]
use crate::profile::Profiles;
