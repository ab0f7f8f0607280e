//! The server binary: reads the configuration and runs the service.

use server::{Application, Settings, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let settings = Settings::from_env()?;
    let application = Application::build(settings, app::ssr::Clock::system()).await?;
    application.run_until_stopped().await
}
