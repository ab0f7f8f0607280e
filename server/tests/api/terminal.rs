//! Public terminals (BMS): the switch, the pages it changes, the shorter session.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

const MINUTE: i64 = 60 * 1000;

/// The `Set-Cookie` values of a response.
fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
}

/// The bank's accepted answer for `reference`, posted back through `browser`.
async fn back_from_the_bank(browser: &Browser, reference: &str) -> reqwest::Response {
    let fields = bank::sealed(&bank::response(reference, 2000, "00"), bank::SECRET);
    let returned = browser.client.post(browser.url("/paiement/retour")).form(&fields).send().await.expect("return");
    assert_eq!(location(&returned), format!("/paiement/resultat?paiement={reference}"));
    browser.get_page(&location(&returned)).await
}

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

    async fn on_a_terminal_the_return_from_the_bank_ends_the_session_and_the_sign_in_page_says_the_outcome_once(app) {
        let kiosk = terminal(&app).await;
        kiosk.sign_in_as_pierre().await;
        let reference = kiosk.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let sessions = app.count("SELECT COUNT(*) FROM sessions").await;
        let ended = back_from_the_bank(&kiosk, &reference).await;
        assert_eq!(ended.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&ended), "/connexion");
        let cookies = set_cookies(&ended);
        assert!(cookies.iter().any(|c| c.starts_with("pc_session=;") && c.contains("Max-Age=0")), "{cookies:?}");
        assert!(cookies.iter().any(|c| c.starts_with("pc_flash=")), "the outcome for the sign-in page: {cookies:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, sessions - 1, "ended on the server");
        assert_eq!(app.attempt_status(&reference).await, "accepted");

        let sign_in = text_of(&kiosk.page_html("/connexion").await);
        assert!(sign_in.contains("Nous vous remercions pour votre paiement"), "{sign_in}");
        assert!(sign_in.contains("vous avez été déconnecté de cette borne"));
        assert!(!sign_in.contains("BELAGE"), "nothing of the person");
        let again = text_of(&kiosk.page_html("/connexion").await);
        assert!(!again.contains("Nous vous remercions"), "said once: the next person does not read it");
        assert_eq!(location(&kiosk.get_page("/accueil").await), "/connexion", "the next person is not in the account");
    }

    async fn the_return_from_the_bank_leaves_an_ordinary_browser_signed_in_and_tells_a_terminal_nothing_of_anothers_payment(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let home = back_from_the_bank(&app.browser, &reference).await;
        assert_eq!(location(&home), format!("/accueil?paiement={reference}"));
        assert!(set_cookies(&home).is_empty(), "nothing ended");
        assert!(text_of(&app.page_html(&location(&home)).await).contains("Nous vous remercions pour votre paiement"));

        // A terminal where Eva is signed in, sent to the outcome of Pierre's payment.
        let kiosk = terminal(&app).await;
        assert_eq!(location(&kiosk.sign_in(EVA_NIR, EVA_PASSWORD).await), "/accueil");
        let ended = kiosk.get_page(&format!("/paiement/resultat?paiement={reference}")).await;
        assert_eq!(location(&ended), "/connexion");
        assert!(!set_cookies(&ended).iter().any(|c| c.starts_with("pc_flash=")), "not her payment: no outcome");
        assert!(!text_of(&kiosk.page_html("/connexion").await).contains("Nous vous remercions"));
        assert_eq!(location(&kiosk.get_page("/accueil").await), "/connexion", "her session ended all the same");
    }

    async fn a_terminal_session_ends_fifteen_minutes_after_the_sign_in_however_active(app) {
        let kiosk = terminal(&app).await;
        kiosk.sign_in_as_pierre().await;
        let desk = app.new_browser();
        desk.sign_in_as_pierre().await;
        for _ in 0..7 {
            app.state.clock.advance(2 * MINUTE);
            assert_eq!(kiosk.get_page("/accueil").await.status(), StatusCode::OK, "active, within 15 minutes");
        }
        app.state.clock.advance(MINUTE + 1000);
        assert_eq!(location(&kiosk.get_page("/accueil").await), "/connexion", "15 minutes after the sign-in: ended");
        assert_eq!(desk.get_page("/accueil").await.status(), StatusCode::OK, "an ordinary session lives on");
    }

    async fn the_agents_sign_in_on_a_terminal_has_no_autofill(app) {
        let kiosk = terminal(&app).await;
        let page = kiosk.page_html("/agent/connexion").await;
        assert!(!page.contains(r#"autocomplete="username""#) && !page.contains(r#"autocomplete="current-password""#));
        assert_eq!(page.matches(r#"autocomplete="off""#).count(), 2, "neither the login nor the password");
        let ordinary = app.new_browser().page_html("/agent/connexion").await;
        assert!(ordinary.contains(r#"autocomplete="username""#) && ordinary.contains(r#"autocomplete="current-password""#));
    }

    async fn on_a_public_site_borne_switches_a_browser_only_with_the_terminals_key(app) {
        let public = |key: Option<&str>| {
            let mut settings = vec![
                ("PUBLIC_URL", "https://payer.example.fr".to_owned()),
            ("TRUSTED_PROXIES", "none".to_owned()),
                ("ALLOW_TEST_KIOSK", "true".to_owned()),
            ];
            settings.extend(key.map(|key| ("TERMINAL_KEY", key.to_owned())));
            settings
        };
        let unkeyed = spawn_app_with(app_engine(&app), &public(None)).await;
        assert_eq!(unkeyed.get_page("/borne").await.status(), StatusCode::NOT_FOUND, "no key set: no switch");
        assert_eq!(unkeyed.post_form("/borne", &[("cle", "")]).await.status(), StatusCode::NOT_FOUND);
        unkeyed.cleanup().await;
        let keyed = spawn_app_with(app_engine(&app), &public(Some("borne-7f3a"))).await;
        let asks = keyed.get_page("/borne").await;
        assert_eq!(asks.status(), StatusCode::OK);
        assert!(set_cookies(&asks).is_empty());
        let form = asks.text().await.expect("the page");
        assert!(form.contains(r#"<form method="post" action="/borne""#) && form.contains(r#"name="cle" type="password""#));
        // Never from the address: logs and the terminal's history keep it.
        let in_the_url = keyed.get_page("/borne?cle=borne-7f3a").await;
        assert_eq!(in_the_url.status(), StatusCode::OK, "the form again");
        assert!(set_cookies(&in_the_url).is_empty(), "a key in the URL switches nothing");
        for wrong in ["", "borne-7f3b", "borne-7f3"] {
            let refused = keyed.post_form("/borne", &[("cle", wrong)]).await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{wrong}");
            assert!(set_cookies(&refused).is_empty(), "{wrong}");
            assert!(refused.text().await.expect("page").contains("Cette clé n'est pas celle des bornes de la caisse."));
        }
        let cross_site = keyed
            .client
            .post(keyed.url("/borne"))
            .header("Origin", "https://ailleurs.example")
            .form(&[("cle", "borne-7f3a")])
            .send()
            .await
            .expect("POST");
        assert_eq!(cross_site.status(), StatusCode::FORBIDDEN, "another site's form switches nothing");
        assert!(set_cookies(&cross_site).is_empty());
        for switched in [
            keyed.post_form("/borne", &[("cle", "borne-7f3a")]).await,
            keyed.client.get(keyed.url("/borne")).header("x-cle-borne", "borne-7f3a").send().await.expect("GET"),
        ] {
            assert_eq!(switched.status(), StatusCode::SEE_OTHER);
            assert_eq!(location(&switched), "/connexion");
            let cookie = set_cookies(&switched).join("");
            assert!(cookie.starts_with("__Host-pc_borne=1;") && cookie.ends_with("; Secure"), "{cookie}");
        }
        let wrong_header = keyed.client.get(keyed.url("/borne")).header("x-cle-borne", "borne-7f3b").send().await;
        assert!(set_cookies(&wrong_header.expect("GET")).is_empty());
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
