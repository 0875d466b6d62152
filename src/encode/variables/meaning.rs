//! What an opaque Boolean of a policy variable stands for, and how two
//! relate (docs/semantics.md §4a): a template's instance matches a site;
//! one template inside another implies it.

use crate::policy::condition::Family;
use crate::policy::template::{Part, Template, Tok};
use crate::policy::{BaseOperator, Condition};
use crate::unknown::{Construct, ConstructKind};

/// Adds the opaque Booleans of a `Resource`/`NotResource` element with
/// variables for statement `s`: one entry alone needs its meaning true; in
/// a `NotResource` element each entry with a variable needs its meaning
/// false (the element matches iff no entry does); any other element is
/// one construct of its own (`fallback`: its key and description).
pub(crate) fn gate_element(
    opaque: &mut crate::encode::opaque::OpaqueSet,
    el: &crate::policy::Element<String>,
    s: usize,
    fallback: impl Fn() -> (String, Construct),
) {
    let meanings: Option<Vec<(Meaning, &String)>> = el
        .values
        .iter()
        .filter(|v| Template::parse(v).is_ok_and(|t| !t.is_constant()))
        .map(|v| Meaning::of("resource", Mode::Arn, v, true).map(|m| (m, v)))
        .collect();
    let name = if el.negated { "NotResource" } else { "Resource" };
    match meanings {
        Some(ms) if el.negated || el.values.len() == 1 => {
            for (m, v) in ms {
                let what = Construct {
                    kind: ConstructKind::PolicyVariable,
                    description: format!("policy variables in `{name}` ({v})"),
                };
                opaque.add_meaning(m, s, !el.negated, what);
            }
        }
        _ => {
            let (key, what) = fallback();
            opaque.add(key, s, what);
        }
    }
}

/// Adds the opaque Boolean of a String/Arn condition entry with variables
/// (`key`, `what`: its construct's text and description) for statement
/// `s`. On a single-valued key, an unqualified entry without `IfExists`
/// whose values with variables are one alone (positive operators) or any
/// (negated ones) is its meanings: true, or all false. Anything else is a
/// construct of its own.
pub(crate) fn gate_condition(
    opaque: &mut crate::encode::opaque::OpaqueSet,
    c: &Condition,
    multi: bool,
    s: usize,
    (key, what): (String, Construct),
) {
    let base = c.operator.base;
    let mode = match base {
        BaseOperator::StringEquals
        | BaseOperator::StringNotEquals
        | BaseOperator::StringLike
        | BaseOperator::StringNotLike => Some(Mode::Str),
        BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
            Some(Mode::IgnoreCase)
        }
        b if b.family() == Family::Arn => Some(Mode::Arn),
        _ => None,
    };
    let glob = matches!(base, BaseOperator::StringLike | BaseOperator::StringNotLike)
        || base.family() == Family::Arn;
    let negated = base.is_negated();
    let plain = !multi && c.operator.qualifier.is_none() && !c.operator.if_exists;
    let templated: Vec<&String> =
        c.values.iter().filter(|v| Template::parse(v).is_ok_and(|t| !t.is_constant())).collect();
    let meanings: Option<Vec<Meaning>> = match mode {
        Some(mode) if plain && (negated || c.values.len() == 1) => {
            templated.iter().map(|v| Meaning::of(&c.key, mode, v, glob)).collect()
        }
        _ => None,
    };
    match meanings {
        Some(ms) if !ms.is_empty() => {
            for m in ms {
                opaque.add_meaning(m, s, !negated, what.clone());
            }
        }
        _ => opaque.add(key, s, what),
    }
}

/// How a [`Meaning`]'s instance is matched against its site's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// An ARN pattern (`Resource`/`NotResource`, `Arn…` operators): split at
    /// the first five colons, per segment.
    Arn,
    /// `StringEquals` (literal tokens) or `StringLike` (glob tokens): the
    /// value is in the tokens' language either way.
    Str,
    /// `StringEqualsIgnoreCase`.
    IgnoreCase,
}

/// What an opaque Boolean stands for: the instance of a template (its text
/// between variables as glob tokens, its variables by folded key and
/// default) matches the value at `site` (`resource`, or a condition key,
/// folded). Key names fold case [VARS, COND]; `StringLike` and
/// `StringEquals` over the same tokens are one meaning (the substituted
/// text is literal either way, §4a).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Meaning {
    site: String,
    mode: Mode,
    /// The tokens between variables: one more than `vars`.
    gaps: Vec<Vec<Tok>>,
    /// Each variable's key (folded) and default.
    vars: Vec<(String, Option<String>)>,
}

