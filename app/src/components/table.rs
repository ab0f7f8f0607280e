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
pub fn DataTable<C: IntoView + 'static>(
    /// The table's name.
    caption: String,
    /// Show the caption (otherwise it is for screen readers only).
    #[prop(optional)]
    visible_caption: bool,
    /// The column headers: (name, is a number).
    columns: Vec<(&'static str, bool)>,
    /// The rows.
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
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
pub fn Row<C: IntoView + 'static>(children: TypedChildren<C>) -> impl IntoView {
    let children = children.into_inner();
    view! { <tr role="row">{children()}</tr> }
}

/// A cell of a [`DataTable`], with its column's name for narrow screens.
#[component]
pub fn Cell<C: IntoView + 'static>(
    /// The column's name.
    label: &'static str,
    /// Extra classes (`num`, `mono`).
    #[prop(optional)]
    class: &'static str,
    /// The value.
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    view! {
        <td role="cell" class=class>
            <span class="cell-label" aria-hidden="true">{label}</span>
            <span class="cell-value">{children()}</span>
        </td>
    }
}

/// The columns of a table of créances, as the seed names them: (name, is a
/// number).
pub const CREANCE_COLUMNS: [(&str, bool); 4] = [
    ("Références de courrier", false),
    ("Date d'émission du courrier", false),
    ("Montant initial dû", true),
    ("Montant restant dû", true),
];

/// The cells of a créance in a table of créances.
#[component]
pub fn CreanceCells(line: crate::domain::CreanceLine) -> impl IntoView {
    use crate::domain::CreanceLine;
    let [reference_column, issued_column, initial_column, restant_column] = CREANCE_COLUMNS.map(|(name, _)| name);
    let CreanceLine { reference, issued_on, initial, restant, .. } = line;
    let (reference, issued, initial, restant) =
        (reference.to_string(), issued_on.to_string(), initial.to_string(), restant.to_string());
    view! {
        <Cell label=reference_column class="mono">{reference}</Cell>
        <Cell label=issued_column>{issued}</Cell>
        <Cell label=initial_column class="num">{initial}</Cell>
        <Cell label=restant_column class="num">{restant}</Cell>
    }
}
