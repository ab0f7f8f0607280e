//! The architecture, checked against the house `docs/architecture.md` draws:
//! its tables and list are the rules, read from the file, so that the drawing
//! and the code cannot part.
//!
//! - Crates (from `cargo metadata`): each depends only on the workspace crates
//!   its row allows, and only those marked SQL depend on sqlx.
//! - Modules of `app` (from the `crate::…` and `super::…` paths in its
//!   sources): each uses only the modules its row allows; inside `ssr`, each
//!   room uses only those listed before it, and every folder is listed.
//! - Modules of `server`: each has its row, and no two use each other,
//!   directly or through others (the start-up builds the router from the
//!   handlers, which do not reach back).
//! - No source file of a crate is over 400 lines.
//!
//! A rule broken fails here, with the offending crate or file named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The house as `docs/architecture.md` draws it: its tables and its list are
/// the rules this file holds the code to.
fn house() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/architecture.md");
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The lines of the section `## {heading}` of the house.
fn section(heading: &str) -> Vec<String> {
    let house = house();
    let title = format!("## {heading}");
    let lines: Vec<String> = house
        .lines()
        .skip_while(|line| *line != title)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .map(str::to_owned)
        .collect();
    assert!(!lines.is_empty(), "docs/architecture.md has a section «{title}»");
    lines
}

/// The names written in backticks in `text`, in order.
fn names(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The rows of the table of the section `heading` (after its header and
/// rule): each row's cells, trimmed.
fn table(heading: &str) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = section(heading)
        .iter()
        .filter(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| line.trim_matches('|').split('|').map(|cell| cell.trim().to_owned()).collect())
        .collect();
    assert!(!rows.is_empty(), "the section «{heading}» has a table");
    rows
}

/// Each row's name (its first cell) and the names its `column` allows
/// (`none`: no name).
fn rules(heading: &str, column: usize) -> Vec<(String, Vec<String>)> {
    table(heading)
        .into_iter()
        .map(|row| {
            let name = names(&row[0]).into_iter().next().unwrap_or_else(|| panic!("a name in {row:?}"));
            let allowed = names(&row[column]);
            assert!(!allowed.is_empty() || row[column] == "none", "«{}» allows names or none", row[column]);
            (name, allowed)
        })
        .collect()
}

/// The workspace crates each crate may depend on.
fn crate_rules() -> Vec<(String, Vec<String>)> {
    rules("Crates", 1)
}

/// The crates that may hold SQL (depend on sqlx).
fn sql_crates() -> BTreeSet<String> {
    table("Crates")
        .into_iter()
        .filter(|row| {
            assert!(row[2] == "yes" || row[2] == "no", "SQL is yes or no: {row:?}");
            row[2] == "yes"
        })
        .filter_map(|row| names(&row[0]).into_iter().next())
        .collect()
}

/// The app's top-level modules each module may use (besides itself and the
/// `domain` crate).
fn module_rules() -> Vec<(String, Vec<String>)> {
    rules("The app's modules", 1)
}

/// The folders of `ssr`, bottom first: each may use those before it.
fn ssr_order() -> Vec<String> {
    let order: Vec<String> = section("The rooms of ssr")
        .iter()
        .filter(|line| line.split_once(". ").is_some_and(|(n, _)| n.parse::<usize>().is_ok()))
        .filter_map(|line| names(line).into_iter().next())
        .collect();
    assert!(!order.is_empty(), "the rooms of ssr are listed");
    order
}

/// The workspace's packages, as `cargo metadata` describes them.
fn packages() -> Vec<serde_json::Value> {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    metadata["packages"].as_array().expect("packages").clone()
}

/// Each workspace crate's normal dependencies (not its tests'): the
/// workspace's own crates only (`workspace`), or all of them.
fn dependencies(workspace: bool) -> BTreeMap<String, BTreeSet<String>> {
    let packages = packages();
    let members: BTreeSet<String> = packages.iter().filter_map(|p| p["name"].as_str()).map(str::to_owned).collect();
    packages
        .iter()
        .map(|package| {
            let name = package["name"].as_str().expect("a name").to_owned();
            let uses = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|d| !workspace || members.contains(*d))
                .map(str::to_owned)
                .collect();
            (name, uses)
        })
        .collect()
}

