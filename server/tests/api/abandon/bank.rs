//! An abandon against a bank that does not answer as it should: silent, out
//! of reach, or whose answer is not sealed with our key.

use super::*;

/// A bank that takes the connection and never answers: the status call ends
/// after its 10 seconds, nothing is abandoned, and the person is told so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_that_never_answers_is_given_up_after_ten_seconds_and_nothing_is_abandoned() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let office = format!("http://{}", silent.local_addr().expect("its address"));
    // Accepts every connection, reads what comes, answers nothing, closes nothing.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let waited = abandon_against_a_bank_out_of_reach(&office).await;
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(20),
        "the call waited its 10 seconds, then gave up: {waited:?}"
    );
}

/// A bank whose connection never opens (its host drops the call's first
/// packet): the status call gives up after its 3 seconds of connection, well
/// before the 10 of the whole call; nothing is abandoned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_whose_connection_never_opens_is_given_up_after_three_seconds_and_nothing_is_abandoned() {
    // A listener that never accepts, its queue full: Linux drops any further
    // connection's first packet, so a connection to it never opens.
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.bind("127.0.0.1:0".parse().expect("an address")).expect("bound");
    let full = socket.listen(0).expect("listening");
    let address = full.local_addr().expect("its address");
    let mut queued = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_millis(300), tokio::net::TcpStream::connect(address)).await {
            Ok(Ok(stream)) => queued.push(stream),
            Ok(Err(error)) => panic!("a queued connection: {error}"),
            Err(_) => break,
        }
        assert!(queued.len() < 64, "the listener's queue never fills");
    }
    let waited = abandon_against_a_bank_out_of_reach(&format!("http://{address}")).await;
    assert!(
        waited >= Duration::from_millis(2500) && waited < Duration::from_secs(8),
        "the call waited its 3 seconds of connection, then gave up: {waited:?}"
    );
    drop((full, queued));
}

/// Starts a payment on a server whose Sips Office is `office`, abandons it,
/// checks that nothing was abandoned and that the person was told; how long
/// the abandon took.
async fn abandon_against_a_bank_out_of_reach(office: &str) -> Duration {
    let kiosk_addr = format!("127.0.0.1:{}", free_port());
    let _bank = KioskProcess::start(&kiosk_addr, &[]).await;
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let server = launch(&url).bank(&format!("http://{kiosk_addr}"), office, "002001000000001").start().await;
    let person = &server.browser;
    person.sign_in_as_pierre().await;
    let reference = person.pay(ENTERED, &[ENTERED], "20").await;
    let asked = std::time::Instant::now();
    let response = abandon(person, &reference, "/mes-paiements").await;
    let waited = asked.elapsed();
    assert_eq!(location(&response), "/mes-paiements");
    let page = words(&person.page_html("/mes-paiements").await);
    assert!(page.contains("La banque n'a pas pu être interrogée : ce paiement n'a pas été abandonné."));
    assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payment_attempts WHERE status = 'pending'").await, 1);
    server.kill();
    database.remove().await;
    waited
}

/// A bank that cannot be reached, or does not seal its answer with our key:
/// nothing is abandoned, on either engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_out_of_reach_or_whose_answer_is_not_sealed_with_our_key_abandons_nothing() {
    for engine in [Engine::Sqlite, Engine::Postgres] {
        let kiosk_addr = format!("127.0.0.1:{}", free_port());
        let _bank = KioskProcess::start(&kiosk_addr, &[]).await;
        let office = format!("http://{kiosk_addr}");
        let closed = format!("http://127.0.0.1:{}", free_port());
        // The sample kit's merchant with our key: the bank cannot verify the
        // request and answers unsealed.
        for (office_url, merchant) in [(closed.as_str(), "002001000000001"), (office.as_str(), "002001000000002")] {
            let (url, database) = scratch_database(engine).await;
            let server = launch(&url).bank(&office, office_url, merchant).start().await;
            let person = &server.browser;
            person.sign_in_as_pierre().await;
            let reference = person.pay(ENTERED, &[ENTERED], "20").await;
            let response = abandon(person, &reference, "/mes-paiements").await;
            assert_eq!(location(&response), "/mes-paiements", "{engine:?} {office_url}");
            let page = words(&person.page_html("/mes-paiements").await);
            assert!(
                page.contains("La banque n'a pas pu être interrogée : ce paiement n'a pas été abandonné."),
                "{engine:?} {office_url}"
            );
            assert_eq!(
                count_in(&url, "SELECT COUNT(*) FROM payment_attempts WHERE status = 'pending'").await,
                1,
                "{engine:?} {office_url}"
            );
            assert_eq!(count_in(&url, "SELECT COUNT(*) FROM line_holds").await, 1);
            server.kill();
            database.remove().await;
        }
    }
}

