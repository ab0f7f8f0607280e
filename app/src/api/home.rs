//! «Accueil», the insured person's home page.

use super::{AppError, HeaderView};
use crate::domain::CreanceLine;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What «Accueil» shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeView {
    /// The header.
    pub header: HeaderView,
    /// «PIERRE BELAGE».
    pub full_name: String,
    /// «Né le 25/02/1983» / «Née le 31/10/1990».
    pub born: String,
    /// «Dernière connexion le 11/09/2017 à 15:54»: the sign-in before this one.
    pub last_sign_in: Option<String>,
    /// «Caisse gestionnaire».
    pub caisse_name: String,
    /// Every créance, newest first.
    pub creances: Vec<CreanceLine>,
}

/// The home page's data, for the signed-in person.
#[server(prefix = "/api", endpoint = "page-accueil")]
pub async fn home_page() -> Result<HomeView, AppError> {
    use crate::ssr::context::{require_person, state, unexpected};
    use crate::ssr::{creances, persons, time};

    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let identity = persons::identity(&state.store, &person_id).await.map_err(unexpected)?;
    let creances = creances::list_for_person(&state.store, &person_id).await.map_err(unexpected)?;
    let born = if identity.female { "Née le" } else { "Né le" };
    Ok(HomeView {
        header: HeaderView { full_name: format!("{} {}", identity.first_name, identity.last_name) },
        full_name: format!("{} {}", identity.first_name, identity.last_name).to_uppercase(),
        born: format!("{born} {}", identity.birth_date),
        last_sign_in: session.previous_sign_in_at.map(|at| format!("Dernière connexion le {}", time::date_time_fr(at))),
        caisse_name: identity.caisse_name,
        creances,
    })
}