#[test]
fn each_crate_depends_only_on_the_workspace_crates_its_rule_allows() {
    let dependencies = dependencies(true);
    let crate_rules = crate_rules();
    let ruled: BTreeSet<&str> = crate_rules.iter().map(|(name, _)| name.as_str()).collect();
    let members: BTreeSet<&str> = dependencies.keys().map(String::as_str).collect();
    assert_eq!(members, ruled, "every workspace crate has a rule");
    for (name, allowed) in &crate_rules {
        let broken: Vec<&String> = dependencies[name].iter().filter(|d| !allowed.contains(d)).collect();
        assert!(broken.is_empty(), "{name} depends on {broken:?}, outside its rule {allowed:?}");
    }
}

#[test]
fn only_the_crates_marked_sql_depend_on_the_database_driver() {
    let with_sql: BTreeSet<String> =
        dependencies(false).into_iter().filter(|(_, uses)| uses.contains("sqlx")).map(|(name, _)| name).collect();
    assert_eq!(with_sql, sql_crates(), "the crates that depend on sqlx");
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The most lines a source file of a crate (under its `src/`) may have: past
/// that, it holds more than one concern.
const MOST_LINES: usize = 400;

#[test]
fn no_source_file_of_the_workspace_is_over_400_lines() {
    let mut long = Vec::new();
    for package in packages() {
        let manifest = Path::new(package["manifest_path"].as_str().expect("a manifest path"));
        let src = manifest.parent().expect("the crate's folder").join("src");
        for file in sources(&src) {
            let lines = std::fs::read_to_string(&file).expect("a readable source").lines().count();
            if lines > MOST_LINES {
                long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "over {MOST_LINES} lines:\n{}", long.join("\n"));
}

/// The module path of a source file: `src/ssr/payments/start.rs` → `["ssr",
/// "payments", "start"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The paths a use tree names, relative to its root, and the text after it:
/// `a::{b, c::{self, d}}` names `a::b`, `a::c` and `a::c::d`; `self` and `*`
/// name the path they end; `x as y` names `x`. Whitespace (new lines
/// included) may stand between any two parts.
fn tree(text: &str) -> (Vec<Vec<String>>, &str) {
    let text = text.trim_start();
    if let Some(mut rest) = text.strip_prefix('{') {
        let mut paths = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('}') {
                return (paths, after);
            }
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
                continue;
            }
            let (more, after) = tree(rest);
            if more.is_empty() {
                return (paths, rest);
            }
            paths.extend(more);
            rest = after.trim_start();
            if let Some(alias) = rest.strip_prefix("as ") {
                let alias = alias.trim_start();
                rest = &alias[alias.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(alias.len())..];
            }
        }
    }
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '*')).unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    if word.is_empty() {
        return (Vec::new(), text);
    }
    if let Some(deeper) = rest.trim_start().strip_prefix("::") {
        let (paths, after) = tree(deeper);
        let paths = match paths.is_empty() {
            true => vec![vec![word.to_owned()]],
            false => paths.into_iter().map(|path| [vec![word.to_owned()], path].concat()).collect(),
        };
        return (paths, after);
    }
    let path = match word {
        "self" | "*" => Vec::new(),
        _ => vec![word.to_owned()],
    };
    (vec![path], rest)
}

/// The absolute module paths a file names, in their order: `crate::a::b` as
/// is, `super::x` from the file's own module (one level up for each `super`),
/// grouped imports (`crate::{a, b::{c, d}}`, over several lines) path by path.
/// Comment lines are left out.
fn paths_named(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut starts: Vec<usize> =
        code.match_indices("crate::").chain(code.match_indices("super::")).map(|(at, _)| at).collect();
    starts.sort_unstable();
    let mut named = Vec::new();
    for at in starts {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // part of a longer name, or a `super` after another
        }
        let (base, rest) = match code[at..].strip_prefix("crate::") {
            Some(rest) => (Vec::new(), rest),
            None => {
                // `super` of module `a::b` (`a/b.rs` or `a/b/mod.rs`) is `a`.
                let mut rest = &code[at..];
                let mut up = 0;
                while let Some(after) = rest.strip_prefix("super::") {
                    rest = after.trim_start();
                    up += 1;
                }
                (module[..module.len().saturating_sub(up)].to_vec(), rest)
            }
        };
        let (paths, _) = tree(rest);
        named.extend(paths.into_iter().map(|path| [base.clone(), path].concat()));
    }
    named
}