/// What the stand-in bank of the next test answers.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// Authorised, sealed with another key.
    ForgedSeal,
    /// Authorised, sealed with our key, for another transaction.
    OtherTransaction,
    /// Authorised, sealed with our key, for another merchant.
    OtherMerchant,
    /// Authorised, sealed with our key, for another amount.
    OtherAmount,
    /// Authorised, sealed with our key, naming no merchant.
    NoMerchant,
    /// Authorised, sealed with our key, naming no transaction.
    NoTransaction,
    /// Authorised, for us, but followed by 80 KiB of blanks sent in chunks
    /// (no length announced).
    Oversized,
    /// Authorised, for us, as the bank says it.
    Genuine,
}

/// A stand-in Sips Office that answers «authorised» as `answer` says.
async fn stand_in_bank(answer: std::sync::Arc<std::sync::Mutex<Answer>>) -> String {
    use axum::Json;
    use axum::response::IntoResponse;
    use sips::office::{GET_TRANSACTION_DATA_PATH, TransactionData};
    let route = axum::routing::post(move |Json(request): Json<serde_json::Value>| {
        let answer = *answer.lock().expect("the answer");
        async move {
            let reference = request["transactionReference"].as_str().unwrap_or_default().to_owned();
            let ours = sips::Secret::new(sips::simulation::SECRET_KEY.to_owned());
            let mut data = TransactionData {
                response_code: "00".into(),
                transaction_status: Some("CAPTURED".into()),
                merchant_id: Some(sips::simulation::MERCHANT_ID.into()),
                transaction_reference: Some(reference),
                amount_cents: Some(2000),
                currency_code: Some("978".into()),
                authorisation_id: Some("424242".into()),
                masked_pan: Some("4100##########00".into()),
                ..TransactionData::default()
            };
            let mut key = ours;
            match answer {
                Answer::ForgedSeal => key = sips::Secret::new("not the key".to_owned()),
                Answer::OtherTransaction => data.transaction_reference = Some("PCLCB269990000001".into()),
                Answer::OtherMerchant => data.merchant_id = Some("002001000000002".into()),
                Answer::OtherAmount => data.amount_cents = Some(5000),
                Answer::NoMerchant => data.merchant_id = None,
                Answer::NoTransaction => data.transaction_reference = None,
                Answer::Genuine | Answer::Oversized => {}
            }
            let sealed = data.to_sealed_json(&key, "1");
            if let Answer::Oversized = answer {
                let chunks = std::iter::once(sealed.to_string().into_bytes())
                    .chain(std::iter::repeat_n(vec![b' '; 8 * 1024], 10))
                    .map(Ok::<_, std::io::Error>);
                let body = axum::body::Body::from_stream(futures::stream::iter(chunks));
                return ([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response();
            }
            Json(sealed).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("its address");
    let router = axum::Router::new().route(GET_TRANSACTION_DATA_PATH, route);
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// An «authorised» status is applied only sealed with our key, naming our
/// merchant and this transaction, for its amount, in at most 64 KiB; the same
/// answer, genuine, is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authorised_status_is_applied_only_sealed_with_our_key_naming_our_merchant_and_this_transaction_for_its_amount_within_64_kib()
 {
    const PENDING: &str = "SELECT COUNT(*) FROM payment_attempts WHERE status = 'pending'";
    let answer = std::sync::Arc::new(std::sync::Mutex::new(Answer::ForgedSeal));
    let office = stand_in_bank(answer.clone()).await;
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let server = launch(&url).bank(&office, &office, sips::simulation::MERCHANT_ID).start().await;
    let person = &server.browser;
    person.sign_in_as_pierre().await;
    let reference = person.pay(ENTERED, &[ENTERED], "20").await;
    let untrusted_answers = [
        Answer::ForgedSeal,
        Answer::OtherTransaction,
        Answer::OtherMerchant,
        Answer::OtherAmount,
        Answer::NoMerchant,
        Answer::NoTransaction,
        Answer::Oversized,
    ];
    for untrusted in untrusted_answers {
        *answer.lock().expect("the answer") = untrusted;
        abandon(person, &reference, "/mes-paiements").await;
        let page = words(&person.page_html("/mes-paiements").await);
        assert!(page.contains("La banque n'a pas pu être interrogée"), "{untrusted:?}: {page}");
        assert_eq!(count_in(&url, PENDING).await, 1, "{untrusted:?}: nothing changes");
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payments").await, 0, "{untrusted:?}");
    }
    assert_eq!(
        count_in(&url, "SELECT COUNT(*) FROM kiosk_answers WHERE channel = 'status' AND outcome = 'amount_mismatch'")
            .await,
        1,
        "the wrong amount is logged as a kiosk answer's is"
    );
    *answer.lock().expect("the answer") = Answer::Genuine;
    abandon(person, &reference, "/accueil").await;
    assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payments WHERE authorisation_id = '424242'").await, 1);
    assert_eq!(count_in(&url, PENDING).await, 0);
    server.kill();
    database.remove().await;
}
