//! The `Data` string: `key=value` pairs joined by `|`.

use crate::SipsError;
use std::collections::BTreeMap;

/// The `key=value` pairs of a `Data` string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataFields(BTreeMap<String, String>);

impl DataFields {
    /// Parses `key=value|key=value`. Keys must be unique and non-empty:
    /// letters and digits, with `.` and `_` for grouped fields
    /// (`billingAddress.city`, `s10TransactionReference.s10TransactionId`).
    /// Fields this codec does not read are kept and ignored.
    pub fn parse(data: &str) -> Result<Self, SipsError> {
        let mut fields = BTreeMap::new();
        for pair in data.split('|').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or(SipsError::Malformed("a field without '='"))?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') {
                return Err(SipsError::Malformed("a field name"));
            }
            if fields.insert(key.to_owned(), value.to_owned()).is_some() {
                return Err(SipsError::Malformed("a repeated field"));
            }
        }
        Ok(DataFields(fields))
    }

    /// The value of `key`, if present, not empty and not `null` (Worldline
    /// sends the fields it has no value for as `key=null`).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str).filter(|v| !v.is_empty() && *v != "null")
    }

    /// The value of `key`, which must be present.
    pub fn require(&self, key: &'static str) -> Result<&str, SipsError> {
        self.get(key).ok_or(SipsError::Malformed(key))
    }
}

/// Joins pairs into a `Data` string, refusing separators inside a value.
pub fn encode_data(fields: &[(&str, &str)]) -> Result<String, SipsError> {
    let mut out = String::new();
    for (key, value) in fields {
        if value.contains('|') {
            return Err(SipsError::Malformed("a value containing '|'"));
        }
        if !out.is_empty() {
            out.push('|');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    Ok(out)
}

/// An amount in cents: 1 to 12 digits.
pub(crate) fn parse_amount(text: &str) -> Result<i64, SipsError> {
    // (An empty text fails to parse below.)
    if text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SipsError::Malformed("amount"));
    }
    text.parse().map_err(|_| SipsError::Malformed("amount"))
}
