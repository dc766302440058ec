//! A service's use of the core: load and build once, then answer requests for one area's
//! profile as JSON.
//!
//! ```sh
//! cargo run -p wijkprofiel --example service -- WK990103 BU99060200
//! cargo run -p wijkprofiel --example service -- --data data/demo GM9901
//! ```

use std::error::Error;

use wijkprofiel::Region;
use wijkprofiel::profile::{Language, ProfileBuilder};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // Load once: the embedded demo, or a data folder.
    let mut region = match args.iter().position(|a| a == "--data") {
        Some(i) if i + 1 < args.len() => {
            let dir = args.remove(i + 1);
            args.remove(i);
            Region::load(dir)?
        }
        _ => Region::demo()?,
    };
    // Profiles are made from the GP counts' sums: a service that never hands out the GP
    // rows themselves frees them (1.2 GB for the national data set).
    region.release_gp_rows();
    let profiles = ProfileBuilder::new()
        .language(Language::En)
        .build(&region)?;
    if args.is_empty() {
        args.push("WK990100".to_owned());
    }
    // Then each request is a lookup and a serialisation.
    for code in &args {
        match profiles.document(code) {
            Some(document) => {
                let top: Vec<&str> = document
                    .themes
                    .iter()
                    .take(3)
                    .map(|t| t.label.as_str())
                    .collect();
                eprintln!(
                    "{code} {}: priority themes {}",
                    document.area.name,
                    top.join(", ")
                );
                println!("{}", serde_json::to_string(&document)?);
            }
            None => eprintln!("{code}: no profile (unknown code, or the country)"),
        }
    }
    Ok(())
}
