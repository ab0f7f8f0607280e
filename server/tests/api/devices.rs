//! Nobody can lock a person out (OWASP's device cookie): a browser where the
//! person signed in before is counted apart, so failures from elsewhere — a
//! stranger trying their NIR from many addresses, a shared address full of
//! others' tries — never keep them out of it. Unknown browsers stay counted
//! per account from an address, per address and per account (`bursts.rs`,
//! `hardening.rs`), and slowed before they are refused: past half of an
//! allowance, each try waits longer before its password is checked.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::header::SET_COOKIE;

const PAUL_NIR: &str = "1750538185012 49";
const PAUL_PASSWORD: &str = "Martin-1975";
const JEANNE_NIR: &str = "2680975056088 97";
const JEANNE_PASSWORD: &str = "Roux-1968";

/// The device cookie a response sets, if any.
fn device_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|cookie| cookie.starts_with("pc_device="))
        .map(str::to_owned)
}

on_both_engines! {
    async fn a_browser_where_the_person_signed_in_before_lets_them_in_while_strangers_have_locked_the_account_everywhere_else(app) {
        let behind_proxy = spawn_app_with(app_engine(&app), &[("TRUSTED_PROXIES", "127.0.0.0/8".to_owned())]).await;
        let home = behind_proxy.new_browser();
        let signed_in = home.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_eq!(location(&signed_in), "/accueil");
        let cookie = device_cookie(&signed_in).expect("a device cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=31536000"), "{cookie}");
        assert_eq!(behind_proxy.count("SELECT COUNT(*) FROM trusted_devices").await, 1, "kept hashed, with its account");
        home.post_form(SIGN_OUT, &[]).await;
        // Ten addresses × five wrong passwords: the account's fifty, used up.
        for i in 0..10 {
            let stranger = behind_proxy.new_browser();
            for _ in 0..5 {
                sign_in_call(&stranger, PIERRE_NIR, "a guess", Some(&format!("198.51.100.{i}"))).await;
            }
        }
        let new_browser = behind_proxy.new_browser();
        assert_eq!(sign_in_call(&new_browser, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.20")).await.as_u16(), THROTTLED, "an unknown browser waits");
        // At home, from an address whose twenty tries strangers used up as well.
        for i in 0..20 {
            sign_in_call(&behind_proxy.new_browser(), &unknown_nir(i), "guess", Some("203.0.113.21")).await;
        }
        assert_eq!(sign_in_call(&home, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.21")).await.as_u16(), SIGNED_IN, "the person, at home");
        // The device's own failures count, apart: ten, then it waits too.
        home.post_form(SIGN_OUT, &[]).await;
        for _ in 0..10 {
            assert_eq!(sign_in_call(&home, PIERRE_NIR, "wrong", Some("203.0.113.21")).await.as_u16(), CHECKED);
        }
        assert_eq!(sign_in_call(&home, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.21")).await.as_u16(), THROTTLED);
        behind_proxy.cleanup().await;
    }

    async fn signing_out_everywhere_forgets_the_browsers_the_account_knew(app) {
        let behind_proxy = spawn_app_with(app_engine(&app), &[("TRUSTED_PROXIES", "127.0.0.0/8".to_owned())]).await;
        let lost_phone = behind_proxy.new_browser();
        assert_eq!(location(&lost_phone.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
        let agent_laptop = behind_proxy.new_browser();
        agent_laptop.sign_in_as_agent().await;
        let home = behind_proxy.new_browser();
        assert_eq!(location(&home.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
        assert_eq!(behind_proxy.count("SELECT COUNT(*) FROM trusted_devices").await, 3);
        let out = home.post_form(SIGN_OUT_EVERYWHERE, &[]).await;
        assert_eq!(location(&out), "/connexion");
        assert_eq!(behind_proxy.count("SELECT COUNT(*) FROM trusted_devices").await, 1, "the agent's laptop alone");
        // The lost phone is now an unknown browser: once strangers have used the account's tries, it waits too.
        for i in 0..10 {
            let stranger = behind_proxy.new_browser();
            for _ in 0..5 {
                sign_in_call(&stranger, PIERRE_NIR, "a guess", Some(&format!("198.51.100.{i}"))).await;
            }
        }
        assert_eq!(sign_in_call(&lost_phone, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.30")).await.as_u16(), THROTTLED);
        assert_eq!(
            behind_proxy.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ended_everywhere' AND detail LIKE '%\"devices\":2%'").await,
            1
        );
        behind_proxy.cleanup().await;
    }

    async fn a_device_cookie_counts_only_for_its_own_account_and_is_not_given_on_a_public_terminal(app) {
        let pierre = app.new_browser();
        assert_eq!(location(&pierre.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
        pierre.post_form(SIGN_OUT, &[]).await;
        // Pierre's browser trying Eva's account: an unknown browser for her.
        for _ in 0..5 {
            assert_eq!(sign_in_call(&pierre, EVA_NIR, "a guess", None).await.as_u16(), CHECKED);
        }
        assert_eq!(sign_in_call(&pierre, EVA_NIR, EVA_PASSWORD, None).await.as_u16(), THROTTLED);
        // A forged or unknown token is an unknown browser too.
        let forged = app.new_browser();
        let forged_call = |password: &'static str| {
            forged.client.post(forged.url(SIGN_IN)).header("Origin", &forged.address)
                .header("Cookie", format!("pc_device={}", "A".repeat(43))).form(&[("nir", PAUL_NIR), ("password", password)]).send()
        };
        for _ in 0..5 {
            assert_eq!(forged_call("a guess").await.expect("POST").status().as_u16(), CHECKED);
        }
        assert_eq!(forged_call(PAUL_PASSWORD).await.expect("POST").status().as_u16(), THROTTLED);
        // A public terminal's browser is everybody's: it is never a known device.
        let terminal = app.new_browser();
        assert_eq!(terminal.get_page("/borne").await.status(), reqwest::StatusCode::SEE_OTHER);
        let signed_in = terminal.sign_in(JEANNE_NIR, JEANNE_PASSWORD).await;
        assert_eq!(location(&signed_in), "/accueil");
        assert_eq!(device_cookie(&signed_in), None);
        assert_eq!(app.count("SELECT COUNT(*) FROM trusted_devices").await, 1, "Pierre's browser alone");
    }

    async fn an_unknown_browser_waits_longer_at_each_try_before_it_is_refused_and_a_known_one_never_waits_for_strangers(app) {
        let behind_proxy = spawn_app_with(app_engine(&app), &[("TRUSTED_PROXIES", "127.0.0.0/8".to_owned())]).await;
        let clock = &behind_proxy.state.clock;
        // What each try waited, read on the test's clock (moved by the wait instead of sleeping).
        let waited = async |browser: &Browser, nir: &str, password: &str, from: &str| {
            let start = clock.now_ms();
            let status = sign_in_call(browser, nir, password, Some(from)).await.as_u16();
            (status, clock.now_ms() - start)
        };
        let home = behind_proxy.new_browser();
        assert_eq!(waited(&home, PIERRE_NIR, PIERRE_PASSWORD, "203.0.113.40").await, (SIGNED_IN, 0));
        home.post_form(SIGN_OUT, &[]).await;
        // A stranger guessing Pierre's password: two tries at once, then half a second, one, two, then refused at once.
        let stranger = behind_proxy.new_browser();
        let mut tries = Vec::new();
        for _ in 0..6 {
            tries.push(waited(&stranger, PIERRE_NIR, "a guess", "198.51.100.40").await);
        }
        assert_eq!(tries, [(CHECKED, 0), (CHECKED, 0), (CHECKED, 500), (CHECKED, 1000), (CHECKED, 2000), (THROTTLED, 0)]);
        // Strangers behind the person's own address, past half of its twenty: a new browser there waits…
        for i in 0..12 {
            sign_in_call(&behind_proxy.new_browser(), &unknown_nir(i), "guess", Some("203.0.113.40")).await;
        }
        assert_eq!(waited(&behind_proxy.new_browser(), PIERRE_NIR, "a slip", "203.0.113.40").await, (CHECKED, 2000));
        // …the browser Pierre signed in with does not.
        assert_eq!(waited(&home, PIERRE_NIR, PIERRE_PASSWORD, "203.0.113.40").await, (SIGNED_IN, 0));
        behind_proxy.cleanup().await;
    }
}
