//! The processing run, the person's view of their money, and the mailbox's PDF,
//! deletion and retention.

use crate::helpers::*;
use crate::on_both_engines;
use app::ssr::processing;
use reqwest::StatusCode;

const ENTERED: &str = "3811907400001234F";

async fn accepted_payment(app: &TestApp, selected: &[&str], amount: &str, cents: i64) -> String {
    let reference = app.pay(ENTERED, selected, amount).await;
    let response = app.automatic(&bank::sealed(&bank::response(&reference, cents, "00"), bank::SECRET)).await;
    assert_eq!(response.status(), StatusCode::OK);
    reference
}

async fn restant(app: &TestApp, reference: &str) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT restant_cents FROM avis WHERE reference = $1")
        .bind(reference)
        .fetch_one(app.state.store.pool())
        .await
        .expect("avis")
        .try_get(0)
        .expect("cents")
}

on_both_engines! {
    async fn the_run_applies_each_payment_once_oldest_first(app) {
        app.sign_in_as_pierre().await;
        let all = ["3811907400001234F", "3811701200010075F", "3811702400012980F", "3811708600076602F"];
        let reference = accepted_payment(&app, &all, "40", 4000).await;
        let back = format!("/accueil?paiement={reference}");
        let home = text_of(&app.page_html(&back).await);
        assert!(home.contains("en cours de traitement"));
        assert!(home.contains("nous le traitons dans les plus brefs délais"));
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!((report.applied, report.excess_cents), (1, 0));
        // 20/02/2014 (28,90) then 12/09/2015 (6,60), then 12/05/2016 gets 4,50.
        assert_eq!(restant(&app, "3811708600076602F").await, 0);
        assert_eq!(restant(&app, "3811702400012980F").await, 0);
        assert_eq!(restant(&app, "3811701200010075F").await, 800);
        assert_eq!(restant(&app, "3811907400001234F").await, 8709);
        let again = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(again.applied, 0, "nothing applied twice");
        assert_eq!(app.count("SELECT COUNT(*) FROM allocations").await, 3);
        let home = text_of(&app.page_html(&back).await);
        assert!(home.contains("pris en compte"));
        assert!(home.contains("Nous vous remercions pour votre paiement : il a été pris en compte."), "the banner too");
        let overview = text_of(&app.page_html("/mes-paiements/participations-forfaitaires-et-franchises").await);
        assert!(overview.contains("Participations forfaitaires et franchises") && overview.contains("(pris en compte)"));
        assert!(overview.contains("28,90\u{a0}€ (pris en compte)") || overview.contains(" : 28,90\u{a0}€ (pris en compte)"));
        // Step 2 shows what is left.
        let step2 = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        assert!(step2.contains("8,00\u{a0}€"), "12,50 − 4,50");
        assert!(!step2.contains("3811708600076602F"), "a settled créance is no longer listed");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'payment' AND action = 'applied'").await, 1);
    }

    async fn overlapping_runs_apply_each_payment_once(app) {
        app.sign_in_as_pierre().await;
        for (line, amount, cents) in [("3811907400001234F", "20", 2000), ("3811708600076602F", "28,90", 2890)] {
            accepted_payment(&app, &[line], amount, cents).await;
        }
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        let reference = eva.pay("6311632600000408F", &["6311605000001187F"], "45").await;
        app.automatic(&bank::sealed(&bank::response(&reference, 4500, "00"), bank::SECRET)).await;
        let now = app.state.clock.now_ms();
        let (a, b, c) = tokio::join!(
            processing::run(&app.state.store, now),
            processing::run(&app.state.store, now),
            processing::run(&app.state.store, now),
        );
        let applied = a.expect("run a").applied + b.expect("run b").applied + c.expect("run c").applied;
        assert_eq!(applied, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM payments WHERE status = 'applied'").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM allocations").await, 3);
        assert_eq!(restant(&app, "3811708600076602F").await, 0);
        assert_eq!(restant(&app, "6311605000001187F").await, 0);
        assert_eq!(restant(&app, "3811907400001234F").await, 6709);
    }

    async fn a_late_acceptance_beyond_the_restant_becomes_trop_percu(app) {
        app.sign_in_as_pierre().await;
        // An attempt on a 28,90 € line expires; another pays the line in full.
        let late = app.pay(ENTERED, &["3811708600076602F"], "20").await;
        app.state.clock.advance(21 * 60 * 1000);
        server::housekeeping::run_once(&app.state).await.expect("chores");
        app.sign_in_as_pierre().await;
        accepted_payment(&app, &["3811708600076602F"], "28,90", 2890).await;
        processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(restant(&app, "3811708600076602F").await, 0);
        // Then the bank authorises the late one after all.
        let response = app.automatic(&bank::sealed(&bank::response(&late, 2000, "00"), bank::SECRET)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!((report.applied, report.excess_cents), (1, 2000));
        assert_eq!(restant(&app, "3811708600076602F").await, 0, "never below zero");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments WHERE excess_cents = 2000").await, 1);
        assert_eq!(app.count("SELECT MIN(restant_cents) FROM avis").await, 0);
    }

    async fn the_acknowledgement_downloads_as_a_pdf(app) {
        app.sign_in_as_pierre().await;
        let reference = accepted_payment(&app, &[ENTERED], "20", 2000).await;
        let mailbox = app.page_html("/ma-messagerie").await;
        let id = mailbox.split("href=\"/ma-messagerie/").nth(1).and_then(|s| s.split('"').next()).expect("a link").to_owned();
        let response = app.get_page(&format!("/ma-messagerie/{id}/pdf")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert!(response.headers()["content-disposition"].to_str().expect("ascii").contains(&reference));
        let bytes = response.bytes().await.expect("body");
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in ["Accusé de réception de votre paiement de créance", "Nous accusons réception de votre paiement de créance du",
            &format!("Référence de la transaction : {reference}"), "Numéro d'autorisation : 761208", "Montant : 20,00 €",
            "3811907400001234F : 20,00 €", "Votre caisse d'Assurance Maladie."] {
            assert!(flat.contains(expected), "{expected} in {flat}");
        }
        // Nobody else gets it.
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(eva.get_page(&format!("/ma-messagerie/{id}/pdf")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(location(&app.new_browser().get_page(&format!("/ma-messagerie/{id}/pdf")).await), "/connexion");
    }

    async fn deleting_a_message_hides_it_and_keeps_the_record(app) {
        app.sign_in_as_pierre().await;
        accepted_payment(&app, &[ENTERED], "20", 2000).await;
        let mailbox = app.page_html("/ma-messagerie").await;
        let id = mailbox.split("href=\"/ma-messagerie/").nth(1).and_then(|s| s.split('"').next()).expect("a link").to_owned();
        let confirm = text_of(&app.page_html(&format!("/ma-messagerie/{id}?supprimer")).await);
        assert!(confirm.contains("Voulez-vous vraiment supprimer ce message ?"));
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        let refused = eva.post_form(DELETE_MESSAGE, &[("id", id.as_str())]).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM messages WHERE deleted_at IS NOT NULL").await, 0, "{}", refused.status());
        let response = app.post_form(DELETE_MESSAGE, &[("id", id.as_str())]).await;
        assert_eq!(location(&response), "/ma-messagerie");
        let mailbox = text_of(&app.page_html("/ma-messagerie").await);
        assert!(mailbox.contains("Le message a été supprimé.") && mailbox.contains("Vous n'avez aucun message."));
        assert_eq!(app.count("SELECT COUNT(*) FROM messages WHERE deleted_at IS NOT NULL").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'message' AND action = 'deleted'").await, 1);
    }

    async fn a_message_deleted_from_the_app_leaves_nothing_for_a_next_page_the_app_says_it_and_goes_to_the_mailbox_itself(app) {
        app.sign_in_as_pierre().await;
        accepted_payment(&app, &[ENTERED], "20", 2000).await;
        let mailbox = app.page_html("/ma-messagerie").await;
        let id = mailbox.split("href=\"/ma-messagerie/").nth(1).and_then(|s| s.split('"').next()).expect("a link").to_owned();
        let deleted = app.app_call("supprimer-message", &[("id", id.as_str())]).await;
        assert_eq!(deleted.status(), StatusCode::OK);
        assert!(deleted.headers().get("serverfnredirect").is_none(), "no redirect for the app's router");
        assert!(deleted.headers().get("location").is_none(), "no redirect for the app's router");
        assert_eq!(app.count("SELECT COUNT(*) FROM messages WHERE deleted_at IS NOT NULL").await, 1);
        let mailbox = text_of(&app.page_html("/ma-messagerie").await);
        assert!(mailbox.contains("Vous n'avez aucun message."), "{mailbox}");
        assert!(!mailbox.contains("Le message a été supprimé."), "no flash left for a next page: {mailbox}");
    }

    async fn messages_are_purged_after_six_months(app) {
        app.sign_in_as_pierre().await;
        accepted_payment(&app, &[ENTERED], "20", 2000).await;
        // Six calendar months are 181 to 184 days: the day before, nothing goes.
        let sent = app.state.clock.now_ms();
        let limit = app::ssr::infra::time::add_months(sent, 6);
        app.state.clock.advance(limit - sent - 24 * 3600 * 1000);
        let early = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(early.purged_messages, 0);
        app.state.clock.advance(24 * 3600 * 1000);
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(report.purged_messages, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'message' AND action = 'purged'").await, 1);
    }
}
