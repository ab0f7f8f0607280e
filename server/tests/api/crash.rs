//! The server process killed (SIGKILL) at the worst moments, then restarted on
//! the same database; and a database that goes away and comes back.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

on_both_engines! {
    async fn a_server_killed_while_the_person_is_at_the_kiosk_applies_the_answer_once_after_restart(app) {
        let engine = app_engine(&app);
        let (url, database) = scratch_database(engine).await;
        let first = launch(&url).start().await;
        first.browser.sign_in_as_pierre().await;
        let reference = first.browser.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let form = first.browser.kiosk_form(&reference).await;
        assert!(form.contains_key("Seal"));
        first.kill();

        let second = launch(&url).start().await;
        let answer = bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET);
        for _ in 0..2 {
            let response = reqwest::Client::new().post(second.browser.url("/paiement/reponse-automatique")).form(&answer).send().await.expect("POST");
            assert_eq!(response.status(), StatusCode::OK);
        }
        let back = second.browser.client.post(second.browser.url("/paiement/retour")).form(&answer).send().await.expect("POST");
        assert!(back.status().is_redirection());
        second.kill();
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payments").await, 1);
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM messages").await, 1);
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payment_attempts WHERE status = 'accepted'").await, 1);
        database.remove().await;
    }

    async fn a_processing_run_killed_midway_applies_each_payment_once_after_restart(app) {
        let engine = app_engine(&app);
        let (url, database) = scratch_database(engine).await;
        let store = app::ssr::Store::connect(&url, 2).await.expect("store");
        store.migrate().await.expect("migrations");
        app::ssr::demo::load_if_empty(&store, &Default::default(), 0).await.expect("demo");
        let payments = 2_000;
        fixtures::received_payments(&store, payments).await;
        store.close().await;

        let run = || {
            Command::new(env!("CARGO_BIN_EXE_server"))
                .arg("process")
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("process starts")
        };
        let mut killed = run();
        // Kill it as soon as its first batches are committed, before the last.
        for _ in 0..2_000 {
            if count_in(&url, "SELECT COUNT(*) FROM payments WHERE status = 'applied'").await > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        killed.kill().expect("kill");
        let _ = killed.wait();
        let applied_before = count_in(&url, "SELECT COUNT(*) FROM payments WHERE status = 'applied'").await;
        let finished = run().wait().expect("the second run finishes");
        assert!(finished.success());
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM payments WHERE status = 'applied'").await, payments);
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM allocations").await, payments, "one allocation per payment: none twice");
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM avis WHERE reference LIKE '99%' AND restant_cents <> 3000").await, 0);
        assert!(applied_before < payments, "the first run was killed before its end ({applied_before} of {payments})");
        database.remove().await;
    }
}

/// Test data written straight into the database.
mod fixtures {
    use app::ssr::Store;

    /// `n` accepted, not yet applied payments of 20 € each, on `n` avis of 50 €
    /// (references 99…), all Pierre BELAGE's.
    pub async fn received_payments(store: &Store, n: i64) {
        use sqlx::Row;
        let mut tx = store.write().await.expect("tx");
        let person: String = sqlx::query("SELECT id FROM persons WHERE nir = '1830201053123'")
            .fetch_one(tx.conn())
            .await
            .expect("pierre")
            .try_get(0)
            .expect("id");
        for i in 0..n {
            let reference = format!("99{i:014}F");
            let attempt = format!("attempt-{i}");
            sqlx::query("INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
                balance_at_issue_cents, online_payable, closed_at, created_at) VALUES ($1, $2, '381', 'PF_FR', '2020-01-01', 5000, 5000, 12000, 1, NULL, 0)")
                .bind(&reference).bind(&person).execute(tx.conn()).await.expect("avis");
            sqlx::query("INSERT INTO payment_attempts (id, transaction_reference, person_id, caisse_code, amount_cents, status, created_at, expires_at) \
                VALUES ($1, $2, $3, '381', 2000, 'accepted', $4, $4)")
                .bind(&attempt).bind(format!("PCLCB99{i:010}")).bind(&person).bind(i).execute(tx.conn()).await.expect("attempt");
            sqlx::query("INSERT INTO attempt_lines (attempt_id, avis_reference, planned_cents) VALUES ($1, $2, 2000)")
                .bind(&attempt)
                .bind(&reference)
                .execute(tx.conn())
                .await
                .expect("line");
            sqlx::query(
                "INSERT INTO payments (id, attempt_id, person_id, caisse_code, amount_cents, accepted_at, status) \
                VALUES ($1, $2, $3, '381', 2000, $4, 'received')",
            )
            .bind(format!("payment-{i}"))
            .bind(&attempt)
            .bind(&person)
            .bind(i)
            .execute(tx.conn())
            .await
            .expect("payment");
        }
        tx.commit().await.expect("commit");
    }
}

/// A TCP proxy in front of PostgreSQL that can cut every connection.
struct Proxy {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let up = std::sync::Arc::new(AtomicBool::new(true));
        let generation = std::sync::Arc::new(AtomicU64::new(0));
        let (up2, generation2) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    let _ = inbound.shutdown().await;
                    continue;
                }
                let target = target.clone();
                let born = generation2.load(Ordering::SeqCst);
                let generation = generation2.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else { return };
                    let copy = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let cut = async {
                        while generation.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! { _ = copy => {}, () = cut => {} }
                });
            }
        });
        Proxy { port, up, generation }
    }

    fn down(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn up(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_gives_french_503s_and_the_service_comes_back_by_itself() {
    let (url, database) = scratch_database(Engine::Postgres).await;
    let host = url.split('@').nth(1).and_then(|s| s.split('/').next()).expect("host:port").to_owned();
    let proxy = Proxy::start(host.clone()).await;
    let proxied = url.replacen(&host, &format!("127.0.0.1:{}", proxy.port), 1);
    let app = spawn_on_url(proxied, &[]).await;
    app.sign_in_as_pierre().await;
    assert_eq!(app.get_page("/accueil").await.status(), StatusCode::OK);

    proxy.down();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for path in ["/accueil", "/connexion", "/mes-paiements/payer-une-creance"] {
        let response = app.get_page(path).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            text_of(&response.text().await.expect("body")).contains("Le service est momentanément indisponible"),
            "{path}"
        );
    }
    let post = app.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
    assert_eq!(post.status(), StatusCode::SERVICE_UNAVAILABLE);

    proxy.up();
    let mut recovered = false;
    for _ in 0..100 {
        if app.get_page("/accueil").await.status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the pages come back without a restart");
    app.state.store.close().await;
    database.remove().await;
}
