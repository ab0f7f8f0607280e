//! The benchmark client (loopback only, bounded in time). Driven by
//! `scripts/bench`, which starts the server on a generated dataset.
//!
//! `bench run URL PID PERSONS SECONDS` measures, at fixed rates and at
//! saturation, the reference lookup (signed in) and the bare-query baseline;
//! then the lookup, «Accueil»'s data, step 2's data and a navigation each
//! beside the baseline, in interleaved rounds (`ratio`); the step-2 page, starting a payment, applying a kiosk answer, the time from an
//! accepted answer to the payment visible on the person's page, the server's
//! RSS. It prints one JSON object per line. (What a browser transfers per page
//! is measured in a real browser: `end2end/tests/weight.spec.ts`.)
//!
//! `bench soak URL PID PERSONS SECONDS` runs the sign-in → lookup → pay →
//! answer mix and samples the RSS every 10 seconds.
//!
//! `bench lookup URL PID PERSONS SECONDS` only saturates the reference lookup
//! (32 connections), for a profiler to watch (`scripts/profile`).
//!
//! `bench applied URL PID PERSONS SECONDS` measures, against a server running
//! its periodic processing run, the time from an accepted automatic response
//! to «pris en compte» on the person's home page: one payment started every
//! 5 s for SECONDS (a new person each), each followed until it is applied.

mod client;
mod load;
mod ratio;
mod scenarios;

use anyhow::bail;
use client::Ctx;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, url, pid, persons, seconds] = args.as_slice() else {
        bail!("usage: bench run|soak|applied|lookup URL SERVER_PID PERSONS SECONDS");
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
        "run" => scenarios::run(ctx, persons.parse()?, seconds.parse()?).await,
        "soak" => scenarios::soak(ctx, persons.parse()?, seconds.parse()?).await,
        "applied" => scenarios::applied(ctx, persons.parse()?, seconds.parse()?).await,
        "lookup" => scenarios::lookup(ctx, persons.parse()?, seconds.parse()?).await,
        _ => bail!("unknown mode {mode}"),
    }
}
