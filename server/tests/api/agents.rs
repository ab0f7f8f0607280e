//! The back office, and the wall between agents and insured persons.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;

const AGENT_LOGIN: &str = "agent.isere";
const AGENT_PASSWORD: &str = "Agent-381";

impl Browser {
    pub async fn sign_in_as_agent(&self) {
        let response = self.post_form(AGENT_SIGN_IN, &[("login", AGENT_LOGIN), ("password", AGENT_PASSWORD)]).await;
        assert_eq!(location(&response), "/agent");
    }

    /// Calls a server function as a script would (no HTML accepted).
    pub async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Origin", &self.address)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }
}

/// Pierre (caisse 381) pays 20 € accepted; Eva (caisse 631) pays 45 € accepted.
async fn two_caisses_paid(app: &TestApp) -> (String, String) {
    app.sign_in_as_pierre().await;
    let pierre = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
    app.automatic(&bank::sealed(&bank::response(&pierre, 2000, "00"), bank::SECRET)).await;
    let eva_browser = app.new_browser();
    eva_browser.sign_in(EVA_NIR, EVA_PASSWORD).await;
    let eva = eva_browser.pay("6311632600000408F", &["6311605000001187F"], "45").await;
    app.automatic(&bank::sealed(&bank::response(&eva, 4500, "00"), bank::SECRET)).await;
    (pierre, eva)
}

