//! The benchmark client (loopback only, bounded in time). Driven by
//! `scripts/bench`, which starts the server on a generated dataset.
//!
//! `bench run URL PID PERSONS SECONDS` measures, at fixed rates and at
//! saturation, the reference lookup (signed in), the bare-query baseline, the
//! step-2 page, starting a payment, applying a kiosk answer, the time from an
//! accepted answer to the payment visible on the person's page, the server's
//! RSS, and each page's transfer size. It prints one JSON object per line.
//!
//! `bench soak URL PID PERSONS SECONDS` runs the sign-in → lookup → pay →
//! answer mix and samples the RSS every 10 seconds.
//!
//! `bench applied URL PID PERSONS SECONDS` measures, against a server running
//! its periodic processing run, the time from an accepted automatic response
//! to «pris en compte» on the person's home page: one payment started every
//! 5 s for SECONDS (a new person each), each followed until it is applied.

use anyhow::{Context, bail};
use app::ssr::Secret;
use app::ssr::sips::{self, PaymentResponse};
use hdrhistogram::Histogram;
use reqwest::header::{ACCEPT, COOKIE, LOCATION, SET_COOKIE};
use server::dataset::{PASSWORD, nir_of, reference_of};
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};

const SECRET: &str = "002001000000001_KEY1";

#[derive(Clone)]
struct Ctx {
    url: String,
    http: reqwest::Client,
    pid: u32,
}

/// A signed-in person of the dataset.
#[derive(Clone)]
struct Person {
    index: u64,
    cookie: String,
}

/// Latencies in microseconds, from 1 µs to 10 minutes, 3 significant digits.
fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).unwrap_or_else(|_| unreachable!("valid bounds"))
}

fn emit(value: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

async fn sign_in(ctx: &Ctx, index: u64) -> anyhow::Result<Person> {
    let response = ctx
        .http
        .post(format!("{}/api/connexion", ctx.url))
        .header(ACCEPT, "text/html")
        .header("Origin", &ctx.url)
        .form(&[("nir", nir_of(index)), ("password", PASSWORD.to_owned())])
        .send()
        .await?;
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pc_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    match cookie {
        Some(cookie) if response.headers().get(LOCATION).is_some_and(|l| l == "/accueil") => {
            Ok(Person { index, cookie })
        }
        _ => bail!("sign-in of person {index} failed: {}", response.status()),
    }
}

async fn sign_in_many(ctx: &Ctx, first: u64, count: u64) -> anyhow::Result<Vec<Person>> {
    let gate = Arc::new(Semaphore::new(8));
    let mut tasks = tokio::task::JoinSet::new();
    for index in first..first + count {
        let ctx = ctx.clone();
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            sign_in(&ctx, index).await
        });
    }
    let mut persons = Vec::new();
    while let Some(result) = tasks.join_next().await {
        persons.push(result??);
    }
    persons.sort_by_key(|p| p.index);
    Ok(persons)
}

/// One request of a scenario: Ok(()) when the answer is the expected one.
type Call = Arc<dyn Fn(u64) -> futures::future::BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

struct Outcome {
    latencies: Histogram<u64>,
    errors: u64,
    done: u64,
    elapsed: Duration,
}

fn report(scenario: &str, mode: &str, outcome: &Outcome, ctx: &Ctx) {
    let h = &outcome.latencies;
    emit(serde_json::json!({
        "scenario": scenario,
        "mode": mode,
        "requests": outcome.done,
        "errors": outcome.errors,
        "throughput_per_s": (outcome.done as f64 / outcome.elapsed.as_secs_f64()).round(),
        "p50_ms": h.value_at_quantile(0.5) as f64 / 1000.0,
        "p99_ms": h.value_at_quantile(0.99) as f64 / 1000.0,
        "max_ms": h.max() as f64 / 1000.0,
        "rss_mib": rss_kib(ctx.pid) / 1024,
    }));
}

