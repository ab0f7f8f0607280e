//! Limits that hold under bursts: the sign-in throttle counts and checks in
//! one step, the password queue is bounded, refused sign-ins leave no session
//! row, and the client address comes from `X-Forwarded-For` only behind a
//! trusted proxy. (Across two instances: `scale_out.rs`; two hundred sign-ins
//! at once, alone in their process: `tests/burst`.)

use crate::helpers::*;
use crate::on_both_engines;

on_both_engines! {
    async fn twenty_simultaneous_wrong_passwords_for_one_account_get_five_checks(app) {
        let answers = all_at_once((0..20).map(|_| (app.new_browser(), PIERRE_NIR.to_owned(), "wrong", None)).collect()).await;
        let counts = tally(answers);
        assert_eq!(counts.get(&CHECKED).copied().unwrap_or(0) + counts.get(&BUSY).copied().unwrap_or(0), 5, "{counts:?}");
        assert_eq!(counts.get(&THROTTLED), Some(&15), "{counts:?}");
        // The right password now waits too.
        assert_eq!(sign_in_call(&app.new_browser(), PIERRE_NIR, PIERRE_PASSWORD, None).await.as_u16(), THROTTLED);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn refused_and_malformed_sign_ins_leave_no_session_row_and_still_show_their_message(app) {
        let malformed = app.sign_in("12345", "x").await;
        assert_eq!(location(&malformed), "/connexion");
        let page = text_of(&app.page_html("/connexion").await);
        assert!(page.contains("Le numéro de sécurité sociale"), "the message comes back on the form: {page}");
        let wrong = app.new_browser();
        wrong.sign_in(PIERRE_NIR, "wrong").await;
        assert!(text_of(&wrong.page_html("/connexion").await).contains("incorrect"));
        // The message is shown once.
        assert!(!text_of(&wrong.page_html("/connexion").await).contains("incorrect"));
        for _ in 0..5 {
            app.new_browser().sign_in(EVA_NIR, "wrong").await;
        }
        let throttled = app.new_browser();
        throttled.sign_in(EVA_NIR, EVA_PASSWORD).await;
        assert!(text_of(&throttled.page_html("/connexion").await).contains("Trop de tentatives de connexion."));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0, "no session row for anyone refused");
    }

    async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy(app) {
        // Not trusted: twenty failures, each claiming another address, still
        // come from this one, which is then refused.
        for i in 0..20 {
            sign_in_call(&app, &unknown_nir(i), "guess", Some(&format!("203.0.113.{i}"))).await;
        }
        assert_eq!(sign_in_call(&app.new_browser(), EVA_NIR, EVA_PASSWORD, Some("203.0.113.99")).await.as_u16(), THROTTLED);

        // Trusted: the address counted is the one the proxy saw.
        let behind_proxy = spawn_app_with(app_engine(&app), &[("TRUSTED_PROXIES", "127.0.0.0/8".to_owned())]).await;
        for i in 0..20 {
            // A client cannot pass for another: only the rightmost untrusted hop counts.
            let forwarded = format!("192.0.2.{i}, 203.0.113.7");
            sign_in_call(&behind_proxy, &unknown_nir(i), "guess", Some(&forwarded)).await;
        }
        let elsewhere = behind_proxy.new_browser();
        assert_eq!(sign_in_call(&elsewhere, EVA_NIR, EVA_PASSWORD, Some("203.0.113.8")).await.as_u16(), SIGNED_IN);
        let same = behind_proxy.new_browser();
        assert_eq!(sign_in_call(&same, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.7")).await.as_u16(), THROTTLED);
        behind_proxy.cleanup().await;
    }

    async fn five_wrong_passwords_for_a_nir_from_one_address_do_not_stop_the_person_signing_in_from_another(app) {
        let behind_proxy = spawn_app_with(app_engine(&app), &[("TRUSTED_PROXIES", "127.0.0.0/8".to_owned())]).await;
        let stranger = behind_proxy.new_browser();
        for _ in 0..5 {
            assert_eq!(sign_in_call(&stranger, PIERRE_NIR, "a guess", Some("198.51.100.66")).await.as_u16(), CHECKED);
        }
        assert_eq!(sign_in_call(&stranger, PIERRE_NIR, PIERRE_PASSWORD, Some("198.51.100.66")).await.as_u16(), THROTTLED, "the stranger is slowed");
        // Another address of the stranger's IPv6 /64 is the same network.
        for _ in 0..5 {
            sign_in_call(&stranger, PIERRE_NIR, "a guess", Some("2001:db8:5:6::1")).await;
        }
        assert_eq!(sign_in_call(&stranger, PIERRE_NIR, PIERRE_PASSWORD, Some("2001:db8:5:6:ffff::2")).await.as_u16(), THROTTLED);
        let person = behind_proxy.new_browser();
        assert_eq!(sign_in_call(&person, PIERRE_NIR, PIERRE_PASSWORD, Some("203.0.113.20")).await.as_u16(), SIGNED_IN, "Pierre, at home");
        behind_proxy.cleanup().await;
    }

    async fn two_hundred_simultaneous_sign_ins_each_get_a_clear_answer_and_the_server_memory_stays_bounded(app) {
        let (url, database) = scratch_database(app_engine(&app)).await;
        let server = launch(&url).with("TRUSTED_PROXIES", "127.0.0.1").start().await;
        // The hashing threads' first arenas are not the burst's.
        server.browser.sign_in_as_pierre().await;
        // 180 scripts and 20 browsers without JavaScript, from distinct
        // addresses for distinct accounts: none is throttled.
        let address = |i: usize| format!("198.51.100.{}", i + 1);
        let calls = (0..180).map(|i| (Browser::new(server.browser.address.clone()), unknown_nir(i), "a guess", Some(address(i)))).collect();
        let forms: Vec<_> = (180..200).map(|i| form_sign_in(Browser::new(server.browser.address.clone()), unknown_nir(i), address(i))).collect();
        server.reset_peak_memory();
        let (before, _) = server.memory_kib();
        let (answers, pages) = tokio::join!(all_at_once(calls), futures_all(forms));
        let (_, peak) = server.memory_kib();
        let counts = tally(answers);
        let busy_forms = pages.iter().filter(|page| page.contains(BUSY_MESSAGE)).count();
        eprintln!("{:?}: 200 simultaneous sign-ins: scripts answered {counts:?}, {busy_forms} of 20 forms told to come back; \
                   server memory {before} KiB, peak {peak} KiB (+{} KiB)", app_engine(&app), peak.saturating_sub(before));
        // Each is checked (the wrong pair) or told to come back in a moment, nothing else.
        assert!(counts.keys().all(|status| [CHECKED, BUSY].contains(status)), "{counts:?}");
        assert_eq!(counts.values().sum::<usize>(), 180);
        for page in &pages {
            assert!(page.contains(WRONG_CREDENTIALS) || page.contains(BUSY_MESSAGE), "{page}");
        }
        assert!(counts.contains_key(&BUSY) || busy_forms > 0, "two hundred hashes at once overflow the queue of 16");
        assert!(peak.saturating_sub(before) < MAX_GROWTH_KIB, "the server grew by {} KiB", peak - before);
        server.kill();
        assert_eq!(count_in(&url, "SELECT COUNT(*) FROM sessions").await, 1, "Pierre's only");
        database.remove().await;
    }
}

const WRONG_CREDENTIALS: &str = "Numéro de sécurité sociale ou mot de passe incorrect.";
const BUSY_MESSAGE: &str = "Le service est très sollicité : réessayez dans quelques instants.";

/// Growth allowed during the burst: the hashing threads (19 MiB each, one
/// per core) and two hundred requests fit well within it; a backlog of
/// hashes each holding its 19 MiB would not.
const MAX_GROWTH_KIB: u64 = 128 * 1024;

/// Posts the sign-in form as a browser without JavaScript, follows the
/// redirect back to the form and returns that page's text.
async fn form_sign_in(browser: Browser, nir: String, forwarded_for: String) -> String {
    let response = browser
        .client
        .post(browser.url(SIGN_IN))
        .header("Accept", "text/html")
        .header("Origin", &browser.address)
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("nir", nir.as_str()), ("password", "a guess")])
        .send()
        .await
        .expect("POST");
    assert_eq!(location(&response), "/connexion");
    text_of(&browser.page_html("/connexion").await)
}

/// Runs the futures all at once, each on its own task.
async fn futures_all(futures: Vec<impl Future<Output = String> + Send + 'static>) -> Vec<String> {
    let mut tasks = tokio::task::JoinSet::new();
    for future in futures {
        tasks.spawn(future);
    }
    tasks.join_all().await
}
