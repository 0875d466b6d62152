//! Policy variables in the SMT-LIB export (docs/semantics.md §4a), where the
//! substitution can be stated exactly without quantifiers: a string with one
//! variable whose text on one side of it is literal. `A·u·B` with `A`
//! literal is `(str.prefixof (str.++ A u) s)` and the rest of `s` in `B`;
//! with `B` literal the mirror image. The variable's key must be a
//! single-valued string key; when it is absent, its default (literal) or
//! no match at all [VARS]. Everything else is refused (exit 3).

use super::keys::Key;
use super::strings::{and, Writer, ANY, ONE};
use crate::policy::template::{Part, Template, Tok};
use std::collections::BTreeMap;

/// The formula "`s` matches `text`" for a policy string with a variable;
/// `glob`: whether the text's `*`/`?` are wildcards; `keys`: the query's
/// keys by folded name (the variable's key among them).
pub(super) fn matches(
    w: &mut Writer,
    keys: &BTreeMap<String, Key>,
    s: &str,
    text: &str,
    glob: bool,
) -> String {
    let Ok(template) = Template::parse(text) else {
        w.refuse(format!("a malformed policy variable in {text:?}"));
        return "false".to_string();
    };
    let vars: Vec<(&String, &Option<String>)> = template
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Var { key, default } => Some((key, default)),
            _ => None,
        })
        .collect();
    let [(name, default)] = vars.as_slice() else {
        if vars.is_empty() {
            return tokens_match(w, s, &template.widened(glob));
        }
        w.refuse(format!("several policy variables in one value ({text:?}; not exported yet)"));
        return "false".to_string();
    };
    let Some(key) = keys.get(&name.to_ascii_lowercase()).filter(|k| k.is_plain_string()) else {
        w.refuse(format!(
            "the policy variable `${{{name}}}` names a key the export does not model as one string ({text:?})"
        ));
        return "false".to_string();
    };
    let at = template.parts.iter().position(|p| matches!(p, Part::Var { .. })).unwrap_or(0);
    let (head, tail) = template.parts.split_at(at);
    let before = Template { parts: head.to_vec() }.widened(glob);
    let after = Template { parts: tail.get(1..).unwrap_or_default().to_vec() }.widened(glob);
    let u = key.value();
    let present = match (literal(&before), literal(&after)) {
        (Some(a), _) => {
            let a = w.string(&a);
            let n = format!("(+ (str.len {a}) (str.len {u}))");
            let rest = format!("(str.substr {s} {n} (- (str.len {s}) {n}))");
            and(vec![format!("(str.prefixof (str.++ {a} {u}) {s})"), in_re(w, &rest, &after)])
        }
        (None, Some(b)) => {
            let b = w.string(&b);
            let n = format!("(+ (str.len {u}) (str.len {b}))");
            let rest = format!("(str.substr {s} 0 (- (str.len {s}) {n}))");
            and(vec![format!("(str.suffixof (str.++ {u} {b}) {s})"), in_re(w, &rest, &before)])
        }
        (None, None) => {
            w.refuse(format!(
                "a policy variable with wildcards on both sides ({text:?}; not exported yet)"
            ));
            return "false".to_string();
        }
    };
    let absent = match default {
        Some(d) => {
            let mut toks = before.clone();
            toks.extend(Tok::literal(d));
            toks.extend(after.iter().copied());
            tokens_match(w, s, &toks)
        }
        None => "false".to_string(),
    };
    format!("(ite {} {present} {absent})", key.present())
}

/// The text of literal tokens, `None` if one is a wildcard.
fn literal(toks: &[Tok]) -> Option<String> {
    toks.iter()
        .map(|t| match t {
            Tok::Char(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// `s` against glob tokens (`*` any run, `?` one character).
fn tokens_match(w: &mut Writer, s: &str, toks: &[Tok]) -> String {
    if !toks.is_empty() && toks.iter().all(|t| *t == Tok::Star) {
        return "true".to_string();
    }
    match literal(toks) {
        Some(text) => format!("(= {s} {})", w.string(&text)),
        None => in_re(w, s, toks),
    }
}

fn in_re(w: &mut Writer, s: &str, toks: &[Tok]) -> String {
    if !toks.is_empty() && toks.iter().all(|t| *t == Tok::Star) {
        return "true".to_string();
    }
    let re = super::strings::concat(w.token_parts(toks, ANY, ONE));
    format!("(str.in_re {s} {re})")
}

/// The index of the fifth `:` of `text` outside `${…}` (where an ARN
/// pattern's resource part starts), if any.
pub(super) fn fifth_colon(text: &str) -> Option<usize> {
    let mut depth = false;
    let mut seen = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes.get(i - 1) == Some(&b'$') => depth = true,
            b'}' => depth = false,
            b':' if !depth => {
                seen += 1;
                if seen == 5 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}
