//! Public terminals (BMS): the idle countdown their pages carry (the rules:
//! `ssr::infra::terminal`).

pub use crate::api::terminal::is_terminal;
use leptos::prelude::*;

/// The idle countdown: shown by its script, which after 2 minutes without a
/// touch, a key or a scroll clears the screen and posts the page's sign-out
/// form (a person's or an agent's), or, on a page without one, reloads the
/// empty sign-in page; 30 seconds before, it says so to screen readers too.
/// Without JavaScript the server's shorter session (3 minutes) still ends it.
#[component]
pub fn IdleCountdown() -> impl IntoView {
    view! {
        <div class="idle" id="idle" hidden>
            <p class="idle__text">
                "Sans action de votre part, déconnexion automatique dans "
                <strong id="idle-left" role="timer">
                    "2:00"
                </strong>
            </p>
            <p class="idle__warning" id="idle-warning" role="status"></p>
        </div>
        <script nonce=leptos::nonce::use_nonce()>{IDLE_SCRIPT}</script>
    }
}

const IDLE_SCRIPT: &str = r#"(function(){
var LIMIT=120000,WARN=30000,box=document.getElementById('idle'),left=document.getElementById('idle-left'),
warning=document.getElementById('idle-warning'),last=Date.now(),warned=false,timer;
box.hidden=false;
function reset(){last=Date.now();if(warned){warned=false;warning.textContent='';}}
['pointerdown','keydown','input','wheel','touchstart'].forEach(function(e){document.addEventListener(e,reset,{capture:true,passive:true});});
function end(){clearInterval(timer);var out=document.querySelector('form[action$="deconnexion"]');
if(out){var f=document.createElement('form');f.method='post';f.action=out.action;document.body.replaceChildren(f);f.submit();}
else{document.body.replaceChildren();location.replace('/connexion');}}
function tick(){var rest=LIMIT-(Date.now()-last);if(rest<=0){end();return;}
var s=Math.ceil(rest/1000);left.textContent=Math.floor(s/60)+':'+('0'+s%60).slice(-2);
if(rest<=WARN&&!warned){warned=true;warning.textContent="Vous allez être déconnecté dans 30 secondes : touchez l'écran pour continuer.";}}
timer=setInterval(tick,1000);})();"#;
