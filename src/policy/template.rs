//! Policy variables (docs/semantics.md §4a): a policy string as text and
//! `${…}` variables, and its glob tokens once the variables are known.
//!
//! Under Version 2012-10-17 a `Resource`/`NotResource` entry or a condition
//! value may contain `${key}` (replaced by the request's value of `key`),
//! `${key, 'default'}` (the default when the key is absent) and the
//! constants `${*}`, `${?}`, `${$}` (a literal `*`, `?`, `$`) \[VARS\]. A
//! substituted value is literal text: its `*` and `?` are not wildcards
//! (as SIM; AWS does not say).

/// One glob token: a literal character, `*` (any run) or `?` (one
/// character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok {
    /// This character.
    Char(char),
    /// Any run of characters.
    Star,
    /// Exactly one character.
    One,
}

impl Tok {
    /// The tokens of plain text: `*` and `?` are wildcards when `glob`,
    /// literal otherwise.
    pub fn of_text(text: &str, glob: bool) -> impl Iterator<Item = Tok> + '_ {
        text.chars().map(move |c| match c {
            '*' if glob => Tok::Star,
            '?' if glob => Tok::One,
            c => Tok::Char(c),
        })
    }

    /// The token as glob text: `*`, `?` or the character (a literal `*`
    /// or `?` reads as a wildcard: for descriptions and service names,
    /// never for matching).
    pub fn as_glob_char(&self) -> char {
        match self {
            Tok::Char(c) => *c,
            Tok::Star => '*',
            Tok::One => '?',
        }
    }

    /// The tokens of a literal string (no wildcards).
    pub fn literal(text: &str) -> impl Iterator<Item = Tok> + '_ {
        text.chars().map(Tok::Char)
    }
}

/// One part of a policy string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text as written (its `*`/`?` are wildcards where the operator has
    /// them).
    Text(String),
    /// A constant variable: `${*}`, `${?}` or `${$}`, a literal character.
    Const(char),
    /// A variable: the request's value of `key`, else `default`.
    Var {
        /// The key as written.
        key: String,
        /// The default, when written (`${key, 'default'}`).
        default: Option<String>,
    },
}

/// A policy string split into text and variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// The parts in order.
    pub parts: Vec<Part>,
}

/// A key's value as a variable sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The key is absent.
    Absent,
    /// One value.
    Value(&'a str),
    /// A multivalued key: AWS allows only single-valued keys as variables
    /// \[VARS\]; the substitution is undefined.
    Set,
}

/// What a template stands for in one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instance {
    /// The glob tokens after substitution.
    Tokens(Vec<Tok>),
    /// A variable's key is absent and has no default: the entry matches
    /// nothing \[VARS\].
    Nothing,
    /// A variable's key has a set of values (the key named).
    Undefined(String),
}

impl Template {
    /// Splits `text` into parts.
    ///
    /// # Errors
    /// A message for `${` without a closing `}`, an empty `${}`, a name
    /// with spaces or another `$`/`{`, or a malformed default (AACHK).
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            let (before, after) = rest.split_at(at);
            push_text(&mut parts, before);
            let body = after.get(2..).unwrap_or_default();
            let (part, tail) = variable(body)?;
            parts.push(part);
            rest = tail;
        }
        push_text(&mut parts, rest);
        Ok(Template { parts })
    }

    /// Whether `text` contains a variable at all (the test the rest of the
    /// crate uses before parsing).
    pub fn mentions_variable(text: &str) -> bool {
        text.contains("${")
    }

    /// Whether no part depends on the request (only text and constants).
    pub fn is_constant(&self) -> bool {
        self.parts.iter().all(|p| !matches!(p, Part::Var { .. }))
    }

    /// The keys of its variables, as written, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// The tokens once `lookup` gives each variable's value; `glob`: the
    /// text's `*`/`?` are wildcards.
    ///
    /// A variable whose key is absent without a default makes the whole
    /// string [`Instance::Nothing`], whatever the other variables are.
    pub fn instance<'a>(&self, glob: bool, lookup: impl Fn(&str) -> Lookup<'a>) -> Instance {
        let mut out = Vec::new();
        let mut undefined = None;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend(Tok::of_text(t, glob)),
                Part::Const(c) => out.push(Tok::Char(*c)),
                Part::Var { key, default } => match (lookup(key), default) {
                    (Lookup::Value(v), _) => out.extend(Tok::literal(v)),
                    (Lookup::Absent, Some(d)) => out.extend(Tok::literal(d)),
                    (Lookup::Absent, None) => return Instance::Nothing,
                    (Lookup::Set, _) => undefined = undefined.or_else(|| Some(key.clone())),
                },
            }
        }
        match undefined {
            Some(key) => Instance::Undefined(key),
            None => Instance::Tokens(out),
        }
    }

    /// The tokens with every variable widened to `*`: a superset of every
    /// instance (each substituted value is some string).
    pub fn widened(&self, glob: bool) -> Vec<Tok> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend(Tok::of_text(t, glob)),
                Part::Const(c) => out.push(Tok::Char(*c)),
                Part::Var { .. } => {
                    if out.last() != Some(&Tok::Star) {
                        out.push(Tok::Star);
                    }
                }
            }
        }
        out
    }
}

