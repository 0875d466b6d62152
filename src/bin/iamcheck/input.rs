//! Reading DOC arguments and the `--access` value.

use iamcheck::Access;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// A loaded document: its display name and text.
pub struct Doc {
    pub name: String,
    pub text: String,
}

/// Loads a DOC argument: `-` (stdin), `file://path`, inline JSON, or a path.
pub fn load(arg: &str, what: &str) -> Result<Doc, String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("{what}: cannot read standard input: {e}"))?;
        return Ok(Doc { name: "stdin".into(), text });
    }
    let trimmed = arg.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Ok(Doc { name: "inline".into(), text: arg.to_string() });
    }
    let path = arg.strip_prefix("file://").unwrap_or(arg);
    let bytes = std::fs::read(path).map_err(|e| format!("{what}: cannot read `{path}`: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!("{what}: `{path}` is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to())
    })?;
    Ok(Doc { name: path.to_string(), text })
}

/// A document as a SARIF artifact: its path relative to the repository
/// root (the nearest directory above the current one holding `.git`, else
/// the current directory), with `/` separators; `stdin` and `inline` as is.
pub fn artifact(doc: &Doc) -> iamcheck::report::sarif::Artifact {
    iamcheck::report::sarif::Artifact { uri: repository_uri(&doc.name), first_line: 1 }
}

pub fn repository_uri(name: &str) -> String {
    let path = Path::new(name);
    if name == "stdin" || name == "inline" {
        return name.to_string();
    }
    let Ok(cwd) = std::env::current_dir() else { return slashes(path) };
    let root = cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&cwd).to_path_buf();
    let absolute = normalize(&cwd.join(path));
    match absolute.strip_prefix(normalize(&root)) {
        Ok(relative) => slashes(relative),
        Err(_) => slashes(path),
    }
}

/// `a/./b/../c` as `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| match c {
            Component::RootDir => String::new(),
            c => c.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    parts.join("/").trim_start_matches("./").to_string()
}

/// Parses `--access`: AWS CLI JSON (a one-element list or the object) or
/// the shorthand `actions=a,b,resources=r`. Entries AWS rejects are errors;
/// where the list goes beyond Access Analyzer's `Access` shape, a warning
/// goes to standard error (docs/semantics.md §7).
pub fn access(arg: &str) -> Result<Access, String> {
    let (access, warnings) = access_with_warnings(arg)?;
    for w in warnings {
        crate::out::eprintln(&format!("warning: --access: {w}"));
    }
    Ok(access)
}

/// [`access`] with the warnings returned rather than printed.
pub fn access_with_warnings(arg: &str) -> Result<(Access, Vec<String>), String> {
    let access = access_unchecked(arg)?;
    let found = iamcheck::parse::check_access(&access);
    if !found.errors.is_empty() {
        // One line (the CLI prefixes `error: `), every error of the list.
        let errors: Vec<String> = found.errors.iter().map(|e| format!("--access: {e}")).collect();
        return Err(errors.join("; "));
    }
    Ok((access, found.warnings))
}

fn access_unchecked(arg: &str) -> Result<Access, String> {
    let trimmed = arg.trim();
    let access = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        access_json(trimmed)?
    } else {
        access_shorthand(trimmed)?
    };
    if access.actions.is_empty() && access.resources.is_empty() {
        return Err("--access must list at least one action or resource".into());
    }
    Ok(access)
}

fn access_json(text: &str) -> Result<Access, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("--access is not valid JSON: {e}"))?;
    let object = match value {
        serde_json::Value::Array(mut items) if items.len() == 1 => items.remove(0),
        serde_json::Value::Array(items) => {
            return Err(format!("--access takes exactly one access object, got {}", items.len()))
        }
        other => other,
    };
    let serde_json::Value::Object(map) = object else {
        return Err("--access must be an object with `actions` and/or `resources`".into());
    };
    let mut access = Access::default();
    for (k, v) in map {
        let list =
            strings(&v).ok_or_else(|| format!("--access `{k}` must be a list of strings"))?;
        match k.as_str() {
            "actions" => access.actions = list,
            "resources" => access.resources = list,
            other => {
                return Err(format!(
                    "--access has unknown field `{other}`: expected actions, resources"
                ))
            }
        }
    }
    Ok(access)
}

fn strings(v: &serde_json::Value) -> Option<Vec<String>> {
    match v {
        serde_json::Value::String(s) => Some(vec![s.clone()]),
        serde_json::Value::Array(items) => {
            items.iter().map(|i| i.as_str().map(str::to_string)).collect()
        }
        _ => None,
    }
}

fn access_shorthand(text: &str) -> Result<Access, String> {
    let mut access = Access::default();
    let mut current: Option<&mut Vec<String>> = None;
    for token in text.split(',').map(str::trim) {
        let value = if let Some(rest) = token.strip_prefix("actions=") {
            current = Some(&mut access.actions);
            rest
        } else if let Some(rest) = token.strip_prefix("resources=") {
            current = Some(&mut access.resources);
            rest
        } else {
            token
        };
        let value = value.trim_matches('"').trim_matches('\'');
        let Some(list) = current.as_deref_mut() else {
            return Err(format!(
                "--access shorthand must start with `actions=` or `resources=`, got `{text}`"
            ));
        };
        if value.is_empty() {
            return Err(format!("--access has an empty entry in `{text}`"));
        }
        list.push(value.to_string());
    }
    Ok(access)
}
