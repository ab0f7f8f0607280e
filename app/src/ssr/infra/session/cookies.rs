//! The session's cookies: the session token's (`pc_session`, 32 random bytes
//! in base64url, the database keeping only their SHA-256) and a visitor's
//! flash (`pc_flash`, a form's values and errors as base64url JSON, 2 048
//! characters at most, read once), each host-only, `HttpOnly`,
//! `SameSite=Lax`, and `Secure` with the `__Host-` prefix over TLS.

use super::Flash;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The cookie's name.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_session" } else { "pc_session" }
}

/// A `Set-Cookie` value: host-only, for every path, out of scripts' reach,
/// never sent cross-site; `Secure` over TLS; for the browser's session, or
/// `max_age` seconds.
pub(crate) fn cookie_header(name: &str, value: &str, max_age: Option<u32>, secure: bool) -> String {
    let max_age = max_age.map(|seconds| format!("; Max-Age={seconds}")).unwrap_or_default();
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
}

/// The `Set-Cookie` value that gives the browser `token`.
pub fn set_cookie_header(token: &str, secure: bool) -> String {
    cookie_header(cookie_name(secure), token, None, secure)
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie_header(secure: bool) -> String {
    cookie_header(cookie_name(secure), "", Some(0), secure)
}

/// The flash cookie's name.
pub fn flash_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_flash" } else { "pc_flash" }
}

/// A flash cookie lives this long: the page after the redirect reads it.
const FLASH_COOKIE_SECONDS: u32 = 300;
/// The largest flash a cookie carries (a form's few fields and messages).
const FLASH_COOKIE_MAX: usize = 2048;

/// The `Set-Cookie` value that carries `flash` to the next page.
pub fn set_flash_cookie_header(flash: &Flash, secure: bool) -> Option<String> {
    let json = serde_json::to_vec(flash).ok()?;
    let value = URL_SAFE_NO_PAD.encode(json);
    (value.len() <= FLASH_COOKIE_MAX)
        .then(|| cookie_header(flash_cookie_name(secure), &value, Some(FLASH_COOKIE_SECONDS), secure))
}

/// The `Set-Cookie` value that removes the flash cookie.
pub fn clear_flash_cookie_header(secure: bool) -> String {
    cookie_header(flash_cookie_name(secure), "", Some(0), secure)
}

/// The value of the cookie `name` in a `Cookie` header (the first, if sent twice).
pub(crate) fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(key, _)| *key == name).map(|(_, v)| v)
}

/// The flash a `Cookie` header carries, if it is a well-formed one.
pub fn flash_from_cookie_header(header: &str, secure: bool) -> Option<Flash> {
    let name = flash_cookie_name(secure);
    let value = cookie_value(header, name)?;
    if value.is_empty() || value.len() > FLASH_COOKIE_MAX {
        return None;
    }
    let json = URL_SAFE_NO_PAD.decode(value).ok()?;
    let flash: Flash = serde_json::from_slice(&json).ok()?;
    let small =
        |map: &BTreeMap<String, String>| map.len() <= 8 && map.iter().all(|(k, v)| k.len() <= 40 && v.len() <= 400);
    (flash.form.len() <= 40 && small(&flash.values) && small(&flash.errors)).then_some(flash)
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    token_in_cookie(header, cookie_name(secure))
}

/// The value of the cookie `name` in a `Cookie` header when it has the shape
/// of a token [`new_token`] makes (43 characters of base64url).
pub(crate) fn token_in_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    cookie_value(header, name)
        .filter(|value| value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        assert_eq!(set_cookie_header("abc", false), "pc_session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(set_cookie_header("abc", true), "__Host-pc_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
        assert!(clear_cookie_header(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_only_well_formed_tokens() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        let header = format!("other=1; pc_session={token}; x=y");
        assert_eq!(token_from_cookie_header(&header, false), Some(token.as_str()));
        assert_eq!(token_from_cookie_header(&header, true), None);
        assert_eq!(token_from_cookie_header("pc_session=short", false), None);
        assert_eq!(token_from_cookie_header("pc_session=", false), None);
        let dashed = format!("pc_session={}-_", "a".repeat(41));
        assert!(token_from_cookie_header(&dashed, false).is_some(), "letters, digits, - and _");
        for odd in ['*', '.', '+', '/'] {
            let header = format!("pc_session={}{odd}", "a".repeat(42));
            assert_eq!(token_from_cookie_header(&header, false), None, "{odd}");
        }
    }

    #[test]
    fn a_flash_cookie_carries_the_form_back_once_and_only_a_well_formed_one_is_read() {
        let flash = Flash::new("connexion").value("nir", "1830201053123").error("password", "Mot de passe incorrect.");
        let set = set_flash_cookie_header(&flash, false).expect("small enough");
        assert!(set.starts_with("pc_flash=") && set.contains("HttpOnly") && set.contains("Max-Age=300"));
        let value = set.split(';').next().expect("a pair");
        assert_eq!(flash_from_cookie_header(&format!("a=b; {value}"), false), Some(flash.clone()));
        assert_eq!(flash_from_cookie_header(value, true), None, "the secure name only over TLS");
        assert!(set_flash_cookie_header(&flash, true).expect("small").starts_with("__Host-pc_flash="));
        assert!(clear_flash_cookie_header(false).contains("Max-Age=0"));
        for bad in ["pc_flash=", "pc_flash=***", "pc_flash=bm90IGpzb24"] {
            assert_eq!(flash_from_cookie_header(bad, false), None, "{bad}");
        }
        let big = Flash::new("connexion").value("nir", "1".repeat(3000));
        assert_eq!(set_flash_cookie_header(&big, false), None);
    }

    /// A flash cookie as a client could send it, whatever the server would set.
    fn sent(flash: &Flash) -> String {
        format!("pc_flash={}", URL_SAFE_NO_PAD.encode(serde_json::to_vec(flash).expect("json")))
    }

    /// A flash of four values whose JSON is `length` bytes long.
    fn flash_of_json_length(length: usize) -> Flash {
        let with = |last: usize| {
            (0..4).fold(Flash::new("x"), |f, i| f.value(&format!("k{i}"), "a".repeat(if i == 3 { last } else { 370 })))
        };
        let base = serde_json::to_vec(&with(0)).expect("json").len();
        with(length - base)
    }

    #[test]
    fn a_flash_cookie_is_read_up_to_2048_characters_and_within_its_field_limits() {
        // 1 536 bytes of JSON are 2 048 characters of unpadded base64; 1 537, 2 050.
        let largest = flash_of_json_length(1536);
        assert_eq!(sent(&largest).len(), "pc_flash=".len() + 2048);
        assert_eq!(flash_from_cookie_header(&sent(&largest), false), Some(largest));
        assert_eq!(flash_from_cookie_header(&sent(&flash_of_json_length(1537)), false), None);

        let fine = || Flash::new("connexion").value("nir", "1").error("password", "Non.");
        assert!(flash_from_cookie_header(&sent(&fine()), false).is_some());
        let too_many = (0..9).fold(fine(), |f, i| f.value(&format!("f{i}"), "v"));
        let long_key = fine().value(&"k".repeat(41), "v");
        let long_value = fine().value("nir", "1".repeat(401));
        let long_error = fine().error("password", "e".repeat(401));
        let long_form = Flash { form: "f".repeat(41), ..fine() };
        for (why, flash) in [
            ("9 values", too_many),
            ("a key", long_key),
            ("a value", long_value),
            ("an error", long_error),
            ("the form", long_form),
        ] {
            assert_eq!(flash_from_cookie_header(&sent(&flash), false), None, "{why} too long");
        }
    }
}
