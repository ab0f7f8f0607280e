//! The settings read, their defaults, and the refusals of a public site.

use super::*;
use std::collections::HashMap;

fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Settings::from_lookup(|key| map.get(key).cloned())
}

#[test]
fn runs_with_nothing_set() {
    let s = settings(&[]).expect("defaults");
    assert_eq!(s.database_url, "sqlite://data/app.db?mode=rwc");
    assert_eq!(s.site_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(s.kiosk_addr.to_string(), "127.0.0.1:3001");
    assert!(s.bank.real().is_none());
    assert_eq!(s.eligibility, EligibilityPolicy::default());
    assert!(s.demo_data);
}

#[test]
fn a_real_kiosk_needs_every_setting() {
    assert!(settings(&[("SIPS_PAYPAGE_URL", "https://payment-webinit.simu.sips-services.com/paymentInit")]).is_err());
    let mut simulation = vec![
        ("SIPS_PAYPAGE_URL", "https://payment-webinit.simu.sips-services.com/paymentInit"),
        ("SIPS_MERCHANT_ID", "002001000000001"),
        ("SIPS_KEY_VERSION", "1"),
        ("SIPS_SECRET_KEY", "002001000000001_KEY1"),
    ];
    assert!(error_of(&simulation).contains("missing: SIPS_OFFICE_URL"));
    simulation.push(("SIPS_OFFICE_URL", "https://office-server.simu.sips-services.com/"));
    let s = settings(&simulation).expect("real kiosk");
    let kiosk = s.bank.real().expect("configured");
    assert_eq!(kiosk.office_url, "https://office-server.simu.sips-services.com");
    assert!(!format!("{kiosk:?}").contains("KEY1"), "the secret never shows in Debug output");
    simulation.pop();
    simulation.push(("SIPS_OFFICE_URL", "office-server.simu.sips-services.com"));
    assert!(error_of(&simulation).contains("SIPS_OFFICE_URL is not an http(s):// address"));
}

#[test]
fn a_real_kiosk_setting_left_empty_is_named() {
    for (i, (name, _)) in REAL.iter().enumerate() {
        let mut pairs = REAL.to_vec();
        pairs[i] = (name, " ");
        assert!(error_of(&pairs).contains(&format!("{name} is empty")), "{name}");
    }
}

#[test]
fn a_real_kiosk_lets_forms_reach_worldlines_hosts_unless_told_which() {
    let form_hosts = |settings: Settings| match settings.bank {
        Bank::Real(kiosk) => kiosk.form_hosts,
        Bank::Simulated(simulated) => simulated.at("127.0.0.1:3001".parse().expect("address")).form_hosts,
    };
    assert!(form_hosts(settings(&[]).expect("simulator")).is_empty());
    assert_eq!(form_hosts(settings(&REAL).expect("real")), ["https://*.sips-services.com"]);
    let mut pairs = REAL.to_vec();
    pairs.push(("SIPS_FORM_HOSTS", "https://pay.bank.example, https://*.pay.bank.example"));
    assert_eq!(form_hosts(settings(&pairs).expect("told")), ["https://pay.bank.example", "https://*.pay.bank.example"]);
    for wrong in ["http://pay.bank.example", "https://a;script-src *", "'unsafe-inline'", "https://"] {
        pairs.pop();
        pairs.push(("SIPS_FORM_HOSTS", wrong));
        assert!(error_of(&pairs).contains("is not an https:// origin"), "{wrong}");
    }
}

#[test]
fn the_shutdown_grace_is_zero_to_sixty_seconds() {
    assert_eq!(settings(&[]).expect("defaults").shutdown_grace, Duration::ZERO);
    assert_eq!(settings(&[("SHUTDOWN_GRACE_SECONDS", "60")]).expect("60").shutdown_grace, Duration::from_secs(60));
    assert!(error_of(&[("SHUTDOWN_GRACE_SECONDS", "61")]).contains("between 0 and 60"));
    assert!(error_of(&[("SHUTDOWN_GRACE_SECONDS", "-1")]).contains("between 0 and 60"));
}

const REAL: [(&str, &str); 5] = [
    ("SIPS_PAYPAGE_URL", "https://payment-webinit.sips-services.com/paymentInit"),
    ("SIPS_MERCHANT_ID", "211000021310001"),
    ("SIPS_KEY_VERSION", "3"),
    ("SIPS_SECRET_KEY", "the caisse's own key"),
    ("SIPS_OFFICE_URL", "https://office-server.sips-services.com"),
];

fn error_of(pairs: &[(&str, &str)]) -> String {
    format!("{:#}", settings(pairs).expect_err("refused"))
}

#[test]
fn a_public_site_refuses_the_simulator_and_the_public_test_merchant_unless_asked() {
    let public = ("PUBLIC_URL", "https://paiement.ameli.example");
    let direct = ("TRUSTED_PROXIES", "none");
    assert!(error_of(&[public]).contains("no bank is configured"));
    for (merchant, key) in sips::simulation::PUBLIC_TEST_MERCHANTS {
        let test_merchant = [public, direct, REAL[0], ("SIPS_MERCHANT_ID", merchant), REAL[2], REAL[3], REAL[4]];
        assert!(error_of(&test_merchant).contains("SIPS_MERCHANT_ID is Worldline's public test merchant"));
        let test_key = [public, direct, REAL[0], REAL[1], REAL[2], ("SIPS_SECRET_KEY", key), REAL[4]];
        assert!(error_of(&test_key).contains("SIPS_SECRET_KEY is Worldline's public test key"));
    }
    let production = settings(&[public, direct, REAL[0], REAL[1], REAL[2], REAL[3], REAL[4]]).expect("a real bank");
    assert!(!production.demo_data, "no demonstration data by default on a public site");
    let training = settings(&[public, direct, ("ALLOW_TEST_KIOSK", "true")]).expect("asked for");
    assert!(training.allow_test_kiosk && !training.demo_data);
    // The demonstration's published passwords: refused, naming the setting.
    let demonstration = error_of(&[public, direct, ("ALLOW_TEST_KIOSK", "true"), ("DEMO_DATA", "true")]);
    assert!(demonstration.contains("DEMO_DATA=true and PUBLIC_URL is https://"), "{demonstration}");
    let local = settings(&[]).expect("the demonstration");
    assert!(local.demo_data, "demonstration data by default over http");
}

#[test]
fn a_public_site_refuses_a_plain_http_bank_address() {
    let public = [("PUBLIC_URL", "https://paiement.ameli.example"), ("TRUSTED_PROXIES", "none")];
    for (index, name) in [(0, "SIPS_PAYPAGE_URL"), (4, "SIPS_OFFICE_URL")] {
        let mut pairs: Vec<(&str, &str)> = public.into_iter().chain(REAL).collect();
        pairs[public.len() + index] = (name, "http://office-server.sips-services.com");
        assert!(error_of(&pairs).starts_with(&format!("{name} is not https:// and PUBLIC_URL is")), "{name}");
        pairs.push(("ALLOW_TEST_KIOSK", "true"));
        assert!(error_of(&pairs).starts_with(&format!("{name} is not https://")), "{name}: even for training");
    }
    let local: Vec<(&str, &str)> = REAL.into_iter().chain([("SIPS_OFFICE_URL", "http://127.0.0.1:3001")]).collect();
    assert!(settings(&local).is_ok(), "over http (a local bank simulator) it is fine");
}

#[test]
fn a_public_site_says_whether_a_proxy_stands_before_it() {
    let training = [("PUBLIC_URL", "https://paiement.ameli.example"), ("ALLOW_TEST_KIOSK", "true")];
    assert!(error_of(&training).starts_with("TRUSTED_PROXIES is not set and PUBLIC_URL is https://"));
    let direct = settings(&[training[0], training[1], ("TRUSTED_PROXIES", "none")]).expect("no proxy");
    assert!(direct.trusted_proxies.is_empty());
    let proxied = settings(&[training[0], training[1], ("TRUSTED_PROXIES", "10.0.0.0/8")]).expect("a proxy");
    assert!(proxied.trusted_proxies.contains("10.1.2.3".parse().expect("ip")));
    assert!(settings(&[]).expect("over http").trusted_proxies.is_empty(), "not required over http");
}

#[test]
fn trusted_proxies_are_networks() {
    assert!(
        settings(&[("TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8")])
            .expect("networks")
            .trusted_proxies
            .contains("10.2.3.4".parse().expect("ip"))
    );
    assert!(error_of(&[("TRUSTED_PROXIES", "the proxy")]).starts_with("TRUSTED_PROXIES:"));
    assert!(settings(&[]).expect("none").trusted_proxies.is_empty());
}

#[test]
fn refuses_nonsense() {
    assert!(settings(&[("LEPTOS_SITE_ADDR", "nowhere")]).is_err());
    assert!(settings(&[("ELIGIBILITY_MIN_BALANCE", "200")]).is_err());
    assert!(settings(&[("ELIGIBILITY_MAX_BALANCE", "abc")]).is_err());
    assert!(settings(&[("SESSION_IDLE_MINUTES", "0")]).is_err());
    assert!(settings(&[("PROCESSING_INTERVAL_SECONDS", "86401")]).is_err());
    assert_eq!(settings(&[]).map(|s| s.processing_interval).ok(), Some(Duration::from_secs(60)));
    assert_eq!(settings(&[]).map(|s| s.session_idle).ok(), Some(Duration::from_secs(30 * 60)));
}
