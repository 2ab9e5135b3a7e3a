//! A small RFC 4180 CSV reader for HSDS's tabular form: comma-separated, `"`-quoted fields with
//! `""` for a quote, quoted fields may span lines, CRLF or LF line ends, an optional UTF-8 BOM.
//! Written here rather than taken as a dependency: the mobile library stays small, and the
//! format HSDS uses is this much.

use crate::error::{Error, Problem, Result};

/// A parsed table: its header and rows, each row as long as the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    /// The position of column `name`.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The value of column `name` in `row`, `None` when absent or empty.
    pub(crate) fn get<'a>(&self, row: &'a [String], name: &str) -> Option<&'a str> {
        self.column(name)
            .and_then(|i| row.get(i))
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// Parses `text`. Any structural fault (an unclosed quote, text after a closing quote, a row
/// whose field count differs from the header's) is `Invalid { field: "file", Malformed }`.
pub(crate) fn parse(text: &str) -> Result<CsvTable> {
    let bad = || Error::invalid("file", Problem::Malformed);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut quoted_field = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted_field => {
                in_quotes = true;
                quoted_field = true;
            }
            '"' => return Err(bad()),
            ',' => {
                record.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                quoted_field = false;
                records.push(std::mem::take(&mut record));
                any = false;
            }
            _ if quoted_field => return Err(bad()),
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(bad());
    }
    if any {
        record.push(field);
        records.push(record);
    }
    // Blank lines carry no record.
    records.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    let mut rows = records.into_iter();
    let headers: Vec<String> = rows
        .next()
        .ok_or(Error::invalid("file", Problem::Empty))?
        .into_iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().any(String::is_empty) {
        return Err(bad());
    }
    let rows: Vec<Vec<String>> = rows.collect();
    if rows.iter().any(|r| r.len() != headers.len()) {
        return Err(bad());
    }
    Ok(CsvTable { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_quotes_and_newlines() {
        let t = parse("\u{feff}id,name,note\r\n1,\"Aide, à domicile\",\"dit \"\"oui\"\"\nsur deux lignes\"\n2,Répit,\n\n").unwrap();
        assert_eq!(t.headers, vec!["id", "name", "note"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0][1], "Aide, à domicile");
        assert_eq!(t.rows[0][2], "dit \"oui\"\nsur deux lignes");
        assert_eq!(t.get(&t.rows[1], "note"), None);
        assert_eq!(t.get(&t.rows[1], "name"), Some("Répit"));
    }

    #[test]
    fn structural_faults_are_malformed() {
        for bad in [
            "id,name\n1,\"open",
            "id,name\n1,2,3",
            "id,name\n1,ab\"c\"",
            "id,,x\n1,2,3",
            "id\n\"a\"b",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse("").is_err());
    }
}
