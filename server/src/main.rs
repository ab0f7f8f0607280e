//! The server binary: reads the configuration and runs the service.
//!
//! `server` serves; `server process` runs the processing run once (applies
//! accepted payments to the créances); `server dataset --persons N` adds a
//! synthetic dataset for benchmarks; `server demo-person <pierre|eva|paul|jeanne>` adds a fresh
//! copy of a demonstration person (new NIR, new references) and prints its
//! sign-in as JSON, for training sessions and end-to-end tests; `server kiosk`
//! runs the bank-kiosk simulator alone on `KIOSK_ADDR` (a cluster's test bank);
//! `server revoke-agent-sessions <login>` ends every session of an agent
//! (audited in their caisse's journal).

use server::{Application, Settings, telemetry};

/// mimalloc returns freed memory to the system: with glibc's allocator, each
/// Argon2 hash (19 MiB) stayed in its thread's arena and the resident memory
/// grew with the number of sign-ins (measured: 94 MiB at rest, 680 MiB after
/// 30 concurrent sign-ins).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let settings = Settings::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["serve"] => Application::build(settings, app::ssr::Clock::system()).await?.run_until_stopped().await,
        ["process"] => server::commands::process(&settings).await,
        ["dataset", "--persons", count] => server::commands::dataset(&settings, count.parse()?).await,
        ["demo-person", template] => server::commands::demo_person(&settings, template).await,
        ["kiosk"] => server::commands::kiosk(&settings).await,
        ["revoke-agent-sessions", login] => server::commands::revoke_agent_sessions(&settings, login).await,
        ["reconcile", day, file] => server::commands::reconcile(&settings, day, file).await,
        _ => anyhow::bail!(
            "usage: server [serve] | server process | server dataset --persons N | server demo-person <pierre|eva|paul|jeanne> | server kiosk | server revoke-agent-sessions <login> | server reconcile <YYYY-MM-DD> <report.csv>"
        ),
    }
}