/// Closed loop: `workers` callers as fast as they can for `duration`.
async fn saturate(call: Call, workers: u64, duration: Duration, limit: Option<u64>) -> Outcome {
    let histogram = Arc::new(Mutex::new(new_histogram()));
    let errors = Arc::new(AtomicU64::new(0));
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (call, histogram, errors, counter) = (call.clone(), histogram.clone(), errors.clone(), counter.clone());
        tasks.spawn(async move {
            while started.elapsed() < duration {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                if limit.is_some_and(|l| n >= l) {
                    break;
                }
                let t = Instant::now();
                let ok = call(n).await.is_ok();
                let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
                histogram.lock().await.saturating_record(us);
                if !ok {
                    errors.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let latencies = histogram.lock().await.clone();
    Outcome { done: latencies.len(), latencies, errors: errors.load(Ordering::SeqCst), elapsed: started.elapsed() }
}

/// Open loop: `rate` requests per second for `duration`; latency counted from
/// the time each request was due (no coordinated omission).
async fn at_rate(call: Call, rate: u64, duration: Duration) -> Outcome {
    let histogram = Arc::new(Mutex::new(new_histogram()));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let total = rate * duration.as_secs();
    let gate = Arc::new(Semaphore::new(2048));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let due = started + Duration::from_nanos(n * 1_000_000_000 / rate);
        tokio::time::sleep_until(due.into()).await;
        let (call, histogram, errors, gate) = (call.clone(), histogram.clone(), errors.clone(), gate.clone());
        tasks.spawn(async move {
            let _permit = gate.acquire().await;
            let ok = call(n).await.is_ok();
            let us = u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX);
            histogram.lock().await.saturating_record(us);
            if !ok {
                errors.fetch_add(1, Ordering::SeqCst);
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let latencies = histogram.lock().await.clone();
    Outcome { done: latencies.len(), latencies, errors: errors.load(Ordering::SeqCst), elapsed: started.elapsed() }
}

/// The `n`-th request's item: each in turn.
fn in_turn<T>(items: &[T], n: u64) -> &T {
    &items[usize::try_from(n).unwrap_or(0) % items.len()]
}

fn lookup_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let person = in_turn(&persons, n).clone();
        Box::pin(async move {
            let response = ctx
                .http
                .post(format!("{}/api/rechercher-reference", ctx.url))
                .header(COOKIE, &person.cookie)
                .header("Origin", &ctx.url)
                .form(&[("reference[]", reference_of(person.index, 0))])
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "lookup answered {}", response.status());
            Ok(())
        })
    })
}

fn baseline_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let index = in_turn(&persons, n).index;
        Box::pin(async move {
            let response = ctx
                .http
                .get(format!("{}/bench/baseline", ctx.url))
                .query(&[("reference", reference_of(index, 0)), ("person", format!("bench-{index}"))])
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "baseline answered {}", response.status());
            Ok(())
        })
    })
}

fn step2_call(ctx: &Ctx, persons: Arc<Vec<Person>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let person = in_turn(&persons, n).clone();
        Box::pin(async move {
            let response = ctx
                .http
                .get(format!("{}/mes-paiements/payer-une-creance/{}", ctx.url, reference_of(person.index, 0)))
                .header(COOKIE, &person.cookie)
                .header(ACCEPT, "text/html")
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "step 2 answered {}", response.status());
            let body = response.text().await?;
            anyhow::ensure!(body.contains("Solde total à payer"), "step 2 without its form");
            Ok(())
        })
    })
}

