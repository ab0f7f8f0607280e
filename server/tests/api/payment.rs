//! The kiosk's answers: verified, applied exactly once, whatever their order.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;

const ENTERED: &str = "3811907400001234F";

async fn started(app: &TestApp) -> String {
    app.sign_in_as_pierre().await;
    app.pay(ENTERED, &[ENTERED], "20").await
}

fn accepted(reference: &str) -> Vec<(String, String)> {
    bank::sealed(&bank::response(reference, 2000, "00"), bank::SECRET)
}

/// A change made to a sealed answer's fields before it is sealed.
type Tamper = fn(&mut sips::PaymentResponse);

/// `accepted(reference)` with its `transactionReference` left out, sealed
/// with our key all the same.
fn accepted_naming_no_transaction(reference: &str) -> Vec<(String, String)> {
    let mut fields = accepted(reference);
    let data = fields.iter().find(|(name, _)| name == "Data").map(|(_, v)| v.clone()).expect("Data");
    let without: Vec<&str> = data.split('|').filter(|pair| !pair.starts_with("transactionReference=")).collect();
    assert_eq!(without.len() + 1, data.split('|').count(), "one field left out");
    let data = without.join("|");
    let seal = sips::seal(&sips::Secret::new(bank::SECRET.to_owned()), &data);
    for (name, value) in &mut fields {
        match name.as_str() {
            "Data" => value.clone_from(&data),
            "Seal" => value.clone_from(&seal),
            _ => {}
        }
    }
    fields
}

