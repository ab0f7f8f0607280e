//! The app in the browser calling the server functions itself, as its fetches
//! do (`Accept: application/x-postcard`, same origin): answers it shows in place,
//! no message left for a next page, the router told where to go; and the
//! payments' states it follows.

use crate::helpers::*;
use crate::on_both_engines;
use app::api::payments::{PaymentState, PaymentStateView};
use app::error::{AppError, FieldErrors};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};

/// What the app accepts of its calls: its answers' encoding.
const ANSWERS: &str = "application/x-postcard";

/// The header the app's router follows after a call.
const ROUTER_REDIRECT: &str = "serverfnredirect";

impl Browser {
    /// A call of the server function at `endpoint`, sent as the app in the
    /// browser sends it (same origin, accepting the answers' encoding).
    fn as_the_app(&self, endpoint: &str) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header(ACCEPT, ANSWERS)
            .header("Origin", &self.origin)
            .header("Sec-Fetch-Site", "same-origin")
    }

    /// Calls a server function as the app in the browser does.
    pub async fn app_call(&self, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.as_the_app(endpoint).form(fields).send().await.expect("POST")
    }

    /// Asks a page's data as the app in the browser does: its server
    /// function's arguments in postcard.
    pub async fn page_call(&self, endpoint: &str, arguments: &impl serde::Serialize) -> reqwest::Response {
        self.page_call_raw(endpoint, app::codec::encode(arguments).expect("encoded")).await
    }

    /// As [`Browser::page_call`], with `body` as the arguments.
    pub async fn page_call_raw(&self, endpoint: &str, body: Vec<u8>) -> reqwest::Response {
        self.as_the_app(endpoint).header(CONTENT_TYPE, ANSWERS).body(body).send().await.expect("POST")
    }

    /// `GET` as the app's `gloo-net` fetch does.
    pub async fn app_get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).header(ACCEPT, ANSWERS).send().await.expect("GET")
    }
}

/// Where the app's router is told to go (the header it follows, and the address).
fn router_target(response: &reqwest::Response) -> Option<String> {
    response.headers().get(ROUTER_REDIRECT)?;
    response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// What an answer says, read as the app reads it.
pub(crate) async fn answer<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    let bytes = response.bytes().await.expect("body");
    app::codec::decode(&bytes).unwrap_or_else(|error| panic!("an answer ({error}): {bytes:?}"))
}

/// The messages of a refusal, by field.
async fn refused_fields(response: reqwest::Response) -> FieldErrors {
    match answer(response).await {
        AppError::Invalid(fields) => fields,
        other => panic!("a refusal next to the fields: {other:?}"),
    }
}