fn push_text(parts: &mut Vec<Part>, text: &str) {
    if !text.is_empty() {
        parts.push(Part::Text(text.to_string()));
    }
}

/// The variable whose body (after `${`) starts `body`, and the text after
/// its `}`.
fn variable(body: &str) -> Result<(Part, &str), String> {
    let Some(close) = body.find('}') else {
        return Err("`${` without a closing `}`".to_string());
    };
    let (inner, tail) = (body.get(..close).unwrap_or_default(), body.get(close + 1..));
    let tail = tail.unwrap_or_default();
    match inner {
        "*" => return Ok((Part::Const('*'), tail)),
        "?" => return Ok((Part::Const('?'), tail)),
        "$" => return Ok((Part::Const('$'), tail)),
        _ => {}
    }
    let (name, default) = match inner.split_once(',') {
        None => (inner, None),
        Some((name, rest)) => {
            let rest = rest.trim_start_matches(' ');
            let quoted = rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\''));
            match quoted {
                Some(d) if !d.contains('\'') => (name, Some(d.to_string())),
                _ => {
                    return Err(format!(
                        "`${{{inner}}}`: a default is written `${{key, 'default'}}`"
                    ))
                }
            }
        }
    };
    if name.is_empty() {
        return Err("`${}` names no key".to_string());
    }
    if name.contains(|c: char| c.is_whitespace() || c == '$' || c == '{') {
        return Err(format!("`${{{inner}}}`: a variable name has no spaces, `$` or `{{`"));
    }
    Ok((Part::Var { key: name.to_string(), default }, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(key: &str, default: Option<&str>) -> Part {
        Part::Var { key: key.to_string(), default: default.map(str::to_string) }
    }

    #[test]
    fn parses_text_variables_defaults_and_constants() {
        let t = Template::parse("arn:aws:s3:::b/${aws:username}/${*}x${aws:PrincipalTag/t, 'd v'}")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            t.parts,
            vec![
                Part::Text("arn:aws:s3:::b/".into()),
                var("aws:username", None),
                Part::Text("/".into()),
                Part::Const('*'),
                Part::Text("x".into()),
                var("aws:PrincipalTag/t", Some("d v")),
            ]
        );
        assert!(!t.is_constant());
        assert!(Template::parse("a${?}${$}").is_ok_and(|t| t.is_constant()));
        assert_eq!(Template::parse("$a{b}").map(|t| t.parts), Ok(vec![Part::Text("$a{b}".into())]));
    }

    #[test]
    fn rejects_malformed_variables() {
        for bad in ["${", "a${b", "${}", "${a b}", "${a, default}", "${a, 'd}", "${a${b}}"] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn instances_substitute_literally() {
        let t = Template::parse("a*${k}${*}").unwrap_or_else(|e| panic!("{e}"));
        let got = t.instance(true, |_| Lookup::Value("?"));
        assert_eq!(
            got,
            Instance::Tokens(vec![Tok::Char('a'), Tok::Star, Tok::Char('?'), Tok::Char('*')])
        );
        assert_eq!(t.instance(true, |_| Lookup::Absent), Instance::Nothing);
        assert_eq!(t.instance(true, |_| Lookup::Set), Instance::Undefined("k".into()));
        // An absent key without default wins over a set.
        let two = Template::parse("${a}${b}").unwrap_or_else(|e| panic!("{e}"));
        let lookup = |k: &str| if k == "a" { Lookup::Set } else { Lookup::Absent };
        assert_eq!(two.instance(true, lookup), Instance::Nothing);
        let d = Template::parse("${k, 'x'}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.instance(false, |_| Lookup::Absent), Instance::Tokens(vec![Tok::Char('x')]));
        assert_eq!(t.widened(true), vec![Tok::Char('a'), Tok::Star, Tok::Char('*')]);
        assert_eq!(
            t.widened(false),
            vec![Tok::Char('a'), Tok::Char('*'), Tok::Star, Tok::Char('*')]
        );
    }
}