on_both_engines! {
    async fn an_answer_naming_no_transaction_is_refused_on_both_channels_and_changes_nothing(app) {
        let reference = started(&app).await;
        let answer = accepted_naming_no_transaction(&reference);
        assert_eq!(app.automatic(&answer).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.normal_return(&answer).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.attempt_status(&reference).await, "pending");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK, "the whole answer still applies");
    }

    async fn each_answer_code_leads_to_its_status(app) {
        app.sign_in_as_pierre().await;
        for (code, status, banner) in [
            ("00", "accepted", "Nous vous remercions pour votre paiement, nous le traitons dans les plus brefs délais."),
            ("05", "refused", "Votre transaction de paiement a échoué."),
            ("17", "cancelled", "Votre transaction de paiement a échoué."),
            ("54", "refused", "Votre transaction de paiement a échoué."),
            ("97", "expired", "Votre transaction de paiement a échoué."),
        ] {
            let reference = app.pay(ENTERED, &[ENTERED], "20").await;
            let response = app.automatic(&bank::sealed(&bank::response(&reference, 2000, code), bank::SECRET)).await;
            assert_eq!(response.status(), StatusCode::OK, "{code}");
            assert_eq!(app.attempt_status(&reference).await, status, "{code}");
            let home = text_of(&app.page_html(&format!("/accueil?paiement={reference}")).await);
            assert!(home.contains(banner), "{code} → {banner}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1, "one acknowledgement, for the accepted payment only");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_holds").await, 0, "every answer frees its lines");
    }

    async fn a_bad_seal_is_refused_and_changes_nothing(app) {
        let reference = started(&app).await;
        let forged = bank::sealed(&bank::response(&reference, 2000, "00"), "not the key");
        assert_eq!(app.automatic(&forged).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.normal_return(&forged).await.status(), StatusCode::FORBIDDEN);
        let mut tampered = accepted(&reference);
        tampered[0].1 = tampered[0].1.replace("amount=2000", "amount=200");
        assert_eq!(app.automatic(&tampered).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.attempt_status(&reference).await, "pending");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers").await, 0);
    }

    async fn a_wrong_amount_or_reference_is_refused_and_logged(app) {
        let reference = started(&app).await;
        let wrong_amount = bank::sealed(&bank::response(&reference, 5000, "00"), bank::SECRET);
        assert_eq!(app.automatic(&wrong_amount).await.status(), StatusCode::BAD_REQUEST);
        assert_eq!(app.attempt_status(&reference).await, "pending");
        let unknown = bank::sealed(&bank::response("PCLCB269990000001", 2000, "00"), bank::SECRET);
        assert_eq!(app.automatic(&unknown).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'amount_mismatch'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'unknown_reference'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);
        let mut other_key = bank::response(&reference, 2000, "00");
        other_key.key_version = Some("2".into());
        assert_eq!(app.automatic(&bank::sealed(&other_key, bank::SECRET)).await.status(), StatusCode::FORBIDDEN);
        let garbage = vec![("Data".to_owned(), "x".to_owned()), ("Seal".to_owned(), "00".to_owned())];
        assert_eq!(app.automatic(&garbage).await.status(), StatusCode::FORBIDDEN);
        let empty: Vec<(String, String)> = vec![];
        assert_eq!(app.automatic(&empty).await.status(), StatusCode::BAD_REQUEST);
    }

    async fn an_answer_without_our_key_version_merchant_or_euros_is_refused_and_changes_nothing(app) {
        let reference = started(&app).await;
        let cases: [(&str, Tamper, StatusCode); 7] = [
            ("no key version", |r| r.key_version = None, StatusCode::FORBIDDEN),
            ("another key version", |r| r.key_version = Some("2".into()), StatusCode::FORBIDDEN),
            ("no merchant", |r| r.merchant_id = None, StatusCode::FORBIDDEN),
            ("another merchant", |r| r.merchant_id = Some("011223344550000".into()), StatusCode::FORBIDDEN),
            ("no currency", |r| r.currency_code = None, StatusCode::BAD_REQUEST),
            ("dollars", |r| r.currency_code = Some("840".into()), StatusCode::BAD_REQUEST),
            ("an empty merchant", |r| r.merchant_id = Some(String::new()), StatusCode::FORBIDDEN),
        ];
        for (case, spoil, status) in cases {
            let mut answer = bank::response(&reference, 2000, "00");
            spoil(&mut answer);
            let fields = bank::sealed(&answer, bank::SECRET);
            assert_eq!(app.automatic(&fields).await.status(), status, "{case}");
            assert_eq!(app.normal_return(&fields).await.status(), status, "{case}");
        }
        assert_eq!(app.attempt_status(&reference).await, "pending");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 0);
        // The same answer, complete, is applied.
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
    }

    async fn a_replayed_answer_is_applied_once(app) {
        let reference = started(&app).await;
        for _ in 0..3 {
            assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'duplicate'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'attempt' AND action = 'accepted'").await, 1);
    }

    async fn the_automatic_response_alone_is_enough(app) {
        let reference = started(&app).await;
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        let home = text_of(&app.page_html(&format!("/accueil?paiement={reference}")).await);
        assert!(home.contains("Nous vous remercions pour votre paiement"));
        assert!(home.contains("en cours de traitement"));
    }

    async fn return_then_automatic_applies_once(app) {
        let reference = started(&app).await;
        let response = app.normal_return(&accepted(&reference)).await;
        assert_eq!(location(&response), format!("/paiement/resultat?paiement={reference}"));
        let onwards = app.get_page(&location(&response)).await;
        assert_eq!(location(&onwards), format!("/accueil?paiement={reference}"), "an ordinary browser goes home");
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
        use sqlx::Row;
        let channel: String = sqlx::query("SELECT answer_channel FROM payment_attempts WHERE transaction_reference = $1")
            .bind(&reference).fetch_one(app.state.store.pool()).await.expect("row").try_get(0).expect("channel");
        assert_eq!(channel, "return");
    }

    async fn automatic_then_return_applies_once(app) {
        let reference = started(&app).await;
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        let response = app.normal_return(&accepted(&reference)).await;
        assert_eq!(location(&response), format!("/paiement/resultat?paiement={reference}"));
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
    }

    async fn two_automatic_responses_at_once_apply_once(app) {
        let reference = started(&app).await;
        let fields = accepted(&reference);
        let (a, b) = tokio::join!(app.automatic(&fields), app.automatic(&fields));
        assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'applied'").await, 1);
    }

    async fn a_contradicting_answer_does_not_undo_an_acceptance(app) {
        let reference = started(&app).await;
        app.automatic(&accepted(&reference)).await;
        let refused = bank::sealed(&bank::response(&reference, 2000, "05"), bank::SECRET);
        assert_eq!(app.automatic(&refused).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'ignored'").await, 1);
    }

    async fn an_unanswered_attempt_expires_after_20_minutes_and_a_late_acceptance_still_counts(app) {
        let reference = started(&app).await;
        app.state.clock.advance(19 * 60 * 1000);
        server::housekeeping::run_once(&app.state).await.expect("chores");
        assert_eq!(app.attempt_status(&reference).await, "pending");
        app.state.clock.advance(60 * 1000);
        server::housekeeping::run_once(&app.state).await.expect("chores");
        assert_eq!(app.attempt_status(&reference).await, "expired");
        assert_eq!(app.count("SELECT COUNT(*) FROM line_holds").await, 0);
        // The bank took the money after all: it is recorded, never lost.
        assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
    }

    async fn the_banner_is_only_for_the_persons_own_attempt(app) {
        let reference = started(&app).await;
        app.automatic(&accepted(&reference)).await;
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        let home = text_of(&eva.page_html(&format!("/accueil?paiement={reference}")).await);
        assert!(!home.contains("Nous vous remercions"));
        assert!(home.contains("Aucun nouveau paiement"));
    }

    async fn the_paid_amount_is_no_longer_due_on_step_2(app) {
        let reference = started(&app).await;
        app.automatic(&accepted(&reference)).await;
        let page = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        assert!(page.contains("67,09\u{a0}€"), "87,09 € − 20,00 € in progress");
    }

    async fn a_whole_payment_through_the_kiosk_simulator(app) {
        let reference = started(&app).await;
        let form = app.kiosk_form(&reference).await;
        let kiosk = app.new_browser();
        let response = kiosk.client.post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        let card_page = location(&response);
        let page = kiosk.client.get(format!("{}{card_page}", app.kiosk_url)).send().await.expect("card page").text().await.expect("html");
        for text in ["Montant de la transaction : <strong>20,00\u{a0}€</strong>", "Référence de la transaction", &reference,
            "Identifiant du commerçant", "002001000000001", "Numéro de carte", "Date d'expiration", "Mois", "Année",
            "Cryptogramme visuel", "Valider", "Annuler"] {
            assert!(page.contains(text), "{text}");
        }
        // Field errors first.
        let wrong = kiosk.client.post(format!("{}{card_page}", app.kiosk_url))
            .form(&[("card_number", "4111 1111 1111 1112"), ("month", "01"), ("year", "2020"), ("cvv", "1"), ("action", "valider")])
            .send().await.expect("card");
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let wrong = text_of(&wrong.text().await.expect("html"));
        assert!(wrong.contains("Le numéro de carte n'est pas valide.") && wrong.contains("Le cryptogramme visuel doit comporter 3 chiffres."));
        let done = kiosk.client.post(format!("{}{card_page}", app.kiosk_url))
            .form(&accepted_card())
            .send().await.expect("card");
        let result_page = location(&done);
        let result = kiosk.client.get(format!("{}{result_page}", app.kiosk_url)).send().await.expect("result").text().await.expect("html");
        assert!(result.contains("Votre paiement a été accepté.") && result.contains("4100##########00"));
        assert!(result.contains("Numéro d'autorisation") && result.contains("Imprimer le reçu du paiement") && result.contains("Continuer"));
        // The automatic response arrives on its own.
        for _ in 0..100 {
            if app.attempt_status(&reference).await == "accepted" { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        // «Continuer» posts the sealed (base64) normal return.
        let back = hidden_fields(&result);
        assert_eq!(back.get("Encode").map(String::as_str), Some("base64"));
        let fields: Vec<(String, String)> = back.into_iter().collect();
        let response = app.normal_return(&fields).await;
        assert_eq!(location(&response), format!("/paiement/resultat?paiement={reference}"));
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        use sqlx::Row;
        let pan: String = sqlx::query("SELECT masked_pan FROM payment_attempts WHERE transaction_reference = $1")
            .bind(&reference).fetch_one(app.state.store.pool()).await.expect("row").try_get(0).expect("pan");
        assert_eq!(pan, "4100##########00", "only the masked number is stored");
    }

    async fn an_unfinished_kiosk_session_answers_97_after_15_minutes(app) {
        let reference = started(&app).await;
        let form = app.kiosk_form(&reference).await;
        let response = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
            .post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.kiosk.expire_unfinished(), 0);
        app.state.clock.advance(15 * 60 * 1000);
        assert_eq!(app.kiosk.expire_unfinished(), 1);
        for _ in 0..100 {
            if app.attempt_status(&reference).await == "expired" { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(app.attempt_status(&reference).await, "expired");
    }

    async fn the_kiosk_refuses_a_transaction_reference_it_has_seen_with_94_and_the_first_session_goes_on(app) {
        let reference = started(&app).await;
        let form = app.kiosk_form(&reference).await;
        let kiosk = app.new_browser();
        let first = kiosk.client.post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        let card_page = location(&first);
        let again = kiosk.client.post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        assert!(text_of(&again.text().await.expect("html")).contains("Transaction refusée (code 94)"));
        assert_eq!(app.attempt_status(&reference).await, "pending", "a refused duplicate answers nothing");
        kiosk.client.post(format!("{}{card_page}", app.kiosk_url))
            .form(&accepted_card())
            .send().await.expect("card");
        for _ in 0..100 {
            if app.attempt_status(&reference).await == "accepted" { break; }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(app.attempt_status(&reference).await, "accepted");
    }

    async fn the_kiosk_refuses_a_request_with_a_bad_seal(app) {
        let reference = started(&app).await;
        let mut form = app.kiosk_form(&reference).await;
        form.insert("Data".into(), form["Data"].replace("amount=2000", "amount=1"));
        let response = reqwest::Client::new().post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.expect("html").contains("Le sceau de la demande de paiement est incorrect."));
    }

    async fn the_kiosk_forgets_a_finished_session_a_day_after_its_answer_and_keeps_an_unfinished_one(app) {
        let paid = started(&app).await;
        let before = app.kiosk.sessions_held();
        pay_at_kiosk(&app.kiosk_url, &app.kiosk_form(&paid).await).await;
        let left = app.pay(ENTERED, &["3811708600076602F"], "20").await;
        let form = app.kiosk_form(&left).await;
        let opened = app.new_browser().client.post(format!("{}/paiement", app.kiosk_url)).form(&form).send().await.expect("kiosk");
        assert_eq!(opened.status(), StatusCode::SEE_OTHER, "a second session, left at the card page");
        assert_eq!(app.kiosk.sessions_held(), before + 2);
        app.state.clock.advance(kiosk::FINISHED_KEPT_MS - 1000);
        app.kiosk.forget_finished();
        assert_eq!(app.kiosk.sessions_held(), before + 2, "a second short of a day: both kept");
        app.state.clock.advance(2000);
        app.kiosk.forget_finished();
        assert_eq!(app.kiosk.sessions_held(), before + 1, "the finished one is forgotten, the other kept");
    }
}

/// A row lock held too long (here by another transaction on the attempt) makes
/// the answer fail with a 503 instead of waiting forever; the bank's next try
/// applies it. PostgreSQL only: SQLite has one writer and its busy timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_too_long_gives_a_503_and_the_retry_applies_the_answer() {
    let app = spawn_app(Engine::Postgres).await;
    let reference = started(&app).await;
    let mut blocker = app.state.store.pool().begin().await.expect("a transaction");
    sqlx::query("SELECT id FROM payment_attempts WHERE transaction_reference = $1 FOR UPDATE")
        .bind(&reference)
        .fetch_one(&mut *blocker)
        .await
        .expect("locking the attempt");
    assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::SERVICE_UNAVAILABLE);
    blocker.rollback().await.expect("rollback");
    assert_eq!(app.attempt_status(&reference).await, "pending");
    assert_eq!(app.automatic(&accepted(&reference)).await.status(), StatusCode::OK);
    assert_eq!(app.attempt_status(&reference).await, "accepted");
    assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
    app.cleanup().await;
}
