//! The scenarios: `run` (every measure), `soak` (the whole journey for a long
//! time) and `applied` (accepted → «pris en compte»).

use crate::client::{
    Ctx, Person, answer_call, baseline_call, home_data_call, home_page, lookup_call, navigation_call, pay_call,
    sealed_answer, sign_in, sign_in_many, step2_call, step2_data_call,
};
use crate::load::{at_rate, emit, new_histogram, report, rss_kib, saturate};
use crate::ratio;
use anyhow::Context;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Rounds of each ratio to the baseline (odd, so the median is one of them).
const ROUNDS: usize = 7;

pub async fn run(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
    let duration = Duration::from_secs(seconds);
    let signed = Arc::new(sign_in_many(&ctx, 0, 400.min(persons_total)).await.context("signing in")?);
    let baseline = baseline_call(&ctx, signed.clone());
    for (name, call) in [("lookup", lookup_call(&ctx, signed.clone())), ("baseline", baseline.clone())] {
        for rate in [100, 500, 1000] {
            report(name, &format!("{rate}/s"), &at_rate(call.clone(), rate, duration).await, &ctx);
        }
    }
    // Each call beside the bare query, in rounds of a fifth of SECONDS.
    let slice = (duration / 5).max(Duration::from_secs(1));
    for (name, call) in [
        ("lookup", lookup_call(&ctx, signed.clone())),
        ("home data", home_data_call(&ctx, signed.clone())),
        ("step 2 data", step2_data_call(&ctx, signed.clone())),
        ("navigation", navigation_call(&ctx, signed.clone())),
    ] {
        let ratios = ratio::measure(&call, &baseline, ROUNDS, slice)
            .await
            .with_context(|| format!("{name} against the baseline"))?;
        ratio::report(name, &ratios);
    }
    report(
        "step 2 page",
        "saturation (32)",
        &saturate(step2_call(&ctx, signed.clone()), 32, duration, None).await,
        &ctx,
    );
    let started = Arc::new(Mutex::new(Vec::new()));
    let capacity = u64::try_from(signed.len()).unwrap_or(0) * dataset::CREANCES;
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

pub async fn lookup(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
    let signed = Arc::new(sign_in_many(&ctx, 0, 400.min(persons_total)).await.context("signing in")?);
    let outcome = saturate(lookup_call(&ctx, signed), 32, Duration::from_secs(seconds), None).await;
    report("lookup", "saturation (32)", &outcome, &ctx);
    anyhow::ensure!(outcome.errors == 0, "{} lookups failed", outcome.errors);
    Ok(())
}

pub async fn soak(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
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

pub async fn applied(ctx: Ctx, persons_total: u64, seconds: u64) -> anyhow::Result<()> {
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
