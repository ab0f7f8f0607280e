//! The server's subcommands besides serving.

use crate::Settings;
use app::ssr::{Clock, Store, demo};

/// Runs the processing run once (applies accepted payments, purges expired
/// messages) and prints what it did.
pub async fn process(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    let report = app::ssr::processing::run(&store, Clock::system().now_ms()).await?;
    store.close().await;
    #[expect(clippy::print_stdout, reason = "the command's output is its report")]
    {
        println!(
            "{{\"applied\":{},\"excess_cents\":{},\"purged_messages\":{}}}",
            report.applied, report.excess_cents, report.purged_messages
        );
    }
    Ok(())
}

/// Imports the bank's report of `day` (`YYYY-MM-DD`) from the file `path`
/// for the configured merchant — what a scheduler runs each morning — and
/// prints what it did as JSON. A malformed report imports nothing and fails
/// with the line and why, in French.
pub async fn reconcile(settings: &Settings, day: &str, path: &str) -> anyhow::Result<()> {
    use app::ssr::agents::reconciliation::{self, ImportError, Importer};
    let day = app::domain::IssueDate::parse_iso(day).map_err(|_| anyhow::anyhow!("the day is YYYY-MM-DD: {day}"))?;
    let text = std::fs::read_to_string(path).map_err(|error| anyhow::anyhow!("reading {path}: {error}"))?;
    let merchant = settings.bank.merchant_id();
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    let imported =
        reconciliation::import(&store, merchant, day, &text, Importer::Command, Clock::system().now_ms()).await;
    store.close().await;
    let imported = match imported {
        Ok(imported) => imported,
        Err(ImportError::Malformed(error)) => anyhow::bail!("{path}: {error}"),
        Err(ImportError::FutureDay) => anyhow::bail!("{day} has not begun"),
        Err(ImportError::Unexpected(error)) => return Err(error),
    };
    let json = serde_json::json!({
        "report": imported.report_id, "day": imported.day.to_iso(), "operations": imported.operations,
        "matched": imported.matched, "discrepancies": imported.found, "cleared": imported.cleared,
        "replayed": imported.replayed,
    });
    #[expect(clippy::print_stdout, reason = "the command's output is its JSON")]
    {
        println!("{json}");
    }
    Ok(())
}

/// Adds a fresh copy of a demonstration person and prints its sign-in as JSON.
pub async fn demo_person(settings: &Settings, template: &str) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    let person = demo::add_person_like(&store, template, &settings.eligibility, Clock::system().now_ms()).await?;
    store.close().await;
    let json = serde_json::to_string(&person)?;
    #[expect(clippy::print_stdout, reason = "the command's output is its JSON")]
    {
        println!("{json}");
    }
    Ok(())
}

/// Ends every session of the agent `login` — an operator's act, audited in
/// the agent's caisse's journal — and prints how many ended.
pub async fn revoke_agent_sessions(settings: &Settings, login: &str) -> anyhow::Result<()> {
    use app::ssr::infra::audit::Actor;
    use app::ssr::infra::session::Owner;
    use app::ssr::{agents, sign_in};
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    let Some(credentials) = sign_in::credentials(&store, sign_in::Accounts::Agents, login).await? else {
        store.close().await;
        anyhow::bail!("no agent has the login «{login}»");
    };
    let agent = agents::agent(&store, &app::ssr::infra::ids::AgentId::new(credentials.id)).await?;
    let (id, caisse) = (agent.id, agent.caisse_code);
    let now = Clock::system().now_ms();
    let ended =
        app::ssr::sign_in::end_all_sessions(&store, now, &Owner::Agent(id), Actor::Operator, Some(&caisse)).await?;
    store.close().await;
    #[expect(clippy::print_stdout, reason = "the command's output is its report")]
    {
        println!("{{\"ended_sessions\":{ended}}}");
    }
    Ok(())
}

/// Adds `count` synthetic persons (5 créances each) after the ones already
/// generated, and prints how long it took.
pub async fn dataset(settings: &Settings, count: u64) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url, 2).await?;
    store.migrate().await?;
    if settings.demo_data {
        demo::load_if_empty(&store, &settings.eligibility, Clock::system().now_ms()).await?;
    }
    let from = dataset::generated(&store).await?;
    let took = dataset::generate(&store, from, count).await?;
    store.close().await;
    #[expect(clippy::print_stdout, reason = "the command's output is its report")]
    {
        println!(
            "{{\"persons_added\":{count},\"persons_total\":{},\"creances_added\":{},\"seconds\":{:.1}}}",
            from + count,
            count * dataset::CREANCES,
            took.as_secs_f64()
        );
    }
    Ok(())
}

/// Runs the bank-kiosk simulator alone on `KIOSK_ADDR`, with Worldline's
/// public test merchants, until Ctrl-C or SIGTERM: the test bank of a cluster
/// whose instances are configured as with a real bank (`SIPS_PAYPAGE_URL`…).
/// Its automatic answers go to `KIOSK_ANSWER_ORIGIN` alone (by default the
/// app's default address), `https://` ones through the system's certificate
/// authorities, or those of `SSL_CERT_FILE`.
pub async fn kiosk(settings: &Settings) -> anyhow::Result<()> {
    use anyhow::Context;
    let listener = tokio::net::TcpListener::bind(settings.kiosk_addr)
        .await
        .with_context(|| format!("binding the kiosk simulator on {}", settings.kiosk_addr))?;
    let clock = Clock::system();
    let answer_origin =
        settings.kiosk_answer_origin.clone().unwrap_or_else(|| format!("http://{}", settings.site_addr));
    let (router, handle) = crate::startup::simulator(std::sync::Arc::new(move || clock.now_ms()), &answer_origin);
    kiosk::spawn_expiry(handle);
    tracing::info!(address = %listener.local_addr()?, "kiosk simulator listening (alone)");
    axum::serve(listener, router).with_graceful_shutdown(crate::startup::shutdown_signal()).await?;
    Ok(())
}
