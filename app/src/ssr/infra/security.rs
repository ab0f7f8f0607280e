//! The Content-Security-Policy of the app's responses.

use crate::ssr::AppSettings;

/// The policy: everything from the app itself; scripts only with `nonce` (when
/// the response has one); forms may post to the app and to the bank kiosk; no
/// framing, no plugins.
pub fn content_security_policy(settings: &AppSettings, nonce: Option<&str>) -> String {
    let kiosk = origin_of(&settings.kiosk.paypage_url);
    let scripts = match nonce {
        Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; form-action 'self' {kiosk}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// `scheme://host:port` of a URL.
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins() {
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(origin_of("https://pay.example.fr/paiement"), "https://pay.example.fr");
    }
}
