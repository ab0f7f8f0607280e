//! «Ma messagerie».

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;

on_both_engines! {
    async fn an_accepted_payment_leaves_one_acknowledgement(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        app.automatic(&bank::sealed(&bank::response(&reference, 2000, "00"), bank::SECRET)).await;
        let home = text_of(&app.page_html("/accueil").await);
        assert!(home.contains("Ma messagerie<span class=\"badge\">1</span>"), "one unread message in the menu");
        let mailbox = text_of(&app.page_html("/ma-messagerie").await);
        assert!(mailbox.contains("Accusé de réception de votre paiement de créance"));
        assert!(mailbox.contains("Non lu : "));
        let id = mailbox.split("href=\"/ma-messagerie/").nth(1).and_then(|s| s.split('"').next()).expect("a link").to_owned();
        let message = text_of(&app.page_html(&format!("/ma-messagerie/{id}")).await);
        let today = app::ssr::infra::time::date_fr(app.state.clock.now_ms());
        let in_six_months = app::ssr::infra::time::date_fr(app::ssr::infra::time::add_months(app.state.clock.now_ms(), 6));
        for text in ["De : Assurance Maladie", "Bonjour,", &format!("Nous accusons réception de votre paiement de créance du {today}."),
            "Pour tout renseignement complémentaire concernant votre démarche, vous pouvez nous contacter dans la rubrique \"Ma Messagerie / Ecrire un message\" (*).",
            "Avec toute notre attention,", "Votre caisse d'Assurance Maladie.",
            "(*) ou par téléphone au 36 46 (coût 0,06 euro/min + prix appel), depuis l'étranger composez le +33 811 70 36 46 (tarif variable selon l'opérateur téléphonique).",
            &format!("Sera supprimé le {in_six_months}"), "RETOUR"] {
            assert!(message.contains(text), "{text} in {message}");
        }
        assert!(!message.contains("<span class=\"badge\">"), "read now");
        // Nobody else can open it.
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        let response = eva.get_page(&format!("/ma-messagerie/{id}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(!text_of(&response.text().await.expect("body")).contains("Nous accusons réception"));
        assert!(text_of(&eva.page_html("/ma-messagerie").await).contains("Vous n'avez aucun message."));
    }

    async fn the_menu_leads_to_every_section(app) {
        app.sign_in_as_pierre().await;
        let home = app.page_html("/accueil").await;
        for (href, text) in [("/accueil", "Accueil"), ("/mes-paiements", "Mes paiements"), ("/ma-messagerie", "Ma messagerie"), ("/mes-demarches", "Mes démarches")] {
            assert!(home.contains(&format!("href=\"{href}\"")), "{href}");
            let page = text_of(&app.page_html(href).await);
            assert!(page.contains(text));
        }
        let demarches = text_of(&app.page_html("/mes-demarches").await);
        assert!(demarches.contains("Effectuer une démarche") && demarches.contains("href=\"/mes-paiements/payer-une-creance\""));
        let payments = text_of(&app.page_html("/mes-paiements").await);
        assert!(payments.contains("Payer une créance") && payments.contains("Aucun nouveau paiement"));
        assert!(home.contains("MES DERNIERS PAIEMENTS") && home.contains("MES DÉMARCHES EN 2 CLICS"));
    }
}