/// Starts a 16 € payment on line `n / persons` of person `n % persons`;
/// records the transaction reference and who made it.
fn pay_call(ctx: &Ctx, persons: Arc<Vec<Person>>, started: Arc<Mutex<Vec<(String, Person)>>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let count = u64::try_from(persons.len()).unwrap_or(1);
        let person = persons[usize::try_from(n % count).unwrap_or(0)].clone();
        let line = (n / count) % server::dataset::CREANCES;
        let started = started.clone();
        Box::pin(async move {
            let reference = reference_of(person.index, line);
            let response = ctx
                .http
                .post(format!("{}/api/payer", ctx.url))
                .header(COOKIE, &person.cookie)
                .header(ACCEPT, "text/html")
                .header("Origin", &ctx.url)
                .form(&[("reference", reference.as_str()), ("selected[]", reference.as_str()), ("amount", "16")])
                .send()
                .await?;
            let to = response.headers().get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
            let transaction = to.rsplit('/').next().filter(|t| t.starts_with("PCLCB")).map(str::to_owned);
            match transaction {
                Some(t) => {
                    started.lock().await.push((t, person));
                    Ok(())
                }
                None => bail!("payment not started: {} {to}", response.status()),
            }
        })
    })
}

fn sealed_answer(transaction: &str) -> anyhow::Result<Vec<(String, String)>> {
    let response = PaymentResponse {
        response_code: "00".into(),
        acquirer_response_code: Some("00".into()),
        authorisation_id: Some("123456".into()),
        amount_cents: 1600,
        transaction_date_time: None,
        transaction_reference: transaction.to_owned(),
        masked_pan: Some("4100##########00".into()),
        payment_mean_brand: Some("VISA".into()),
        holder_authent_status: None,
        key_version: Some("1".into()),
        merchant_id: Some("002001000000001".into()),
    };
    let data = response.to_data()?;
    let seal = sips::seal(&Secret::new(SECRET.to_owned()), &data);
    Ok(vec![
        ("Data".into(), data),
        ("Encode".into(), String::new()),
        ("InterfaceVersion".into(), "HP_2.20".into()),
        ("Seal".into(), seal),
    ])
}

fn answer_call(ctx: &Ctx, transactions: Arc<Vec<String>>) -> Call {
    let ctx = ctx.clone();
    Arc::new(move |n| {
        let ctx = ctx.clone();
        let transaction = in_turn(&transactions, n).clone();
        Box::pin(async move {
            let response = ctx
                .http
                .post(format!("{}/paiement/reponse-automatique", ctx.url))
                .form(&sealed_answer(&transaction)?)
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "answer refused: {}", response.status());
            Ok(())
        })
    })
}

async fn page_weights(ctx: &Ctx, person: &Person) -> anyhow::Result<()> {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    let gz = |bytes: &[u8]| -> usize {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        let _ = encoder.write_all(bytes);
        encoder.finish().map(|v| v.len()).unwrap_or(0)
    };
    for (name, path) in [
        ("sign-in", "/connexion".to_owned()),
        ("home", "/accueil".to_owned()),
        ("step 1", "/mes-paiements/payer-une-creance".to_owned()),
        ("step 2", format!("/mes-paiements/payer-une-creance/{}", reference_of(person.index, 0))),
        ("mailbox", "/ma-messagerie".to_owned()),
    ] {
        let html =
            ctx.http.get(format!("{}{path}", ctx.url)).header(COOKIE, &person.cookie).send().await?.text().await?;
        let mut assets = vec![];
        for ext in [".js", ".wasm", ".css"] {
            for part in html.split('"').filter(|p| p.starts_with("/pkg/") && p.ends_with(ext)) {
                if !assets.contains(&part.to_owned()) {
                    assets.push(part.to_owned());
                }
            }
        }
        let (mut code_raw, mut code_gzip, mut css_raw, mut css_gzip) = (0, 0, 0, 0);
        for asset in &assets {
            let bytes = ctx.http.get(format!("{}{asset}", ctx.url)).send().await?.bytes().await?;
            if asset.ends_with(".css") {
                css_raw += bytes.len();
                css_gzip += gz(&bytes);
            } else {
                code_raw += bytes.len();
                code_gzip += gz(&bytes);
            }
        }
        emit(serde_json::json!({
            "scenario": "page weight", "page": name, "html_raw": html.len(), "html_gzip": gz(html.as_bytes()),
            "js_wasm_raw": code_raw, "js_wasm_gzip": code_gzip, "css_raw": css_raw, "css_gzip": css_gzip,
        }));
    }
    Ok(())
}