impl Meaning {
    /// The meaning of `text` at `site` (folded by this function), `None`
    /// for a string without a real variable or a malformed one.
    pub(crate) fn of(site: &str, mode: Mode, text: &str, glob: bool) -> Option<Meaning> {
        let t = Template::parse(text).ok().filter(|t| !t.is_constant())?;
        let mut gaps = vec![Vec::new()];
        let mut vars = Vec::new();
        for part in &t.parts {
            match part {
                Part::Text(s) => gaps.last_mut()?.extend(Tok::of_text(s, glob)),
                Part::Const(c) => gaps.last_mut()?.push(Tok::Char(*c)),
                Part::Var { key, default } => {
                    vars.push((key.to_ascii_lowercase(), default.clone()));
                    gaps.push(Vec::new());
                }
            }
        }
        Some(Meaning { site: site.to_ascii_lowercase(), mode, gaps, vars })
    }

    /// The canonical text: equal for equal meanings.
    pub(crate) fn key(&self) -> String {
        let mut out = format!("{} {:?} ", self.site, self.mode);
        for (k, gap) in self.gaps.iter().enumerate() {
            for t in gap {
                match t {
                    Tok::Star => out.push('*'),
                    Tok::One => out.push('?'),
                    Tok::Char(c @ ('*' | '?' | '$' | '\\')) => {
                        out.push('\\');
                        out.push(*c);
                    }
                    Tok::Char(c) => out.push(*c),
                }
            }
            if let Some((key, default)) = self.vars.get(k) {
                out.push_str(&format!("${{{key}|{default:?}}}"));
            }
        }
        out
    }

    /// Whether, in every request, `self` holds only if `other` does: the
    /// same site and matching, the same variables in the same order (a
    /// default on `self` only if `other` has the same), and each text
    /// between variables contained in `other`'s (sufficient: concatenation
    /// keeps containment whatever the variables' values are).
    pub(crate) fn implies(&self, other: &Meaning) -> bool {
        let same_vars = self.vars.len() == other.vars.len()
            && self
                .vars
                .iter()
                .zip(&other.vars)
                .all(|((k, d), (k2, d2))| k == k2 && (d.is_none() || d == d2));
        if self.site != other.site || self.mode != other.mode || !same_vars {
            return false;
        }
        match self.mode {
            Mode::IgnoreCase => self.gaps == other.gaps,
            Mode::Str => self.gaps.iter().zip(&other.gaps).all(|(a, b)| tokens_included(a, b)),
            Mode::Arn => {
                let (Some((a_head, a_rest)), Some((b_head, b_rest))) =
                    (arn_head(&self.gaps), arn_head(&other.gaps))
                else {
                    return false;
                };
                let heads = a_head.iter().zip(&b_head).all(|(a, b)| tokens_included(a, b));
                let rests = std::iter::once(&a_rest)
                    .chain(self.gaps.iter().skip(1))
                    .zip(std::iter::once(&b_rest).chain(other.gaps.iter().skip(1)))
                    .all(|(a, b)| tokens_included(a, b));
                heads && rests
            }
        }
    }
}

/// The first five segments of an ARN template's leading text and the rest
/// of that text, when its first five colons are all there (before any
/// variable): the instance's segments are then these, whatever the values.
fn arn_head(gaps: &[Vec<Tok>]) -> Option<(Vec<Vec<Tok>>, Vec<Tok>)> {
    let first = gaps.first()?;
    let mut parts = first.splitn(6, |t| *t == Tok::Char(':'));
    let head: Vec<Vec<Tok>> = parts.by_ref().take(5).map(<[Tok]>::to_vec).collect();
    let rest = parts.next()?.to_vec();
    (head.len() == 5).then_some((head, rest))
}

