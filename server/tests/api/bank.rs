//! The embedded simulator as Worldline's platform takes a merchant's request:
//! one shaped as Worldline's own Paypage POST sample kit sends it (another
//! public test merchant, `Data` in base64 sealed as encoded, `HP_2.24`, grouped
//! keys, no transaction reference, no automatic response URL, base64 answers
//! asked), answered with Worldline's field set; and the simulator run alone
//! (`server kiosk`) as the test bank of instances configured for a real one.

use crate::helpers::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use sips::{DataFields, SealedForm, Secret};
use std::collections::HashMap;

const KIT_MERCHANT: &str = "002001000000002";
const KIT_KEY: &str = "002001000000002_KEY1";
const KIT_RETURN: &str = "http://localhost/sips-paypage-post-php/Common/paymentResponse.php";

/// The request as the kit builds it: its fields flattened with `.` for groups,
/// joined with `|`, base64-encoded, sealed (HMAC-SHA-256) on the encoded text.
fn kit_request(return_context: &str) -> Vec<(&'static str, String)> {
    kit_request_with(return_context, &[])
}

/// [`kit_request`] with `more` fields in its `Data`.
fn kit_request_with(return_context: &str, more: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let data = [
        ("normalReturnUrl", KIT_RETURN),
        ("merchantId", KIT_MERCHANT),
        ("amount", "2000"),
        ("orderChannel", "INTERNET"),
        ("currencyCode", "978"),
        ("keyVersion", "1"),
        ("responseEncoding", "base64"),
        ("billingAddress.city", "Nantes"),
        ("billingAddress.country", "FRA"),
        ("billingAddress.addressAdditional1", "route de l'atlantique, 5990"),
        ("billingAddress.zipCode", "44000"),
        ("holderContact.lastname", "Doe"),
        ("holderContact.email", "jane.doe@example.org"),
        ("fraudData.challengeMode3DS", "NO_CHALLENGE"),
        ("returnContext", return_context),
    ]
    .iter()
    .chain(more)
    .map(|(k, v)| format!("{k}={v}"))
    .collect::<Vec<_>>()
    .join("|");
    let encoded = STANDARD.encode(data);
    vec![
        ("Seal", sips::seal(&Secret::new(KIT_KEY.to_owned()), &encoded)),
        ("Data", encoded),
        ("InterfaceVersion", "HP_2.24".to_owned()),
        ("SealAlgorithm", "HMAC-SHA-256".to_owned()),
        ("Encode", "base64".to_owned()),
    ]
}

/// Posts the kit's request to the kiosk; the card page's path.
async fn opened(app: &TestApp, kiosk: &Browser, return_context: &str) -> String {
    let response = kiosk
        .client
        .post(format!("{}/paiement", app.kiosk_url))
        .form(&kit_request(return_context))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "the kit's request is taken");
    location(&response)
}