async fn run(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
    let duration = Duration::from_secs(seconds);
    let signed = Arc::new(sign_in_many(&ctx, 0, 400.min(persons_total)).await.context("signing in")?);
    page_weights(&ctx, &signed[0]).await?;
    for (name, call) in
        [("lookup", lookup_call(&ctx, signed.clone())), ("baseline", baseline_call(&ctx, signed.clone()))]
    {
        for rate in [100, 500, 1000] {
            report(name, &format!("{rate}/s"), &at_rate(call.clone(), rate, duration).await, &ctx);
        }
        report(name, "saturation (32)", &saturate(call, 32, duration, None).await, &ctx);
    }
    report(
        "step 2 page",
        "saturation (32)",
        &saturate(step2_call(&ctx, signed.clone()), 32, duration, None).await,
        &ctx,
    );
    let started = Arc::new(Mutex::new(Vec::new()));
    let capacity = u64::try_from(signed.len()).unwrap_or(0) * server::dataset::CREANCES;
    let outcome = saturate(pay_call(&ctx, signed.clone(), started.clone()), 16, duration, Some(capacity)).await;
    report("start payment", "saturation (16)", &outcome, &ctx);
    let paid: Vec<(String, Person)> = started.lock().await.clone();
    let transactions: Arc<Vec<String>> = Arc::new(paid.iter().map(|(t, _)| t.clone()).collect());
    let count = u64::try_from(transactions.len()).unwrap_or(0);
    anyhow::ensure!(count > 0, "no payment started");
    let outcome = saturate(
        answer_call(&ctx, transactions.clone()),
        16,
        Duration::from_secs(3600),
        Some(count.saturating_sub(50)),
    )
    .await;
    report("apply answer", "saturation (16)", &outcome, &ctx);
    // Accepted → visible on the person's page: the last 50 attempts.
    let mut visible = new_histogram();
    for (transaction, person) in paid.iter().skip(usize::try_from(count.saturating_sub(50)).unwrap_or(0)) {
        let t = Instant::now();
        ctx.http
            .post(format!("{}/paiement/reponse-automatique", ctx.url))
            .form(&sealed_answer(transaction)?)
            .send()
            .await?;
        let page = home_page(&ctx, transaction, person).await?;
        anyhow::ensure!(page.contains("Nous vous remercions"), "the payment is not visible");
        visible.saturating_record(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
    }
    emit(serde_json::json!({
        "scenario": "accepted → visible", "samples": visible.len(),
        "p50_ms": visible.value_at_quantile(0.5) as f64 / 1000.0, "p99_ms": visible.value_at_quantile(0.99) as f64 / 1000.0,
    }));
    emit(serde_json::json!({ "scenario": "accepted payments waiting for processing", "count": count }));
    Ok(())
}

async fn soak(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
    let duration = Duration::from_secs(seconds);
    let errors = Arc::new(AtomicU64::new(0));
    let journeys = Arc::new(AtomicU64::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let sampler = {
        let (pid, journeys, errors) = (ctx.pid, journeys.clone(), errors.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            loop {
                every.tick().await;
                emit(serde_json::json!({
                    "scenario": "soak sample", "seconds": started.elapsed().as_secs(), "rss_mib": rss_kib(pid) / 1024,
                    "journeys": journeys.load(Ordering::SeqCst), "errors": errors.load(Ordering::SeqCst),
                }));
            }
        })
    };
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (ctx, errors, journeys, next) = (ctx.clone(), errors.clone(), journeys.clone(), next.clone());
        workers.spawn(async move {
            while started.elapsed() < duration {
                // Each journey is a different person (from the far end of the dataset).
                let index =
                    persons_total - 1 - u64::try_from(next.fetch_add(1, Ordering::SeqCst)).unwrap_or(0) % persons_total;
                let journey = async {
                    let person = sign_in(&ctx, index).await?;
                    let persons = Arc::new(vec![person.clone()]);
                    lookup_call(&ctx, persons.clone())(0).await?;
                    let started = Arc::new(Mutex::new(Vec::new()));
                    pay_call(&ctx, persons, started.clone())(0).await?;
                    let transactions = Arc::new(started.lock().await.iter().map(|(t, _)| t.clone()).collect());
                    answer_call(&ctx, transactions)(0).await
                };
                match journey.await {
                    Ok(()) => journeys.fetch_add(1, Ordering::SeqCst),
                    Err(error) => {
                        eprintln!("journey failed: {error:#}");
                        errors.fetch_add(1, Ordering::SeqCst)
                    }
                };
            }
        });
    }
    while workers.join_next().await.is_some() {}
    sampler.abort();
    emit(serde_json::json!({
        "scenario": "soak", "seconds": started.elapsed().as_secs(), "journeys": journeys.load(Ordering::SeqCst),
        "errors": errors.load(Ordering::SeqCst), "rss_mib_end": rss_kib(ctx.pid) / 1024,
    }));
    Ok(())
}

