//! Periodic chores: give up on attempts the kiosk never answered (20 minutes),
//! remove expired sessions.

use app::ssr::{AppState, payments, session};
use std::time::Duration;

/// Runs the chores once.
pub async fn run_once(state: &AppState) -> anyhow::Result<()> {
    let now = state.clock.now_ms();
    let expired = payments::expire_stale(&state.store, now).await?;
    if expired > 0 {
        tracing::info!(expired, "unanswered payment attempts expired");
    }
    session::purge_expired(&state.store, now).await?;
    Ok(())
}

/// Runs the chores every `every`.
pub fn spawn(state: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            if let Err(error) = run_once(&state).await {
                tracing::warn!(error = format!("{error:#}"), "housekeeping failed; next run in a minute");
            }
        }
    });
}
