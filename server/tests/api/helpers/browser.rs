//! What a browser does against the app (pages, forms, sign-ins, the payment
//! steps) and how a test reads what comes back.

use super::*;

impl Browser {
    /// A browser with no cookies, pointed at `address`.
    pub fn new(address: String) -> Browser {
        Browser { origin: address.clone(), address, client: client() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A page, as a browser navigates to it.
    pub async fn get_page(&self, path: &str) -> Response {
        self.client.get(self.url(path)).header(ACCEPT, "text/html").send().await.expect("GET")
    }

    /// A page's HTML; panics unless it is a 200.
    pub async fn page_html(&self, path: &str) -> String {
        let response = self.get_page(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("body")
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header(ACCEPT, "text/html")
            .header("Origin", &self.origin)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in; returns the response to the sign-in form.
    pub async fn sign_in(&self, nir: &str, password: &str) -> Response {
        self.post_form(SIGN_IN, &[("nir", nir), ("password", password)]).await
    }

    /// Signs Pierre BELAGE in and checks it worked.
    pub async fn sign_in_as_pierre(&self) {
        let response = self.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_eq!(location(&response), "/accueil");
    }
}

impl Browser {
    /// Step 1: posts a reference as the boxes do (here, all in the first box).
    pub async fn find_reference(&self, reference: &str) -> Response {
        self.post_form(FIND_REFERENCE, &[("reference[]", reference)]).await
    }

    /// Step 2: «PAYER».
    pub async fn start_payment(&self, reference: &str, selected: &[&str], amount: &str) -> Response {
        let mut fields: Vec<(&str, &str)> = vec![("reference", reference)];
        fields.extend(selected.iter().map(|s| ("selected[]", *s)));
        fields.push(("amount", amount));
        self.post_form(START_PAYMENT, &fields).await
    }

    /// Starts a payment that must be accepted by the rules; returns its
    /// transaction reference.
    pub async fn pay(&self, reference: &str, selected: &[&str], amount: &str) -> String {
        let response = self.start_payment(reference, selected, amount).await;
        let to = location(&response);
        to.rsplit('/')
            .next()
            .filter(|r| r.starts_with("PCLCB"))
            .unwrap_or_else(|| panic!("not sent to the kiosk: {to}"))
            .to_owned()
    }

    /// The hidden fields of the page that sends the browser to the kiosk.
    pub async fn kiosk_form(&self, transaction_reference: &str) -> HashMap<String, String> {
        let html = self.page_html(&format!("/mes-paiements/payer-une-creance/paiement/{transaction_reference}")).await;
        hidden_fields(&html)
    }
}

/// The `name`/`value` pairs of the hidden inputs of a page.
pub fn hidden_fields(html: &str) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for input in html.split("<input").skip(1) {
        let tag = input.split('>').next().unwrap_or_default();
        if !tag.contains("type=\"hidden\"") {
            continue;
        }
        let attribute =
            |name: &str| tag.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(text_of);
        if let (Some(name), Some(value)) = (attribute("name"), attribute("value")) {
            fields.insert(name, value);
        }
    }
    fields
}

/// The `Location` of a redirect.
pub fn location(response: &Response) -> String {
    assert!(response.status().is_redirection(), "expected a redirect, got {}", response.status());
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The HTML with entities the renderer uses turned back into characters, and
/// without the markers it puts between adjacent text nodes.
pub fn text_of(html: &str) -> String {
    // The renderer's empty markers, as the server sends them (`valid_html`).
    html.replace("<!---->", "")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// The engine `app` runs on.
pub fn app_engine(app: &TestApp) -> Engine {
    match app.state.store.engine() {
        app::ssr::infra::db::Engine::Sqlite => Engine::Sqlite,
        app::ssr::infra::db::Engine::Postgres => Engine::Postgres,
    }
}

/// A well-formed NIR of nobody (sex 1, born January 1985, rank `i`).
pub fn unknown_nir(i: usize) -> String {
    format!("18501{i:08}")
}

/// Signs in as a script would (no HTML accepted), from `forwarded_for` when given.
pub async fn sign_in_call(browser: &Browser, nir: &str, password: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut request = browser.client.post(browser.url(SIGN_IN)).header("Origin", &browser.address);
    if let Some(address) = forwarded_for {
        request = request.header("X-Forwarded-For", address);
    }
    request.form(&[("nir", nir), ("password", password)]).send().await.expect("POST").status()
}

/// Runs the sign-ins all at once, each on its own task; their statuses.
pub async fn all_at_once(calls: Vec<(Browser, String, &'static str, Option<String>)>) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for (browser, nir, password, forwarded_for) in calls {
        tasks.spawn(async move { sign_in_call(&browser, &nir, password, forwarded_for.as_deref()).await });
    }
    tasks.join_all().await
}

/// How many answers had each status.
pub fn tally(statuses: impl IntoIterator<Item = StatusCode>) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    counts
}

/// A wrong password checked (422: the form refused, with its field's
/// message), throttled (429), or not checked because the queue was full (503).
pub const CHECKED: u16 = 422;
/// The right password checked: signed in.
pub const SIGNED_IN: u16 = 200;
pub const THROTTLED: u16 = 429;
pub const BUSY: u16 = 503;