/// The person's «Accueil» after coming back from the kiosk with `transaction`.
async fn home_page(ctx: &Ctx, transaction: &str, person: &Person) -> anyhow::Result<String> {
    let response = ctx
        .http
        .get(format!("{}/accueil?paiement={transaction}", ctx.url))
        .header(COOKIE, &person.cookie)
        .send()
        .await?;
    Ok(response.text().await?)
}

async fn applied(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
    let samples = (seconds / 5).max(1);
    let mut followed = tokio::task::JoinSet::new();
    for i in 0..samples {
        let ctx = ctx.clone();
        followed.spawn(async move {
            tokio::time::sleep(Duration::from_secs(5 * i)).await;
            let person = sign_in(&ctx, persons_total - 1 - i).await?;
            let started = Arc::new(Mutex::new(Vec::new()));
            pay_call(&ctx, Arc::new(vec![person.clone()]), started.clone())(0).await?;
            let transaction = started.lock().await.first().map(|(t, _)| t.clone()).context("no attempt")?;
            answer_call(&ctx, Arc::new(vec![transaction.clone()]))(0).await?;
            let accepted = Instant::now();
            loop {
                if home_page(&ctx, &transaction, &person).await?.contains("pris en compte") {
                    return anyhow::Ok(accepted.elapsed());
                }
                anyhow::ensure!(accepted.elapsed() < Duration::from_secs(600), "not applied after 10 minutes");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    let mut waits = Vec::new();
    while let Some(result) = followed.join_next().await {
        waits.push(result??.as_secs_f64());
    }
    waits.sort_by(f64::total_cmp);
    emit(serde_json::json!({
        "scenario": "accepted → pris en compte", "samples": waits.len(),
        "min_s": waits.first(), "median_s": waits.get(waits.len() / 2), "max_s": waits.last(),
        "mean_s": waits.iter().sum::<f64>() / waits.len().max(1) as f64,
    }));
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, url, pid, persons, seconds] = args.as_slice() else {
        bail!("usage: bench run|soak|applied URL SERVER_PID PERSONS SECONDS");
    };
    anyhow::ensure!(url.starts_with("http://127.0.0.1:"), "loopback only");
    let ctx = Ctx {
        url: url.clone(),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(256)
            .build()?,
        pid: pid.parse()?,
    };
    match mode.as_str() {
        "run" => run(ctx, persons.parse()?, seconds.parse()?).await,
        "soak" => soak(ctx, persons.parse()?, seconds.parse()?).await,
        "applied" => applied(ctx, persons.parse()?, seconds.parse()?).await,
        _ => bail!("unknown mode {mode}"),
    }
}
