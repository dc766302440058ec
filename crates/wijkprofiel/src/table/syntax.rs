//! What is wrong with a CSV file the reader refused, said by line: text that is not UTF-8, a
//! quote opened and never closed, a quote inside an unquoted field, a row with more fields
//! than the header. The reader's own messages give byte offsets, a hint about its options,
//! or much of the file; these name the line and show at most a short excerpt.

/// The first problem found in `bytes` (a CSV file with `#` comment lines before its
/// header): its 1-based line and what is wrong. None when the scan finds nothing.
pub(crate) fn diagnose(bytes: &[u8]) -> Option<(usize, String)> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = line_of(bytes, at);
        let byte = bytes[at];
        let hint = if byte >= 0x80 {
            " (it looks like Latin-1 or Windows-1252: save the file as UTF-8)"
        } else {
            ""
        };
        return Some((line, format!("not UTF-8 text: byte 0x{byte:02X}{hint}")));
    }
    let mut line = 1;
    // Comment lines before the header.
    let mut at = 0;
    while bytes.get(at) == Some(&b'#') {
        match bytes[at..].iter().position(|&b| b == b'\n') {
            Some(end) => {
                at += end + 1;
                line += 1;
            }
            None => return None,
        }
    }
    let mut header_fields = None;
    let mut fields = 1;
    let mut record_line = line;
    let mut quoted = false;
    let mut field_start = true;
    let mut quote_line = line;
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => {
                    quoted = false;
                    if !matches!(bytes.get(i + 1), None | Some(b',' | b'\n' | b'\r')) {
                        return Some((
                            line,
                            format!(
                                "text after a closing quote: {}; quote the whole field and \
                                 double any quote inside it",
                                excerpt(bytes, i)
                            ),
                        ));
                    }
                }
                b'\n' => line += 1,
                _ => {}
            }
        } else {
            match b {
                b'"' if field_start => {
                    quoted = true;
                    quote_line = line;
                }
                b'"' => {
                    return Some((
                        line,
                        format!(
                            "a quote inside an unquoted field: {}; quote the whole field and \
                             double the quote (\"\")",
                            excerpt(bytes, i)
                        ),
                    ));
                }
                b',' => fields += 1,
                b'\n' => {
                    let blank = fields == 1 && line_is_blank(bytes, i);
                    if !blank {
                        match header_fields {
                            None => header_fields = Some(fields),
                            Some(n) if fields > n => {
                                return Some((
                                    record_line,
                                    format!("{fields} fields where the header has {n}"),
                                ));
                            }
                            Some(_) => {}
                        }
                    }
                    fields = 1;
                    line += 1;
                    record_line = line;
                }
                _ => {}
            }
        }
        field_start = !quoted && matches!(b, b',' | b'\n');
        i += 1;
    }
    if quoted {
        return Some((quote_line, "a quote opened here is never closed".to_owned()));
    }
    match header_fields {
        Some(n) if fields > n => Some((
            record_line,
            format!("{fields} fields where the header has {n}"),
        )),
        _ => None,
    }
}

/// The 1-based line of byte `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Whether the line ending at `end` (a `\n`) holds only white space.
fn line_is_blank(bytes: &[u8], end: usize) -> bool {
    let start = bytes[..end]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    bytes[start..end].iter().all(u8::is_ascii_whitespace)
}

/// A few characters around byte `at`, on one line, quoted.
fn excerpt(bytes: &[u8], at: usize) -> String {
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1)
        .max(at.saturating_sub(20));
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| at + p)
        .min(at + 20);
    format!("`{}`", String::from_utf8_lossy(&bytes[start..end]))
}

#[cfg(test)]
mod tests {
    use super::diagnose;

    #[test]
    fn each_syntax_problem_is_named_by_its_line() {
        let cases: [(&[u8], usize, &str); 6] = [
            (b"# note\na,b\n1,2\n3,\"unclosed\n4,5\n", 4, "never closed"),
            (b"a,b\n1,2\n3,4,5\n", 3, "3 fields where the header has 2"),
            (
                b"a,b\n1,2\n3,x\"y\n",
                3,
                "a quote inside an unquoted field: `3,x\"y`",
            ),
            (b"a,b\n1,\"x\"y\n", 2, "text after a closing quote"),
            (
                b"a,b\n1,2\nBU1,Caf\xe9\n",
                3,
                "byte 0xE9 (it looks like Latin-1",
            ),
            (b"a,b\n1,2\n3,4,5", 3, "3 fields"),
        ];
        for (bytes, line, message) in cases {
            let (found, said) = diagnose(bytes).expect("a problem");
            assert_eq!(found, line, "{said}");
            assert!(said.contains(message), "{said}");
        }
    }

    #[test]
    fn good_csv_has_nothing_to_say() {
        let good: &[u8] = b"# c\na,b\n\"x, \"\"quoted\"\"\",2\n\"two\nlines\",3\n,\n\r\nlast,4\r\n";
        assert_eq!(diagnose(good), None);
    }
}
