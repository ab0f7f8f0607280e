//! Hardening: throttling, cookies, cross-site requests, tampering, answers
//! under concurrency, a database that goes away. (Crash tests: `crash.rs`.)

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use std::sync::Arc;

const ENTERED: &str = "3811907400001234F";

on_both_engines! {
    async fn five_failed_sign_ins_from_one_address_stop_that_account_there_for_15_minutes(app) {
        for _ in 0..5 {
            assert_eq!(location(&app.sign_in(PIERRE_NIR, "wrong").await), "/connexion");
        }
        let blocked = app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_eq!(location(&blocked), "/connexion", "even the right password waits");
        let page = text_of(&app.page_html("/connexion").await);
        assert!(page.contains("Trop de tentatives de connexion. Pour votre sécurité, veuillez réessayer dans 15 minutes."));
        let direct = app.call("connexion", &[("nir", PIERRE_NIR), ("password", PIERRE_PASSWORD)]).await;
        assert_eq!(direct.status(), StatusCode::TOO_MANY_REQUESTS);
        app.state.clock.advance(15 * 60 * 1000 + 1);
        assert_eq!(location(&app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await), "/accueil");
    }

    async fn twenty_failures_from_one_address_lock_that_address(app) {
        for i in 0..20 {
            app.sign_in(&unknown_nir(i), "guess").await;
        }
        let eva = app.new_browser();
        assert_eq!(location(&eva.sign_in(EVA_NIR, EVA_PASSWORD).await), "/connexion");
        assert!(text_of(&eva.page_html("/connexion").await).contains("Trop de tentatives de connexion."));
        // The agents' sign-in is throttled too.
        let agent = app.new_browser();
        agent.post_form(AGENT_SIGN_IN, &[("login", "agent.isere"), ("password", "Agent-381")]).await;
        assert!(text_of(&agent.page_html("/agent/connexion").await).contains("Trop de tentatives de connexion."));
    }

    async fn every_state_change_from_another_site_is_refused(app) {
        app.sign_in_as_pierre().await;
        for endpoint in ["connexion", "deconnexion", "rechercher-reference", "payer", "supprimer-message",
            "agent-connexion", "agent-deconnexion", "agent-emettre-avis", "page-accueil"] {
            let response = app.client.post(app.url(&format!("/api/{endpoint}"))).header("Origin", "https://attaquant.example")
                .form(&[("reference", ENTERED), ("selected[]", ENTERED), ("amount", "20")]).send().await.expect("POST");
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 0);
        // The kiosk's sealed answers are cross-site by nature and are accepted on their seal.
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let response = reqwest::Client::new().post(app.url("/paiement/reponse-automatique")).header("Origin", "https://kiosque.example")
            .form(&bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET)).send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::OK);
    }

    async fn tampered_payments_are_refused_with_the_french_reason_and_nothing_written(app) {
        app.sign_in_as_pierre().await;
        // A line held by a pending attempt, and a fully paid one.
        app.pay(ENTERED, &["3811708600079999F", "3811701200010075F"], "16").await;
        sqlx::query("UPDATE avis SET restant_cents = 0 WHERE reference = '3811702400012980F'").execute(app.state.store.pool()).await.expect("paid");
        let before = app.count("SELECT COUNT(*) FROM payment_attempts").await;
        for (selected, amount, message) in [
            (vec![ENTERED], "15,99", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec![ENTERED], "50,01", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec![ENTERED], "-1", "Saisissez un montant en euros, par exemple 20,50."),
            (vec![ENTERED], "0", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec![ENTERED], "abc", "Saisissez un montant en euros, par exemple 20,50."),
            (vec![ENTERED], "1e9", "Saisissez un montant en euros, par exemple 20,50."),
            (vec![ENTERED], "20,001", "Saisissez un montant en euros, par exemple 20,50."),
            (vec![ENTERED], "1000000000", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec!["6311605000001187F"], "20", "Cette référence de courrier est inconnue."),
            (vec![ENTERED, ENTERED], "20", "Chaque référence de courrier ne peut être sélectionnée qu'une fois."),
            (vec!["3811702400012980F"], "20", "Cette créance est déjà entièrement réglée."),
            (vec!["3811708600079999F"], "20", "Un paiement est déjà en cours pour cette créance."),
            (vec!["3811810100004242F"], "20", "Cette référence de courrier est inconnue."),
            (vec![], "20", "Sélectionnez au moins une référence de courrier."),
        ] {
            let mut fields: Vec<(&str, &str)> = vec![("reference", ENTERED), ("amount", amount)];
            fields.extend(selected.iter().map(|s| ("selected[]", *s)));
            let response = app.call("payer", &fields).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{selected:?} {amount}");
            let body = response.text().await.expect("body");
            assert!(body.contains(message), "{selected:?} {amount} → {message} in {body}");
        }
        // Malformed requests are 400s.
        for body in ["reference=3811907400001234F", "amount=20", "%%%", "reference=x&amount=20&selected[a][b][c][d][e][f]=1"] {
            let response = app.client.post(app.url(START_PAYMENT)).header("Origin", &app.address)
                .header("Content-Type", "application/x-www-form-urlencoded").body(body).send().await.expect("POST");
            assert!(response.status().is_client_error(), "{body}: {}", response.status());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, before, "nothing written");
    }

    async fn the_same_automatic_response_twenty_times_at_once_applies_once(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let answers = send_the_acceptance_twenty_times(&app, &reference);
        expect_applied_once(&app, answers).await;
    }

    async fn a_hundred_payers_then_a_hundred_answers_on_the_same_lines(app) {
        app.sign_in_as_pierre().await;
        let lines = ["3811708600076602F", "3811702400012980F"];
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let client = app.client.clone();
            let url = app.url(START_PAYMENT);
            let origin = app.address.clone();
            tasks.spawn(async move {
                client.post(url).header("Origin", origin).header("Accept", "text/html")
                    .form(&[("reference", ENTERED), ("selected[]", lines[0]), ("selected[]", lines[1]), ("amount", "35,50")])
                    .send().await.map(|r| r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned())
            });
        }
        let mut started = Vec::new();
        while let Some(result) = tasks.join_next().await {
            let to = result.expect("task").expect("response");
            if let Some(reference) = to.strip_prefix("/mes-paiements/payer-une-creance/paiement/") {
                started.push(reference.to_owned());
            }
        }
        assert_eq!(started.len(), 1, "the lines are held by the first attempt only");
        let fields = Arc::new(bank::sealed(&bank::response(&started[0], 3550, "00"), bank::SECRET));
        let mut answers = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let url = app.url("/paiement/reponse-automatique");
            let fields = fields.clone();
            answers.spawn(async move { reqwest::Client::new().post(url).form(&*fields).send().await.map(|r| r.status()) });
        }
        while let Some(status) = answers.join_next().await {
            assert_eq!(status.expect("task").expect("response"), StatusCode::OK);
        }
        app::ssr::processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
        assert_eq!(app.count("SELECT MIN(restant_cents) FROM avis").await, 0);
        assert_eq!(app.count("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM allocations").await, 3550);
        assert_eq!(app.count("SELECT CAST(SUM(restant_cents) AS BIGINT) FROM avis WHERE reference IN ('3811708600076602F', '3811702400012980F')").await, 0);
    }

    async fn late_acceptances_piling_on_one_line_never_go_below_zero(app) {
        app.sign_in_as_pierre().await;
        // Ten attempts on the 28,90 € line, each abandoned (expired) in turn.
        let mut references = Vec::new();
        for _ in 0..10 {
            references.push(app.pay(ENTERED, &["3811708600076602F"], "20").await);
            app.state.clock.advance(20 * 60 * 1000 + 1);
            server::housekeeping::run_once(&app.state).await.expect("chores");
        }
        app.sign_in_as_pierre().await;
        // Then the bank accepts all of them, at once.
        let mut answers = tokio::task::JoinSet::new();
        for reference in &references {
            let url = app.url("/paiement/reponse-automatique");
            let fields = bank::sealed(&bank::response(reference, 2000, "00"), bank::SECRET);
            answers.spawn(async move { reqwest::Client::new().post(url).form(&fields).send().await.map(|r| r.status()) });
        }
        while let Some(status) = answers.join_next().await {
            assert_eq!(status.expect("task").expect("response"), StatusCode::OK);
        }
        let now = app.state.clock.now_ms();
        let (a, b) = tokio::join!(app::ssr::processing::run(&app.state.store, now), app::ssr::processing::run(&app.state.store, now));
        assert_eq!(a.expect("run").applied + b.expect("run").applied, 10);
        assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 10, "one message per payment");
        assert_eq!(app.count("SELECT MIN(restant_cents) FROM avis").await, 0);
        let allocated = app.count("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM allocations").await;
        let excess = app.count("SELECT CAST(SUM(excess_cents) AS BIGINT) FROM payments").await;
        assert_eq!(allocated, 2890, "the line is settled exactly");
        assert_eq!(allocated + excess, 10 * 2000, "nothing lost: the rest is trop-perçu");
    }

    async fn over_tls_cookies_are_secure_and_browsers_are_told_to_stay_on_https(app) {
        let training = [
            ("PUBLIC_URL", "https://payer.example.fr".to_owned()),
            ("TRUSTED_PROXIES", "none".to_owned()),
            ("ALLOW_TEST_KIOSK", "true".to_owned()),
        ];
        let tls = spawn_app_with(app_engine(&app), &training).await;
        let trainee = app::ssr::demo::add_person_like(&tls.state.store, "pierre", &tls.state.settings.eligibility, 0)
            .await.expect("a training person");
        let response = tls.client.post(tls.url(SIGN_IN)).header("Accept", "text/html")
            .header("Origin", "https://payer.example.fr").form(&[("nir", trainee.nir.as_str()), ("password", trainee.password.as_str())]).send().await.expect("POST");
        let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(cookie.starts_with("__Host-pc_session=") && cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let page = tls.get_page("/connexion").await;
        assert_eq!(page.headers().get("strict-transport-security").map(|v| v.to_str().expect("ascii")), Some("max-age=31536000"));
        // Over plain http (the local demonstration) there is nothing to stay on.
        assert!(app.get_page("/connexion").await.headers().get("strict-transport-security").is_none());
        tls.cleanup().await;
    }

    async fn a_public_site_starts_only_while_no_account_has_a_published_password(app) {
        let public = || vec![("PUBLIC_URL", "https://payer.example.fr".to_owned()),
            ("TRUSTED_PROXIES", "none".to_owned()), ("ALLOW_TEST_KIOSK", "true".to_owned())];
        // An empty database: nothing of the demonstration is loaded.
        let (url, database) = scratch_database(app_engine(&app)).await;
        let production = spawn_on_url(url.clone(), &public()).await;
        assert_eq!(production.count("SELECT COUNT(*) FROM persons").await, 0);
        assert_eq!(production.count("SELECT COUNT(*) FROM agents").await, 0);
        // A training person, copied from a demonstration one: a password of its own.
        let trainee = app::ssr::demo::add_person_like(&production.state.store, "pierre", &production.state.settings.eligibility, 0)
            .await.expect("a training person");
        assert_ne!(trainee.password, PIERRE_PASSWORD);
        let refused = production.sign_in(&trainee.nir, PIERRE_PASSWORD).await;
        assert_eq!(location(&refused), "/connexion", "the published password opens no copy");
        production.state.store.close().await;
        // Started again: nobody's password is published, it starts.
        let again = spawn_on_url(url.clone(), &public()).await;
        again.state.store.close().await;
        // (`DEMO_DATA=true` on a public site is refused by the settings: `config`'s tests.)
        database.remove().await;
        // A database that holds the demonstration's accounts (an earlier demonstration): refused, naming them.
        let (url, database) = scratch_database(app_engine(&app)).await;
        let loaded = spawn_on_url(url.clone(), &[]).await;
        loaded.state.store.close().await;
        let refusal = refusal_to_start(url.clone(), &public()).await;
        assert!(refusal.contains("the database holds accounts whose password is published"), "{refusal}");
        assert!(refusal.contains("agent agent.isere") && refusal.contains("Pierre BELAGE (NIR 1830201053123)"), "{refusal}");
        database.remove().await;
        // The benchmark dataset's persons (its password is in its source): refused too.
        let (url, database) = scratch_database(app_engine(&app)).await;
        let empty = spawn_on_url(url.clone(), &public()).await;
        // (Its caisses, as a training person brings them.)
        app::ssr::demo::add_person_like(&empty.state.store, "eva", &empty.state.settings.eligibility, 0).await.expect("caisses");
        dataset::generate(&empty.state.store, 0, 7).await.expect("the dataset");
        empty.state.store.close().await;
        let refusal = refusal_to_start(url.clone(), &public()).await;
        assert!(refusal.contains("BENCH0 (NIR") && refusal.contains("and 2 more"), "{refusal}");
        database.remove().await;
    }

    async fn starting_a_payment_refuses_an_avis_that_is_not_a_pf_fr_one(app) {
        app.sign_in_as_pierre().await;
        // An avis of another kind, open online, among Pierre's.
        sqlx::query("UPDATE avis SET kind = 'INDU' WHERE reference = '3811708600079999F'")
            .execute(app.state.store.pool()).await.expect("kind");
        let step2 = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        assert!(step2.contains("3811701200010075F") && !step2.contains("3811708600079999F"), "not offered on step 2");
        // Sent anyway, as a forged form would: refused as step 1 refuses it.
        let direct = app.call("payer", &[("reference", ENTERED), ("selected[]", ENTERED), ("selected[]", "3811708600079999F"), ("amount", "20")]).await;
        assert_eq!(direct.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(direct.text().await.expect("body").contains("Cette référence de courrier est inconnue."));
        let step1 = app.find_reference("3811708600079999F").await;
        assert_eq!(location(&step1), "/mes-paiements/payer-une-creance");
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 0);
    }

    async fn every_page_carries_the_security_headers(app) {
        app.sign_in_as_pierre().await;
        let mut nonces = Vec::new();
        for path in ["/connexion", "/accueil", "/mes-paiements/payer-une-creance", "/agent/connexion", "/nulle-part"] {
            let response = app.get_page(path).await;
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let csp = header("content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(header("x-content-type-options"), "nosniff");
            assert_eq!(header("referrer-policy"), "same-origin");
            assert_eq!(header("x-frame-options"), "DENY");
            let html = response.text().await.expect("body");
            let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect("every page's policy names its nonce");
            assert!(nonce.len() >= 16, "{path}: {nonce}");
            // Every script of the page carries this response's nonce, and the
            // pages with islands have their loader.
            let scripts = html.matches("<script").count();
            assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts, "{path}: {html}");
            if ["/connexion", "/mes-paiements/payer-une-creance"].contains(&path) {
                assert!(scripts > 0, "{path}: the islands' loader");
            }
            nonces.push(nonce.to_owned());
        }
        nonces.sort();
        nonces.dedup();
        assert_eq!(nonces.len(), 5, "a new nonce for every response");
        let kiosk = reqwest::Client::new().get(format!("{}/kiosque.css", app.kiosk_url)).send().await.expect("GET");
        assert!(kiosk.headers()["content-security-policy"].to_str().expect("ascii").contains("frame-ancestors 'none'"));
    }
}

