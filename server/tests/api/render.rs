//! Page renders under concurrency: nothing the process does elsewhere may
//! stall a page being rendered.

use crate::helpers::*;
use crate::on_both_engines;
use reqwest::StatusCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

on_both_engines! {
    async fn building_other_applications_never_stalls_a_page_being_rendered(app) {
        app.sign_in_as_pierre().await;
        let stalled_before = server::http_policy::stalled_renders();
        let done = Arc::new(AtomicBool::new(false));
        let mut readers = tokio::task::JoinSet::new();
        for _ in 0..4 {
            let (client, url, done) = (app.client.clone(), app.url("/accueil"), done.clone());
            readers.spawn(async move {
                let mut pages = 0;
                while !done.load(Ordering::Relaxed) {
                    let response =
                        client.get(&url).header("Accept", "text/html").send().await.expect("the page answers");
                    assert_eq!(response.status(), StatusCode::OK);
                    response.text().await.expect("the whole page");
                    pages += 1;
                }
                pages
            });
        }
        // Other applications start in the same process meanwhile, as several
        // instances or concurrent tests do.
        for _ in 0..6 {
            let other = spawn_app(Engine::Sqlite).await;
            other.cleanup().await;
        }
        done.store(true, Ordering::Relaxed);
        let mut pages = 0;
        while let Some(read) = readers.join_next().await {
            pages += read.expect("a reader");
        }
        assert!(pages > 0);
        assert_eq!(server::http_policy::stalled_renders(), stalled_before, "a page render stalled ({pages} pages read)");
    }
}
