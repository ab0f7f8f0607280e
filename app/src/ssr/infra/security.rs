//! The Content-Security-Policy of the app's responses.

use crate::ssr::AppSettings;

/// The policy: everything from the app itself; scripts only with `nonce` (when
/// the response has one); forms may post to the app and to the bank kiosk (its
/// payment URL's origin and its other hosts); no framing, no plugins.
pub fn content_security_policy(settings: &AppSettings, nonce: Option<&str>) -> String {
    let mut kiosk = origin_of(&settings.kiosk.paypage_url).to_owned();
    for host in &settings.kiosk.form_hosts {
        kiosk.push(' ');
        kiosk.push_str(host);
    }
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
    use super::{content_security_policy, origin_of};
    use crate::ssr::AppSettings;

    #[test]
    fn forms_may_post_to_the_app_the_kiosk_and_the_banks_other_hosts_only() {
        let settings = AppSettings::for_tests("https://paiement.example");
        let policy = content_security_policy(&settings, None);
        assert!(
            policy.contains(
                "; form-action 'self' https://payment-webinit.sips-services.com https://*.sips-services.com; "
            ),
            "{policy}"
        );
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(origin_of("https://pay.example.fr/paiement"), "https://pay.example.fr");
    }
}
