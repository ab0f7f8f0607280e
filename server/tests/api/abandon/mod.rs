//! «Abandonner ce paiement»: the bank is asked first (Sips Office's
//! `getTransactionData`, answered by the simulator from its sessions), then
//! the payment is recorded (authorised), or the attempt cancelled and its
//! lines freed (unknown, refused), or nothing changes (still at the bank, the
//! bank out of reach).

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use std::collections::HashMap;
use std::time::Duration;

const ENTERED: &str = "3811907400001234F";
const STEP_2: &str = "/mes-paiements/payer-une-creance/3811907400001234F";
const ABANDON: &str = ABANDON_PAYMENT;

/// An application whose bank's automatic answers never arrive (its public
/// address is a closed port), as when they are lost on the way: only the
/// status call can tell it what the bank did.
async fn without_automatic_answers(app: &TestApp) -> TestApp {
    spawn_app_with(app_engine(app), &[("PUBLIC_URL", "http://127.0.0.1:9".to_owned())]).await
}

/// Opens the bank's card page for the app's `form`; returns the card browser
/// and the card page's path.
async fn card_page(kiosk_url: &str, form: &HashMap<String, String>) -> (Browser, String) {
    let card = Browser::new(kiosk_url.to_owned());
    let page = location(&card.client.post(card.url("/paiement")).form(form).send().await.expect("kiosk"));
    (card, page)
}

/// Submits `number` on the card page; returns where the bank sends the buyer.
async fn submit_card(card: &Browser, page: &str, number: &str) -> String {
    let mut fields = accepted_card();
    fields[0].1 = number.to_owned();
    location(&card.client.post(card.url(page)).form(&fields).send().await.expect("card"))
}

/// Starts a 20 € payment and opens its card page.
async fn at_the_card_page(app: &TestApp) -> (String, Browser, String) {
    app.sign_in_as_pierre().await;
    let reference = app.pay(ENTERED, &[ENTERED], "20").await;
    let (card, page) = card_page(&app.kiosk_url, &app.kiosk_form(&reference).await).await;
    (reference, card, page)
}

