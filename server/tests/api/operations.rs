//! What operators get: liveness and readiness, Prometheus metrics, request ids
//! in structured logs that hold no secret, and a clean stop on SIGTERM.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use std::collections::BTreeMap;
use std::time::Duration;

const ENTERED: &str = "3811907400001234F";

/// The samples of a Prometheus text page.
struct Scrape(Vec<(String, BTreeMap<String, String>, f64)>);

impl Scrape {
    async fn of(metrics_url: &str) -> Scrape {
        let response = reqwest::get(metrics_url).await.expect("GET /metrics");
        assert_eq!(response.status(), StatusCode::OK);
        Scrape::parse(&response.text().await.expect("body"))
    }

    fn parse(text: &str) -> Scrape {
        let mut samples = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (series, value) = line.rsplit_once(' ').expect("a sample line");
            let (name, labels) =
                series.split_once('{').map_or((series, ""), |(n, rest)| (n, rest.trim_end_matches('}')));
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once("=\"").expect("label=\"value\"");
                    (key.to_owned(), value.trim_end_matches('"').to_owned())
                })
                .collect();
            samples.push((name.to_owned(), labels, value.parse().expect("a number")));
        }
        Scrape(samples)
    }

    /// The sum of the samples named `name` that carry every label of `labels`
    /// (0 when there is none: a counter never incremented is not shown).
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .iter()
            .filter(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.get(*k).is_some_and(|x| x == v)))
            .map(|(_, _, v)| v)
            .sum()
    }

    /// The value of the one sample named `name`, which must be shown (a gauge
    /// left unset is not).
    fn shown(&self, name: &str) -> f64 {
        let samples: Vec<f64> = self.0.iter().filter(|(n, _, _)| n == name).map(|(_, _, v)| *v).collect();
        assert_eq!(samples.len(), 1, "{name} is shown, once");
        samples[0]
    }

    fn since(&self, before: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels) - before.value(name, labels)
    }
}

