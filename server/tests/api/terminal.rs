//! Public terminals (BMS): the switch, the pages it changes, the shorter session.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

const MINUTE: i64 = 60 * 1000;

/// A browser switched to terminal mode by opening `/borne`.
async fn terminal(app: &TestApp) -> Browser {
    let browser = app.new_browser();
    let switched = browser.get_page("/borne").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&switched), "/connexion");
    let cookie = switched.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(cookie, "pc_borne=1; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000");
    browser
}

on_both_engines! {
    async fn a_terminal_sign_in_page_has_no_autofill_and_the_idle_countdown_and_an_ordinary_one_neither(app) {
        let kiosk = terminal(&app).await;
        let page = kiosk.page_html("/connexion").await;
        assert!(page.contains("<body class=\"borne\""), "the terminal's style");
        assert!(page.contains(r#"name="nir" type="text" autocomplete="off""#), "no autofill of the NIR");
        assert!(page.contains(r#"autocomplete="off" value="" aria-describedby="password-error""#), "nor of the password");
        assert!(page.contains("déconnexion automatique dans") && page.contains("id=\"idle-left\""));
        let ordinary = app.new_browser().page_html("/connexion").await;
        assert!(!ordinary.contains("borne") && !ordinary.contains("idle-left"));
        assert!(ordinary.contains(r#"autocomplete="username""#) && ordinary.contains(r#"autocomplete="current-password""#));
    }

    async fn a_terminal_session_ends_after_three_minutes_without_a_request_an_ordinary_one_lives_on(app) {
        let kiosk = terminal(&app).await;
        assert_eq!(location(&kiosk.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
        let desk = app.new_browser();
        desk.sign_in_as_pierre().await;
        app.state.clock.advance(2 * MINUTE + 50 * 1000);
        assert_eq!(kiosk.get_page("/accueil").await.status(), StatusCode::OK, "2 min 50 s: still signed in");
        app.state.clock.advance(3 * MINUTE + 1000);
        assert_eq!(location(&kiosk.get_page("/accueil").await), "/connexion", "3 min without a request: signed out");
        assert_eq!(desk.get_page("/accueil").await.status(), StatusCode::OK, "the ordinary session lives on");
    }

    async fn on_a_public_site_borne_switches_a_browser_only_with_the_terminals_key(app) {
        let public = |key: Option<&str>| {
            let mut settings = vec![
                ("PUBLIC_URL", "https://payer.example.fr".to_owned()),
            ("TRUSTED_PROXIES", "none".to_owned()),
                ("ALLOW_TEST_KIOSK", "true".to_owned()),
                ("DEMO_DATA", "true".to_owned()),
            ];
            settings.extend(key.map(|key| ("TERMINAL_KEY", key.to_owned())));
            settings
        };
        let unkeyed = spawn_app_with(app_engine(&app), &public(None)).await;
        assert_eq!(unkeyed.get_page("/borne").await.status(), StatusCode::NOT_FOUND, "no key set: no switch");
        assert_eq!(unkeyed.get_page("/borne?cle=").await.status(), StatusCode::NOT_FOUND);
        unkeyed.cleanup().await;
        let keyed = spawn_app_with(app_engine(&app), &public(Some("borne-7f3a"))).await;
        for wrong in ["/borne", "/borne?cle=borne-7f3b", "/borne?cle=borne-7f3"] {
            let refused = keyed.get_page(wrong).await;
            assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{wrong}");
            assert!(refused.headers().get(SET_COOKIE).is_none(), "{wrong}");
        }
        let switched = keyed.get_page("/borne?cle=borne-7f3a").await;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        let cookie = switched.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(cookie.starts_with("__Host-pc_borne=1;") && cookie.ends_with("; Secure"), "{cookie}");
        keyed.cleanup().await;
    }

    async fn a_terminal_prints_the_acknowledgement_and_offers_no_download(app) {
        let kiosk = terminal(&app).await;
        assert_eq!(location(&kiosk.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        app.automatic(&bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET)).await;
        let mailbox = kiosk.page_html("/ma-messagerie").await;
        let message = mailbox
            .split("href=\"/ma-messagerie/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a message in the mailbox")
            .to_owned();
        let at_the_terminal = kiosk.page_html(&format!("/ma-messagerie/{message}")).await;
        assert!(at_the_terminal.contains("IMPRIMER") && !at_the_terminal.contains("TÉLÉCHARGER EN PDF"));
        let at_home = app.page_html(&format!("/ma-messagerie/{message}")).await;
        assert!(at_home.contains("IMPRIMER") && at_home.contains("TÉLÉCHARGER EN PDF"));
    }
}
