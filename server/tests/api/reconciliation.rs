//! The daily bank reconciliation: the bank's report of a day (the
//! simulator's `/rapport`) imported in «Rapprochement bancaire», matched with
//! what was recorded, every difference a discrepancy an agent closes.

use crate::helpers::*;
use crate::on_both_engines;
use crate::refunds::{agent_named, euros, paid_at_the_bank, to_the_next_day};
use app::ssr::agents::reconciliation::resolve::{self, CloseError};
use app::ssr::agents::reconciliation::{self, ImportError, Importer};
use app::ssr::agents::refunds::{self, Reason};
use app::ssr::infra::time::paris_date;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use sips::report::{Direction, ReportLine};

const PAGE: &str = app::routes::AGENT_RECONCILIATION;
/// Pierre's créance of 20 €.
const ENTERED: &str = "3811907400001234F";

/// The simulator's report of the Paris day `day` for the app's merchant.
async fn bank_report(app: &TestApp, day: &str) -> String {
    let kiosk = &app.state.settings.kiosk;
    let seal = sips::seal(&kiosk.secret_key, &format!("{}|{day}", kiosk.merchant_id));
    let response = reqwest::Client::new()
        .get(format!("{}/rapport", app.kiosk_url))
        .query(&[("merchantId", kiosk.merchant_id.as_str()), ("date", day), ("seal", seal.as_str())])
        .send()
        .await
        .expect("GET /rapport");
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("the report")
}

/// Today in Paris, on the app's clock.
fn today(app: &TestApp) -> String {
    paris_date(app.state.clock.now_ms()).to_iso()
}

/// Posts the upload form as a browser does, with or without JavaScript.
async fn upload(browser: &Browser, day: &str, file: &[u8]) -> reqwest::Response {
    let boundary = "----rapport7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"jour\"\r\n\r\n{day}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"releve\"; filename=\"rapport.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    browser
        .client
        .post(browser.url(app::routes::AGENT_BANK_REPORT_UPLOAD))
        .header(ACCEPT, "text/html")
        .header("Origin", &browser.origin)
        .header(CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("POST the report")
}

/// Uploads `file` for `day` and reads the page it leads to.
async fn imported_page(browser: &Browser, day: &str, file: &[u8]) -> String {
    let response = upload(browser, day, file).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), PAGE);
    text_of(&browser.page_html(PAGE).await)
}

fn line(reference: &str, authorisation: &str, direction: Direction, cents: i64, merchant: &str) -> ReportLine {
    ReportLine {
        at: "2026-01-01T10:00:00+01:00".to_owned(),
        merchant_id: merchant.to_owned(),
        transaction_reference: reference.to_owned(),
        direction,
        amount_cents: cents,
        currency_code: "978".to_owned(),
        authorisation_id: authorisation.to_owned(),
        status: "CAPTURED".to_owned(),
    }
}

/// The payment's authorisation number.
async fn authorisation_of(app: &TestApp, payment: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT authorisation_id FROM payments WHERE id = $1")
        .bind(payment)
        .fetch_one(app.state.store.pool())
        .await
        .expect("the payment")
        .try_get("authorisation_id")
        .expect("authorisation")
}