on_both_engines! {
    async fn liveness_and_readiness_answer_ok_and_readiness_fails_on_a_pending_migration_then_an_unreachable_database_without_saying_why(app) {
        let live = app.get_page("/healthz").await;
        assert_eq!(live.status(), StatusCode::OK);
        assert_eq!(live.headers()["cache-control"], "no-store");
        assert!(live.headers().get("set-cookie").is_none(), "a probe gets no session");
        assert_eq!(live.text().await.expect("body"), "ok\n");
        let ready = app.get_page("/readyz").await;
        assert_eq!(ready.status(), StatusCode::OK);
        assert_eq!(ready.text().await.expect("body"), "ready\n");

        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
            .execute(app.state.store.pool()).await.expect("a migration forgotten");
        let ready = app.get_page("/readyz").await;
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ready.text().await.expect("body"), "not ready\n", "the reason goes to the log alone");

        app.state.store.close().await;
        let ready = app.get_page("/readyz").await;
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ready.text().await.expect("body"), "not ready\n", "nothing of the database's error");
        assert_eq!(app.get_page("/healthz").await.status(), StatusCode::OK, "the process itself still lives");
    }

    async fn a_request_id_from_an_untrusted_peer_is_replaced_by_a_new_one_sent_back(app) {
        let response = app.client.get(app.url("/connexion")).header("X-Request-Id", "forged-by-the-client").send().await.expect("GET");
        let id = response.headers()["x-request-id"].to_str().expect("text").to_owned();
        assert_ne!(id, "forged-by-the-client");
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "a new id: {id}");
    }

    async fn the_metrics_count_sign_ins_payments_and_answers_and_tell_what_waits_for_the_processing_run(app) {
        let (url, database) = scratch_database(app_engine(&app)).await;
        let metrics_addr = format!("127.0.0.1:{}", free_port());
        let metrics_url = format!("http://{metrics_addr}/metrics");
        let server = launch(&url).with("METRICS_ADDR", &metrics_addr).start().await;
        let public = server.browser.client.get(server.browser.url("/metrics")).send().await.expect("GET");
        assert_eq!(public.status(), StatusCode::NOT_FOUND, "the metrics are not on the public address");
        let before = Scrape::of(&metrics_url).await;

        let wrong = server.browser.sign_in(PIERRE_NIR, "not-the-password").await.status();
        let right = server.browser.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await.status();
        let reference = server.browser.pay(ENTERED, &[ENTERED], "20").await;
        let bank = reqwest::Client::new();
        let automatic = server.browser.url("/paiement/reponse-automatique");
        let forged = bank::sealed(&bank::response(&reference, 2000, "00"), "not-our-key");
        assert_eq!(bank.post(&automatic).form(&forged).send().await.expect("POST").status(), StatusCode::FORBIDDEN);
        let dollars = sips::PaymentResponse { currency_code: Some("840".to_owned()), ..bank::response(&reference, 2000, "00") };
        let dollars = bank::sealed(&dollars, bank::SECRET);
        assert_eq!(bank.post(&automatic).form(&dollars).send().await.expect("POST").status(), StatusCode::BAD_REQUEST);
        let genuine = bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET);
        let answered = std::time::Instant::now();
        assert_eq!(bank.post(&automatic).form(&genuine).send().await.expect("POST").status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;

        let page = reqwest::get(&metrics_url).await.expect("GET").text().await.expect("body");
        for private in [reference.as_str(), "1830201053123", ENTERED] {
            assert!(!page.contains(private), "{private} is not a label");
        }
        let after = Scrape::parse(&page);
        assert_eq!(after.since(&before, "sign_in_failures_total", &[("form", "/connexion")]), 1.0);
        let sign_ins = |status: StatusCode| [wrong, right].iter().filter(|s| **s == status).count() as f64;
        for status in [wrong, right] {
            let labels = [("method", "POST"), ("route", SIGN_IN), ("status", status.as_str())];
            assert_eq!(after.since(&before, "http_requests_total", &labels), sign_ins(status), "{status}");
        }
        assert_eq!(after.since(&before, "payment_attempts_started_total", &[]), 1.0);
        assert_eq!(after.since(&before, "kiosk_answers_refused_total", &[("reason", "seal")]), 1.0);
        assert_eq!(after.since(&before, "kiosk_answers_refused_total", &[("reason", "currencyCode")]), 1.0);
        assert_eq!(after.since(&before, "kiosk_answers_total", &[("channel", "automatic"), ("response_code", "00")]), 1.0);
        let waited = answered.elapsed().as_secs_f64();
        assert_eq!(after.shown("payments_waiting"), 1.0);
        let age = after.shown("payments_oldest_waiting_age_seconds");
        assert!((0.3..=waited).contains(&age), "the accepted payment has waited {age} s, at most the {waited} s since its answer");
        assert!(after.since(&before, "db_write_wait_seconds_count", &[]) >= 2.0, "the payment's start and its answer wrote");
        assert!(after.value("db_pool_connections", &[]) >= 1.0);
        assert_eq!(after.shown("password_hashes_in_flight"), 0.0, "the two sign-ins' hashes are done");
        assert!(after.0.iter().any(|(name, _, value)| name == "page_renders_stalled_total" && *value == 0.0));
        server.kill();

        // The next process's first processing run applies the payment.
        let next = launch(&url).with("METRICS_ADDR", &metrics_addr).start().await;
        let mut applied = Scrape::of(&metrics_url).await;
        for _ in 0..100 {
            if applied.value("processing_runs_total", &[]) >= 1.0 { break; }
            tokio::time::sleep(Duration::from_millis(100)).await;
            applied = Scrape::of(&metrics_url).await;
        }
        assert_eq!(applied.value("processing_runs_total", &[]), 1.0);
        assert_eq!(applied.value("payments_applied_total", &[]), 1.0);
        assert_eq!(applied.value("processing_run_duration_seconds_count", &[]), 1.0);
        assert_eq!(applied.value("payments_waiting", &[]), 0.0);

        // Refunds: one asked by an agent waits for a second; approved, the bank
        // (the simulator, which never saw this payment) refuses it.
        let payment: String = {
            use sqlx::{Connection, Row};
            let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
            sqlx::query("SELECT id FROM payments").fetch_one(&mut conn).await.expect("the payment").try_get("id").expect("id")
        };
        let desk = Browser::new(next.browser.address.clone());
        desk.sign_in_as_agent().await;
        let ask = [("transaction", reference.as_str()), ("etape", "demander"), ("paiement", payment.as_str()), ("montant", "5"), ("motif", "erreur_caisse")];
        assert_eq!(desk.call("agent-remboursement", &ask).await.status(), StatusCode::OK);
        let asked = Scrape::of(&metrics_url).await;
        assert_eq!(asked.since(&applied, "refunds_total", &[("state", "asked")]), 1.0);
        assert_eq!(asked.value("refunds_waiting", &[("state", "asked")]), 1.0);
        let refund = {
            use sqlx::{Connection, Row};
            let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
            sqlx::query("SELECT id FROM refunds").fetch_one(&mut conn).await.expect("the refund").try_get::<String, _>("id").expect("id")
        };
        let second = Browser::new(next.browser.address.clone());
        let signed = second.post_form(AGENT_SIGN_IN, &[("login", "superviseur.isere"), ("password", "Superviseur-381")]).await;
        assert_eq!(location(&signed), "/agent");
        let approve = [("transaction", reference.as_str()), ("etape", "approuver"), ("remboursement", refund.as_str())];
        assert_eq!(second.call("agent-remboursement", &approve).await.status(), StatusCode::OK);
        let decided = Scrape::of(&metrics_url).await;
        assert_eq!(decided.since(&asked, "refunds_total", &[("state", "refused")]), 1.0);
        assert_eq!(decided.value("refunds_waiting", &[("state", "asked")]), 0.0);
        assert_eq!(decided.value("refunds_waiting", &[("state", "sending")]), 0.0);
        assert_eq!(decided.since(&asked, "refunded_cents_total", &[]), 0.0, "nothing went back");
        next.kill();
        database.remove().await;
    }

    async fn on_sigterm_readiness_fails_during_the_grace_the_requests_in_flight_finish_and_the_process_exits_cleanly(app) {
        let (url, database) = scratch_database(app_engine(&app)).await;
        let server = launch(&url).with("SHUTDOWN_GRACE_SECONDS", "2").start().await;
        assert_eq!(server.browser.get_page("/readyz").await.status(), StatusCode::OK);
        server.terminate();
        let terminated = std::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let ready = server.browser.get_page("/readyz").await;
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ready.text().await.expect("body"), "not ready\n");
        assert_eq!(server.browser.get_page("/connexion").await.status(), StatusCode::OK, "still serving during the grace");
        // Sign-ins (each a password hash) started just before the listener
        // closes (2 s after SIGTERM, whatever the checks above took on a
        // loaded machine); five, the throttle's allowance for tries in progress.
        tokio::time::sleep((terminated + Duration::from_millis(1_600)).saturating_duration_since(std::time::Instant::now()))
            .await;
        let mut sign_ins = tokio::task::JoinSet::new();
        for _ in 0..5 {
            let browser = Browser::new(server.browser.address.clone());
            sign_ins.spawn(async move { location(&browser.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await) });
        }
        for to in sign_ins.join_all().await {
            assert_eq!(to, "/accueil", "a sign-in in flight was finished");
        }
        let status = server.exit_within(Duration::from_secs(40)).await;
        assert!(status.success(), "a clean exit: {status:?}");
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM sessions").await, 5);
        database.remove().await;
    }
}

