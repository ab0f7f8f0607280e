//! Two server instances on one PostgreSQL database: sessions valid on both,
//! a journey split between them, their processing runs overlapping, and one
//! sign-in throttle for both.

use crate::helpers::*;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_and_never_apply_a_payment_twice() {
    let (url, database) = scratch_database(Engine::Postgres).await;
    let a = spawn_on_url(url.clone(), &[]).await;
    let b = spawn_on_url(url.clone(), &[]).await;

    // Signed in on A, the same cookie works on B.
    let response = a.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a cookie")
        .to_owned();
    let on_b = |path: &str| b.client.get(b.url(path)).header(COOKIE, &cookie).header("Accept", "text/html").send();
    let home = on_b("/accueil").await.expect("GET");
    assert_eq!(home.status(), StatusCode::OK);
    assert!(text_of(&home.text().await.expect("body")).contains("PIERRE BELAGE"));

    // Pay on B (with A's session), the bank answers A, the person comes back to B.
    let start = b
        .client
        .post(b.url(START_PAYMENT))
        .header(COOKIE, &cookie)
        .header("Accept", "text/html")
        .header("Origin", &b.address)
        .form(&[("reference", "3811907400001234F"), ("selected[]", "3811907400001234F"), ("amount", "20")])
        .send()
        .await
        .expect("POST");
    let reference = location(&start).rsplit('/').next().expect("a reference").to_owned();
    let other = reference.clone();
    // A second payment on another line, started on A.
    let second = a.pay("3811907400001234F", &["3811708600076602F"], "28,90").await;
    assert_eq!(
        a.automatic(&bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        b.automatic(&bank::sealed(&bank::response(&second, 2890, "00"), bank::SECRET)).await.status(),
        StatusCode::OK
    );
    // The same answer delivered to both instances at once.
    let fields = bank::sealed(&bank::response(&other, 2000, "00"), bank::SECRET);
    let (x, y) = tokio::join!(a.automatic(&fields), b.automatic(&fields));
    assert_eq!((x.status(), y.status()), (StatusCode::OK, StatusCode::OK));
    let banner = on_b(&format!("/accueil?paiement={reference}")).await.expect("GET").text().await.expect("body");
    assert!(text_of(&banner).contains("Nous vous remercions pour votre paiement"));

    // Both instances run the processing at the same time.
    let now = a.state.clock.now_ms();
    let (ra, rb) =
        tokio::join!(app::ssr::processing::run(&a.state.store, now), app::ssr::processing::run(&b.state.store, now));
    assert_eq!(ra.expect("run on A").applied + rb.expect("run on B").applied, 2);
    assert_eq!(a.count("SELECT COUNT(*) FROM payments WHERE status = 'applied'").await, 2);
    assert_eq!(a.count("SELECT COUNT(*) FROM allocations").await, 2);
    assert_eq!(a.count("SELECT COUNT(*) FROM messages").await, 2);
    assert_eq!(a.count("SELECT restant_cents FROM avis WHERE reference = '3811907400001234F'").await, 6709);
    assert_eq!(a.count("SELECT restant_cents FROM avis WHERE reference = '3811708600076602F'").await, 0);

    // Signing out on B ends the session on A too.
    b.client
        .post(b.url(SIGN_OUT))
        .header(COOKIE, &cookie)
        .header("Accept", "text/html")
        .header("Origin", &b.address)
        .send()
        .await
        .expect("POST");
    let after = a
        .client
        .get(a.url("/accueil"))
        .header(COOKIE, &cookie)
        .header("Accept", "text/html")
        .send()
        .await
        .expect("GET");
    assert_eq!(location(&after), "/connexion");

    a.state.store.close().await;
    b.state.store.close().await;
    database.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_simultaneous_wrong_passwords_spread_over_two_instances_get_five_checks() {
    let (url, database) = scratch_database(Engine::Postgres).await;
    let a = spawn_on_url(url.clone(), &[]).await;
    let b = spawn_on_url(url.clone(), &[]).await;
    let calls = (0..20)
        .map(|i| {
            let instance = if i % 2 == 0 { &a } else { &b };
            (Browser::new(instance.address.clone()), PIERRE_NIR.to_owned(), "wrong", None)
        })
        .collect();
    let counts = tally(all_at_once(calls).await);
    let checked = counts.get(&CHECKED).copied().unwrap_or(0) + counts.get(&BUSY).copied().unwrap_or(0);
    assert_eq!((checked, counts.get(&THROTTLED).copied()), (5, Some(15)), "{counts:?}");
    // Either instance now refuses even the right password.
    for instance in [&a, &b] {
        let browser = Browser::new(instance.address.clone());
        assert_eq!(sign_in_call(&browser, PIERRE_NIR, PIERRE_PASSWORD, None).await, StatusCode::TOO_MANY_REQUESTS);
    }
    a.state.store.close().await;
    b.state.store.close().await;
    database.remove().await;
}