/// A page's text, tags removed.
fn words(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in text_of(html).chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

async fn abandon(browser: &Browser, reference: &str, retour: &str) -> reqwest::Response {
    browser.post_form(ABANDON, &[("transaction", reference), ("retour", retour)]).await
}

async fn audit_detail(app: &TestApp, reference: &str, action: &str) -> serde_json::Value {
    use sqlx::Row;
    let text: String = sqlx::query("SELECT detail FROM audit_log WHERE entity_id = $1 AND action = $2")
        .bind(reference)
        .bind(action)
        .fetch_one(app.state.store.pool())
        .await
        .expect("the audit row")
        .try_get("detail")
        .expect("detail");
    serde_json::from_str(&text).expect("JSON")
}

mod bank;

on_both_engines! {
    async fn a_pending_payment_shows_when_it_started_until_when_its_lines_are_held_and_the_abandon_button_on_each_page(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let created: i64 = {
            use sqlx::Row;
            sqlx::query("SELECT created_at FROM payment_attempts WHERE transaction_reference = $1")
                .bind(&reference)
                .fetch_one(app.state.store.pool())
                .await
                .expect("attempt")
                .try_get("created_at")
                .expect("created_at")
        };
        let started = app::ssr::infra::time::date_time_fr(created);
        let held_until = app::ssr::infra::time::date_time_fr(created + 20 * 60 * 1000);
        for (page, retour) in [("/accueil", "/accueil"), (STEP_2, STEP_2), ("/mes-paiements", "/mes-paiements")] {
            let html = app.page_html(page).await;
            let text = words(&html);
            assert!(text.contains("PAIEMENTS EN ATTENTE DE LA BANQUE"), "{page}");
            let amount = app::domain::Euros::from_cents(2000).to_string();
            assert!(text.contains(&format!("{amount} — référence {reference}")), "{page}");
            assert!(text.contains(&format!("Commencé le {started}.")), "{page}: {started}");
            assert!(text.contains(&format!("réservées jusqu'au {held_until}")), "{page}: {held_until}");
            assert!(text.contains("Abandonner ce paiement") && text.contains("Confirmer l'abandon"), "{page}");
            let form = hidden_fields(html.split("class=\"confirm__form\"").nth(1).expect("the confirmation form"));
            assert_eq!(form.get("transaction"), Some(&reference), "{page}");
            assert_eq!(form.get("retour").map(String::as_str), Some(retour), "{page}");
        }
        // Past its limit it is no longer offered: it ends by itself.
        app.state.clock.advance(20 * 60 * 1000);
        assert!(!words(&app.page_html("/mes-paiements").await).contains("Abandonner ce paiement"));
    }

    async fn abandoning_a_payment_the_bank_does_not_know_cancels_it_frees_its_lines_at_once_and_a_later_acceptance_is_still_recorded(app) {
        let (reference, card, page) = at_the_card_page(&app).await;
        let response = abandon(&app, &reference, STEP_2).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(location(&response), STEP_2, "back to the page it was asked from");
        assert_eq!(app.attempt_status(&reference).await, "cancelled");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_holds").await, 0, "the lines are free at once");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM payment_attempts WHERE answer_channel = 'abandoned'").await,
            1
        );
        let detail = audit_detail(&app, &reference, "cancelled").await;
        assert_eq!(detail["reason"], "abandoned");
        assert_eq!(detail["bank_response_code"], "25", "the bank did not know the transaction");
        assert_eq!(detail["from"], "pending");

        let abandoned = format!(
            "Paiement {reference} : Ce paiement a été abandonné : la banque n'a reçu aucun paiement pour lui."
        );
        let step_2 = words(&app.page_html(STEP_2).await);
        assert!(step_2.contains(&abandoned));
        // A second press (or a reload of the post) says the same, and changes nothing.
        abandon(&app, &reference, STEP_2).await;
        let step_2 = words(&app.page_html(STEP_2).await);
        assert!(step_2.contains(&abandoned));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'cancelled'").await, 1);
        assert!(!step_2.contains("Un paiement est déjà en cours pour cette créance."));
        assert!(!step_2.contains("PAIEMENTS EN ATTENTE DE LA BANQUE"));
        let again = app.pay(ENTERED, &[ENTERED], "20").await;
        assert_ne!(again, reference, "the créance can be paid again at once");

        // The first card page was still open: the bank accepts it after all.
        submit_card(&card, &page, "4100 0000 0000 0000").await;
        for _ in 0..100 {
            if app.attempt_status(&reference).await == "accepted" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM payments WHERE regularisation = 'after_cancelled'").await,
            1,
            "the money is recorded, to regularise"
        );
    }

    async fn abandoning_a_payment_the_bank_authorised_records_it_as_its_answer_would_and_says_so(app) {
        let lost = without_automatic_answers(&app).await;
        let (reference, card, page) = at_the_card_page(&lost).await;
        submit_card(&card, &page, "4100 0000 0000 0000").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(lost.attempt_status(&reference).await, "pending", "no answer reached the app");

        let response = abandon(&lost, &reference, "/accueil").await;
        assert_eq!(location(&response), "/accueil");
        assert_eq!(lost.attempt_status(&reference).await, "accepted");
        assert_eq!(
            lost.count("SELECT COUNT(*) FROM payment_attempts WHERE answer_channel = 'status' AND masked_pan = '4100##########00'").await,
            1
        );
        assert_eq!(lost.count("SELECT COUNT(*) FROM payments WHERE regularisation IS NULL").await, 1);
        assert_eq!(lost.count("SELECT COUNT(*) FROM messages").await, 1, "the acknowledgement");
        assert_eq!(
            lost.count("SELECT COUNT(*) FROM kiosk_answers WHERE channel = 'status' AND outcome = 'applied'").await,
            1
        );
        assert_eq!(lost.count("SELECT COUNT(*) FROM line_holds").await, 0);
        let home = words(&lost.page_html("/accueil").await);
        assert!(home.contains("La banque nous indique que ce paiement a été accepté : il est enregistré et n'a pas été abandonné."));
        assert!(!home.contains("PAIEMENTS EN ATTENTE DE LA BANQUE"));
        // Asked again: an answer came first, nothing to abandon.
        abandon(&lost, &reference, "/mes-paiements").await;
        assert!(words(&lost.page_html("/mes-paiements").await)
            .contains("Ce paiement a déjà été accepté par la banque : il n'y a rien à abandonner."));
        assert_eq!(lost.count("SELECT COUNT(*) FROM payments").await, 1);
        lost.cleanup().await;
    }

    async fn abandoning_a_payment_the_bank_refused_cancels_it_and_frees_its_lines(app) {
        let lost = without_automatic_answers(&app).await;
        let (reference, card, page) = at_the_card_page(&lost).await;
        submit_card(&card, &page, "4000 0000 0000 0002").await;
        let response = abandon(&lost, &reference, "/mes-paiements").await;
        assert_eq!(location(&response), "/mes-paiements");
        assert_eq!(lost.attempt_status(&reference).await, "cancelled");
        assert_eq!(lost.count("SELECT COUNT(*) FROM line_holds").await, 0);
        assert_eq!(lost.count("SELECT COUNT(*) FROM payments").await, 0);
        let detail = audit_detail(&lost, &reference, "cancelled").await;
        assert_eq!((detail["bank_response_code"].as_str(), detail["bank_status"].as_str()), (Some("00"), Some("REFUSED")));
        assert!(words(&lost.page_html("/mes-paiements").await).contains("Ce paiement a été abandonné"));
        lost.cleanup().await;
    }

    async fn a_payment_still_at_the_bank_is_not_abandoned_and_keeps_its_lines(app) {
        let lost = without_automatic_answers(&app).await;
        let (reference, card, page) = at_the_card_page(&lost).await;
        // A card that asks for 3-D Secure, left on its confirmation page.
        assert!(submit_card(&card, &page, "5100 0000 0000 0000").await.ends_with("/3ds"));
        let response = abandon(&lost, &reference, STEP_2).await;
        assert_eq!(location(&response), STEP_2);
        assert_eq!(lost.attempt_status(&reference).await, "pending");
        assert_eq!(lost.count("SELECT COUNT(*) FROM line_holds").await, 1);
        let step_2 = words(&lost.page_html(STEP_2).await);
        assert!(step_2.contains("La banque traite encore ce paiement : il ne peut pas être abandonné pour l'instant."));
        assert!(step_2.contains("Un paiement est déjà en cours pour cette créance."));
        assert!(step_2.contains("Abandonner ce paiement"), "it may be tried again");
        // The app in the browser is told in place (422), and no notice is left for a later page.
        let called = lost
            .client
            .post(lost.url(ABANDON))
            .header("Origin", &lost.origin)
            .form(&[("transaction", reference.as_str()), ("retour", STEP_2)])
            .send()
            .await
            .expect("POST");
        assert_eq!(called.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(called.text().await.expect("body").contains("La banque traite encore ce paiement"));
        assert!(!words(&lost.page_html(STEP_2).await).contains("La banque traite encore ce paiement"));
        lost.cleanup().await;
    }

    async fn only_the_persons_own_pending_payment_is_abandoned_and_a_bad_request_is_a_400(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(abandon(&eva, &reference, "/accueil").await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(abandon(&app, "PCLCB-not-one", "/accueil").await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(abandon(&app, "PCLCB269990000001", "/accueil").await.status(), StatusCode::BAD_REQUEST);
        let long = "x".repeat(300);
        assert_eq!(abandon(&app, &reference, &long).await.status(), StatusCode::BAD_REQUEST);
        let signed_out = app.new_browser();
        let refused = abandon(&signed_out, &reference, "/accueil").await;
        let to = refused.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(refused.status() == StatusCode::UNAUTHORIZED || to.starts_with("/connexion"), "{} {to}", refused.status());
        assert_eq!(app.attempt_status(&reference).await, "pending", "nothing changed");
        // Anywhere but the three pages leads back to Accueil.
        let response = abandon(&app, &reference, "https://ailleurs.example/").await;
        assert_eq!(location(&response), "/accueil");
        assert_eq!(app.attempt_status(&reference).await, "cancelled");
    }
}