on_both_engines! {
    async fn a_day_whose_bank_report_agrees_with_what_was_recorded_shows_no_discrepancy_and_importing_it_again_changes_nothing(app) {
        // Two payments accepted that day; part of the first cancelled the same day.
        let (_, first) = paid_at_the_bank(&app).await;
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let store = &app.state.store;
        let now = app.state.clock.now_ms();
        let cancel = refunds::ask(store, &asker, &first, euros(500), Reason::ErreurCaisse, now).await.expect("asked");
        refunds::decide(&app.state, &approver, &cancel, true).await.expect("cancelled");
        let paid_on = today(&app);
        let report = bank_report(&app, &paid_on).await;
        assert_eq!(report.lines().count(), 2, "a header and one DEBIT: {report}");

        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let page = imported_page(&desk, &paid_on, report.as_bytes()).await;
        let day = paris_date(now).to_string();
        assert!(page.contains(&format!("Relevé du {day} importé : 1 opération, 1 transaction rapprochée, aucun nouvel écart.")), "{page}");
        assert!(page.contains("Aucun écart à examiner."), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM discrepancies").await, 0);

        // The same file again: nothing changes, and the agent is told so.
        let again = imported_page(&desk, &paid_on, report.as_bytes()).await;
        assert!(again.contains(&format!("Ce relevé du {day} avait déjà été importé : rien n'a changé.")), "{again}");
        assert_eq!(app.count("SELECT COUNT(*) FROM bank_reports").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'bank_report'").await, 1);

        // The next day, the rest refunded to the card: a CREDIT that matches too.
        to_the_next_day(&app);
        let now = app.state.clock.now_ms();
        let refund = refunds::ask(store, &approver, &first, euros(1500), Reason::DoublePaiement, now).await.expect("asked");
        refunds::decide(&app.state, &asker, &refund, true).await.expect("refunded");
        let next = today(&app);
        let imported = reconciliation::import(store, &app.state.settings.kiosk.merchant_id, paris_date(now), &bank_report(&app, &next).await, Importer::Command, now).await.expect("imported");
        assert_eq!((imported.operations, imported.matched, imported.found, imported.replayed), (1, 1, 0, false));
        desk.sign_in_as_agent().await;
        let page = text_of(&desk.page_html(PAGE).await);
        assert!(page.contains("par la commande"), "the command's import is listed: {page}");
    }

    async fn each_difference_is_a_discrepancy_of_its_kind_that_a_later_report_clears_or_an_agent_closes_with_a_comment(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let authorisation = authorisation_of(&app, &payment).await;
        let merchant = app.state.settings.kiosk.merchant_id.clone();
        let store = &app.state.store;
        let now = app.state.clock.now_ms();
        let day = paris_date(now);
        let at = |mut l: ReportLine| {
            l.at = format!("{}T12:00:00+01:00", day.to_iso());
            l
        };
        // The bank took a transaction nobody recorded, and has not our payment.
        let unknown = at(line("PCLCB99999999999", "999999", Direction::Debit, 1234, &merchant));
        let first = sips::report::write(std::slice::from_ref(&unknown));
        let imported = reconciliation::import(store, &merchant, day, &first, Importer::Command, now).await.expect("imported");
        assert_eq!((imported.matched, imported.found), (0, 2));
        // A later report of the day: our payment at another amount.
        let ours = at(line(reference.as_str(), &authorisation, Direction::Debit, 1900, &merchant));
        let second = sips::report::write(&[unknown.clone(), ours]);
        let imported = reconciliation::import(store, &merchant, day, &second, Importer::Command, now).await.expect("imported");
        assert_eq!((imported.matched, imported.found, imported.cleared), (0, 1, 1), "{imported:?}");

        let caisse = agent_named(&app, "agent.isere").await;
        let seen = resolve::discrepancies(store, &caisse.caisse_code).await.expect("listed");
        let kinds: Vec<_> = seen.iter().map(|d| (d.kind, d.resolution.map(|r| r.as_str()), d.bank_cents, d.recorded_cents)).collect();
        assert!(kinds.contains(&(reconciliation::Kind::NotRecorded, None, 1234, 0)), "{kinds:?}");
        assert!(kinds.contains(&(reconciliation::Kind::AmountDiffers, None, 1900, 2000)), "{kinds:?}");
        assert!(kinds.contains(&(reconciliation::Kind::AbsentFromBank, Some("matched"), 0, 2000)), "{kinds:?}");
        assert_eq!(seen.len(), 3, "the unknown one is found once: {kinds:?}");

        // The page lists them; closing one needs a comment, next to its field.
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let page = text_of(&desk.page_html(PAGE).await);
        assert!(page.contains("Prélevé par la banque, non enregistré") && page.contains("Montants différents"), "{page}");
        assert!(page.contains(&format!("href=\"{}\"", app::routes::agent_payment(&reference))), "our transaction links to its payment: {page}");
        assert!(page.contains("Rapproché par un relevé importé ensuite"), "{page}");
        let differs = seen.iter().find(|d| d.kind == reconciliation::Kind::AmountDiffers).expect("amount_differs");
        let response = desk.post_form(RESOLVE_DISCREPANCY, &[("ecart", &differs.id), ("suite", "clore"), ("commentaire", "  ")]).await;
        assert_eq!(location(&response), PAGE);
        let page = text_of(&desk.page_html(PAGE).await);
        assert!(page.contains("Écrivez ce que vous avez constaté (500 caractères au plus)"), "{page}");
        assert!(page.contains(&format!("id=\"commentaire-{}\"", differs.id)), "{page}");
        let comment = "Annulation de 1 € faite par téléphone à la banque, enregistrée à la main.";
        let response = desk.post_form(RESOLVE_DISCREPANCY, &[("ecart", &differs.id), ("suite", "clore"), ("commentaire", comment)]).await;
        assert_eq!(location(&response), PAGE);
        let page = text_of(&desk.page_html(PAGE).await);
        assert!(page.contains("Clos par Agent CPAM de l'Isère, le ") && page.contains(comment), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'discrepancy' AND action = 'closed'").await, 1);
        assert!(matches!(resolve::close(store, &caisse, &differs.id, "encore", now).await, Err(CloseError::Resolved)));

        // Another caisse's agent sees the unknown transaction, not ours.
        let mut other = caisse.clone();
        other.caisse_code = "751".to_owned();
        let theirs = resolve::discrepancies(store, &other.caisse_code).await.expect("listed");
        assert_eq!(theirs.iter().map(|d| d.kind).collect::<Vec<_>>(), vec![reconciliation::Kind::NotRecorded]);
        let ours = seen.iter().find(|d| d.kind == reconciliation::Kind::AbsentFromBank).expect("ours");
        assert!(matches!(resolve::close(store, &other, &ours.id, "pas à moi", now).await, Err(CloseError::NotFound)));
        assert_eq!(app.count("SELECT COUNT(*) FROM discrepancies WHERE resolution IS NULL").await, 1);

        // Closed from the app: the answer is the page as it now is, with no
        // redirect and nothing to ask again.
        let unknown = seen.iter().find(|d| d.kind == reconciliation::Kind::NotRecorded).expect("not_recorded");
        let closed = desk
            .app_call("agent-ecart", &[("ecart", &unknown.id), ("suite", "clore"), ("commentaire", "Inconnue de nos services.")])
            .await;
        assert_eq!(closed.status(), StatusCode::OK);
        assert!(closed.headers().get("serverfnredirect").is_none() && closed.headers().get("location").is_none());
        let answered: app::api::agent::reconciliation::ReconciliationView = crate::app_calls::answer(closed).await;
        assert!(answered.open.is_empty(), "{:?}", answered.open);
        let resolution = answered.resolved.iter().find(|d| d.id == unknown.id).and_then(|d| d.resolution.clone());
        assert!(resolution.is_some_and(|r| r.contains("Inconnue de nos services.")), "{:?}", answered.resolved);
        let page = desk.page_call("agent-page-rapprochement", &app::api::agent::reconciliation::AgentReconciliationPage {}).await;
        assert_eq!(crate::app_calls::answer::<app::api::agent::reconciliation::ReconciliationView>(page).await, answered);
    }

    async fn money_the_bank_took_on_one_of_our_transactions_unheard_of_is_recorded_from_its_line_as_a_payment(app) {
        use sqlx::Row;
        // Pierre went to the bank's page; none of its answers came back.
        app.sign_in_as_pierre().await;
        let reference = app.pay(ENTERED, &[ENTERED], "20").await;
        let merchant = app.state.settings.kiosk.merchant_id.clone();
        let store = &app.state.store;
        let now = app.state.clock.now_ms();
        let day = paris_date(now);
        let bank_line = |reference: &str, authorisation: &str, cents: i64| {
            format!("{}T12:00:00+01:00;{merchant};{reference};DEBIT;{cents};978;{authorisation};CAPTURED\n", day.to_iso())
        };
        let report = format!("{}\n{}", sips::report::HEADER, bank_line(&reference, "LOST01", 2000));
        let imported = reconciliation::import(store, &merchant, day, &report, Importer::Command, now).await.expect("imported");
        assert_eq!((imported.matched, imported.found), (0, 1));
        // A later file of the day: a second authorisation, and a transaction the service does not know.
        let later = format!("{report}{}{}", bank_line(&reference, "LOST02", 2000), bank_line("PCLCB99999999999", "X1", 700));
        reconciliation::import(store, &merchant, day, &later, Importer::Command, now).await.expect("imported");

        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let page = text_of(&desk.page_html(PAGE).await);
        assert_eq!(page.matches("Enregistrer le paiement").count(), 2, "only the caisse's transactions may be recorded: {page}");
        let seen = resolve::discrepancies(store, "381").await.expect("listed");
        let id = |authorisation: &str| seen.iter().find(|d| d.authorisation_id == authorisation).map(|d| d.id.clone()).expect("found");
        let record = |id: String| {
            let desk = &desk;
            async move { desk.post_form(RESOLVE_DISCREPANCY, &[("ecart", id.as_str()), ("suite", "enregistrer")]).await }
        };
        for authorisation in ["LOST01", "LOST02"] {
            assert_eq!(location(&record(id(authorisation)).await), PAGE);
        }
        let page = text_of(&desk.page_html(PAGE).await);
        assert!(page.contains("Enregistré comme paiement d'après le relevé par Agent CPAM de l'Isère, le "), "{page}");
        let resolved = resolve::discrepancies(store, "381").await.expect("listed");
        let recorded_ones = resolved.iter().filter(|d| d.resolution == Some(reconciliation::Resolution::Recorded)).count();
        assert_eq!(recorded_ones, 2, "{resolved:?}");
        let recorded = sqlx::query("SELECT id, authorisation_id, amount_cents, regularisation, regularised_by FROM payments ORDER BY authorisation_id")
            .fetch_all(store.pool())
            .await
            .expect("the payments recorded from the bank's lines");
        let seen_as: Vec<(String, i64, String, bool)> = recorded
            .iter()
            .map(|r| (r.get("authorisation_id"), r.get("amount_cents"), r.get("regularisation"), r.get::<Option<String>, _>("regularised_by").is_some()))
            .collect();
        assert_eq!(
            seen_as,
            vec![("LOST01".into(), 2000, "from_bank_report".into(), true), ("LOST02".into(), 2000, "second_authorisation".into(), true)],
            "the first payment of the attempt, then a second authorisation, each looked into by the agent"
        );
        let first: String = recorded[0].get("id");
        let told = sqlx::query("SELECT COUNT(*) AS n FROM messages WHERE payment_id = $1").bind(&first).fetch_one(store.pool()).await.expect("count");
        assert_eq!(told.get::<i64, _>("n"), 1, "the person is sent its acknowledgement");
        let reference = app::domain::TransactionReference::parse(&reference).expect("a reference");
        let payment_page = text_of(&desk.page_html(&app::routes::agent_payment(&reference)).await);
        assert!(payment_page.contains("pris par la banque, enregistré d'après son relevé"), "{payment_page}");

        // Not twice; never a transaction the service does not know.
        assert_eq!(location(&record(id("LOST01")).await), PAGE);
        assert!(text_of(&desk.page_html(PAGE).await).contains("Cet écart n'est pas un écart à examiner de votre caisse."));
        record(id("X1")).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM payments").await, 2);
        // The day's report in another file: ours match now.
        let imported = reconciliation::import(store, &merchant, day, &format!("{later}\n"), Importer::Command, now).await.expect("imported");
        assert_eq!((imported.matched, imported.found, imported.cleared), (2, 0, 0), "{imported:?}");
    }

    async fn two_files_of_the_same_day_imported_at_once_find_each_discrepancy_once(app) {
        let merchant = app.state.settings.kiosk.merchant_id.clone();
        let now = app.state.clock.now_ms();
        let day = paris_date(now);
        let row = |reference: &str, cents: i64| {
            format!("{}T12:00:00+01:00;{merchant};{reference};DEBIT;{cents};978;X1;CAPTURED\n", day.to_iso())
        };
        let unknown = row("PCLCB99999999999", 1234);
        let files: Vec<String> = (0..6)
            .map(|i| format!("{}\n{unknown}{}", sips::report::HEADER, row(&format!("PCLCB9999999999{i}"), 100 + i)))
            .collect();
        let store = &app.state.store;
        let imports = files.iter().map(|file| reconciliation::import(store, &merchant, day, file, Importer::Command, now));
        for imported in futures::future::join_all(imports).await {
            imported.expect("imported");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM bank_reports").await, 6);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM discrepancies WHERE transaction_reference = 'PCLCB99999999999'").await,
            1,
            "the line every file holds is one discrepancy"
        );
    }

    async fn a_malformed_report_names_its_line_in_french_and_imports_nothing(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let authorisation = authorisation_of(&app, &payment).await;
        let merchant = app.state.settings.kiosk.merchant_id.clone();
        let day = today(&app);
        let good = format!("{day}T12:00:00+01:00;{merchant};{reference};DEBIT;2000;978;{authorisation};CAPTURED");
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        for (file, says) in [
            (format!("{}\n{good}\n{good};x\n", sips::report::HEADER), "Ligne 3 : 8 champs séparés par « ; » attendus, 9 trouvés."),
            ("date;montant\n".to_owned(), "Ligne 1 : l'en-tête doit être"),
            (format!("{}\n{}\n", sips::report::HEADER, good.replace(&merchant, "002001000000002")), "Ligne 2 : l'opération est celle du commerçant 002001000000002"),
            (format!("{}\n{}\n", sips::report::HEADER, good.replacen(&day, "2020-01-01", 1)), "Ligne 2 : l'opération du 2020-01-01T12:00:00+01:00 n'est pas de la journée du"),
        ] {
            let page = imported_page(&desk, &day, file.as_bytes()).await;
            assert!(page.contains(says), "{says}: {page}");
            assert!(page.contains("aria-invalid=\"true\""), "the field says it is wrong");
        }
        let page = imported_page(&desk, &day, b"\xff\xfe not text").await;
        assert!(page.contains("Le relevé doit être un fichier texte (CSV, UTF-8)."), "{page}");
        let page = imported_page(&desk, "demain", good.as_bytes()).await;
        assert!(page.contains("Indiquez la journée du relevé, par exemple 07/12/2026."), "{page}");
        assert!(page.contains("value=\"demain\""), "the day typed is kept");
        let tomorrow = paris_date(app.state.clock.now_ms() + 86_400_000);
        let page = imported_page(&desk, &tomorrow.to_iso(), format!("{}\n", sips::report::HEADER).as_bytes()).await;
        assert!(page.contains(&format!("La journée du {tomorrow} n'a pas commencé")), "{page}");
        // Seven uploads so far: ten a minute per agent, then the eleventh waits.
        for _ in 0..3 {
            imported_page(&desk, "demain", b"").await;
        }
        let page = imported_page(&desk, &day, good.as_bytes()).await;
        assert!(page.contains("Trop de relevés importés en peu de temps : réessayez dans"), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM bank_reports").await, 0, "nothing imported");
        assert_eq!(app.count("SELECT COUNT(*) FROM discrepancies").await, 0, "nothing half-imported");

        // Not a form the page sends: 400; not an agent: the agents' sign-in.
        let plain = desk.post_form(app::routes::AGENT_BANK_REPORT_UPLOAD, &[("jour", day.as_str())]).await;
        assert_eq!(plain.status(), StatusCode::BAD_REQUEST);
        let stranger = app.new_browser();
        assert_eq!(location(&upload(&stranger, &day, good.as_bytes()).await), app::routes::AGENT_SIGN_IN);
        let now = app.state.clock.now_ms();
        let error = reconciliation::import(&app.state.store, &merchant, paris_date(now), "x", Importer::Command, now).await;
        assert!(matches!(error, Err(ImportError::Malformed(_))), "{error:?}");
    }
}

/// `server reconcile <day> <file>`: what a scheduler runs each morning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduler_imports_a_days_report_from_the_command_line_once() {
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let app = spawn_on_url(url.clone(), &[]).await;
    paid_at_the_bank(&app).await;
    let day = today(&app);
    let folder = std::env::temp_dir().join(format!("reconcile-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let (report, malformed) = (folder.join("rapport.csv"), folder.join("abime.csv"));
    std::fs::write(&report, bank_report(&app, &day).await).expect("the report");
    std::fs::write(&malformed, format!("{}\n2026-12-07;x\n", sips::report::HEADER)).expect("a malformed one");
    let reconcile = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["reconcile", &day, file.to_str().expect("a path")])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .expect("the command runs")
    };
    let done = reconcile(&report);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let said: serde_json::Value = serde_json::from_slice(&done.stdout).expect("JSON");
    assert_eq!(
        (&said["operations"], &said["matched"], &said["discrepancies"], &said["replayed"]),
        (&1.into(), &1.into(), &0.into(), &false.into()),
        "{said}"
    );
    let again: serde_json::Value = serde_json::from_slice(&reconcile(&report).stdout).expect("JSON");
    assert_eq!(again["replayed"], true, "{again}");
    let refused = reconcile(&malformed);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("Ligne 2 : 8 champs séparés par « ; » attendus, 2 trouvés."),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM bank_reports").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity_kind = 'bank_report' AND actor_kind = 'operator'").await,
        1
    );
    std::fs::remove_dir_all(&folder).ok();
    database.remove().await;
}
