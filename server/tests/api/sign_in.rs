//! Signing in, the home page, sessions.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

on_both_engines! {
    async fn signing_out_everywhere_ends_each_of_the_persons_sessions_and_no_one_elses(app) {
        let phone = app.new_browser();
        phone.sign_in_as_pierre().await;
        app.sign_in_as_pierre().await;
        let eva = app.new_browser();
        assert_eq!(location(&eva.sign_in(EVA_NIR, EVA_PASSWORD).await), "/accueil");
        assert!(text_of(&app.page_html("/accueil").await).contains("Se déconnecter de tous les appareils"));
        let out = app.post_form(SIGN_OUT_EVERYWHERE, &[]).await;
        assert_eq!(location(&out), "/connexion");
        for (who, browser) in [("this browser", &app.browser), ("the phone", &phone)] {
            assert_eq!(location(&browser.get_page("/accueil").await), "/connexion", "{who}");
        }
        assert_eq!(eva.get_page("/accueil").await.status(), StatusCode::OK, "another person's session lives on");
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'session' AND action = 'ended_everywhere' \
                 AND actor_kind = 'person' AND detail LIKE '%\"sessions\":2%'"
            )
            .await,
            1
        );
    }

    async fn pierre_signs_in_and_sees_his_home(app) {
        let response = app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_eq!(location(&response), "/accueil");
        let cookie = response.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(cookie.starts_with("pc_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");

        let home = text_of(&app.page_html("/accueil").await);
        assert!(home.contains("PIERRE BELAGE"));
        assert!(home.contains("Né le 25/02/1983"));
        assert!(home.contains("Dernière connexion le 11/09/2017 à 15:54"));
        for reference in ["3811907400001234F", "3811701200010075F", "3811702400012980F", "3811708600076602F", "3811708600079999F"] {
            assert!(home.contains(reference), "{reference}");
        }
        assert!(home.contains("87,09\u{a0}€") && home.contains("28,90\u{a0}€"));
        assert!(home.contains("CPAM de l'Isère"));
    }

    async fn the_next_sign_in_shows_this_one_as_the_last(app) {
        app.sign_in_as_pierre().await;
        app.state.clock.advance(2 * 24 * 3600 * 1000);
        let expected = app::ssr::infra::time::date_time_fr(app.state.clock.now_ms() - 2 * 24 * 3600 * 1000);
        let other = app.new_browser();
        other.sign_in_as_pierre().await;
        let home = text_of(&other.page_html("/accueil").await);
        assert!(home.contains(&format!("Dernière connexion le {expected}")), "{expected}");
    }

    async fn eva_is_nee_le(app) {
        let response = app.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(location(&response), "/accueil");
        let home = text_of(&app.page_html("/accueil").await);
        assert!(home.contains("EVA DUPONT") && home.contains("Née le 31/10/1990"));
        assert!(!home.contains("Dernière connexion"), "no earlier sign-in to show");
        assert!(!home.contains("3811907400001234F"), "never another person's créances");
    }

    async fn a_wrong_password_keeps_the_nir_and_says_why(app) {
        let response = app.sign_in(PIERRE_NIR, "wrong").await;
        assert_eq!(location(&response), "/connexion");
        let page = text_of(&app.page_html("/connexion").await);
        assert!(page.contains("Numéro de sécurité sociale ou mot de passe incorrect."));
        assert!(page.contains(&format!("value=\"{PIERRE_NIR}\"")));
        assert!(page.contains("Il y a un problème"));
        // The message is shown once: reloading the page clears it.
        let again = text_of(&app.page_html("/connexion").await);
        assert!(!again.contains("mot de passe incorrect"));
    }

    async fn an_unknown_nir_gets_the_same_message_as_a_wrong_password(app) {
        let response = app.sign_in("1 99 01 75 123 456", "Belage-2019").await;
        assert_eq!(location(&response), "/connexion");
        let page = text_of(&app.page_html("/connexion").await);
        assert!(page.contains("Numéro de sécurité sociale ou mot de passe incorrect."));
    }

    async fn bad_inputs_get_a_message_next_to_their_field(app) {
        for (nir, password, messages) in [
            ("", "x", vec!["Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé."]),
            ("12345", "x", vec!["Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé."]),
            ("1830201053123 93", "x", vec!["La clé de votre numéro de sécurité sociale est incorrecte"]),
            (PIERRE_NIR, "", vec!["Saisissez votre mot de passe."]),
            ("abc", "", vec!["13 chiffres, ou 15 avec la clé.", "Saisissez votre mot de passe."]),
        ] {
            let response = app.sign_in(nir, password).await;
            assert_eq!(location(&response), "/connexion", "{nir:?}");
            let page = text_of(&app.page_html("/connexion").await);
            for message in messages {
                assert!(page.contains(message), "{nir:?} → {message}");
            }
            assert!(page.contains("aria-invalid=\"true\""));
        }
    }

    async fn the_home_page_needs_a_session(app) {
        let response = app.get_page("/accueil").await;
        assert_eq!(location(&response), "/connexion");
        let forged = app.client.get(app.url("/accueil")).header("Cookie", "pc_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").header("Accept", "text/html").send().await.expect("GET");
        assert_eq!(location(&forged), "/connexion");
    }

    async fn signing_out_ends_the_session_on_the_server(app) {
        app.sign_in_as_pierre().await;
        let response = app.post_form(SIGN_OUT, &[]).await;
        assert_eq!(location(&response), "/connexion");
        assert_eq!(location(&app.get_page("/accueil").await), "/connexion");
        use sqlx::Row;
        let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE person_id IS NOT NULL")
            .fetch_one(app.state.store.pool()).await.expect("count").try_get("n").expect("n");
        assert_eq!(sessions, 0);
    }

    async fn a_session_ends_after_the_idle_timeout(app) {
        app.sign_in_as_pierre().await;
        app.state.clock.advance(29 * 60 * 1000);
        assert_eq!(app.get_page("/accueil").await.status(), StatusCode::OK);
        app.state.clock.advance(31 * 60 * 1000);
        assert_eq!(location(&app.get_page("/accueil").await), "/connexion");
    }

    async fn signing_in_again_gives_a_new_session_id(app) {
        app.sign_in_as_pierre().await;
        let first = app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        let cookie = |r: &reqwest::Response| r.headers().get(SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let first_cookie = cookie(&first);
        let second = app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_ne!(first_cookie, cookie(&second));
        use sqlx::Row;
        let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE person_id IS NOT NULL")
            .fetch_one(app.state.store.pool()).await.expect("count").try_get("n").expect("n");
        assert_eq!(sessions, 1, "the earlier sessions ended");
    }

    async fn a_malformed_request_is_a_400(app) {
        let response = app.client.post(app.url(SIGN_IN)).header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded").body("nir=1").send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let response = app.client.post(app.url(SIGN_IN)).header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded").body("%%%").send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    async fn a_post_from_another_site_is_refused(app) {
        let response = app.client.post(app.url(SIGN_IN)).header("Origin", "https://evil.example")
            .form(&[("nir", PIERRE_NIR), ("password", PIERRE_PASSWORD)]).send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = app.client.post(app.url(SIGN_IN)).header("Sec-Fetch-Site", "cross-site")
            .form(&[("nir", PIERRE_NIR), ("password", PIERRE_PASSWORD)]).send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    async fn pages_carry_security_headers(app) {
        let response = app.get_page("/connexion").await;
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "same-origin");
    }

    async fn an_unknown_address_is_a_404_page(app) {
        let response = app.get_page("/nulle-part").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.text().await.expect("body").contains("Page introuvable"));
    }

    async fn a_sabotaged_database_answers_503_in_french(app) {
        app.sign_in_as_pierre().await;
        sqlx::query("DROP TABLE line_holds").execute(app.state.store.pool()).await.expect("drop");
        sqlx::query("DROP TABLE attempt_lines").execute(app.state.store.pool()).await.expect("drop");
        sqlx::query("ALTER TABLE avis RENAME TO avis_gone").execute(app.state.store.pool()).await.expect("rename");
        let response = app.get_page("/accueil").await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let page = text_of(&response.text().await.expect("body"));
        assert!(page.contains("Le service est momentanément indisponible"));
    }

    async fn the_demo_data_is_loaded_once(app) {
        use sqlx::Row;
        let loaded = app::ssr::demo::load_if_empty(&app.state.store, &Default::default(), 0).await.expect("runs");
        assert!(!loaded);
        let persons: i64 = sqlx::query("SELECT COUNT(*) AS n FROM persons").fetch_one(app.state.store.pool()).await.expect("count").try_get("n").expect("n");
        let avis: i64 = sqlx::query("SELECT COUNT(*) AS n FROM avis").fetch_one(app.state.store.pool()).await.expect("count").try_get("n").expect("n");
        assert_eq!((persons, avis), (4, 13));
        let open: Vec<(String, i64)> = sqlx::query("SELECT reference, online_payable FROM avis ORDER BY reference")
            .fetch_all(app.state.store.pool()).await.expect("rows").iter()
            .map(|r| (r.try_get("reference").expect("reference"), r.try_get("online_payable").expect("flag"))).collect();
        for (reference, flag) in open {
            let expected = if reference.starts_with("38118") { 0 } else { 1 };
            assert_eq!(flag, expected, "{reference}: Paul's balance of 180 € is above 150 €");
        }
    }
}
