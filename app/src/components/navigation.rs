//! Moving between pages in the browser, as a person using a screen reader or
//! a keyboard needs it: while a page loads, a «Chargement…» bar; once it is
//! there, its title is announced, the focus moves to its first `autofocus`
//! element (a banner, an error summary) or else its `h1`, and the window is
//! back at the top. On the first page the browser has done all that itself
//! (the document loaded with its `autofocus`), so nothing moves.

use crate::components::form::FormAction;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use server_fn::ServerFn;

/// The navigation state the app shares with its pages.
#[derive(Debug, Clone, Copy)]
pub struct Navigation {
    /// A route is loading (its code or its data).
    routing: RwSignal<bool>,
    /// What the live region says: the title of the page arrived last.
    announcement: RwSignal<String>,
    /// What an action did, for the next page to say ([`leave_notice`]).
    notice: RwSignal<Option<Notice>>,
}

/// What an action did that the page it leads to says, once: the app's own
/// flash, kept in the browser. Without JavaScript the server keeps it
/// instead (a flash in the session), for the page it redirects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A message was deleted (said by «Ma messagerie»).
    MessageDeleted,
    /// An avis was issued (said by the back office's search), in these words.
    AvisIssued(String),
}

/// Leaves `notice` for the next page.
pub fn leave_notice(notice: Notice) {
    expect_context::<Navigation>().notice.set(Some(notice));
}

