//! Periodic chores: give up on attempts the kiosk never answered (20 minutes),
//! remove expired sessions (every minute); and the processing run (every
//! `PROCESSING_INTERVAL_SECONDS`); both stop when the process does, a
//! processing run after its current batch.

use app::ssr::AppState;
use app::ssr::infra::session;
use app::ssr::sign_in::throttle;
use app::ssr::{payments, processing};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Runs the chores once.
pub async fn run_once(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let expired = payments::expire_stale(&state.store, now).await?;
    if expired > 0 {
        tracing::info!(expired, "unanswered payment attempts expired");
    }
    session::purge_expired(&state.store, now).await?;
    throttle::purge(&state.store, now).await?;
    app::ssr::sign_in::device::purge(&state.store, now).await?;
    Ok(())
}

/// Runs the chores every minute and the processing run every `processing`,
/// until `stopping` turns true: a run under way then finishes its current
/// batch. The handle ends when both have stopped.
pub fn spawn(state: AppState, processing: Duration, stopping: watch::Receiver<bool>) -> JoinHandle<()> {
    let chores = state.clone();
    let mut chores_stop = stopping.clone();
    let chores = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = chores_stop.wait_for(|stop| *stop) => return,
            }
            if let Err(error) = run_once(&chores).await {
                tracing::warn!(error = format!("{error:#}"), "housekeeping failed; next run in a minute");
            }
        }
    });
    let mut processing_stop = stopping;
    let processing = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(processing);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = processing_stop.wait_for(|stop| *stop) => return,
            }
            let keep_going = || !*processing_stop.borrow();
            if let Err(error) = processing::run_until(&state.store, state.clock.now_ms(), keep_going).await {
                tracing::warn!(error = format!("{error:#}"), "processing run failed; it will run again");
            }
        }
    });
    tokio::spawn(async move {
        let _ = tokio::join!(chores, processing);
    })
}
