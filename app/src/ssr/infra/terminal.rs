//! Public terminals (BMS, the bornes multi-services of the caisses' reception
//! areas): a whole site in terminal mode (`TERMINAL_MODE=true`), or one
//! terminal's browser, switched once at `/borne`, which leaves it a year-long
//! cookie (on a public site only given the configured `TERMINAL_KEY`, posted
//! in a form or sent in a header: never in a URL, which logs and the browser's
//! history keep). A terminal's pages have large touch targets, no autofill, a
//! visible idle countdown that signs out after 2 minutes without input, and
//! acknowledgements printed rather than downloaded. The next person must find
//! nothing of the one before: a terminal's sessions end on the server after 3
//! minutes without a request and 15 minutes after the sign-in, whatever the
//! page did; the bank's return ends the session (the outcome is said on the
//! sign-in page); signing out loads a new document.

use super::session::{Limits, cookie_header, cookie_value};
use crate::ssr::AppSettings;
use http::HeaderMap;
use http::header::COOKIE;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A terminal's session ends on the server after this long without a request
/// (the page's countdown, `pages::terminal`, signs out after 2 minutes without
/// input; this holds if its script could not run).
pub const SESSION_IDLE: Duration = Duration::from_secs(3 * 60);

/// A terminal's session ends this long after the sign-in, however active.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The header through which a terminal's software may give the key.
pub const KEY_HEADER: &str = "x-cle-borne";

/// The switch cookie lives a year (400 days is the browsers' limit).
const COOKIE_SECONDS: u32 = 365 * 24 * 3600;

/// The switch cookie's name.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_borne" } else { "pc_borne" }
}

/// The `Set-Cookie` value that switches a browser to terminal mode.
pub fn set_cookie_header(secure: bool) -> String {
    cookie_header(cookie_name(secure), "1", Some(COOKIE_SECONDS), secure)
}

/// Whether `/borne` may switch a browser given `key`: on a demonstration
/// (http) site always; on a public (https) site only with the configured
/// `TERMINAL_KEY`, so that no link from elsewhere leaves a person's own browser
/// in terminal mode.
pub fn may_switch(settings: &AppSettings, key: Option<&str>) -> bool {
    if !settings.secure_cookies() {
        return true;
    }
    match (&settings.terminal_key, key) {
        // Digests compared: the time taken tells nothing of the key's characters.
        (Some(expected), Some(given)) => {
            Sha256::digest(expected.expose().as_bytes()) == Sha256::digest(given.as_bytes())
        }
        _ => false,
    }
}

/// Whether a request with these headers comes from a terminal.
pub fn is_terminal(settings: &AppSettings, headers: &HeaderMap) -> bool {
    let name = cookie_name(settings.secure_cookies());
    settings.terminal_mode
        || headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|h| cookie_value(h, name) == Some("1"))
}

/// How long a session of this request may stay without a request.
pub fn session_idle(settings: &AppSettings, headers: &HeaderMap) -> Duration {
    session_limits(settings, headers).idle
}

/// How long a session of this request may live: a terminal's, shorter.
pub fn session_limits(settings: &AppSettings, headers: &HeaderMap) -> Limits {
    let ordinary = Limits::idle(settings.session_idle);
    match is_terminal(settings, headers) {
        true => Limits { idle: ordinary.idle.min(SESSION_IDLE), lifetime: ordinary.lifetime.min(SESSION_LIFETIME) },
        false => ordinary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const fn minutes(count: u64) -> Duration {
        Duration::from_secs(count * 60)
    }

    fn settings(terminal_mode: bool, public_url: &str) -> AppSettings {
        let mut settings = AppSettings::for_tests(public_url);
        settings.terminal_mode = terminal_mode;
        settings.session_idle = minutes(30);
        settings
    }

    fn with_cookie(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(cookie).expect("a header"));
        headers
    }

    #[test]
    fn a_terminal_is_the_site_setting_or_the_switch_cookie_of_its_scheme() {
        let http = settings(false, "http://127.0.0.1:3000");
        assert!(!is_terminal(&http, &HeaderMap::new()));
        assert!(is_terminal(&http, &with_cookie("pc_session=x; pc_borne=1")));
        assert!(!is_terminal(&http, &with_cookie("pc_borne=0")));
        assert!(!is_terminal(&http, &with_cookie("xpc_borne=1")));
        let https = settings(false, "https://paiement.ameli.example");
        assert!(!is_terminal(&https, &with_cookie("pc_borne=1")), "over TLS the cookie has its prefix");
        assert!(is_terminal(&https, &with_cookie("__Host-pc_borne=1")));
        assert!(is_terminal(&settings(true, "http://127.0.0.1:3000"), &HeaderMap::new()));
    }

    #[test]
    fn a_terminal_session_ends_after_three_minutes_without_a_request_others_after_the_setting() {
        let site = settings(false, "http://127.0.0.1:3000");
        assert_eq!(session_idle(&site, &HeaderMap::new()), minutes(30));
        assert_eq!(session_idle(&site, &with_cookie("pc_borne=1")), minutes(3));
        let mut short = settings(true, "http://127.0.0.1:3000");
        short.session_idle = minutes(1);
        assert_eq!(session_idle(&short, &HeaderMap::new()), minutes(1), "never longer than the setting");
    }

    #[test]
    fn a_terminal_session_lives_fifteen_minutes_at_most_others_twelve_hours() {
        let site = settings(false, "http://127.0.0.1:3000");
        assert_eq!(session_limits(&site, &HeaderMap::new()).lifetime, minutes(12 * 60));
        assert_eq!(
            session_limits(&site, &with_cookie("pc_borne=1")),
            Limits { idle: minutes(3), lifetime: minutes(15) }
        );
    }

    #[test]
    fn a_public_site_switches_a_browser_only_with_its_key_a_demonstration_always() {
        let demo = settings(false, "http://127.0.0.1:3000");
        assert!(may_switch(&demo, None));
        let mut public = settings(false, "https://paiement.ameli.example");
        assert!(!may_switch(&public, None) && !may_switch(&public, Some("")), "no key set: never");
        public.terminal_key = Some(crate::ssr::Secret::new("borne-7f3a".to_owned()));
        assert!(may_switch(&public, Some("borne-7f3a")));
        assert!(!may_switch(&public, None) && !may_switch(&public, Some("borne-7f3b")));
    }

    #[test]
    fn the_switch_cookie_is_host_only_out_of_scripts_for_a_year() {
        assert_eq!(set_cookie_header(false), "pc_borne=1; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
        assert_eq!(
            set_cookie_header(true),
            "__Host-pc_borne=1; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000; Secure"
        );
    }
}