on_both_engines! {
    async fn an_agent_signs_out_of_every_browser_at_once(app) {
        let (desk, laptop) = (app.new_browser(), app.new_browser());
        desk.sign_in_as_agent().await;
        laptop.sign_in_as_agent().await;
        app.sign_in_as_pierre().await;
        assert!(desk.page_html("/agent").await.contains("Se déconnecter de tous les appareils"));
        assert_eq!(location(&desk.post_form(AGENT_SIGN_OUT_EVERYWHERE, &[]).await), "/agent/connexion");
        for agent in [&desk, &laptop] {
            assert_eq!(location(&agent.get_page("/agent").await), "/agent/connexion");
        }
        assert_eq!(app.get_page("/accueil").await.status(), StatusCode::OK, "a person's session lives on");
    }

    async fn an_agent_sees_the_payments_of_their_caisse_only(app) {
        let (pierre, eva) = two_caisses_paid(&app).await;
        let agent = app.new_browser();
        assert_eq!(location(&agent.get_page("/agent").await), "/agent/connexion");
        let refused = agent.post_form(AGENT_SIGN_IN, &[("login", AGENT_LOGIN), ("password", "wrong")]).await;
        assert_eq!(location(&refused), "/agent/connexion");
        assert!(text_of(&agent.page_html("/agent/connexion").await).contains("Identifiant ou mot de passe incorrect."));
        agent.sign_in_as_agent().await;
        let list = text_of(&agent.page_html("/agent").await);
        assert!(list.contains(&pierre) && list.contains("PIERRE BELAGE") && list.contains("En cours de traitement"));
        assert!(!list.contains(&eva) && !list.contains("DUPONT"), "another caisse's payments do not exist here");
        let detail = text_of(&agent.page_html(&format!("/agent/paiements/{pierre}")).await);
        for text in ["Numéro d'autorisation", "761208", "4100##########00", "Répartition prévue", "3811907400001234F", "Historique", "Banque (réponse scellée)"] {
            assert!(detail.contains(text), "{text}");
        }
        let hidden = agent.get_page(&format!("/agent/paiements/{eva}")).await;
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
        assert!(!text_of(&hidden.text().await.expect("body")).contains("DUPONT"));
        // Filters.
        let applied = text_of(&agent.page_html("/agent?statut=pris-en-compte").await);
        assert!(!applied.contains(&pierre));
        let long_ago = text_of(&agent.page_html("/agent?du=2001-01-01&au=2001-12-31").await);
        assert!(long_ago.contains("Aucun paiement."));
    }

    async fn a_payment_s_answers_and_history_read_in_french_words(app) {
        let (pierre, _) = two_caisses_paid(&app).await;
        // The browser's return arrives after the automatic answer: a duplicate.
        app.normal_return(&bank::sealed(&bank::response(&pierre, 2000, "00"), bank::SECRET)).await;
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        let detail = text_of(&agent.page_html(&format!("/agent/paiements/{pierre}")).await);
        for words in [
            "Réponse automatique",
            "Retour navigateur",
            "Appliquée",
            "Doublon ignoré",
            "Paiement de 20,00\u{a0}€ demandé, à répartir ainsi : 3811907400001234F : 20,00\u{a0}€.",
            "Banque : paiement accepté (code 00, autorisation 761208, réponse automatique).",
            "Paiement reçu : 20,00\u{a0}€, en cours de traitement.",
        ] {
            assert!(detail.contains(words), "{words}");
        }
        for raw in ["amount_cents", "\"from\"", ">automatic<", ">duplicate<"] {
            assert!(!detail.contains(raw), "raw data shown: {raw}");
        }
        let journal = text_of(&agent.page_html("/agent/journal").await);
        assert!(journal.contains(&format!("Transaction {pierre}")));
    }

    async fn search_by_nir_reference_or_transaction(app) {
        let (pierre, eva) = two_caisses_paid(&app).await;
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        for query in ["1830201053123%2092", "3811701200010075F"] {
            let page = text_of(&agent.page_html(&format!("/agent/recherche?q={query}")).await);
            assert!(page.contains("PIERRE BELAGE") && page.contains("1 83 02 01 053 123 92") && page.contains(&pierre), "{query}");
        }
        let response = agent.get_page(&format!("/agent/recherche?q={pierre}")).await;
        assert_eq!(location(&response), format!("/agent/paiements/{pierre}"));
        for query in ["2901063113045%2020", "6311605000001187F"] {
            let page = text_of(&agent.page_html(&format!("/agent/recherche?q={query}")).await);
            assert!(page.contains("Aucun résultat dans votre caisse.") && !page.contains("DUPONT"), "{query}");
        }
        let response = agent.get_page(&format!("/agent/recherche?q={eva}")).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(agent.get_page(&format!("/agent/paiements/{eva}")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_reconciliation_export_opens_in_a_french_spreadsheet(app) {
        let (pierre, eva) = two_caisses_paid(&app).await;
        app::ssr::processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        let response = agent.get_page("/agent/export.csv").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = response.bytes().await.expect("body");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for spreadsheets");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "date_acceptation;reference_transaction;numero_autorisation;nir;nom;prenom;montant;trop_percu;statut;date_prise_en_compte;repartition;a_regulariser;date_regularisation");
        assert_eq!(lines.len(), 2, "one payment of the caisse: {text}");
        let fields: Vec<&str> = lines[1].split(';').collect();
        assert_eq!(fields[1], pierre);
        assert_eq!(fields[2], "761208");
        assert_eq!((fields[3], fields[4], fields[5]), ("1830201053123", "BELAGE", "Pierre"));
        assert_eq!((fields[6], fields[7], fields[8]), ("20,00", "0,00", "Pris en compte"));
        assert_eq!(fields[10], "3811907400001234F=20,00");
        assert!(!text.contains(&eva));
        let today = app::ssr::infra::time::date_fr(app.state.clock.now_ms());
        assert!(fields[0].starts_with(&today));
    }

    async fn an_avis_issued_from_the_app_is_answered_with_its_reference_and_notice_and_leaves_nothing_for_a_next_page(app) {
        use app::api::agent::avis::AvisIssued;
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        let issued = agent.app_call("agent-emettre-avis", &[("nir", "1830201053123"), ("date", "2026-11-20"), ("montant", "4")]).await;
        assert_eq!(issued.status(), StatusCode::OK);
        assert!(issued.headers().get("serverfnredirect").is_none(), "the app goes to the search itself");
        let AvisIssued { reference, notice } = crate::app_calls::answer(issued).await;
        assert!(reference.starts_with("381"), "{reference}");
        assert!(notice.starts_with(&format!("Avis {reference} émis pour 4,00")), "{notice}");
        assert!(notice.ends_with(": ouvert au paiement en ligne."), "{notice}");
        let search = text_of(&agent.page_html(&format!("/agent/recherche?q={reference}")).await);
        assert!(!search.contains("émis pour"), "no flash left for a next page: {search}");
        assert_eq!(app.count("SELECT COUNT(*) FROM avis WHERE issued_on = '2026-11-20'").await, 1);
    }

    async fn an_agent_issues_an_avis_whose_eligibility_follows_the_policy(app) {
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        let page = text_of(&agent.page_html("/agent/avis/nouveau").await);
        assert!(page.contains("entre 100,00\u{a0}€ et 150,00\u{a0}€"));
        // Pierre owes 145,45 €: with 4,00 € more he is within the bounds; with 10 € more, not.
        let open = agent.post_form(ISSUE_AVIS, &[("nir", "1830201053123"), ("date", "2026-11-20"), ("montant", "4")]).await;
        assert!(location(&open).starts_with("/agent/recherche?q=381"));
        let notice = text_of(&agent.page_html(&location(&open)).await);
        assert!(notice.contains("ouvert au paiement en ligne") && !notice.contains("non ouvert au paiement"), "{notice}");
        let closed = agent.post_form(ISSUE_AVIS, &[("nir", "1830201053123"), ("date", "2026-11-20"), ("montant", "10")]).await;
        let notice = text_of(&agent.page_html(&location(&closed)).await);
        assert!(notice.contains("non ouvert au paiement en ligne"));
        assert_eq!(app.count("SELECT COUNT(*) FROM avis WHERE issued_on = '2026-11-20'").await, 2);
        // Another caisse's person, bad inputs.
        for (nir, date, amount, message) in [
            ("2901063113045", "2026-11-20", "4", "Aucun assuré de votre caisse ne correspond à ce numéro de sécurité sociale."),
            ("123", "2026-11-20", "4", "13 chiffres, ou 15 avec la clé."),
            ("1830201053123", "2026-13-40", "4", "Choisissez une date d'émission valide."),
            ("1830201053123", "2026-11-20", "abc", "Saisissez un montant en euros, par exemple 20,50."),
        ] {
            let response = agent.post_form(ISSUE_AVIS, &[("nir", nir), ("date", date), ("montant", amount)]).await;
            assert_eq!(location(&response), "/agent/avis/nouveau");
            let page = text_of(&agent.page_html("/agent/avis/nouveau").await);
            assert!(page.contains(message), "{message}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM avis").await, 15);
        let journal = text_of(&agent.page_html("/agent/journal").await);
        assert!(journal.contains("Avis émis") && journal.contains("Agent"));
        // Pierre sees the open one on step 1.
        app.sign_in_as_pierre().await;
        use sqlx::Row;
        let reference: String = sqlx::query("SELECT reference FROM avis WHERE issued_on = '2026-11-20' AND online_payable = 1")
            .fetch_one(app.state.store.pool()).await.expect("row").try_get(0).expect("reference");
        assert_eq!(location(&app.find_reference(&reference).await), format!("/mes-paiements/payer-une-creance/{reference}"));
    }

    async fn agents_and_insured_persons_cannot_use_each_others_functions(app) {
        let (pierre, _) = two_caisses_paid(&app).await;
        let agent = app.new_browser();
        agent.sign_in_as_agent().await;
        let person_functions: &[(&str, &[(&str, &str)])] = &[
            ("rechercher-reference", &[("reference[]", "3811907400001234F")]),
            ("payer", &[("reference", "3811907400001234F"), ("selected[]", "3811907400001234F"), ("amount", "20")]),
            ("supprimer-message", &[("id", "x")]),
        ];
        for (endpoint, fields) in person_functions {
            assert_eq!(agent.call(endpoint, fields).await.status(), StatusCode::UNAUTHORIZED, "agent → {endpoint}");
        }
        use app::api::{home, messages, overview, pay, payments};
        let person_pages = [
            agent.page_call("page-accueil", &home::HomePage { paiement: None }).await,
            agent.page_call("page-payer-reference", &pay::ReferencePage { reference: None }).await,
            agent.page_call("page-payer-selection", &pay::SelectionPage { reference: "3811907400001234F".to_owned() }).await,
            agent.page_call("page-payer-redirection", &pay::KioskRedirectPage { transaction: pierre.clone() }).await,
            agent.page_call("page-messagerie", &messages::MailboxPage {}).await,
            agent.page_call("page-message", &messages::MessagePage { id: "x".to_owned() }).await,
            agent.page_call("page-mes-paiements", &payments::PaymentsPage {}).await,
            agent.page_call("page-entete", &payments::HeaderPage {}).await,
            agent.page_call("page-participations", &overview::OverviewPage {}).await,
        ];
        for (page, response) in person_pages.iter().enumerate() {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "agent → person's page {page}");
        }
        let agent_functions: &[(&str, &[(&str, &str)])] = &[
            ("agent-emettre-avis", &[("nir", "1830201053123"), ("date", "2026-11-20"), ("montant", "4")]),
            ("agent-regulariser", &[("payment", "x"), ("transaction", &pierre)]),
            ("agent-remboursement", &[("transaction", &pierre), ("etape", "approuver"), ("remboursement", "x")]),
        ];
        for (endpoint, fields) in agent_functions {
            assert_eq!(app.call(endpoint, fields).await.status(), StatusCode::UNAUTHORIZED, "person → {endpoint}");
        }
        use app::api::agent::{avis, payments as office, search};
        let agent_pages = [
            app.page_call("agent-page-paiements", &office::AgentPaymentsPage { du: None, au: None, statut: None, page: None }).await,
            app.page_call("agent-page-paiement", &office::AgentPaymentPage { transaction: pierre.clone() }).await,
            app.page_call("agent-page-recherche", &search::AgentSearchPage { q: Some("1830201053123".to_owned()) }).await,
            app.page_call("agent-page-trop-percus", &office::AgentTropPercusPage {}).await,
            app.page_call("agent-page-nouvel-avis", &avis::AgentNewAvisPage {}).await,
            app.page_call("agent-page-journal", &office::AgentJournalPage {}).await,
        ];
        for (page, response) in agent_pages.iter().enumerate() {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "person → agent's page {page}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM avis").await, 13, "nothing written");
        // Pages and files send each to their own sign-in.
        assert_eq!(location(&agent.get_page("/accueil").await), "/connexion");
        assert_eq!(location(&app.get_page("/agent").await), "/agent/connexion");
        assert_eq!(location(&app.get_page("/agent/export.csv").await), "/agent/connexion");
        assert_eq!(location(&agent.get_page("/ma-messagerie/x/pdf").await), "/connexion");
    }
}

/// `server revoke-agent-sessions <login>`: an operator ends every session of
/// an agent (a lost laptop, a departure), audited in the caisse's journal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_revokes_an_agents_sessions_from_the_command_line_audited() {
    let (url, database) = scratch_database(Engine::Sqlite).await;
    let app = spawn_on_url(url.clone(), &[]).await;
    let (desk, laptop, person) = (app.new_browser(), app.new_browser(), app.new_browser());
    desk.sign_in_as_agent().await;
    laptop.sign_in_as_agent().await;
    person.sign_in_as_pierre().await;
    let revoke = |login: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["revoke-agent-sessions", login])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .expect("the command runs")
    };
    let done = revoke(AGENT_LOGIN);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(String::from_utf8_lossy(&done.stdout).trim(), r#"{"ended_sessions":2}"#);
    for agent in [&desk, &laptop] {
        assert_eq!(location(&agent.get_page("/agent").await), "/agent/connexion");
    }
    assert_eq!(person.get_page("/accueil").await.status(), StatusCode::OK, "a person's session lives on");
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE actor_kind = 'operator' AND action = 'ended_everywhere' \
             AND caisse_code = (SELECT caisse_code FROM agents WHERE login = 'agent.isere')"
        )
        .await,
        1
    );
    desk.sign_in_as_agent().await;
    assert!(
        desk.page_html("/agent/journal").await.contains("Déconnexion de tous les appareils (2 session(s) fermée(s)).")
    );
    let unknown = revoke("personne");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no agent has the login"));
    app.cleanup().await;
    database.remove().await;
}
