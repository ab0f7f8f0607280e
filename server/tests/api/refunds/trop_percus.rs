//! What a refund takes back of a payment (the trop-perçu first, then the
//! créances' restant dû), and a trop-perçu assigned to another créance.

use super::*;

on_both_engines! {
    async fn money_given_back_takes_the_trop_percu_first_then_puts_the_creances_restant_du_back_the_newest_first(app) {
        let (reference, payment) = paid_with_a_trop_percu(&app).await;
        let restant = |avis: &'static str| restant_of(&app, avis);
        assert_eq!((restant(OLDEST).await, restant(NEXT).await), (0, 0));
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let now = app.state.clock.now_ms();
        let given_back = |amount: i64, reason: Reason| {
            let (app, asker, approver, payment) = (&app, &asker, &approver, &payment);
            async move {
                let refund = refunds::ask(&app.state.store, asker, payment, euros(amount), reason, now).await.expect("asked");
                let decided = refunds::decide(&app.state, approver, &refund, true).await.expect("decided");
                assert_eq!(decided, Decided::Approved(Sent::Done(Some(Operation::Cancel))));
            }
        };

        // A trop-perçu is given back within what the run left over, and leaves the créances alone.
        let beyond = refunds::ask(&app.state.store, &asker, &payment, euros(891), Reason::TropPercu, now).await;
        assert!(matches!(beyond, Err(RefundError::TooMuch { left }) if left == euros(890)), "{beyond:?}");
        given_back(300, Reason::TropPercu).await;
        assert_eq!((restant(OLDEST).await, restant(NEXT).await), (0, 0));
        // Another reason takes what is left of the trop-perçu (5,90), then owes again the newest créance first.
        given_back(1000, Reason::DoublePaiement).await;
        assert_eq!((restant(OLDEST).await, restant(NEXT).await), (0, 410));
        let queue = text_of(&{
            let desk = app.new_browser();
            desk.sign_in_as_agent().await;
            desk.page_html("/agent/trop-percus").await
        });
        assert!(queue.contains("Aucun trop-perçu à rembourser."), "{queue}");
        // The rest of the payment: each créance owes again what this payment had paid of it, no more.
        given_back(2250, Reason::ErreurCaisse).await;
        assert_eq!((restant(OLDEST).await, restant(NEXT).await), (2000, 660));
        let nothing = refunds::ask(&app.state.store, &asker, &payment, euros(1), Reason::ErreurCaisse, now).await;
        assert!(matches!(nothing, Err(RefundError::TooMuch { left }) if left.is_zero()), "{nothing:?}");

        // The agents read it on the payment's page, the person no longer sees the shares as paid.
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let page = text_of(&desk.page_html(&app::routes::agent_payment(&reference)).await);
        for words in [
            format!("Remboursement de {} fait par la banque (annulé avant la remise). Pris sur le trop-perçu : {}.", euros(300), euros(300)),
            format!("Pris sur le trop-perçu : {}. Remis à payer : {NEXT} : {}.", euros(590), euros(410)),
            format!("Remis à payer : {NEXT} : {}, {OLDEST} : {}.", euros(250), euros(2000)),
        ] {
            assert!(page.contains(&words), "{words}\n{page}");
        }
        app.sign_in_as_pierre().await;
        let overview = text_of(&app.page_html("/mes-paiements/participations-forfaitaires-et-franchises").await);
        assert!(!overview.contains("(pris en compte)"), "{overview}");
        assert_eq!(app.count("SELECT COUNT(*) FROM refund_reversals").await, 3);
    }

    async fn money_given_back_before_the_run_is_not_applied_and_what_was_applied_is_put_back_later(app) {
        let (_, payment) = paid_at_the_bank(&app).await;
        let restant = || restant_of(&app, ENTERED);
        let before = restant().await;
        let (asker, approver) = (agent_named(&app, "agent.isere").await, agent_named(&app, "superviseur.isere").await);
        let now = app.state.clock.now_ms();
        let first = refunds::ask(&app.state.store, &asker, &payment, euros(500), Reason::ErreurCaisse, now).await.expect("asked");
        refunds::decide(&app.state, &approver, &first, true).await.expect("decided");
        assert_eq!(restant().await, before, "not applied yet: nothing to put back");
        let report = processing::run(&app.state.store, app.state.clock.now_ms()).await.expect("run");
        assert_eq!((report.applied, report.excess_cents), (1, 0));
        assert_eq!(restant().await, before - 1500, "the 15 € not given back");
        let rest = refunds::ask(&app.state.store, &asker, &payment, euros(1500), Reason::ErreurCaisse, now).await.expect("asked");
        refunds::decide(&app.state, &approver, &rest, true).await.expect("decided");
        assert_eq!(restant().await, before, "all of it given back, all of it owed again");
    }

    async fn a_trop_percu_is_assigned_to_another_open_creance_of_the_person_within_what_is_left_of_it(app) {
        let (reference, payment) = paid_with_a_trop_percu(&app).await;
        let (asker, now) = (agent_named(&app, "agent.isere").await, app.state.clock.now_ms());
        let store = &app.state.store;
        let owed = restant_of(&app, ENTERED).await;
        assert_eq!(
            excess::open_creances_of(store, &asker, &payment).await.expect("listed"),
            vec![
                ("3811701200010075F".to_owned(), euros(1250)),
                (ENTERED.to_owned(), euros(owed)),
                ("3811708600079999F".to_owned(), euros(1036)),
            ],
            "the person's créances that still owe, oldest first"
        );

        let beyond = excess::assign(store, &asker, &payment, ENTERED, euros(891), now).await;
        assert!(matches!(beyond, Err(AssignError::TooMuch { most }) if most == euros(890)), "{beyond:?}");
        let settled = excess::assign(store, &asker, &payment, NEXT, euros(100), now).await;
        assert!(matches!(settled, Err(AssignError::NotTheirs)), "a créance that owes nothing: {settled:?}");
        let someone_else: String = sqlx::query(
            "SELECT reference FROM avis WHERE restant_cents > 0 AND person_id <> (SELECT person_id FROM payments WHERE id = $1)",
        )
        .bind(&payment)
        .fetch_one(store.pool())
            .await
            .expect("another person's créance")
            .try_get("reference")
            .expect("reference");
        let theirs = excess::assign(store, &asker, &payment, &someone_else, euros(100), now).await;
        assert!(matches!(theirs, Err(AssignError::NotTheirs)), "{theirs:?}");

        excess::assign(store, &asker, &payment, ENTERED, euros(500), now).await.expect("assigned");
        assert_eq!(restant_of(&app, ENTERED).await, owed - 500);
        let desk = app.new_browser();
        desk.sign_in_as_agent().await;
        let queue = text_of(&desk.page_html("/agent/trop-percus").await);
        assert!(queue.contains(&euros(390).to_string()) && !queue.contains(&euros(890).to_string()), "{queue}");
        let page = text_of(&desk.page_html(&app::routes::agent_payment(&reference)).await);
        assert!(page.contains(&format!("Trop-perçu affecté à la créance {ENTERED} : {}.", euros(500))), "{page}");

        // From the work queue, one click to the payment's form, the trop-perçu chosen.
        let link = app::routes::agent_assign_excess(&reference, &payment);
        assert!(queue.contains(&format!("href=\"{link}\"")) && queue.contains("Affecter"), "{queue}");
        let form = text_of(&desk.page_html(link.split('#').next().expect("the address")).await);
        assert!(form.contains("id=\"affecter\"") && form.contains(&format!("{ENTERED} : {} restant dû", euros(owed - 500))), "{form}");
        assert!(form.contains(&format!("<option value=\"{payment}\" selected")), "{form}");
        // Without JavaScript: too much is refused next to the amount, what was typed kept; then assigned.
        let transaction = reference.to_string();
        let assign = |montant: &'static str| {
            [("transaction", transaction.as_str()), ("etape", "affecter"), ("trop_percu", payment.as_str()), ("creance", ENTERED), ("montant_affecte", montant)]
        };
        let page_address = app::routes::agent_payment(&reference);
        assert_eq!(location(&desk.post_form(AGENT_REFUND, &assign("9")).await), page_address);
        let html = text_of(&desk.page_html(&page_address).await);
        assert!(html.contains(&format!("Le montant doit être compris entre 0,01 € et {} : ce qui reste du trop-perçu", euros(390))), "{html}");
        assert!(html.contains("value=\"9\""), "the amount typed is kept");
        assert_eq!(location(&desk.post_form(AGENT_REFUND, &assign("1,00")).await), page_address);
        assert_eq!(restant_of(&app, ENTERED).await, owed - 600);
        // What is left of it may be given back, and then nothing is left to assign.
        refunds::ask(store, &asker, &payment, euros(290), Reason::TropPercu, now).await.expect("asked");
        let nothing = excess::assign(store, &asker, &payment, ENTERED, euros(1), now).await;
        assert!(matches!(nothing, Err(AssignError::TooMuch { most }) if most.is_zero()), "{nothing:?}");
        // The rest of the payment may still be given back.
        let all = refunds::ask(store, &asker, &payment, euros(3261), Reason::ErreurCaisse, now).await;
        assert!(matches!(all, Err(RefundError::TooMuch { left }) if left == euros(3260)), "35,50 − 2,90: {all:?}");
    }
}
