//! Steps 1 and 2: the reference, the lines, the amount.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;

on_both_engines! {
    async fn step_1_sends_an_open_reference_to_step_2(app) {
        app.sign_in_as_pierre().await;
        let page = text_of(&app.page_html("/mes-paiements/payer-une-creance").await);
        for text in ["PAYER UNE CRÉANCE", "Vous avez reçu un avis de sommes à payer.",
            "Saisissez votre référence présente dans votre courrier pour accéder au paiement.",
            "Où trouver la référence de votre avis ?", "* champ obligatoire", "Référence de l'avis * :", "RECHERCHER"] {
            assert!(page.contains(text), "{text}");
        }
        assert_eq!(page.matches("name=\"reference[]\"").count(), 17);
        assert_eq!(page.matches("inputmode=\"numeric\"").count(), 16);
        for typed in ["3811907400001234F", "3811 9074 0000 1234 f", " 3811907400001234F "] {
            let response = app.find_reference(typed).await;
            assert_eq!(location(&response), "/mes-paiements/payer-une-creance/3811907400001234F", "{typed:?}");
        }
        // The boxes, one character each, as a browser posts them.
        let mut boxes: Vec<(&str, String)> = "3811907400001234F".chars().map(|c| ("reference[]", c.to_string())).collect();
        boxes.truncate(17);
        let fields: Vec<(&str, &str)> = boxes.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.post_form(FIND_REFERENCE, &fields).await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance/3811907400001234F");
    }

    async fn step_1_explains_each_refusal_next_to_the_field(app) {
        app.sign_in_as_pierre().await;
        for (typed, message) in [
            ("381190740000123F", "La référence doit comporter 16 chiffres et 1 lettre."),
            ("38119074000012345", "La référence doit comporter 16 chiffres et 1 lettre."),
            ("", "La référence doit comporter 16 chiffres et 1 lettre."),
            ("9999999999999999Z", "Cette référence de courrier est inconnue."),
            // Eva's reference: exactly the same answer as an unknown one.
            ("6311632600000408F", "Cette référence de courrier est inconnue."),
        ] {
            let response = app.find_reference(typed).await;
            assert_eq!(location(&response), "/mes-paiements/payer-une-creance", "{typed:?}");
            let page = text_of(&app.page_html("/mes-paiements/payer-une-creance").await);
            assert!(page.contains(message), "{typed:?} → {message}");
            assert!(page.contains("Il y a un problème"));
        }
        // A direct call (no HTML) learns the refusal with a 4xx and the message.
        let response = app.client.post(app.url(FIND_REFERENCE)).header("Origin", &app.address)
            .form(&[("reference[]", "9999999999999999Z")]).send().await.expect("POST");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.expect("body").contains("Cette référence de courrier est inconnue."));
    }

    async fn references_not_open_online_say_so(app) {
        let paul = app.new_browser();
        assert_eq!(location(&paul.sign_in("1750538185012 49", "Martin-1975").await), "/accueil");
        paul.find_reference("3811810100004242F").await;
        let page = text_of(&paul.page_html("/mes-paiements/payer-une-creance").await);
        assert!(page.contains("Cette référence de courrier n'est pas ouverte au paiement en ligne."));
        let jeanne = app.new_browser();
        assert_eq!(location(&jeanne.sign_in("2680975056088 97", "Roux-1968").await), "/accueil");
        jeanne.find_reference("7511900500000777F").await;
        let page = text_of(&jeanne.page_html("/mes-paiements/payer-une-creance").await);
        assert!(page.contains("Cette référence de courrier n'est pas ouverte au paiement en ligne."));
        // Typing the step-2 address by hand leads back to step 1, with the reason.
        let response = jeanne.get_page("/mes-paiements/payer-une-creance/7511900500000777F").await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance?reference=7511900500000777F");
        let page = text_of(&jeanne.page_html(&location(&response)).await);
        assert!(page.contains("Cette référence de courrier n'est pas ouverte au paiement en ligne."), "{page}");
    }

    async fn another_persons_step_2_is_unknown(app) {
        app.sign_in_as_pierre().await;
        let response = app.get_page("/mes-paiements/payer-une-creance/6311632600000408F").await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance?reference=6311632600000408F");
        let page = text_of(&app.page_html(&location(&response)).await);
        assert!(page.contains("Cette référence de courrier est inconnue."));
        assert!(!page.contains("DUPONT"));
    }

    async fn step_2_shows_the_creance_and_the_lines(app) {
        app.sign_in_as_pierre().await;
        let page = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        for text in ["Créance (Référence : ", "3811907400001234F", "Caisse gestionnaire : ", "CPAM de l'Isère",
            "Montant initial dû : ", "87,09\u{a0}€", "Montant restant dû : ",
            "Autres références de courrier dont vous êtes redevable", "5 références trouvé(es)",
            "Références de courrier", "Date d'émission du courrier", "Montant initial dû", "Montant restant dû",
            "1 références sélectionné(es)", "Solde total à payer : ", "Montant du paiement * :",
            "Vous pouvez payer entre 16 € et 50 € par paiement", "ABANDONNER", "PAYER"] {
            assert!(page.contains(text), "{text}");
        }
        assert!(page.contains("value=\"3811907400001234F\" id=\"line-3811907400001234F\" checked"), "the entered créance is ticked");
        assert!(!page.contains("inférieur au montant minimum"));
    }

    async fn eva_is_told_her_creance_is_below_the_minimum(app) {
        let eva = app.new_browser();
        assert_eq!(location(&eva.sign_in(EVA_NIR, EVA_PASSWORD).await), "/accueil");
        let response = eva.find_reference("6311632600000408F").await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance/6311632600000408F");
        let page = text_of(&eva.page_html("/mes-paiements/payer-une-creance/6311632600000408F").await);
        assert!(page.contains("Le montant restant dû pour cette référence de courrier est inférieur au montant minimum de paiement en ligne : merci d'utiliser un autre moyen de paiement."));
        assert!(page.contains("4 références trouvé(es)"));
        // Alone, 7 € cannot be paid; with another line, 16 € can.
        let response = eva.start_payment("6311632600000408F", &["6311632600000408F"], "16").await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance/6311632600000408F");
        let page = text_of(&eva.page_html("/mes-paiements/payer-une-creance/6311632600000408F").await);
        assert!(page.contains("Le montant du paiement ne peut pas dépasser le solde total à payer."));
        let reference = eva.pay("6311632600000408F", &["6311632600000408F", "6311605000001187F"], "30").await;
        assert!(reference.starts_with("PCLCB"));
    }

    async fn step_2_refusals_keep_what_was_entered(app) {
        app.sign_in_as_pierre().await;
        for (selected, amount, message) in [
            (vec![], "20", "Sélectionnez au moins une référence de courrier."),
            (vec!["3811907400001234F"], "15,99", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec!["3811907400001234F"], "50,01", "Le montant du paiement doit être compris entre 16 € et 50 €."),
            (vec!["3811907400001234F"], "abc", "Saisissez un montant en euros, par exemple 20,50."),
            (vec!["3811701200010075F"], "16", "Le montant du paiement ne peut pas dépasser le solde total à payer."),
        ] {
            let response = app.start_payment("3811907400001234F", &selected, amount).await;
            assert_eq!(location(&response), "/mes-paiements/payer-une-creance/3811907400001234F", "{amount}");
            let page = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
            assert!(page.contains(message), "{amount} → {message}");
            assert!(page.contains(&format!("value=\"{amount}\"")), "the amount is kept");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 0, "nothing written");
    }

    async fn a_line_held_by_a_payment_cannot_be_paid_again(app) {
        app.sign_in_as_pierre().await;
        app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
        let response = app.start_payment("3811907400001234F", &["3811907400001234F"], "20").await;
        assert_eq!(location(&response), "/mes-paiements/payer-une-creance/3811907400001234F");
        let page = text_of(&app.page_html("/mes-paiements/payer-une-creance/3811907400001234F").await);
        assert!(page.contains("Un paiement est déjà en cours pour cette créance."));
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 1);
        // Twenty minutes later the hold is gone.
        app.state.clock.advance(20 * 60 * 1000 + 1);
        app.pay("3811907400001234F", &["3811907400001234F"], "20").await;
    }

    async fn two_payers_at_once_on_the_same_line_make_one_attempt(app) {
        app.sign_in_as_pierre().await;
        let (a, b) = tokio::join!(
            app.start_payment("3811907400001234F", &["3811907400001234F"], "20"),
            app.start_payment("3811907400001234F", &["3811907400001234F"], "20"),
        );
        let kiosk = |r: &reqwest::Response| location(r).contains("/paiement/PCLCB");
        assert_eq!([kiosk(&a), kiosk(&b)].iter().filter(|k| **k).count(), 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM payment_attempts").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM line_holds").await, 1);
    }

    async fn the_attempt_holds_only_the_lines_the_amount_reaches(app) {
        app.sign_in_as_pierre().await;
        let all = ["3811907400001234F", "3811701200010075F", "3811702400012980F", "3811708600076602F", "3811708600079999F"];
        let reference = app.pay("3811907400001234F", &all, "40").await;
        use sqlx::Row;
        let lines: Vec<(String, i64)> = sqlx::query(
            "SELECT l.avis_reference, l.planned_cents FROM attempt_lines l JOIN payment_attempts t ON t.id = l.attempt_id \
             WHERE t.transaction_reference = $1 ORDER BY l.planned_cents DESC")
            .bind(&reference).fetch_all(app.state.store.pool()).await.expect("lines").iter()
            .map(|r| (r.try_get("avis_reference").expect("ref"), r.try_get("planned_cents").expect("cents"))).collect();
        // Oldest first: 20/02/2014 (28,90), 12/09/2015 (6,60), then 12/05/2016 gets the rest (4,50).
        assert_eq!(lines, vec![("3811708600076602F".into(), 2890), ("3811702400012980F".into(), 660), ("3811701200010075F".into(), 450)]);
    }

    async fn the_kiosk_form_is_sealed_with_the_merchant_key(app) {
        app.sign_in_as_pierre().await;
        let reference = app.pay("3811907400001234F", &["3811907400001234F"], "20,5").await;
        let form = app.kiosk_form(&reference).await;
        let data = form.get("Data").expect("Data").clone();
        assert_eq!(form.get("SealAlgorithm").map(String::as_str), Some("HMAC-SHA-256"));
        assert!(form.get("InterfaceVersion").is_some_and(|v| v.starts_with("HP_2.")));
        let secret = sips::Secret::new(bank::SECRET.to_owned());
        assert!(sips::verify_seal(&secret, &data, form.get("Seal").expect("Seal")));
        for field in ["amount=2050", "currencyCode=978", "merchantId=002001000000001", "keyVersion=1",
            &format!("transactionReference={reference}"), "orderChannel=INTERNET",
            &format!("normalReturnUrl={}/paiement/retour", app.address),
            &format!("automaticResponseUrl={}/paiement/reponse-automatique", app.address)] {
            assert!(data.split('|').any(|pair| pair == field), "{field} in {data}");
        }
        let html = app.page_html(&format!("/mes-paiements/payer-une-creance/paiement/{reference}")).await;
        assert!(html.contains(&format!("action=\"{}/paiement\"", app.kiosk_url)));
        // Transaction reference: PCLCB + YY + day of the year + 7 digits.
        assert_eq!(reference.len(), 17);
        assert!(reference[5..].bytes().all(|b| b.is_ascii_digit()));
        // Another person cannot open it.
        let eva = app.new_browser();
        eva.sign_in(EVA_NIR, EVA_PASSWORD).await;
        let other = text_of(&eva.page_html(&format!("/mes-paiements/payer-une-creance/paiement/{reference}")).await);
        assert!(other.contains("Ce paiement n'est plus en attente") && !other.contains("name=\"Seal\""));
    }
}