/// Whether every string the glob tokens `a` match, `b` matches
/// (sufficient test: `a`'s tokens map in order onto `b`'s, a `*` of `b`
/// taking any run of them, a `?` of `b` one character or `?`, a character
/// only itself).
pub(crate) fn tokens_included(a: &[Tok], b: &[Tok]) -> bool {
    // reach[i][j]: a[..i] maps onto b[..j].
    let (n, m) = (a.len(), b.len());
    let mut reach = vec![vec![false; m + 1]; n + 1];
    if let Some(slot) = reach.get_mut(0).and_then(|r| r.get_mut(0)) {
        *slot = true;
    }
    let at = |reach: &Vec<Vec<bool>>, i: usize, j: usize| {
        reach.get(i).and_then(|r| r.get(j)).copied().unwrap_or(false)
    };
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let bj = j.checked_sub(1).and_then(|j| b.get(j));
            let ai = i.checked_sub(1).and_then(|i| a.get(i));
            let ok = match bj {
                // `*` takes nothing more, or one more token of `a`.
                Some(Tok::Star) => at(&reach, i, j - 1) || (i > 0 && at(&reach, i - 1, j)),
                Some(Tok::One) => {
                    i > 0 && matches!(ai, Some(Tok::Char(_) | Tok::One)) && at(&reach, i - 1, j - 1)
                }
                Some(Tok::Char(c)) => {
                    i > 0 && ai == Some(&Tok::Char(*c)) && at(&reach, i - 1, j - 1)
                }
                None => false,
            };
            if let Some(slot) = reach.get_mut(i).and_then(|r| r.get_mut(j)) {
                *slot = ok;
            }
        }
    }
    at(&reach, n, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        Tok::of_text(text, true).collect()
    }

    /// Every string over `ab` up to `n` characters.
    fn strings(n: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..n {
            last = last.iter().flat_map(|s| ["a", "b"].map(|c| format!("{s}{c}"))).collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    #[test]
    fn token_inclusion_is_sound_on_small_globs() {
        let globs = ["", "a", "b", "?", "*", "a*", "*a", "?*", "*?", "a?b", "**", "a*b", "*a*"];
        let universe = strings(4);
        for a in globs {
            for b in globs {
                let (ta, tb) = (toks(a), toks(b));
                if tokens_included(&ta, &tb) {
                    for w in &universe {
                        let (in_a, in_b) = (
                            crate::simulate::glob::glob_tokens(&ta, w),
                            crate::simulate::glob::glob_tokens(&tb, w),
                        );
                        assert!(!in_a || in_b, "{a} ⊆ {b} claimed, but {w}");
                    }
                }
            }
        }
        assert!(tokens_included(&toks("/docs/*"), &toks("/*")));
        assert!(tokens_included(&toks("a?b"), &toks("a*")));
        assert!(!tokens_included(&toks("/*"), &toks("/docs/*")));
        // A variable is any string: `${u}` is in `?` for no instance but one-character ones.
        assert!(!tokens_included(&toks("*"), &toks("?")));
    }

    #[test]
    fn meanings_fold_names_and_relate_by_inclusion() {
        let m = |site: &str, mode: Mode, t: &str, glob: bool| {
            Meaning::of(site, mode, t, glob).unwrap_or_else(|| panic!("{t}"))
        };
        let arn = |t: &str| m("resource", Mode::Arn, t, true);
        let home = arn("arn:aws:s3:::b/${aws:username}/*");
        let docs = arn("arn:aws:s3:::b/${AWS:UserName}/docs/*");
        assert!(docs.implies(&home) && !home.implies(&docs));
        assert_eq!(arn("arn:aws:s3:::b/${AWS:UserName}/*").key(), home.key());
        // A default on the narrower side only where the wider has the same.
        let d = arn("arn:aws:s3:::b/${aws:username, 'x'}/docs/*");
        assert!(!d.implies(&home));
        assert!(docs.implies(&arn("arn:aws:s3:::b/${aws:username, 'x'}/*")));
        // Variables inside the first five segments: no relation.
        assert!(!arn("arn:aws:s3:${k}::b/x").implies(&arn("arn:aws:s3:${k}::b/*")));
        // StringEquals and StringLike without wildcards: one meaning.
        let eq = m("s3:prefix", Mode::Str, "home/${aws:username}/", false);
        let like = m("S3:Prefix", Mode::Str, "home/${aws:username}/", true);
        assert_eq!(eq.key(), like.key());
        // A literal `*` in StringEquals is no wildcard.
        let star = m("k", Mode::Str, "${u}*", false);
        assert!(!m("k", Mode::Str, "${u}x", false).implies(&star));
        assert!(star.implies(&m("k", Mode::Str, "${u}*", true)));
        // Another site or another key: unrelated.
        assert!(!docs.implies(&m("k", Mode::Arn, "arn:aws:s3:::b/${aws:username}/*", true)));
        assert!(!docs.implies(&arn("arn:aws:s3:::b/${aws:userid}/*")));
    }
}
