//! Money given back on a payment: asked by one agent, approved by a second of
//! the same caisse, then cancelled (the day of the payment) or refunded (from
//! the next day) by the bank — the simulator, through Sips Office's calls —
//! never more than was paid, never twice.

use crate::helpers::*;
use crate::on_both_engines;
use app::domain::{Euros, TransactionReference};
use app::ssr::agents::excess::{self, AssignError};
use app::ssr::agents::refunds::{self, Decided, Reason, RefundError, RefundState, Sent};
use app::ssr::agents::{Agent, agent};
use app::ssr::infra::ids::AgentId;
use app::ssr::payments::office::{ask_bank, give_back};
use app::ssr::processing;
use reqwest::StatusCode;
use sips::cash::Operation;
use sqlx::Row;

const ENTERED: &str = "3811907400001234F";

/// The agent whose login is `login`.
pub(crate) async fn agent_named(app: &TestApp, login: &str) -> Agent {
    let id: AgentId = sqlx::query("SELECT id FROM agents WHERE login = $1")
        .bind(login)
        .fetch_one(app.state.store.pool())
        .await
        .expect("the agent")
        .try_get("id")
        .expect("id");
    agent(&app.state.store, &id).await.expect("the agent")
}

/// Pierre pays 20 € at the simulator with the accepted card; the transaction
/// and the payment's id once the bank's answer is recorded.
pub(crate) async fn paid_at_the_bank(app: &TestApp) -> (TransactionReference, String) {
    paid_at_the_bank_on(app, &[ENTERED], "20").await
}