/// A browser whose requests carry the id a trusted proxy gives them.
fn browser_behind_the_proxy(address: &str, request_id: &str) -> Browser {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-request-id", request_id.parse().expect("a header value"));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    Browser { address: address.to_owned(), origin: address.to_owned(), client }
}

/// The JSON log lines whose message is `message`.
fn events<'a>(lines: &'a [serde_json::Value], message: &str) -> Vec<&'a serde_json::Value> {
    lines.iter().filter(|l| l["fields"]["message"] == message).collect()
}

/// The request span (id, method, route) a log line happened in.
fn request_of(line: &serde_json::Value) -> &serde_json::Value {
    line["spans"]
        .as_array()
        .and_then(|spans| spans.iter().find(|s| s["name"] == "request"))
        .unwrap_or_else(|| panic!("in a request span: {line}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxys_request_id_follows_a_card_payment_through_the_json_logs_which_hold_no_nir_card_key_or_cookie() {
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let log = std::env::temp_dir().join(format!("payer-creance-log-{}.jsonl", uuid::Uuid::new_v4()));
    let kiosk_addr = format!("127.0.0.1:{}", free_port());
    let env =
        [("LOG_FORMAT", "json"), ("RUST_LOG", "info"), ("TRUSTED_PROXIES", "127.0.0.1"), ("KIOSK_ADDR", &kiosk_addr)];
    let server = launch(&url).envs(&env).logging_to(&log).start().await;
    let id = "journey-7f3a";
    let person = browser_behind_the_proxy(&server.browser.address, id);

    let signed_in = person.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
    assert_eq!(signed_in.headers()["x-request-id"], id);
    let cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok()?.split(';').next()?.split_once('=').map(|(_, v)| v.to_owned()))
        .filter(|v| v.len() >= 16)
        .collect();
    assert!(!cookies.is_empty(), "a session cookie");
    let reference = person.pay(ENTERED, &[ENTERED], "20").await;
    let form = person.kiosk_form(&reference).await;

    let result = pay_at_kiosk(&format!("http://{kiosk_addr}"), &form).await;
    wait_for_count(&url, "SELECT COUNT(*) FROM payment_attempts WHERE status = 'accepted'", 1).await;
    let back: Vec<(String, String)> = hidden_fields(&result).into_iter().collect();
    let returned = person.client.post(person.url("/paiement/retour")).form(&back).send().await.expect("return");
    assert_eq!(location(&returned), format!("/paiement/resultat?paiement={reference}"));
    server.terminate();
    assert!(server.exit_within(Duration::from_secs(40)).await.success());

    let text = std::fs::read_to_string(&log).expect("the log");
    let lines: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("a JSON line: {line}"))).collect();
    let created = events(&lines, "payment attempt created");
    assert_eq!(created.len(), 1);
    assert_eq!(request_of(created[0])["id"], id);
    assert_eq!(request_of(created[0])["route"], START_PAYMENT);
    let applied = events(&lines, "kiosk answer applied");
    let by_channel = |channel: &str| {
        applied
            .iter()
            .find(|l| l["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["channel"] == channel)))
            .copied()
    };
    let automatic = by_channel("automatic").expect("the automatic answer logged");
    let from_bank = request_of(automatic)["id"].as_str().expect("an id").to_owned();
    assert!(from_bank.len() == 32 && from_bank != id, "the bank's request has its own id");
    let repeated = events(&lines, "kiosk answer already applied");
    let returned =
        repeated.iter().find(|l| l["spans"].as_array().is_some_and(|s| s.iter().any(|s| s["channel"] == "return")));
    assert_eq!(
        request_of(returned.expect("the browser's return logged"))["id"],
        id,
        "the return is the person's request"
    );
    let requests = events(&lines, "request");
    let paid = requests.iter().find(|l| request_of(l)["route"] == START_PAYMENT).expect("the payment request logged");
    assert_eq!(request_of(paid)["id"], id);
    assert_eq!(paid["fields"]["status"], 302, "the redirect to the kiosk page");
    assert!(requests.iter().all(|l| !request_of(l)["route"].as_str().unwrap_or_default().contains(&reference)));

    let mut secrets = vec![
        "1830201053123".to_owned(),
        PIERRE_PASSWORD.to_owned(),
        "4100000000000000".to_owned(),
        "4100 0000 0000 0000".to_owned(),
        bank::SECRET.to_owned(),
    ];
    secrets.extend(cookies);
    for secret in &secrets {
        assert!(!text.contains(secret.as_str()), "the log holds {secret}");
    }
    let _ = std::fs::remove_file(&log);
    database.remove().await;
}
