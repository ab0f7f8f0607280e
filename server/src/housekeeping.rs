//! Periodic chores: give up on attempts the kiosk never answered (20 minutes),
//! remove expired sessions (every minute); and the processing run (every
//! `PROCESSING_INTERVAL_SECONDS`).

use app::ssr::AppState;
use app::ssr::infra::session;
use app::ssr::sign_in::throttle;
use app::ssr::{payments, processing};
use std::time::Duration;

/// Runs the chores once.
pub async fn run_once(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let expired = payments::expire_stale(&state.store, now).await?;
    if expired > 0 {
        tracing::info!(expired, "unanswered payment attempts expired");
    }
    session::purge_expired(&state.store, now).await?;
    throttle::purge(&state.store, now).await?;
    Ok(())
}

/// Runs the chores every minute and the processing run every `processing`.
pub fn spawn(state: AppState, processing: Duration) {
    let chores = state.clone();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(60));
        loop {
            ticker.tick().await;
            if let Err(error) = run_once(&chores).await {
                tracing::warn!(error = format!("{error:#}"), "housekeeping failed; next run in a minute");
            }
        }
    });
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(processing);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(error) = processing::run(&state.store, state.clock.now_ms()).await {
                tracing::warn!(error = format!("{error:#}"), "processing run failed; it will run again");
            }
        }
    });
}
