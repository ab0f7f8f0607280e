//! The architecture, checked: which crate of the workspace may depend on which,
//! and which module of the app may use which. A new dependency that breaks a
//! rule fails here, with the offending crate or file named.
//!
//! Crates (from `cargo metadata`): `domain` and `sips` depend on no crate of the
//! workspace; `kiosk` on `sips` alone (it cannot reach the app's store or
//! services); `app` on `domain` and `sips`; `dataset` on `app`; `server` on
//! `app`, `sips`, `kiosk` and `dataset`; `bench` on `dataset` and `sips` (the
//! service itself only over HTTP). Only `app` and `dataset` depend on the
//! database driver: every query is the app's, the server is wiring.
//!
//! Modules of `app` (from the `crate::…` and `super::…` paths in its sources):
//! `codec` and `routes` use no other module, `error` only `codec`; the app
//! shell (`app`) composes pages, components and what the api provides; `ssr` uses neither `api`,
//! `components` nor `pages`; `api` uses neither `components` nor `pages`;
//! `components` do not use `pages`; nothing but `api` uses `ssr` from above it.
//! Inside `ssr`, the folders form a ladder (see `SSR_ORDER`): each uses only
//! those before it.
//!
//! Modules of `server`: no two use each other, directly or through others
//! (the start-up builds the router from the handlers, which do not reach
//! back).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace crates each crate may depend on.
const CRATE_RULES: [(&str, &[&str]); 7] = [
    ("domain", &[]),
    ("sips", &[]),
    ("kiosk", &["sips"]),
    ("app", &["domain", "sips"]),
    ("dataset", &["app"]),
    ("server", &["app", "sips", "kiosk", "dataset"]),
    ("bench", &["dataset", "sips"]),
];

/// The app's top-level modules each module may use (besides itself and the
/// `domain` crate).
const MODULE_RULES: [(&str, &[&str]); 8] = [
    ("codec", &[]),
    ("error", &["codec"]),
    ("routes", &[]),
    ("ssr", &["error", "routes"]),
    ("api", &["ssr", "error", "codec", "routes"]),
    ("components", &["api", "error", "routes"]),
    ("pages", &["components", "api", "error", "routes"]),
    ("app", &["pages", "components", "api", "routes"]),
];

/// The folders of `ssr`, bottom first: each may use those before it.
const SSR_ORDER: [&str; 9] =
    ["infra", "lifecycle", "sign_in", "insured", "messages", "payments", "processing", "agents", "demo"];

/// The crates that may hold SQL: the app (every query of the service, in
/// the room that owns it) and the benchmarks' dataset. The server is wiring:
/// its handlers call the app.
const SQL_CRATES: [&str; 2] = ["app", "dataset"];

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
    let ruled: BTreeSet<&str> = CRATE_RULES.iter().map(|(name, _)| *name).collect();
    let members: BTreeSet<&str> = dependencies.keys().map(String::as_str).collect();
    assert_eq!(members, ruled, "every workspace crate has a rule");
    for (name, allowed) in CRATE_RULES {
        let broken: Vec<&String> = dependencies[name].iter().filter(|d| !allowed.contains(&d.as_str())).collect();
        assert!(broken.is_empty(), "{name} depends on {broken:?}, outside its rule {allowed:?}");
    }
}

#[test]
fn only_the_app_and_the_dataset_depend_on_the_database_driver() {
    let with_sql: BTreeSet<String> =
        dependencies(false).into_iter().filter(|(_, uses)| uses.contains("sqlx")).map(|(name, _)| name).collect();
    let allowed: BTreeSet<String> = SQL_CRATES.iter().map(|name| (*name).to_owned()).collect();
    assert_eq!(with_sql, allowed, "the crates that depend on sqlx");
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
    let mut broken = Vec::new();
    for file in sources(&src) {
        let module = module_of(&src, &file);
        let Some(top) = module.first().cloned() else { continue };
        let text = std::fs::read_to_string(&file).expect("a readable source");
        let Some((_, allowed)) = MODULE_RULES.iter().find(|(name, _)| *name == top) else {
            panic!("{} is in no layer of MODULE_RULES", file.display());
        };
        for path in paths_named(&module, &text) {
            let Some(used) = path.first() else { continue };
            let is_module = MODULE_RULES.iter().any(|(name, _)| name == used);
            if is_module && *used != top && !allowed.contains(&used.as_str()) {
                broken.push(format!("{} uses {}", file.display(), path.join("::")));
            }
            if top == "ssr" && used == "ssr" && module.len() > 1 {
                let from = SSR_ORDER.iter().position(|f| *f == module[1]);
                let to = path.get(1).and_then(|p| SSR_ORDER.iter().position(|f| f == p));
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
    let mut ordered: Vec<String> = SSR_ORDER.iter().map(|s| (*s).to_owned()).collect();
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
