//! Load generation and measurement: open and closed loops, latency
//! histograms, one JSON object per result on standard output.

use crate::client::Ctx;
use hdrhistogram::Histogram;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};

/// Latencies in microseconds, from 1 µs to 10 minutes, 3 significant digits.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).unwrap_or_else(|_| unreachable!("valid bounds"))
}

pub fn emit(value: serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
}

pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// One request of a scenario: Ok(()) when the answer is the expected one.
pub type Call = Arc<dyn Fn(u64) -> futures::future::BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

pub struct Outcome {
    pub latencies: Histogram<u64>,
    pub errors: u64,
    pub done: u64,
    pub elapsed: Duration,
}

pub fn report(scenario: &str, mode: &str, outcome: &Outcome, ctx: &Ctx) {
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
pub async fn saturate(call: Call, workers: u64, duration: Duration, limit: Option<u64>) -> Outcome {
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
pub async fn at_rate(call: Call, rate: u64, duration: Duration) -> Outcome {
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
pub fn in_turn<T>(items: &[T], n: u64) -> &T {
    &items[usize::try_from(n).unwrap_or(0) % items.len()]
}