/// The «Continuer» form's answer, its seal checked with the kit's key.
async fn answer_on(app: &TestApp, kiosk: &Browser, path: &str) -> (SealedForm, DataFields) {
    let page =
        kiosk.client.get(format!("{}{path}", app.kiosk_url)).send().await.expect("GET").text().await.expect("html");
    assert!(page.contains(&format!("action=\"{KIT_RETURN}\"")), "back to the kit's normalReturnUrl");
    let back = hidden_fields(&page);
    let form = SealedForm {
        data: back["Data"].clone(),
        seal: back["Seal"].clone(),
        encode: back["Encode"].clone(),
        interface_version: back["InterfaceVersion"].clone(),
    };
    let fields = form.open(&Secret::new(KIT_KEY.to_owned())).expect("sealed with the kit's key");
    (form, fields)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_shaped_as_worldlines_sample_kit_is_taken_and_answered_with_worldlines_fields_in_base64() {
    let app = spawn_app(Engine::Sqlite).await;
    let kiosk = app.new_browser();
    let card_page = opened(&app, &kiosk, "panier-42").await;
    let page = kiosk
        .client
        .get(format!("{}{card_page}", app.kiosk_url))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    assert!(page.contains("20,00\u{a0}€") && page.contains(KIT_MERCHANT));
    let done =
        kiosk.client.post(format!("{}{card_page}", app.kiosk_url)).form(&accepted_card()).send().await.expect("card");
    let (form, fields) = answer_on(&app, &kiosk, &location(&done)).await;

    assert_eq!(form.encode, "base64", "responseEncoding=base64 honoured");
    assert_eq!(form.interface_version, "HP_2.24");
    let reference = fields.get("transactionReference").expect("a reference made by the kiosk");
    assert!(reference.len() == 32 && reference.bytes().all(|b| b.is_ascii_hexdigit()), "{reference}");
    let expiry = format!("{}12", jiff::Zoned::now().year() + 2);
    for (key, value) in [
        ("responseCode", "00"),
        ("acquirerResponseCode", "00"),
        ("amount", "2000"),
        ("currencyCode", "978"),
        ("merchantId", KIT_MERCHANT),
        ("keyVersion", "1"),
        ("captureDay", "0"),
        ("captureMode", "AUTHOR_CAPTURE"),
        ("orderChannel", "INTERNET"),
        ("paymentMeanType", "CARD"),
        ("paymentMeanBrand", "VISA"),
        ("panExpiryDate", expiry.as_str()),
        ("maskedPan", "4100##########00"),
        ("guaranteeIndicator", "N"),
        ("returnContext", "panier-42"),
    ] {
        assert_eq!(fields.get(key), Some(value), "{key}");
    }
    assert!(fields.get("authorisationId").is_some_and(|id| id.len() == 6));
    assert!(fields.get("transactionDateTime").is_some());
    assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers").await, 0, "no automatic response: the kit gave no URL");

    // A cancelled payment: no acquirer was asked, so no acquirer code.
    let cancelled_page = opened(&app, &kiosk, "panier-43").await;
    let cancel = kiosk
        .client
        .post(format!("{}{cancelled_page}", app.kiosk_url))
        .form(&[("action", "annuler")])
        .send()
        .await
        .expect("cancel");
    let (_, fields) = answer_on(&app, &kiosk, &location(&cancel)).await;
    assert_eq!(fields.get("responseCode"), Some("17"));
    assert_eq!(fields.get("acquirerResponseCode"), None);
    assert_eq!(fields.get("authorisationId"), None);
    assert_eq!(fields.get("returnContext"), Some("panier-43"));
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kits_request_sealed_with_another_merchants_key_or_asking_an_unknown_encoding_is_refused() {
    let app = spawn_app(Engine::Sqlite).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let url = format!("{}/paiement", app.kiosk_url);
        async move { reqwest::Client::new().post(url).form(&fields).send().await.expect("POST").status() }
    };
    let mut forged = kit_request("x");
    let data = forged.iter().find(|(k, _)| *k == "Data").map(|(_, v)| v.clone()).expect("Data");
    forged[0].1 = sips::seal(&Secret::new(bank::SECRET.to_owned()), &data);
    assert_eq!(post(forged).await, StatusCode::FORBIDDEN, "our key does not seal another merchant's request");

    let odd = "normalReturnUrl=http://localhost/r|merchantId=002001000000002|amount=2000|currencyCode=978|keyVersion=1|responseEncoding=hex";
    let encoded = STANDARD.encode(odd);
    let request = vec![
        ("Seal", sips::seal(&Secret::new(KIT_KEY.to_owned()), &encoded)),
        ("Data", encoded),
        ("InterfaceVersion", "HP_2.24".to_owned()),
        ("Encode", "base64".to_owned()),
    ];
    assert_eq!(post(request).await, StatusCode::BAD_REQUEST);
    app.cleanup().await;
}

/// `server kiosk` is a cluster's test bank: an instance configured as with a
/// real bank (the five `SIPS_` settings) sends the person's browser there, and
/// the simulator's automatic answer, then the browser's return, are recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_run_alone_takes_the_payment_of_an_instance_configured_for_a_real_bank_and_answers_it() {
    const ENTERED: &str = "3811907400001234F";
    const ACCEPTED: &str = "SELECT COUNT(*) FROM payment_attempts WHERE status = 'accepted'";
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let kiosk_addr = format!("127.0.0.1:{}", free_port());
    let app_addr = format!("127.0.0.1:{}", free_port());
    let app_origin = format!("http://{app_addr}");
    let _bank = KioskProcess::start(&kiosk_addr, &[("KIOSK_ANSWER_ORIGIN", &app_origin)]).await;
    let bank = format!("http://{kiosk_addr}");
    let paypage = format!("{bank}/paiement");
    let server = launch(&url)
        .bank(&bank, &bank, sips::simulation::MERCHANT_ID)
        .with("LEPTOS_SITE_ADDR", &app_addr)
        .start()
        .await;
    let person = &server.browser;
    person.sign_in_as_pierre().await;
    let reference = person.pay(ENTERED, &[ENTERED], "20").await;
    let page = person.page_html(&format!("/mes-paiements/payer-une-creance/paiement/{reference}")).await;
    assert!(page.contains(&format!("action=\"{paypage}\"")), "the form goes to the configured bank");

    let result = pay_at_kiosk(&format!("http://{kiosk_addr}"), &hidden_fields(&page)).await;
    assert_eq!(wait_for_count(&url, ACCEPTED, 1).await, 1, "the bank's automatic answer is recorded");
    let back: Vec<(String, String)> = hidden_fields(&result).into_iter().collect();
    let returned = person.client.post(person.url("/paiement/retour")).form(&back).send().await.expect("return");
    assert_eq!(location(&returned), format!("/paiement/resultat?paiement={reference}"));
    server.kill();
    database.remove().await;
}

/// A listener that counts the requests it is sent; its origin.
async fn counting_listener() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let route = axum::routing::post(move || {
        seen.fetch_add(1, Ordering::SeqCst);
        async { "OK" }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let origin = format!("http://{}", listener.local_addr().expect("its address"));
    let router = axum::Router::new().route("/reponse-automatique", route);
    tokio::spawn(async move { axum::serve(listener, router).await });
    (origin, count)
}

/// The simulator posts its automatic answer to the app's origin alone: a
/// request sealed with a public test key (anyone can seal one) that names
/// another address as its automatic response URL gets no post there, while
/// the same request naming the app's origin does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_posts_no_automatic_answer_outside_the_apps_origin() {
    use std::sync::atomic::Ordering;
    let (app_origin, app_posts) = counting_listener().await;
    let (stranger_origin, stranger_posts) = counting_listener().await;
    let (router, _handle) =
        server::startup::simulator(std::sync::Arc::new(|| jiff::Timestamp::now().as_millisecond()), &app_origin);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let kiosk_url = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    for (origin, context) in [(&stranger_origin, "elsewhere"), (&app_origin, "ours")] {
        let automatic = format!("{origin}/reponse-automatique");
        let request: HashMap<String, String> = kit_request_with(context, &[("automaticResponseUrl", &automatic)])
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        let result = pay_at_kiosk(&kiosk_url, &request).await;
        assert!(hidden_fields(&result).contains_key("Data"), "{context}: the browser's answer is given all the same");
    }
    for _ in 0..100 {
        if app_posts.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app_posts.load(Ordering::SeqCst), 1, "the app's origin gets its automatic answer");
    assert_eq!(stranger_posts.load(Ordering::SeqCst), 0, "another address gets none");
}
