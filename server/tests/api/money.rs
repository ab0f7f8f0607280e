//! No money taken without a record: every accepted authorisation the bank
//! sends is a payment, even after the attempt ended otherwise or under a second
//! authorisation number; those are flagged «à régulariser» for the agents.

use crate::helpers::*;
use crate::on_both_engines;
use app::ssr::processing;
use reqwest::StatusCode;
use sqlx::Row;

const ENTERED: &str = "3811907400001234F";

async fn attempt(app: &TestApp) -> String {
    app.sign_in_as_pierre().await;
    app.pay(ENTERED, &[ENTERED], "20").await
}

fn answer(reference: &str, code: &str, authorisation: Option<&str>) -> Vec<(String, String)> {
    let mut response = bank::response(reference, 2000, code);
    response.authorisation_id = authorisation.map(str::to_owned);
    bank::sealed(&response, bank::SECRET)
}

/// The regularisation flags of the payments of `reference`, by acceptance.
async fn flags(app: &TestApp, reference: &str) -> Vec<Option<String>> {
    sqlx::query(
        "SELECT p.regularisation FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE t.transaction_reference = $1 ORDER BY p.accepted_at, p.authorisation_id",
    )
    .bind(reference)
    .fetch_all(app.state.store.pool())
    .await
    .expect("payments")
    .iter()
    .map(|r| r.try_get("regularisation").expect("flag"))
    .collect()
}

async fn agent(app: &TestApp) -> Browser {
    let agent = app.new_browser();
    let response = agent.post_form(AGENT_SIGN_IN, &[("login", "agent.isere"), ("password", "Agent-381")]).await;
    assert_eq!(location(&response), "/agent");
    agent
}