/// Pierre pays `amount` on the `selected` lines at the simulator; the
/// transaction and the payment's id once the bank's answer is recorded.
async fn paid_at_the_bank_on(app: &TestApp, selected: &[&str], amount: &str) -> (TransactionReference, String) {
    app.sign_in_as_pierre().await;
    let reference = app.pay(ENTERED, selected, amount).await;
    pay_at_kiosk(&app.kiosk_url, &app.kiosk_form(&reference).await).await;
    for _ in 0..100 {
        if app.count("SELECT COUNT(*) FROM payments").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let payment: String = sqlx::query("SELECT id FROM payments")
        .fetch_one(app.state.store.pool())
        .await
        .expect("the payment recorded")
        .try_get("id")
        .expect("id");
    (TransactionReference::parse(&reference).expect("a reference"), payment)
}

async fn state_of(app: &TestApp, refund: &str) -> (String, Option<String>, Option<String>) {
    let row = sqlx::query("SELECT state, operation, bank_response_code FROM refunds WHERE id = $1")
        .bind(refund)
        .fetch_one(app.state.store.pool())
        .await
        .expect("the refund");
    (
        row.try_get("state").expect("state"),
        row.try_get("operation").expect("op"),
        row.try_get("bank_response_code").expect("code"),
    )
}

/// What the bank says is left on the transaction.
async fn left_at_the_bank(app: &TestApp, reference: &TransactionReference) -> Option<i64> {
    ask_bank(&app.state.settings.kiosk, reference).await.expect("the bank answers").current_amount_cents
}

/// Moves the clock to a second past the next midnight in Paris: the bank has
/// captured the day's payments.
pub(crate) fn to_the_next_day(app: &TestApp) {
    let now = jiff::Timestamp::from_millisecond(app.state.clock.now_ms()).expect("now");
    let paris = now.to_zoned(jiff::tz::TimeZone::get("Europe/Paris").expect("Paris"));
    let midnight = paris.date().tomorrow().expect("tomorrow").to_zoned(paris.time_zone().clone()).expect("midnight");
    let until = midnight.timestamp().as_millisecond() - now.as_millisecond() + 1000;
    app.state.clock.advance(until);
}

/// Pierre's 20/02/2014 créance (28,90 € due).
const OLDEST: &str = "3811708600076602F";
/// Pierre's 12/09/2015 créance (6,60 € due).
const NEXT: &str = "3811702400012980F";

/// Pierre pays 35,50 € on [`OLDEST`] and [`NEXT`]; paid elsewhere meanwhile,
/// the oldest owes 20 € when the run applies the payment: 20,00 + 6,60
/// applied, 8,90 of trop-perçu.
async fn paid_with_a_trop_percu(app: &TestApp) -> (TransactionReference, String) {
    let paid = paid_at_the_bank_on(app, &[OLDEST, NEXT], "35,50").await;
    sqlx::query("UPDATE avis SET restant_cents = 2000 WHERE reference = $1")
        .bind(OLDEST)
        .execute(app.state.store.pool())
        .await
        .expect("paid elsewhere");
    let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
    assert_eq!((report.applied, report.excess_cents), (1, 890));
    paid
}

/// What the avis `reference` still owes, in cents.
async fn restant_of(app: &TestApp, reference: &str) -> i64 {
    sqlx::query("SELECT restant_cents FROM avis WHERE reference = $1")
        .bind(reference)
        .fetch_one(app.state.store.pool())
        .await
        .expect("avis")
        .try_get("restant_cents")
        .expect("cents")
}

pub(crate) fn euros(cents: i64) -> Euros {
    Euros::from_cents(cents)
}

mod pages;
mod trop_percus;

on_both_engines! {
    async fn money_goes_back_once_approved_by_a_second_agent_cancelled_the_day_of_the_payment_refunded_the_next_never_more_than_was_paid(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let now = app.state.clock.now_ms();
        let store = &app.state.store;

        let too_much = refunds::ask(store, &asker, &payment, euros(2001), Reason::ErreurCaisse, now).await;
        assert!(matches!(too_much, Err(RefundError::TooMuch { left }) if left == euros(2000)), "{too_much:?}");
        let nothing = refunds::ask(store, &asker, &payment, euros(0), Reason::ErreurCaisse, now).await;
        assert!(matches!(nothing, Err(RefundError::TooMuch { .. })), "{nothing:?}");
        // Not applied yet: no trop-perçu is known on it.
        let no_excess = refunds::ask(store, &asker, &payment, euros(500), Reason::TropPercu, now).await;
        assert!(matches!(no_excess, Err(RefundError::TooMuch { left }) if left.is_zero()), "{no_excess:?}");
        let first = refunds::ask(store, &asker, &payment, euros(500), Reason::ErreurCaisse, now).await.expect("asked");
        assert_eq!(state_of(&app, &first).await.0, "asked");
        assert!(matches!(refunds::decide(&app.state, &asker, &first, true).await, Err(RefundError::OwnRefund)));
        let asked_counts = refunds::ask(store, &approver, &payment, euros(1501), Reason::ErreurCaisse, now).await;
        assert!(matches!(asked_counts, Err(RefundError::TooMuch { left }) if left == euros(1500)), "{asked_counts:?}");
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(2000), "nothing went back before the approval");

        // Approved the day of the payment: cancelled before the capture.
        let decided = refunds::decide(&app.state, &approver, &first, true).await.expect("decided");
        assert_eq!(decided, Decided::Approved(Sent::Done(Some(Operation::Cancel))));
        assert_eq!(state_of(&app, &first).await, ("done".into(), Some("cancel".into()), Some("00".into())));
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1500));
        assert!(matches!(refunds::decide(&app.state, &approver, &first, true).await, Err(RefundError::NotNow(RefundState::Done))));

        // Rejected: nothing goes back, and the amount may be asked again.
        let second = refunds::ask(store, &approver, &payment, euros(1500), Reason::DoublePaiement, now).await.expect("asked");
        assert_eq!(refunds::decide(&app.state, &asker, &second, false).await.expect("decided"), Decided::Rejected);
        assert_eq!(state_of(&app, &second).await.0, "rejected");
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1500));
        let third = refunds::ask(store, &asker, &payment, euros(1500), Reason::DoublePaiement, now).await.expect("asked again");

        // The next day the payment is captured: refunded to the card.
        to_the_next_day(&app);
        let decided = refunds::decide(&app.state, &approver, &third, true).await.expect("decided");
        assert_eq!(decided, Decided::Approved(Sent::Done(Some(Operation::Refund))));
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(0));
        let none_left = refunds::ask(store, &asker, &payment, euros(1), Reason::ErreurCaisse, now).await;
        assert!(matches!(none_left, Err(RefundError::TooMuch { left }) if left.is_zero()), "{none_left:?}");

        // Another caisse's agent sees neither the payment nor its refunds.
        sqlx::query(
            "INSERT INTO agents (id, login, display_name, password_hash, caisse_code, created_at) \
             VALUES ('other', 'agent.puy', 'Agent CPAM du Puy-de-Dôme', 'x', '631', 0)",
        )
        .execute(store.pool())
        .await
        .expect("another caisse's agent");
        let other = agent(store, &AgentId::new("other")).await.expect("the agent");
        assert!(matches!(refunds::ask(store, &other, &payment, euros(1), Reason::ErreurCaisse, now).await, Err(RefundError::NotFound)));
        assert!(matches!(refunds::decide(&app.state, &other, &second, true).await, Err(RefundError::NotFound)));

        // The person sees what went back, not the request another agent rejected.
        app.sign_in_as_pierre().await;
        let mine = text_of(&app.page_html("/mes-paiements").await);
        assert_eq!(mine.matches("<span class=\"cell-value\">effectué</span>").count(), 2, "{mine}");
        assert!(!mine.contains("rejet") && !mine.contains("demandé"), "{mine}");
        // And is told of each in «Ma messagerie», once, with its PDF.
        let (five, fifteen) = (euros(500), euros(1500));
        let refunded = |subject: &str| subject == app::ssr::messages::REFUND_SUBJECT;
        let told: Vec<(String, String)> = sqlx::query("SELECT id, subject, body FROM messages ORDER BY sent_at, id")
            .fetch_all(store.pool())
            .await
            .expect("messages")
            .iter()
            .filter(|r| refunded(&r.try_get::<String, _>("subject").expect("subject")))
            .map(|r| (r.try_get("id").expect("id"), r.try_get("body").expect("body")))
            .collect();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told[0].1.contains(&format!("vous a remboursé {five} sur votre paiement de créance du")) && told[0].1.contains("motif : erreur de la caisse"));
        assert!(told[0].1.contains("La banque n'avait pas encore débité ce montant"), "cancelled the day of the payment");
        assert!(told[1].1.contains(&format!("vous a remboursé {fifteen}")) && told[1].1.contains("recrédité sur la carte bancaire"));
        assert!(told[1].1.contains(&reference.to_string()) && told[1].1.contains("motif : double paiement"));
        let mailbox = text_of(&app.page_html("/ma-messagerie").await);
        assert!(mailbox.contains(app::ssr::messages::REFUND_SUBJECT), "{mailbox}");
        let pdf = app.get_page(&format!("/ma-messagerie/{}/pdf", told[1].0)).await;
        assert_eq!(pdf.status(), StatusCode::OK);
        assert!(pdf.bytes().await.expect("the PDF").starts_with(b"%PDF-"));

        // Every step is on the payment's page, in words.
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let page = text_of(&desk.page_html(&app::routes::agent_payment(&reference)).await);
        for words in [
            format!("Remboursement de {five} demandé (motif : erreur de la caisse)."),
            format!("Remboursement de {five} approuvé par un second agent, envoyé à la banque."),
            format!("Remboursement de {five} fait par la banque (annulé avant la remise)."),
            format!("Remboursement de {fifteen} rejeté par un second agent."),
            format!("Remboursement de {fifteen} fait par la banque (recrédité sur la carte)."),
        ] {
            assert!(page.contains(&words), "{words}");
        }
    }

    async fn a_refund_whose_answer_was_lost_is_found_done_by_the_status_call_and_never_sent_twice(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let refund = refunds::ask(&app.state.store, &asker, &payment, euros(500), Reason::ErreurCaisse, app.state.clock.now_ms())
            .await
            .expect("asked");
        // The bank out of reach: approved, its word not known, it stays to send.
        let mut settings = (*app.state.settings).clone();
        settings.kiosk.office_url = "http://127.0.0.1:9".to_owned();
        let offline = app::ssr::AppState { settings: std::sync::Arc::new(settings), ..app.state.clone() };
        let decided = refunds::decide(&offline, &approver, &refund, true).await.expect("decided");
        assert_eq!(decided, Decided::Approved(Sent::Unconfirmed));
        assert_eq!(state_of(&app, &refund).await, ("sending".into(), None, None));

        // Until its word is known, no other refund on the transaction is sent.
        let waiting = refunds::ask(&app.state.store, &asker, &payment, euros(300), Reason::ErreurCaisse, app.state.clock.now_ms())
            .await
            .expect("asked");
        let refused = refunds::decide(&app.state, &approver, &waiting, true).await;
        assert!(matches!(refused, Err(RefundError::OtherUnconfirmed)), "{refused:?}");
        assert_eq!(state_of(&app, &waiting).await.0, "asked", "still waiting for its approval");

        // The bank did it, but its answer never came back.
        let lost = give_back(&app.state.settings.kiosk, Operation::Cancel, &reference, 500).await.expect("the bank");
        assert_eq!(lost.response_code, "00");
        // Sent again: the status call says it is done; nothing is sent twice.
        let again = refunds::send(&app.state, &approver, &refund).await.expect("sent");
        assert_eq!(again, Sent::Done(None));
        assert_eq!(state_of(&app, &refund).await.0, "done");
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1500), "5 € went back once, not twice");
        let told = app.count("SELECT COUNT(*) FROM messages WHERE subject = 'Remboursement sur votre paiement de créance'").await;
        assert_eq!(told, 1, "the person is told once");
        assert!(matches!(refunds::send(&app.state, &approver, &refund).await, Err(RefundError::NotNow(RefundState::Done))));

        // While a call is under way another does not start; a stale claim is taken over.
        let next = waiting;
        assert_eq!(refunds::decide(&offline, &approver, &next, true).await.expect("decided"), Decided::Approved(Sent::Unconfirmed));
        sqlx::query("UPDATE refunds SET claimed_at = $1 WHERE id = $2")
            .bind(app.state.clock.now_ms())
            .bind(&next)
            .execute(app.state.store.pool())
            .await
            .expect("a call under way");
        assert_eq!(refunds::send(&app.state, &approver, &next).await.expect("not sent"), Sent::InFlight);
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1500));
        app.state.clock.advance(app::ssr::infra::clock::millis(refunds::CLAIM));
        assert_eq!(refunds::send(&app.state, &approver, &next).await.expect("sent"), Sent::Done(Some(Operation::Cancel)));
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1200));
    }

    async fn a_refund_of_a_transaction_the_bank_does_not_know_is_refused_with_its_code_and_nothing_goes_back(app) {
        // The payment recorded from an answer the simulator never gave.
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        app.automatic(&bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET)).await;
        let payment: String = sqlx::query("SELECT id FROM payments")
            .fetch_one(app.state.store.pool())
            .await
            .expect("the payment")
            .try_get("id")
            .expect("id");
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let refund = refunds::ask(&app.state.store, &asker, &payment, euros(2000), Reason::ErreurCaisse, app.state.clock.now_ms())
            .await
            .expect("asked");
        let decided = refunds::decide(&app.state, &approver, &refund, true).await.expect("decided");
        assert_eq!(decided, Decided::Approved(Sent::Refused("25".into())));
        assert_eq!(state_of(&app, &refund).await, ("refused".into(), None, Some("25".into())));
        // Refused money is not committed: it may be asked again.
        let again = refunds::ask(&app.state.store, &asker, &payment, euros(2000), Reason::ErreurCaisse, app.state.clock.now_ms()).await;
        assert!(again.is_ok(), "{again:?}");
    }

    async fn an_agent_asks_the_bank_about_refunds_twenty_times_a_minute_then_gets_a_429(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let asker = agent_named(&app, "agent.isere").await;
        let refund = refunds::ask(&app.state.store, &asker, &payment, euros(500), Reason::ErreurCaisse, app.state.clock.now_ms())
            .await
            .expect("asked");
        let transaction = reference.to_string();
        let second = app.new_browser();
        let signed = second.post_form(AGENT_SIGN_IN, &[("login", "superviseur.isere"), ("password", "Superviseur-381")]).await;
        assert_eq!(location(&signed), "/agent");
        let step = |etape: &'static str| [("transaction", transaction.clone()), ("etape", etape.to_owned()), ("remboursement", refund.clone())];
        let call = |fields: [(&'static str, String); 3]| {
            let second = &second;
            async move {
                let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                second.call("agent-remboursement", &borrowed).await
            }
        };
        assert_eq!(call(step("approuver")).await.status(), StatusCode::OK);
        // Each later press is refused (already done) and counted all the same.
        for _ in 1..20 {
            assert_eq!(call(step("relancer")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let refused = call(step("relancer")).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.headers().get("retry-after").is_some(), "says when to try again");
        // Rejecting asks nothing of the bank and is not limited.
        assert_eq!(call(step("rejeter")).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "already decided, not 429");
        app.state.clock.advance(60 * 1000);
        assert_eq!(call(step("relancer")).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "a minute later, answered again");
    }

    async fn the_banks_daily_report_shows_what_the_capture_took_and_the_refunds_of_each_day_to_its_merchant_alone(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let give_back = |cents: i64| {
            let (app, asker, approver, payment) = (&app, &asker, &approver, &payment);
            async move {
                let now = app.state.clock.now_ms();
                let refund = refunds::ask(&app.state.store, asker, payment, euros(cents), Reason::ErreurCaisse, now).await.expect("asked");
                refunds::decide(&app.state, approver, &refund, true).await.expect("decided");
            }
        };
        let kiosk = &app.state.settings.kiosk;
        let report = |day: String, seal_with: &'static str| {
            let url = format!("{}/rapport", app.kiosk_url);
            let merchant = kiosk.merchant_id.clone();
            let key = if seal_with.is_empty() { kiosk.secret_key.clone() } else { sips::Secret::new(seal_with.to_owned()) };
            async move {
                let seal = sips::seal(&key, &format!("{merchant}|{day}"));
                reqwest::Client::new().get(url).query(&[("merchantId", merchant.as_str()), ("date", day.as_str()), ("seal", seal.as_str())]).send().await.expect("GET /rapport")
            }
        };
        let paris = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms).expect("now").to_zoned(jiff::tz::TimeZone::get("Europe/Paris").expect("Paris")).date().to_string()
        };
        let paid_on = paris(app.state.clock.now_ms());
        give_back(500).await;
        to_the_next_day(&app);
        give_back(1000).await;

        let first = report(paid_on.clone(), "").await;
        assert_eq!(first.status(), StatusCode::OK);
        assert!(first.headers()["content-type"].to_str().expect("text").starts_with("text/csv"));
        let lines = sips::report::parse(&first.text().await.expect("the report")).expect("a report the app can read");
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].transaction_reference, reference.as_str());
        assert_eq!((lines[0].direction, lines[0].amount_cents, lines[0].status.as_str()), (sips::report::Direction::Debit, 1500, "CAPTURED"), "20 € less the 5 cancelled before the capture");
        let next = sips::report::parse(&report(paris(app.state.clock.now_ms()), "").await.text().await.expect("the report")).expect("read");
        assert_eq!(next.iter().map(|l| (l.direction, l.amount_cents)).collect::<Vec<_>>(), vec![(sips::report::Direction::Credit, 1000)]);
        assert_eq!(report(paid_on.clone(), "another-merchants-key").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(report("07/12/2026".to_owned(), "").await.status(), StatusCode::BAD_REQUEST);
    }
}