on_both_engines! {
    async fn a_sign_in_refused_by_the_server_answers_the_app_422_with_each_fields_message_and_leaves_nothing_for_a_next_page(app) {
        let refused = app.app_call("connexion", &[("nir", "12345"), ("password", "")]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.headers().get(ROUTER_REDIRECT).is_none(), "the app stays on its page");
        assert_eq!(refused.headers().get("content-type").and_then(|v| v.to_str().ok()), Some(ANSWERS));
        assert_eq!(refused.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        let body = refused_fields(refused).await;
        assert_eq!(
            body.get("nir").as_deref(),
            Some("Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé.")
        );
        assert_eq!(body.get("password").as_deref(), Some("Saisissez votre mot de passe."));
        let wrong = refused_fields(app.app_call("connexion", &[("nir", PIERRE_NIR), ("password", "wrong")]).await).await;
        assert_eq!(wrong.get("password").as_deref(), Some("Numéro de sécurité sociale ou mot de passe incorrect."));
        // The page loaded afterwards (without the app) shows no message of those calls.
        let page = text_of(&app.page_html("/connexion").await);
        assert!(!page.contains("Saisissez votre mot de passe."), "{page}");
        assert!(!page.contains("incorrect"), "{page}");
    }

    async fn a_sign_in_accepted_from_the_app_opens_the_session_and_tells_its_router_to_go_to_accueil(app) {
        let accepted = app.app_call("connexion", &[("nir", PIERRE_NIR), ("password", PIERRE_PASSWORD)]).await;
        assert_eq!(accepted.status(), StatusCode::OK);
        assert_eq!(router_target(&accepted).as_deref(), Some("/accueil"));
        let home = text_of(&app.page_html("/accueil").await);
        assert!(home.contains("PIERRE BELAGE"), "{home}");
    }

    async fn a_payment_refused_by_the_server_tells_the_app_why_per_field_and_starts_nothing(app) {
        app.sign_in_as_pierre().await;
        let refused = app
            .app_call("payer", &[("reference", "3811907400001234F"), ("selected[]", "3811701200010075F"), ("amount", "20")])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = refused_fields(refused).await;
        assert_eq!(body.get("amount").as_deref(), Some("Le montant du paiement ne peut pas dépasser le solde total à payer."));
        assert!(body.get("selected").is_none(), "{body:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 0);
        let step2 = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        assert!(!step2.contains("ne peut pas dépasser"), "no message left for the page: {step2}");
    }

    async fn a_payment_accepted_from_the_app_tells_its_router_to_go_to_the_bank_page(app) {
        app.sign_in_as_pierre().await;
        let started = app
            .app_call("payer", &[("reference", "3811907400001234F"), ("selected[]", "3811907400001234F"), ("amount", "20")])
            .await;
        assert_eq!(started.status(), StatusCode::OK);
        let target = router_target(&started).unwrap_or_default();
        assert!(target.starts_with("/mes-paiements/payer-une-creance/paiement/PCLCB"), "{target}");
    }

    async fn a_pages_data_asked_by_the_app_without_a_session_is_a_401_and_its_router_goes_to_the_sign_in_page(app) {
        let page = app.page_call("page-accueil", &app::api::home::HomePage { paiement: None }).await;
        assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(router_target(&page).as_deref(), Some("/connexion"));
        assert_eq!(answer::<AppError>(page).await, AppError::NotSignedIn);
    }

    async fn a_pages_data_is_read_with_its_arguments_in_postcard_and_anything_else_is_a_400(app) {
        app.sign_in_as_pierre().await;
        let home = app.page_call("page-accueil", &app::api::home::HomePage { paiement: None }).await;
        assert_eq!(home.status(), StatusCode::OK);
        let view: app::api::home::HomeView = answer(home).await;
        assert_eq!(view.full_name, "PIERRE BELAGE");
        // Cut short, a byte too many, or the arguments as a form: refused, nothing read.
        for body in [vec![], vec![1], vec![0, 0]] {
            let response = app.page_call_raw("page-accueil", body.clone()).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
            assert_eq!(answer::<AppError>(response).await, AppError::BadRequest);
        }
        let form = app.app_call("page-payer-selection", &[("reference", "3811907400001234F")]).await;
        assert_eq!(form.status(), StatusCode::BAD_REQUEST);
    }

    async fn a_step_2_that_cannot_be_shown_sends_the_app_back_to_step_1_which_says_why_from_its_address(app) {
        use app::api::FormState;
        use app::api::pay::{ReferencePage, ReferenceView, SelectionPage, UNKNOWN_REFERENCE};
        app.sign_in_as_pierre().await;
        let app = &app;
        let step_1 = |reference: Option<&str>| {
            let arguments = ReferencePage { reference: reference.map(str::to_owned) };
            async move { answer::<ReferenceView>(app.page_call("page-payer-reference", &arguments).await).await.form }
        };
        // Eva's reference, and a string that is no reference.
        for (typed, back) in [("6311632600000408F", "6311632600000408F"), ("12 AB-", "12AB")] {
            let step_2 = app.page_call("page-payer-selection", &SelectionPage { reference: typed.to_owned() }).await;
            let target = format!("/mes-paiements/payer-une-creance?reference={back}");
            assert_eq!(router_target(&step_2).as_deref(), Some(target.as_str()), "{typed:?}");
        }
        // Nothing was left in the session: step 1 without a reference says nothing.
        assert_eq!(step_1(None).await, FormState::default());
        let said = step_1(Some("6311632600000408F")).await;
        assert_eq!(said.value("reference"), "6311632600000408F");
        assert_eq!(said.error("reference").as_deref(), Some(UNKNOWN_REFERENCE));
        assert!(step_1(Some("12AB")).await.error("reference").is_some_and(|e| e.contains("16 chiffres")));
        // The person's own open reference: filled in, nothing to say.
        let open = step_1(Some("3811907400001234F")).await;
        assert_eq!((open.value("reference").as_str(), open.error("reference")), ("3811907400001234F", None));
    }

    async fn an_abandon_from_the_app_is_answered_with_what_became_of_it_and_leaves_nothing_for_a_next_page(app) {
        use app::api::payments::{AbandonNotice, AbandonOutcome};
        use app::domain::TransactionReference;
        app.sign_in_as_pierre().await;
        let transaction = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let abandoned = app.app_call("abandonner-paiement", &[("transaction", &transaction), ("retour", "/accueil")]).await;
        assert_eq!(abandoned.status(), StatusCode::OK);
        assert!(abandoned.headers().get(ROUTER_REDIRECT).is_none(), "the app loads its page's data again itself");
        let notice: AbandonNotice = answer(abandoned).await;
        let expected = TransactionReference::parse(&transaction).expect("a reference");
        assert_eq!(notice, AbandonNotice { outcome: AbandonOutcome::Cancelled, transaction_reference: expected });
        // Said by the app from its answer: the page loaded again says nothing of it.
        let home = text_of(&app.page_html("/accueil").await);
        assert!(!home.contains("Ce paiement a été abandonné"), "{home}");
        assert!(!home.contains("PAIEMENTS EN ATTENTE DE LA BANQUE"), "its lines are free: {home}");
    }

    async fn the_states_of_payments_are_the_persons_own_only_and_follow_the_bank_and_the_processing_run(app) {
        app.sign_in_as_pierre().await;
        let transaction = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let path = format!("/api/etat-des-paiements?paiements={transaction}");
        let states = |body: Vec<PaymentStateView>| {
            body.into_iter().map(|view| (view.transaction_reference.to_string(), view.state)).collect::<Vec<_>>()
        };
        let at_bank = app.app_get(&path).await;
        assert_eq!(at_bank.status(), StatusCode::OK);
        assert_eq!(at_bank.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        assert_eq!(states(answer(at_bank).await), vec![(transaction.clone(), PaymentState::AtBank)]);
        app.automatic(&bank::sealed(&bank::response(&transaction, 2000, "00"), bank::SECRET)).await;
        assert_eq!(states(answer(app.app_get(&path).await).await), vec![(transaction.clone(), PaymentState::Processing)]);
        app::ssr::processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("processing run");
        assert_eq!(states(answer(app.app_get(&path).await).await), vec![(transaction.clone(), PaymentState::Applied)]);

        // Someone else's payment is not told; nor anything without a person's session.
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert_eq!(states(answer(eva.app_get(&path).await).await), vec![]);
        assert_eq!(app.new_browser().app_get(&path).await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn a_list_of_states_that_is_not_references_or_too_long_is_a_400(app) {
        app.sign_in_as_pierre().await;
        let many = vec!["PCLCB172540000004"; 21].join(",");
        for list in ["", "abc", "PCLCB172540000004,", many.as_str()] {
            let response = app.app_get(&format!("/api/etat-des-paiements?paiements={list}")).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{list}");
        }
        assert_eq!(app.app_get("/api/etat-des-paiements").await.status(), StatusCode::BAD_REQUEST);
    }
}