/// After each success of `action`, the page `next` makes of its answer (none
/// for an answer it cannot read): the app goes to that address and leaves
/// the notice for the page there to say. (Without JavaScript the server
/// redirects and keeps the notice itself.)
pub fn go_after<F>(action: FormAction<F>, next: impl Fn(Option<F::Output>) -> Option<(String, Notice)> + 'static)
where
    F: ServerFn + 'static,
    F::Output: DeserializeOwned,
{
    #[cfg(feature = "hydrate")]
    {
        let done = crate::components::form::successes(action);
        let navigate = leptos_router::hooks::use_navigate();
        Effect::watch(
            move || done.get(),
            move |_, _, _| {
                if let Some((path, notice)) = next(action.outcome()) {
                    leave_notice(notice);
                    navigate(&path, Default::default());
                }
            },
            false,
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (action, next);
}

/// The notice left for this page, if any: said here, and by no later page.
pub fn take_notice() -> Option<Notice> {
    let left = expect_context::<Navigation>().notice;
    let notice = left.get_untracked();
    if notice.is_some() {
        left.set(None);
    }
    notice
}

/// Provides the navigation state; the router reports its loading to the
/// signal returned.
pub fn provide_navigation() -> RwSignal<bool> {
    let navigation = Navigation {
        routing: RwSignal::new(false),
        announcement: RwSignal::new(String::new()),
        notice: RwSignal::new(None),
    };
    provide_context(navigation);
    navigation.routing
}

/// The loading bar and the live region that announces each new page.
#[component]
pub fn NavigationStatus() -> impl IntoView {
    let Navigation { routing, announcement, .. } = expect_context::<Navigation>();
    view! {
        // Its word only while a page loads (a page without styles shows nothing else).
        <div class="routing" class:routing--on=move || routing.get() aria-hidden="true">
            <span class="routing__text">{move || routing.get().then_some("Chargement…")}</span>
        </div>
        <p class="visually-hidden" aria-live="polite" aria-atomic="true" id="page-announcement">
            {move || announcement.get()}
        </p>
    }
}

/// Whether the app is live in the browser: false on the server, and in the
/// browser until the first page is hydrated. What only works with the app
/// (a print button, the idle countdown) shows once it is; a value that
/// changed during hydration would not reach the page.
#[derive(Debug, Clone, Copy)]
pub struct Live(RwSignal<bool>);

impl Live {
    /// Not live yet.
    pub fn new() -> Live {
        Live(RwSignal::new(false))
    }

    /// The first page is hydrated: the app is live, and the document says so
    /// (`data-hydrated` on `body`, which the end-to-end tests wait for).
    #[cfg(feature = "hydrate")]
    pub fn hydrated(self) {
        self.0.set(true);
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

/// Whether the app is live (see [`Live`]).
pub fn is_live() -> Signal<bool> {
    match use_context::<Live>() {
        Some(Live(live)) => live.into(),
        None => Signal::stored(false),
    }
}

/// Whether this part of the page is being hydrated (the first page), as
/// opposed to rendered in the browser after a navigation.
pub fn hydrating() -> bool {
    Owner::current_shared_context().is_some_and(|context| context.during_hydration())
}

/// Ends every page's content. After a navigation in the browser: announces
/// the page's title, moves the focus and scrolls to the top.
#[component]
pub fn PageArrived() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    if !hydrating()
        && let Some(navigation) = use_context::<Navigation>()
    {
        Effect::new(move || {
            // Once the page is drawn (a rebuild in place may come after this effect).
            request_animation_frame(move || arrival::arrive(navigation.announcement));
        });
    }
}

#[cfg(feature = "hydrate")]
mod arrival {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::HtmlElement;

    /// Announces the new page, focuses it and scrolls to the top.
    pub fn arrive(announcement: RwSignal<String>) {
        let document = document();
        announcement.set(document.title());
        // A focus move: the one place the app looks an element up in the document.
        let target = document
            .query_selector("main [autofocus]")
            .ok()
            .flatten()
            .or_else(|| document.query_selector("main h1").ok().flatten())
            .and_then(|element| element.dyn_into::<HtmlElement>().ok());
        if let Some(target) = target {
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            let _ = target.focus();
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// A page, hydrated in one go. The router holds each page as an `AnyView`,
/// which can also hydrate asynchronously (for content still to come from the
/// network); for that it keeps, for every element of the page, a second
/// hydration in `async` form, which in WebAssembly weighs about as much as the
/// page's own code. A page's data is in the document it hydrates (the
/// server waited for it), so nothing in a page waits: hydrating it at once
/// needs only the one form, and the other never reaches the browser.
///
/// What Leptos' public API lacks for this: a way to make an `AnyView` (or a
/// lazy route's view) without its asynchronous hydration. So this wrapper
/// implements tachys' view traits (`Render`, `AddAnyAttr`, `RenderHtml`),
/// each method handing over to the page, and leaves `hydrate_async` to the
/// trait's default, which hydrates at once. Every Leptos crate is pinned to
/// one version (`Cargo.toml`); an upgrade that changes these traits stops the
/// build here, one that changes what they write is caught by the tests below
/// (the page written as itself), and every page's hydration by the
/// end-to-end suite, which hydrates each of them through this wrapper.
pub struct Hydrated<T>(pub T);

impl<T: leptos::tachys::view::Render> leptos::tachys::view::Render for Hydrated<T> {
    type State = T::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<T: leptos::tachys::view::add_attr::AddAnyAttr> leptos::tachys::view::add_attr::AddAnyAttr for Hydrated<T> {
    type Output<A: leptos::tachys::html::attribute::Attribute> = T::Output<A>;

    fn add_any_attr<A: leptos::tachys::html::attribute::Attribute>(self, attr: A) -> Self::Output<A>
    where
        Self::Output<A>: leptos::tachys::view::RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

impl<T: leptos::tachys::view::RenderHtml> leptos::tachys::view::RenderHtml for Hydrated<T> {
    type AsyncOutput = Hydrated<T::AsyncOutput>;
    type Owned = Hydrated<T::Owned>;

    const MIN_LENGTH: usize = T::MIN_LENGTH;
    const EXISTS: bool = T::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    async fn resolve(self) -> Self::AsyncOutput {
        Hydrated(self.0.resolve().await)
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut leptos::tachys::view::Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<leptos::tachys::html::attribute::any_attribute::AnyAttribute>,
    ) {
        self.0.to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut leptos::tachys::ssr::StreamBuilder,
        position: &mut leptos::tachys::view::Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<leptos::tachys::html::attribute::any_attribute::AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(buf, position, escape, mark_branches, extra_attrs)
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &leptos::tachys::hydration::Cursor,
        position: &leptos::tachys::view::PositionState,
    ) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` is the trait's own: the synchronous hydration above.

    fn into_owned(self) -> Self::Owned {
        Hydrated(self.0.into_owned())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Hydrated;
    use leptos::prelude::*;
    use leptos::tachys::view::RenderHtml;

    fn page() -> impl IntoView {
        let count = RwSignal::new(2);
        view! {
            <main id="contenu">
                <h1>"Ma messagerie"</h1>
                <p class=move || (count.get() > 1).then_some("plural")>{move || count.get()} " messages"</p>
            </main>
        }
    }

    #[test]
    fn a_page_in_the_wrapper_is_written_as_the_page_itself() {
        let owner = Owner::new();
        owner.set();
        let itself = page().to_html();
        assert!(itself.contains("<h1>Ma messagerie</h1>"), "{itself}");
        assert_eq!(Hydrated(page()).to_html(), itself);
    }

    #[tokio::test]
    async fn a_page_in_the_wrapper_resolved_for_the_server_s_wait_is_written_as_the_page_itself() {
        let owner = Owner::new();
        owner.set();
        let itself = page().into_view().resolve().await.to_html();
        let wrapped = Hydrated(page()).resolve().await.to_html();
        assert_eq!(wrapped, itself);
    }
}
