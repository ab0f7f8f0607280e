//! The floor's server: `cargo leptos serve --release --split` in this folder
//! shows the page the measure is about.

#[tokio::main]
async fn main() -> std::io::Result<()> {
    use axum::Router;
    use floor::{App, shell};
    use leptos::prelude::*;
    use leptos_axum::{LeptosRoutes, generate_route_list};

    let options = get_configuration(None).map_err(std::io::Error::other)?.leptos_options;
    let address = options.site_addr;
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options);
    axum::serve(tokio::net::TcpListener::bind(address).await?, app.into_make_service()).await
}
