//! The calls that cost more than a page («Abandonner», «PAYER», «Rester
//! connecté», the payments' poll) have a limit per person (or session),
//! and the bank's call one overall (`app::ssr::infra::limits`); the payments'
//! poll does not keep a session alive.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;

const MINUTE: i64 = 60 * 1000;

/// A call from the app in the browser (it reads the answer itself).
async fn app_call(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    browser.client.post(browser.url(path)).header("Origin", &browser.origin).form(fields).send().await.expect("POST")
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

async fn poll(browser: &Browser, reference: &str) -> reqwest::Response {
    browser
        .client
        .get(browser.url(&format!("/api/etat-des-paiements?paiements={reference}")))
        .send()
        .await
        .expect("GET")
}

on_both_engines! {
    async fn a_person_asks_the_bank_through_abandon_ten_times_a_minute_then_gets_a_429_with_retry_after(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        for _ in 0..10 {
            assert_eq!(abandon_as(&app).await, StatusCode::BAD_REQUEST, "counted all the same");
        }
        let refused = app_call(&app, ABANDON_PAYMENT, &[("transaction", reference.as_str())]).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&refused), 60);
        let said: app::error::AppError = crate::app_calls::answer(refused).await;
        assert_eq!(said.to_string(), "Trop de tentatives. Veuillez réessayer dans quelques minutes.", "what the app shows");
        assert_eq!(app.attempt_status(&reference).await, "pending", "nothing done");
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(abandon_as(&eva).await, StatusCode::BAD_REQUEST, "another person has their own count");
        app.state.clock.advance(MINUTE);
        let again = app_call(&app, ABANDON_PAYMENT, &[("transaction", reference.as_str())]).await;
        assert_eq!(again.status(), StatusCode::OK, "a minute later");
        assert_eq!(app.attempt_status(&reference).await, "cancelled");
    }

    async fn rester_connecte_is_answered_six_times_a_minute_per_session(app) {
        app.sign_in_as_pierre().await;
        for _ in 0..6 {
            assert_eq!(app_call(&app, KEEP_SESSION, &[]).await.status(), StatusCode::OK);
        }
        let refused = app_call(&app, KEEP_SESSION, &[]).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(retry_after(&refused) > 0);
        let other = app.new_browser();
        other.sign_in_as_pierre().await;
        assert_eq!(app_call(&other, KEEP_SESSION, &[]).await.status(), StatusCode::OK, "another session");
    }

    async fn the_payments_poll_keeps_no_session_alive_and_is_limited_per_session(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        assert_eq!(poll(&app, &reference).await.status(), StatusCode::OK);
        app.state.clock.advance(20 * MINUTE);
        assert_eq!(poll(&app, &reference).await.status(), StatusCode::OK, "20 minutes: still signed in");
        app.state.clock.advance(11 * MINUTE);
        assert_eq!(
            poll(&app, &reference).await.status(),
            StatusCode::UNAUTHORIZED,
            "31 minutes after the last request of the person's own: the questions kept nothing alive"
        );

        let desk = app.new_browser();
        desk.sign_in_as_pierre().await;
        for _ in 0..60 {
            assert_eq!(poll(&desk, &reference).await.status(), StatusCode::OK);
        }
        let refused = poll(&desk, &reference).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(retry_after(&refused) > 0);
        assert!(refused.text().await.expect("body").contains("Trop de demandes"));
    }

    async fn a_person_presses_payer_twenty_times_a_minute_then_is_told_next_to_the_amount_and_nothing_is_started(app) {
        app.sign_in_as_pierre().await;
        let line = "3811907400001234F";
        let payer = async |browser: &Browser, amount: &str| {
            app_call(browser, START_PAYMENT, &[("reference", line), ("selected[]", line), ("amount", amount)]).await
        };
        for _ in 0..20 {
            assert_eq!(payer(&app, "5").await.status(), StatusCode::UNPROCESSABLE_ENTITY, "refused, counted all the same");
        }
        let refused = payer(&app, "20").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(retry_after(&refused), 60);
        let said: app::error::AppError = crate::app_calls::answer(refused).await;
        let app::error::AppError::Invalid(errors) = said else { panic!("next to a field: {said:?}") };
        assert_eq!(errors.get("amount").as_deref(), Some("Trop de tentatives. Veuillez réessayer dans quelques minutes."));
        // Without JavaScript: back to step 2, the message by the amount, what was typed kept.
        let form = app.start_payment(line, &[line], "20,00").await;
        assert_eq!(location(&form), format!("/mes-paiements/payer-une-creance/{line}"));
        let page = app.page_html(&location(&form)).await;
        assert!(text_of(&page).contains("Trop de tentatives. Veuillez réessayer dans quelques minutes."), "{page}");
        assert!(page.contains("value=\"20,00\""), "the amount kept");
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 0, "nothing started");
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(payer(&eva, "5").await.status(), StatusCode::UNPROCESSABLE_ENTITY, "another person has their own count");
        app.state.clock.advance(MINUTE);
        assert_eq!(payer(&app, "20").await.status(), StatusCode::OK, "a minute later");
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 1);
    }
}

async fn abandon_as(browser: &Browser) -> StatusCode {
    app_call(browser, ABANDON_PAYMENT, &[("transaction", "PCLCB269990000001")]).await.status()
}
