//! «Déclaration d'accessibilité» (the RGAA 4.1 model), and «Plan du site».

use crate::api::accessibility::{AUDIT_DATE, CONFORMING, NOT_ACCESSIBLE, NOT_APPLICABLE, NOT_CONFORMING, STATUS, rate};
use crate::components::layout::{Footer, PlainHeader, SkipLink};
use crate::components::navigation::PageArrived;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;

/// The pages the audit checked.
const AUDITED: [&str; 12] = [
    "Connexion à mon compte",
    "Accueil",
    "Mes paiements",
    "Participations forfaitaires et franchises",
    "Payer une créance, étape 1 (la référence de l'avis)",
    "Payer une créance, étape 2 (les créances et le montant)",
    "Payer une créance, étape 3 (vers le paiement sécurisé de la banque)",
    "Ma messagerie",
    "Un message et sa suppression",
    "Mes démarches",
    "Les mêmes pages en mode borne (bornes publiques des caisses)",
    "Espace agents : connexion, paiements reçus, recherche, trop-perçus, émission d'un avis, journal, un paiement",
];

/// The items of a list, one per line (one function for every list of the
/// statement: its view code is built once).
fn items(lines: &'static [&'static str]) -> impl IntoView + use<> {
    lines.iter().map(|line| view! { <li>{*line}</li> }).collect_view()
}

/// The accessibility statement.
#[component]
pub fn StatementPage() -> impl IntoView {
    view! {
        <Information title="Déclaration d'accessibilité">
            <p>
                "L'Assurance Maladie s'engage à rendre ses services numériques accessibles, conformément à l'article 47 "
                "de la loi n° 2005-102 du 11 février 2005."
            </p>
            <p>"Cette déclaration d'accessibilité s'applique au service en ligne « Payer une créance » du compte ameli."</p>

            <h2>"État de conformité"</h2>
            <p>
                {format!(
                    "Le service « Payer une créance » est {STATUS} avec le référentiel général d'amélioration de \
                     l'accessibilité (RGAA), version 4.1."
                )}
            </p>

            <h2>"Résultats des tests"</h2>
            <p>
                {format!(
                    "L'audit de conformité réalisé le {AUDIT_DATE} par l'équipe du service révèle que {} % des critères \
                     du RGAA version 4.1 applicables au service sont respectés.",
                    rate()
                )}
            </p>
            <ul>
                <li>{format!("Critères conformes : {CONFORMING}")}</li>
                <li>{format!("Critères non conformes : {NOT_CONFORMING}")}</li>
                <li>{format!("Critères non applicables : {NOT_APPLICABLE}")}</li>
            </ul>

            <h2>"Contenus non accessibles"</h2>
            <div>
                <h3>"Non-conformités"</h3>
                <ul>{items(NOT_ACCESSIBLE)}</ul>
            </div>
            <h3>"Dérogations pour charge disproportionnée"</h3>
            <p>"Aucune."</p>
            <h3>"Contenus non soumis à l'obligation d'accessibilité"</h3>
            <p>
                "La page de paiement par carte est celle de la banque (Worldline Sips) : elle n'est ni développée ni "
                "financée par l'Assurance Maladie."
            </p>

            <h2>"Établissement de cette déclaration d'accessibilité"</h2>
            <p>{format!("Cette déclaration a été établie le {AUDIT_DATE}.")}</p>
            <h3>"Technologies utilisées pour la réalisation du service"</h3>
            <ul>
                <li>"HTML5"</li>
                <li>"CSS"</li>
                <li>"WAI-ARIA"</li>
                <li>"JavaScript et WebAssembly (le service fonctionne aussi sans eux)"</li>
            </ul>
            <h3>"Environnement de test"</h3>
            <p>
                "Chromium 156 (Debian 12), à 1280 et à 320 et 360 pixels de large et sur l'écran d'une borne (1080 × 1920), "
                "à la souris et au clavier seul, avec et sans JavaScript, le texte agrandi à 200 % et l'espacement du "
                "texte augmenté. Les noms, rôles et états des composants ont été vérifiés sur l'arbre d'accessibilité du "
                "navigateur ; leur restitution par un lecteur d'écran (NVDA, JAWS, VoiceOver) n'a pas encore été "
                "vérifiée : les critères qui la demandent (7.1 et 7.5) sont comptés non conformes."
            </p>
            <h3>"Outils pour évaluer l'accessibilité"</h3>
            <ul>
                <li>"axe-core 4.13 (règles WCAG 2.1 A et AA), à chaque test de bout en bout"</li>
                <li>"Validateur HTML du W3C (Nu Html Checker)"</li>
                <li>"Arbre d'accessibilité de Chromium"</li>
            </ul>
            <h3>"Pages du service ayant fait l'objet de la vérification de conformité"</h3>
            <ul>
                {items(&AUDITED)}
            </ul>

            <h2>"Retour d'information et contact"</h2>
            <p>
                "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez nous contacter pour être orienté "
                "vers une alternative accessible ou obtenir le contenu sous une autre forme :"
            </p>
            <ul>
                <li>"par la messagerie de votre compte ameli (« Ma messagerie », « Écrire un message ») ;"</li>
                <li>"par téléphone au 36 46 (service gratuit + prix appel)."</li>
            </ul>

            <h2>"Voies de recours"</h2>
            <p>
                "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité "
                "du service, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre part, "
                "vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits."
            </p>
            <p>"Plusieurs moyens sont à votre disposition :"</p>
            <ul>
                <li>"écrire un message au Défenseur des droits (formulaire sur le site defenseurdesdroits.fr) ;"</li>
                <li>"contacter le délégué du Défenseur des droits dans votre région ;"</li>
                <li>"envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."</li>
            </ul>
        </Information>
    }
}

/// The site map.
#[component]
pub fn SiteMapPage() -> impl IntoView {
    view! {
        <Information title="Plan du site">
            <ul class="site-map">
                <li><a href=routes::SIGN_IN>"Connexion à mon compte"</a></li>
                <li>
                    <a href=routes::HOME>"Accueil"</a>
                </li>
                <li>
                    <a href=routes::MY_PAYMENTS>"Mes paiements"</a>
                    <ul>
                        <li><a href=routes::OVERVIEW>"Participations forfaitaires et franchises"</a></li>
                        <li><a href=routes::PAY>"Payer une créance"</a></li>
                    </ul>
                </li>
                <li><a href=routes::MAILBOX>"Ma messagerie"</a></li>
                <li>
                    <a href=routes::DEMARCHES>"Mes démarches"</a>
                    <ul>
                        <li><a href=routes::PAY>"Payer une créance"</a></li>
                    </ul>
                </li>
                <li><a href=routes::ACCESSIBILITY>"Déclaration d'accessibilité"</a></li>
            </ul>
        </Information>
    }
}

/// A page anyone may read, without signing in: its title, its content.
#[component]
fn Information<C: IntoView + 'static>(title: &'static str, children: TypedChildren<C>) -> impl IntoView {
    let children = children.into_inner();
    view! {
        <Title text=format!("{title} – Mon compte ameli") />
        <SkipLink />
        <PlainHeader />
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>{title}</h1>
            {children()}
            <PageArrived />
        </main>
        <Footer />
    }
}
