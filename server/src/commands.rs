//! The server's subcommands besides serving.

use crate::Settings;
use app::ssr::{Clock, Store, demo};

/// Adds a fresh copy of a demonstration person and prints its sign-in as JSON.
pub async fn demo_person(settings: &Settings, template: &str) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    if settings.demo_data {
        demo::load_if_empty(&store, &settings.eligibility, Clock::system().now_ms()).await?;
    }
    let person = demo::add_person_like(&store, template, &settings.eligibility, Clock::system().now_ms()).await?;
    store.close().await;
    let json = serde_json::to_string(&person)?;
    #[expect(clippy::print_stdout, reason = "the command's output is its JSON")]
    {
        println!("{json}");
    }
    Ok(())
}