#[test]
fn each_app_module_uses_only_the_modules_its_layer_allows() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let module_rules = module_rules();
    let ssr_order = ssr_order();
    let mut broken = Vec::new();
    for file in sources(&src) {
        let module = module_of(&src, &file);
        let Some(top) = module.first().cloned() else { continue };
        let text = std::fs::read_to_string(&file).expect("a readable source");
        let Some((_, allowed)) = module_rules.iter().find(|(name, _)| *name == top) else {
            panic!("{} is in no row of «The app's modules» in docs/architecture.md", file.display());
        };
        for path in paths_named(&module, &text) {
            let Some(used) = path.first() else { continue };
            let is_module = module_rules.iter().any(|(name, _)| name == used);
            if is_module && *used != top && !allowed.contains(used) {
                broken.push(format!("{} uses {}", file.display(), path.join("::")));
            }
            if top == "ssr" && used == "ssr" && module.len() > 1 {
                let from = ssr_order.iter().position(|f| *f == module[1]);
                let to = path.get(1).and_then(|p| ssr_order.iter().position(|f| f == p));
                if let (Some(from), Some(to)) = (from, to)
                    && to > from
                {
                    broken.push(format!("{} (ssr::{}) uses {}", file.display(), module[1], path.join("::")));
                }
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn every_ssr_folder_has_its_place_in_the_ladder() {
    let ssr = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ssr");
    let mut found: Vec<String> = std::fs::read_dir(&ssr)
        .expect("src/ssr")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "mod.rs"))
        .map(|p| p.file_stem().expect("a name").to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut ordered = ssr_order();
    ordered.sort();
    assert_eq!(found, ordered);
}

#[test]
fn the_checker_sees_a_use_that_climbs_the_ladder() {
    let module = vec!["ssr".to_owned(), "infra".to_owned(), "context".to_owned()];
    let named = paths_named(&module, "use crate::ssr::payments::start;\nuse super::db::Store; let _ = crate::x;");
    assert_eq!(
        named,
        vec![
            vec!["ssr".to_owned(), "payments".to_owned(), "start".to_owned()],
            vec!["ssr".to_owned(), "infra".to_owned(), "db".to_owned(), "Store".to_owned()],
            vec!["x".to_owned()],
        ]
    );
}

#[test]
fn the_checker_sees_grouped_imports_over_several_lines_and_climbs_with_each_super() {
    let module: Vec<String> = ["ssr", "payments", "start"].map(str::to_owned).to_vec();
    let text = "use crate::{\n    codec::Json,\n    ssr::{self, infra::db::Store, agents::*},\n};\n\
                use super::super::agents::export;\nuse super::{answer as a, release};\n\
                // use crate::pages::Home; (a comment)\nuse crate::routes as r;";
    let path = |segments: &[&str]| segments.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        paths_named(&module, text),
        vec![
            path(&["codec", "Json"]),
            path(&["ssr"]),
            path(&["ssr", "infra", "db", "Store"]),
            path(&["ssr", "agents"]),
            path(&["ssr", "agents", "export"]),
            path(&["ssr", "payments", "answer"]),
            path(&["ssr", "payments", "release"]),
            path(&["routes"]),
        ]
    );
}

/// A cycle among `uses` (module → the modules it uses), if any, as the
/// modules along it.
fn cycle(uses: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            return Some([&path[at..], &[module.to_owned()]].concat());
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for used in uses.get(module).into_iter().flatten() {
            if let Some(found) = visit(used, uses, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    uses.keys().find_map(|module| visit(module, uses, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_server_modules_use_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(&src) {
        let module = module_of(&src, &file);
        let Some(top) = module.first().cloned() else { continue };
        let text = std::fs::read_to_string(&file).expect("a readable source");
        let used = paths_named(&module, &text).into_iter().filter_map(|path| path.first().cloned());
        uses.entry(top.clone()).or_default().extend(used.filter(|used| *used != top));
    }
    assert!(uses.len() > 10, "the server's modules are read: {uses:?}");
    let drawn: BTreeSet<String> =
        table("The server's modules").into_iter().filter_map(|row| names(&row[0]).into_iter().next()).collect();
    let found: BTreeSet<String> = uses.keys().cloned().collect();
    assert_eq!(found, drawn, "the server's modules, and the rows of «The server's modules» in docs/architecture.md");
    assert_eq!(cycle(&uses), None, "server modules in a loop");
}

#[test]
fn the_checker_finds_a_loop_through_other_modules() {
    let uses = |edges: &[(&str, &str)]| {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            map.entry((*from).to_owned()).or_default().insert((*to).to_owned());
        }
        map
    };
    let looped = uses(&[("access_log", "health"), ("health", "startup"), ("startup", "access_log")]);
    assert_eq!(cycle(&looped).map(|c| c.len()), Some(4), "{:?}", cycle(&looped));
    assert_eq!(cycle(&uses(&[("startup", "health"), ("access_log", "health"), ("startup", "access_log")])), None);
}
