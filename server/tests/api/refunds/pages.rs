//! A refund asked and decided on the back office's pages, and the trop-perçus
//! as the work queue that leads to it.

use super::*;

on_both_engines! {
    async fn the_payment_page_asks_and_decides_a_refund_with_its_forms_and_says_why_next_to_them_when_it_cannot(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        let page = app::routes::agent_payment(&reference);
        let transaction = reference.to_string();
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let html = text_of(&desk.page_html(&page).await);
        let (twenty, five, fifteen) = (euros(2000), euros(500), euros(1500));
        assert!(html.contains("Aucun remboursement n'a été demandé sur ce paiement."), "{html}");
        assert!(html.contains(&format!(": {twenty} reçus, {twenty} remboursables")), "the payment to choose, with what is left");

        // Without JavaScript: more than was paid is refused next to the amount, what was typed kept.
        let ask = |montant: &'static str| {
            [("transaction", transaction.clone()), ("etape", "demander".into()), ("paiement", payment.clone()), ("montant", montant.into()), ("motif", "double_paiement".into())]
        };
        let fields = |pairs: &[(&'static str, String)]| pairs.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
        let posted = |pairs: Vec<(&'static str, String)>| {
            let desk = &desk;
            async move {
                let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                desk.post_form(AGENT_REFUND, &borrowed).await
            }
        };
        assert_eq!(location(&posted(fields(&ask("25"))).await), page);
        let html = text_of(&desk.page_html(&page).await);
        assert!(html.contains(&format!("Le montant doit être compris entre 0,01 € et {twenty}, ce qui reste à rembourser sur ce paiement.")), "{html}");
        assert!(html.contains("value=\"25\""), "the amount typed is kept");
        assert_eq!(app.count("SELECT COUNT(*) FROM refunds").await, 0);
        // A trop-perçu is known once the payment is applied: said next to the reason.
        let mut excess = fields(&ask("5"));
        excess[4].1 = "trop_percu".into();
        assert_eq!(location(&posted(excess).await), page);
        let html = text_of(&desk.page_html(&page).await);
        assert!(html.contains("Ce paiement n'a pas de trop-perçu à rembourser."), "{html}");
        assert_eq!(app.count("SELECT COUNT(*) FROM refunds").await, 0);

        // From the app: a malformed amount is a 422 with its message, an unknown step a 400.
        let script: Vec<(&str, &str)> = vec![("transaction", &transaction), ("etape", "demander"), ("paiement", &payment), ("montant", "cinq"), ("motif", "trop_percu")];
        assert_eq!(desk.call("agent-remboursement", &script).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!text_of(&app.page_html("/mes-paiements").await).contains("Mes remboursements"), "none yet");
        let unknown = desk.call("agent-remboursement", &[("transaction", &transaction), ("etape", "payer")]).await;
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

        // Asked: listed, waiting for another agent; its asker cannot approve it.
        assert_eq!(location(&posted(fields(&ask("5"))).await), page);
        let refund: String = sqlx::query("SELECT id FROM refunds").fetch_one(app.state.store.pool()).await.expect("asked").try_get("id").expect("id");
        let html = text_of(&desk.page_html(&page).await);
        assert!(html.contains("demandé, à approuver par un autre agent") && html.contains("double paiement"), "{html}");
        assert!(html.contains("À approuver par un autre agent") && !html.contains("Approuver le remboursement"));
        assert!(html.contains(&format!(": {twenty} reçus, {fifteen} remboursables")));
        let own = [("transaction", transaction.as_str()), ("etape", "approuver"), ("remboursement", refund.as_str())];
        assert_eq!(location(&desk.post_form(AGENT_REFUND, &own).await), page);
        let html = text_of(&desk.page_html(&page).await);
        assert!(html.contains("Vous avez demandé ce remboursement : un autre agent de la caisse doit l'approuver."), "{html}");
        assert_eq!(state_of(&app, &refund).await.0, "asked");
        // The person sees it in «Mes paiements».
        let mine = text_of(&app.page_html("/mes-paiements").await);
        assert!(mine.contains("Mes remboursements") && mine.contains("demandé") && mine.contains(&five.to_string()), "{mine}");

        // A second agent approves it from the app: the bank gives it back, the page says so.
        let second = app.new_browser();
        let signed = second.post_form(AGENT_SIGN_IN, &[("login", "superviseur.isere"), ("password", "Superviseur-381")]).await;
        assert_eq!(location(&signed), "/agent");
        assert!(text_of(&second.page_html(&page).await).contains("Approuver le remboursement"));
        let approved = second.call("agent-remboursement", &own).await;
        assert_eq!(approved.status(), StatusCode::OK);
        assert_eq!(state_of(&app, &refund).await.0, "done");
        assert_eq!(left_at_the_bank(&app, &reference).await, Some(1500));
        let html = text_of(&second.page_html(&page).await);
        assert!(html.contains("effectué") && html.contains(&five.to_string()), "{html}");
        let mine = text_of(&app.page_html("/mes-paiements").await);
        assert!(mine.contains("effectué") && !mine.contains("demandé"), "{mine}");
        let again = second.call("agent-remboursement", &own).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "decided once");

        // Another caisse's refund, or a forged id, is not found.
        let forged = [("transaction", transaction.as_str()), ("etape", "rejeter"), ("remboursement", "inconnu")];
        assert_eq!(second.call("agent-remboursement", &forged).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_trop_percus_are_the_work_queue_each_one_click_from_its_refund_form_filled_in_until_asked_back(app) {
        let (reference, payment) = paid_at_the_bank(&app).await;
        // Applied, 5 € of the 20 € beyond the créances' restant dû.
        sqlx::query("UPDATE payments SET status = 'applied', excess_cents = 500 WHERE id = $1")
            .bind(&payment)
            .execute(app.state.store.pool())
            .await
            .expect("a trop-perçu");
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let queue = text_of(&desk.page_html("/agent/trop-percus").await);
        let link = app::routes::agent_refund_of_excess(&reference, &payment, euros(500));
        assert!(queue.contains(&format!("href=\"{link}\"")) && queue.contains("Rembourser"), "{queue}");

        // The link opens the payment's refund form filled in: this payment, 5,00, trop-perçu.
        let page = link.split('#').next().expect("the address");
        let form = text_of(&desk.page_html(page).await);
        assert!(form.contains("value=\"5,00\""), "{form}");
        let option = |value: &str| form.split(&format!("<option value=\"{value}\"")).nth(1).and_then(|s| s.split('>').next()).map(str::to_owned);
        assert!(option(&payment).is_some_and(|attributes| attributes.contains("selected")), "{:?}", option(&payment));
        assert!(option("trop_percu").is_some_and(|attributes| attributes.contains("selected")));

        // Asked back in part, then in full: the queue holds what is left, then nothing.
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let now = app.state.clock.now_ms();
        let part = refunds::ask(&app.state.store, &asker, &payment, euros(300), Reason::TropPercu, now).await.expect("asked");
        let queue = text_of(&desk.page_html("/agent/trop-percus").await);
        assert!(queue.contains(&euros(200).to_string()) && !queue.contains(&euros(500).to_string()), "{queue}");
        refunds::ask(&app.state.store, &asker, &payment, euros(200), Reason::TropPercu, now).await.expect("asked");
        let queue = text_of(&desk.page_html("/agent/trop-percus").await);
        assert!(queue.contains("Aucun trop-perçu à rembourser.") && !queue.contains(&reference.to_string()), "{queue}");
        // A rejected request puts its amount back in the queue.
        assert_eq!(refunds::decide(&app.state, &approver, &part, false).await.expect("decided"), Decided::Rejected);
        let queue = text_of(&desk.page_html("/agent/trop-percus").await);
        assert!(queue.contains(&euros(300).to_string()) && queue.contains(&reference.to_string()), "{queue}");
    }
}