on_both_engines! {
    async fn an_acceptance_after_a_refusal_is_recorded_as_money_to_regularise(app) {
        let reference = attempt(&app).await;
        assert_eq!(app.automatic(&answer(&reference, "05", None)).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "refused");
        assert_eq!(app.automatic(&answer(&reference, "00", Some("554433"))).await.status(), StatusCode::OK);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        assert_eq!(flags(&app, &reference).await, vec![Some("after_refused".to_owned())]);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'to_regularise'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1, "the person is told the money was received");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'payment' AND action = 'received'").await, 1);
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(report.applied, 1, "applied like any payment");
    }

    async fn an_acceptance_after_a_cancellation_is_recorded_as_money_to_regularise(app) {
        let reference = attempt(&app).await;
        app.automatic(&answer(&reference, "17", None)).await;
        assert_eq!(app.attempt_status(&reference).await, "cancelled");
        assert_eq!(app.normal_return(&answer(&reference, "00", Some("554433"))).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.attempt_status(&reference).await, "accepted");
        assert_eq!(flags(&app, &reference).await, vec![Some("after_cancelled".to_owned())]);
    }

    async fn an_acceptance_after_the_attempt_expired_is_recorded_as_money_to_regularise(app) {
        let reference = attempt(&app).await;
        app.state.clock.advance(21 * 60 * 1000);
        server::housekeeping::run_once(&app.state).await.expect("chores");
        assert_eq!(app.attempt_status(&reference).await, "expired");
        app.automatic(&answer(&reference, "00", Some("554433"))).await;
        assert_eq!(flags(&app, &reference).await, vec![Some("after_expired".to_owned())]);
    }

    async fn a_second_authorisation_for_the_same_transaction_is_a_second_payment_to_regularise(app) {
        let reference = attempt(&app).await;
        app.automatic(&answer(&reference, "00", Some("111111"))).await;
        assert_eq!(flags(&app, &reference).await, vec![None]);
        // The same authorisation again: nothing more.
        app.automatic(&answer(&reference, "00", Some("111111"))).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        // Another authorisation number: the bank took the money twice.
        assert_eq!(app.automatic(&answer(&reference, "00", Some("222222"))).await.status(), StatusCode::OK);
        assert_eq!(flags(&app, &reference).await, vec![None, Some("second_authorisation".to_owned())]);
        // And that one again, by the other channel: still two.
        app.normal_return(&answer(&reference, "00", Some("222222"))).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'duplicate'").await, 2);
        // Applied like the others: what the créance no longer owes is trop-perçu.
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(report.applied, 2);
        assert_eq!(app.count("SELECT CAST(COALESCE(SUM(excess_cents), 0) AS BIGINT) FROM payments").await, 0, "87,09 € due: both 20 € fit");
        assert_eq!(app.count("SELECT restant_cents FROM avis WHERE reference = '3811907400001234F'").await, 8709 - 4000);
    }

    async fn an_acceptance_without_an_authorisation_number_and_one_with_it_in_either_order_record_one_payment(app) {
        app.sign_in_as_pierre().await;
        for (round, (first, then)) in [(None, Some("333333")), (Some("444444"), None)].into_iter().enumerate() {
            let reference = app.pay(ENTERED, &[ENTERED], "20").await;
            assert_eq!(app.automatic(&answer(&reference, "00", first)).await.status(), StatusCode::OK);
            assert_eq!(app.normal_return(&answer(&reference, "00", then)).await.status(), StatusCode::SEE_OTHER);
            app.automatic(&answer(&reference, "00", then)).await;
            assert_eq!(flags(&app, &reference).await, vec![None], "{first:?} then {then:?}: one payment, nothing to regularise");
            assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, round as i64 + 1, "one acknowledgement each");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'duplicate'").await, 4);
    }

    async fn the_agents_see_the_payments_to_regularise_and_mark_them_done(app) {
        let reference = attempt(&app).await;
        app.automatic(&answer(&reference, "05", None)).await;
        app.automatic(&answer(&reference, "00", Some("554433"))).await;
        let agent = agent(&app).await;
        let list = text_of(&agent.page_html("/agent?statut=a-regulariser").await);
        assert!(list.contains(&reference) && list.contains("À régulariser"), "listed under «À régulariser»");
        let detail = text_of(&agent.page_html(&format!("/agent/paiements/{reference}")).await);
        assert!(detail.contains("À régulariser : accepté par la banque après un refus."));
        assert!(detail.contains("Marquer comme régularisé") && detail.contains("554433"));
        let csv = agent.get_page("/agent/export.csv").await.text().await.expect("csv");
        let header = csv.lines().next().expect("a header");
        assert!(header.ends_with(";a_regulariser;date_regularisation"), "{header}");
        let line = csv.lines().find(|l| l.contains(&reference)).expect("the payment's line");
        assert!(line.contains(";accepté par la banque après un refus;"), "{line}");
        // Done: the agent marks it, once.
        let payment: String = sqlx::query("SELECT id FROM payments").fetch_one(app.state.store.pool()).await
            .expect("payment").try_get("id").expect("id");
        let marked = agent.post_form(MARK_REGULARISED, &[("payment", &payment), ("transaction", &reference)]).await;
        assert_eq!(location(&marked), format!("/agent/paiements/{reference}"));
        assert!(!text_of(&agent.page_html("/agent?statut=a-regulariser").await).contains(&reference));
        let detail = text_of(&agent.page_html(&format!("/agent/paiements/{reference}")).await);
        assert!(detail.contains("régularisé le") && detail.contains("Régularisation faite par l'agent."));
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'regularised' AND actor_kind = 'agent'").await, 1);
        let again = agent.call("agent-regulariser", &[("payment", &payment), ("transaction", &reference)]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn marked_from_the_app_the_answer_is_the_payment_as_it_now_is(app) {
        use app::api::agent::payments::{AgentPaymentPage, PaymentDetailView};
        let reference = attempt(&app).await;
        app.automatic(&answer(&reference, "05", None)).await;
        app.automatic(&answer(&reference, "00", Some("554433"))).await;
        let agent = agent(&app).await;
        let payment: String = sqlx::query("SELECT id FROM payments").fetch_one(app.state.store.pool()).await
            .expect("payment").try_get("id").expect("id");
        let marked = agent.app_call("agent-regulariser", &[("payment", &payment), ("transaction", &reference)]).await;
        assert_eq!(marked.status(), StatusCode::OK);
        assert!(marked.headers().get("serverfnredirect").is_none() && marked.headers().get("location").is_none());
        let answered: PaymentDetailView = crate::app_calls::answer(marked).await;
        let shown = answered.payment.clone().expect("the payment");
        assert!(shown.receipts[0].regularised.is_some(), "{:?}", shown.receipts);
        assert!(shown.trail.iter().any(|change| change.what == "Régularisation faite par l'agent."), "{:?}", shown.trail);
        let page = agent.page_call("agent-page-paiement", &AgentPaymentPage { transaction: reference.clone() }).await;
        assert_eq!(crate::app_calls::answer::<PaymentDetailView>(page).await, answered, "what the page's data now says");
        let again = agent.app_call("agent-regulariser", &[("payment", &payment), ("transaction", &reference)]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
