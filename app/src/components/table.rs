//! Data tables that read on a phone: from 40 rem wide down, each row becomes a
//! card and each cell shows its column's name beside its value. The table keeps
//! its semantics for screen readers whatever the layout (explicit roles, which
//! some browsers drop with a CSS `display` change), and the visible column name
//! of a cell is hidden from them, since they announce the column header.

use leptos::prelude::*;

/// A data table: `caption` names it (visible, or for screen readers only),
/// `columns` are its headers (a `num` column is right-aligned), `children` its
/// rows of [`Cell`]s.
#[component]
pub fn DataTable(
    /// The table's name.
    caption: String,
    /// Show the caption (otherwise it is for screen readers only).
    #[prop(optional)]
    visible_caption: bool,
    /// The column headers: (name, is a number).
    columns: Vec<(&'static str, bool)>,
    /// The rows.
    children: Children,
) -> impl IntoView {
    let caption_class = if visible_caption { "table-caption" } else { "visually-hidden" };
    view! {
        <table class="table table--stack" role="table">
            <caption class=caption_class>{caption}</caption>
            <thead role="rowgroup">
                <tr role="row">
                    {columns
                        .into_iter()
                        .map(|(name, num)| view! { <th scope="col" role="columnheader" class:num=num>{name}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody role="rowgroup">{children()}</tbody>
        </table>
    }
}

/// A row of a [`DataTable`].
#[component]
pub fn Row(children: Children) -> impl IntoView {
    view! { <tr role="row">{children()}</tr> }
}

/// A cell of a [`DataTable`], with its column's name for narrow screens.
#[component]
pub fn Cell(
    /// The column's name.
    label: &'static str,
    /// Extra classes (`num`, `mono`).
    #[prop(optional)]
    class: &'static str,
    /// The value.
    children: Children,
) -> impl IntoView {
    view! {
        <td role="cell" class=class>
            <span class="cell-label" aria-hidden="true">{label}</span>
            <span class="cell-value">{children()}</span>
        </td>
    }
}