/// The conditional update, made to matter every time: the attempt's row is
/// held, so every one of twenty answers reads «pending» and then waits at its
/// update; once the row is let go, one moves it and the others, finding it
/// moved, read again and are duplicates. PostgreSQL only: on SQLite an answer
/// takes the write lock before it reads, so no answer can read a status
/// another is about to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_twenty_answers_that_all_read_pending_before_any_writes_apply_once() {
    let app = spawn_app_with(Engine::Postgres, &[("DATABASE_MAX_CONNECTIONS", "24".to_owned())]).await;
    tokio::time::timeout(std::time::Duration::from_secs(120), async {
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let mut holder = app.state.store.pool().begin().await.expect("a transaction");
        sqlx::query("SELECT id FROM payment_attempts WHERE transaction_reference = $1 FOR UPDATE")
            .bind(&reference)
            .fetch_one(&mut *holder)
            .await
            .expect("the attempt's row, held");
        let answers = send_the_acceptance_twenty_times(&app, &reference);
        // Every answer has read the attempt and waits for its row.
        let waiting =
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let now_waiting = app.count(waiting).await;
            if now_waiting == 20 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{now_waiting} of 20 answers wait at the update");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        holder.rollback().await.expect("the row let go");
        expect_applied_once(&app, answers).await;
    })
    .await
    .expect("the test finished within two minutes");
    app.cleanup().await;
}

/// The bank's acceptance of `reference`, sealed, posted twenty times at once
/// to the automatic-answer address; each task gives its HTTP status.
fn send_the_acceptance_twenty_times(
    app: &TestApp,
    reference: &str,
) -> tokio::task::JoinSet<reqwest::Result<StatusCode>> {
    let fields = Arc::new(bank::sealed(&bank::response(reference, 2000, "00"), bank::SECRET));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let url = app.url("/paiement/reponse-automatique");
        let fields = fields.clone();
        tasks.spawn(async move { reqwest::Client::new().post(url).form(&*fields).send().await.map(|r| r.status()) });
    }
    tasks
}

/// All twenty answered 200, and one was applied: one payment, one
/// acknowledgement, nineteen duplicates logged.
async fn expect_applied_once(app: &TestApp, mut answers: tokio::task::JoinSet<reqwest::Result<StatusCode>>) {
    while let Some(status) = answers.join_next().await {
        assert_eq!(status.expect("task").expect("response"), StatusCode::OK);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'applied'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM kiosk_answers WHERE outcome = 'duplicate'").await, 19);
}
