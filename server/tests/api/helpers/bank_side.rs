//! The bank's side for tests: its answers posted to the app, the simulator's
//! test card, the simulator in a process of its own.

use super::*;

impl TestApp {
    /// Posts a sealed answer to the automatic-response endpoint, as the bank does.
    pub async fn automatic(&self, fields: &[(String, String)]) -> Response {
        reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("client")
            .post(self.url("/paiement/reponse-automatique"))
            .form(fields)
            .send()
            .await
            .expect("POST automatic response")
    }

    /// Posts a sealed answer to the normal-return endpoint, as the browser does.
    pub async fn normal_return(&self, fields: &[(String, String)]) -> Response {
        self.client
            .post(self.url("/paiement/retour"))
            .header(ACCEPT, "text/html")
            .form(fields)
            .send()
            .await
            .expect("POST return")
    }
}

/// The card page's fields for the simulator's accepted test card, valid two more years.
pub fn accepted_card() -> Vec<(&'static str, String)> {
    let year = (jiff::Zoned::now().year() + 2).to_string();
    [("card_number", "4100 0000 0000 0000"), ("month", "12"), ("year", &year), ("cvv", "123"), ("action", "valider")]
        .map(|(name, value)| (name, value.to_owned()))
        .to_vec()
}

/// Pays at the kiosk simulator of `kiosk_url` with the accepted test card, as
/// a browser does: posts the app's `form`, fills the card page; returns the
/// result page (its hidden fields are the browser's return).
pub async fn pay_at_kiosk(kiosk_url: &str, form: &HashMap<String, String>) -> String {
    let card = Browser::new(kiosk_url.to_owned());
    let card_page = location(&card.client.post(card.url("/paiement")).form(form).send().await.expect("kiosk"));
    let done = card.client.post(card.url(&card_page)).form(&accepted_card()).send().await.expect("card");
    card.client.get(card.url(&location(&done))).send().await.expect("result").text().await.expect("html")
}

/// `server kiosk`: the simulator in its own process on `address`, with `env`.
pub struct KioskProcess(std::process::Child);

impl KioskProcess {
    pub async fn start(address: &str, env: &[(&str, &str)]) -> KioskProcess {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("kiosk")
            .env("KIOSK_ADDR", address)
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the kiosk starts");
        let mut kiosk = KioskProcess(child);
        if super::processes::answers(&format!("http://{address}/kiosque.css")).await {
            return kiosk;
        }
        kiosk.stop();
        panic!("the kiosk did not answer");
    }

    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for KioskProcess {
    fn drop(&mut self) {
        self.stop();
    }
}
