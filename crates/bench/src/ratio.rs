//! The request path against the bare query, measured so that two runs agree.
//!
//! A saturation figure on this machine moves by a third from one minute to the
//! next (the client shares the two cores with the server, and the machine with
//! whatever else runs). A ratio of two figures taken minutes apart carries
//! both moves; the same two figures taken side by side carry the same move and
//! it cancels. So each call is measured in rounds, each round a slice of the
//! call beside a slice of the baseline (in one order, then the other, so that
//! a trend weighs on both sides alike), and what is reported is the median of
//! the rounds' ratios with their spread.

use crate::load::{Call, emit, saturate};
use std::time::Duration;

/// Connections of every saturation slice.
const WORKERS: u64 = 32;

/// The rounds' ratios of one call to the baseline.
pub struct Ratios {
    /// Each round's ratio, in the order measured.
    pub rounds: Vec<f64>,
    /// Each round's throughput of the call, req/s.
    pub throughputs: Vec<f64>,
    /// Each round's throughput of the baseline beside it, req/s.
    pub baselines: Vec<f64>,
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The spread around the median: the largest distance from it to a round.
pub fn spread(values: &[f64]) -> f64 {
    let m = median(values);
    values.iter().map(|v| (v - m).abs()).fold(0.0, f64::max)
}

async fn throughput(call: &Call, slice: Duration) -> (f64, u64) {
    let outcome = saturate(call.clone(), WORKERS, slice, None).await;
    (outcome.done as f64 / outcome.elapsed.as_secs_f64(), outcome.errors)
}

/// Measures `call` against `baseline`: a warm-up of each, then `rounds`
/// rounds of one `slice` each, alternating which goes first. Fails when a
/// request fails: a ratio of errors is no figure.
pub async fn measure(call: &Call, baseline: &Call, rounds: usize, slice: Duration) -> anyhow::Result<Ratios> {
    let warm_up = slice.min(Duration::from_secs(2));
    throughput(call, warm_up).await;
    throughput(baseline, warm_up).await;
    let mut ratios = Ratios { rounds: Vec::new(), throughputs: Vec::new(), baselines: Vec::new() };
    for round in 0..rounds {
        let ((measured, e1), (base, e2)) = if round % 2 == 0 {
            let a = throughput(call, slice).await;
            (a, throughput(baseline, slice).await)
        } else {
            let b = throughput(baseline, slice).await;
            (throughput(call, slice).await, b)
        };
        anyhow::ensure!(e1 + e2 == 0, "{} requests failed in round {round}", e1 + e2);
        ratios.rounds.push(measured / base);
        ratios.throughputs.push(measured);
        ratios.baselines.push(base);
    }
    Ok(ratios)
}

/// One JSON line: `{"scenario": "ratio", "measure": name, "median": …}`.
pub fn report(name: &str, ratios: &Ratios) {
    let round3 = |v: f64| (v * 1000.0).round() / 1000.0;
    emit(serde_json::json!({
        "scenario": "ratio",
        "measure": name,
        "median": round3(median(&ratios.rounds)),
        "spread": round3(spread(&ratios.rounds)),
        "rounds": ratios.rounds.iter().map(|r| round3(*r)).collect::<Vec<_>>(),
        "throughput_per_s": median(&ratios.throughputs).round(),
        "baseline_per_s": median(&ratios.baselines).round(),
        "workers": WORKERS,
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_one_and_of_an_even_count_the_mean_of_the_two() {
        assert_eq!(median(&[0.9, 0.5, 0.7]), 0.7);
        assert!((median(&[0.9, 0.5, 0.7, 0.6]) - 0.65).abs() < 1e-9);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn the_spread_is_the_farthest_round_from_the_median() {
        assert!((spread(&[0.70, 0.72, 0.65, 0.71, 0.70]) - 0.05).abs() < 1e-9);
        assert_eq!(spread(&[0.8]), 0.0);
    }
}
