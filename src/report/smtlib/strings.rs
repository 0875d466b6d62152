//! Strings, patterns and the request universes as SMT-LIB terms.

use crate::policy::condition::Family;
use crate::policy::template::Tok;
use crate::policy::{BaseOperator, Element, Principal};

/// Any character but `:`.
/// (Ranges, not `re.diff`: cvc5 is far slower with complements.)
pub(super) const NOT_COLON: &str =
    r#"(re.union (re.range "\u{0}" "9") (re.range ";" "\u{2ffff}"))"#;
/// Any run within one ARN segment.
pub(super) const SEGMENT: &str =
    r#"(re.* (re.union (re.range "\u{0}" "9") (re.range ";" "\u{2ffff}")))"#;
/// Any run.
pub(super) const ANY: &str = "re.all";
/// One character.
pub(super) const ONE: &str = "re.allchar";
/// Any character but ASCII controls (U+0000–U+001F, U+007F).
pub(super) const NOT_CONTROL: &str =
    r#"(re.union (re.range "\u{20}" "\u{7e}") (re.range "\u{80}" "\u{2ffff}"))"#;
/// Any character but ASCII controls and `:`.
pub(super) const NOT_CONTROL_COLON: &str =
    r#"(re.union (re.range "\u{20}" "9") (re.range ";" "\u{7e}") (re.range "\u{80}" "\u{2ffff}"))"#;
/// The partitions a request ARN may name.
pub(super) use crate::iam::partition::PARTITIONS;
/// The resource ARN's segment variables: `resource` is
/// `arn:` r_partition `:` r_service `:` r_region `:` r_account `:` r_resource,
/// and the first of the six segments is always `arn`.
pub(super) const RESOURCE_SEGMENTS: [&str; 6] =
    [ARN, "r_partition", "r_service", "r_region", "r_account", "r_resource"];
/// The first segment of every resource, as an SMT-LIB string.
pub(super) const ARN: &str = "\"arn\"";
/// The highest code point of the SMT-LIB string alphabet.
pub(super) const MAX_CHAR: u32 = 0x2ffff;

/// A translated pattern: every value, no value, or a regex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Pat {
    All,
    Nothing,
    Re(String),
}

/// Builds the script, collecting what cannot be expressed.
#[derive(Debug, Default)]
pub(super) struct Writer {
    pub(super) unsupported: Vec<String>,
}

impl Writer {
    pub(super) fn refuse(&mut self, reason: String) {
        if !self.unsupported.contains(&reason) {
            self.unsupported.push(reason);
        }
    }

    /// An SMT-LIB string literal: `""` for a quote, `\u{…}` for `\`,
    /// controls and non-ASCII characters.
    pub(super) fn string(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\"\""),
                ' '..='~' if c != '\\' => out.push(c),
                c if (c as u32) <= MAX_CHAR => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => {
                    self.refuse(format!(
                        "the character U+{:X} is outside the SMT-LIB string alphabet (up to U+2FFFF)",
                        c as u32
                    ));
                    out.push('?');
                }
            }
        }
        out.push('"');
        out
    }

    pub(super) fn literal(&mut self, s: &str) -> String {
        format!("(str.to_re {})", self.string(s))
    }

    /// A glob: `*` is `star` (runs of `*` are one), `?` is `one`.
    pub(super) fn glob(&mut self, text: &str, star: &str, one: &str) -> String {
        let parts = self.glob_parts(text, star, one);
        concat(parts)
    }

    /// The parts of [`Writer::glob`], for concatenating with others.
    pub(super) fn glob_parts(&mut self, text: &str, star: &str, one: &str) -> Vec<String> {
        let toks: Vec<Tok> = Tok::of_text(text, true).collect();
        self.token_parts(&toks, star, one)
    }

    /// [`Writer::glob_parts`] over glob tokens (a policy string after its
    /// variables are substituted or widened: a literal `*` is a character).
    pub(super) fn token_parts(&mut self, toks: &[Tok], star: &str, one: &str) -> Vec<String> {
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut prev_star = false;
        for t in toks {
            match t {
                Tok::Star | Tok::One => {
                    if !buf.is_empty() {
                        parts.push(self.literal(&buf));
                        buf.clear();
                    }
                    if *t == Tok::One {
                        parts.push(one.to_string());
                    } else if !prev_star {
                        parts.push(star.to_string());
                    }
                }
                Tok::Char(c) => buf.push(*c),
            }
            prev_star = *t == Tok::Star;
        }
        if !buf.is_empty() || parts.is_empty() {
            parts.push(self.literal(&buf));
        }
        parts
    }

    /// `StringLike`: a plain glob.
    pub(super) fn string_like(&mut self, text: &str) -> Pat {
        if !text.is_empty() && text.chars().all(|c| c == '*') {
            return Pat::All;
        }
        Pat::Re(self.glob(text, ANY, ONE))
    }

    /// Equal ignoring ASCII case: each ASCII letter is a union of its cases.
    pub(super) fn literal_ignore_ascii_case(&mut self, text: &str) -> Pat {
        let mut parts = Vec::new();
        let mut buf = String::new();
        for c in text.chars() {
            if c.is_ascii_alphabetic() {
                if !buf.is_empty() {
                    parts.push(self.literal(&buf));
                    buf.clear();
                }
                parts.push(format!(
                    "(re.union (str.to_re \"{}\") (str.to_re \"{}\"))",
                    c.to_ascii_lowercase(),
                    c.to_ascii_uppercase()
                ));
            } else {
                buf.push(c);
            }
        }
        if !buf.is_empty() || parts.is_empty() {
            parts.push(self.literal(&buf));
        }
        Pat::Re(concat(parts))
    }

    /// An action pattern over lower-cased actions (`encode::glob::action`).
    pub(super) fn action(&mut self, text: &str) -> Pat {
        if text == "*" {
            return Pat::All;
        }
        // The engine keeps the wildcards of a pattern with a `:` on their
        // side of it; on the action universe (exactly one `:`) a plain glob
        // is equivalent, since the pattern's `:` must match the action's.
        Pat::Re(self.glob(&text.to_ascii_lowercase(), ANY, ONE))
    }

    /// An ARN pattern (`encode::glob::arn`).
    pub(super) fn arn(&mut self, text: &str) -> Pat {
        let segments: Vec<&str> = text.splitn(6, ':').collect();
        let Some((last, first)) = segments.split_last() else {
            return Pat::Nothing;
        };
        let mut parts = Vec::new();
        for seg in first {
            parts.extend(self.glob_parts(seg, SEGMENT, NOT_COLON));
            parts.push(r#"(str.to_re ":")"#.to_string());
        }
        if segments.len() == 6 {
            parts.extend(self.glob_parts(last, ANY, ONE));
            return Pat::Re(concat(parts));
        }
        let Some(stem) = last.strip_suffix('*') else {
            return Pat::Nothing;
        };
        let stem = stem.trim_end_matches('*');
        if !stem.is_empty() {
            parts.extend(self.glob_parts(stem, SEGMENT, NOT_COLON));
        }
        parts.push(SEGMENT.to_string());
        for _ in segments.len()..5 {
            parts.push(r#"(str.to_re ":")"#.to_string());
            parts.push(SEGMENT.to_string());
        }
        parts.push(r#"(str.to_re ":")"#.to_string());
        parts.push(ANY.to_string());
        Pat::Re(concat(parts))
    }

    /// A `Resource` entry (`encode::glob::resource`) as a formula over the
    /// resource's segment variables ([`RESOURCE_SEGMENTS`]). Equivalent to
    /// the engine's regex over the whole ARN: those segments contain no
    /// `:`, so a segment-bounded `*` is any run and `?` any character.
    pub(super) fn resource(&mut self, text: &str) -> String {
        if text == "*" {
            return "true".to_string();
        }
        let segments: Vec<&str> = text.splitn(6, ':').collect();
        let Some((last, first)) = segments.split_last() else {
            return "false".to_string();
        };
        let mut parts = Vec::new();
        for (seg, var) in first.iter().zip(RESOURCE_SEGMENTS) {
            parts.push(self.segment(var, seg, false));
        }
        let Some(var) = RESOURCE_SEGMENTS.get(first.len()) else {
            return "false".to_string();
        };
        if segments.len() == 6 {
            parts.push(self.segment(var, last, false));
        } else if let Some(stem) = last.strip_suffix('*') {
            // The final `*` covers the rest of this segment and every later one.
            parts.push(self.segment(var, stem, true));
        } else {
            return "false".to_string();
        }
        and(parts)
    }

    /// One resource segment variable against a glob (`prefix`: followed by
    /// anything).
    pub(super) fn segment(&mut self, var: &str, glob: &str, prefix: bool) -> String {
        let text = if prefix { format!("{glob}*") } else { glob.to_string() };
        if text.chars().all(|c| c == '*') && !text.is_empty() {
            return "true".to_string();
        }
        if !text.contains(['*', '?']) {
            if var == ARN {
                return (text == "arn").to_string();
            }
            return format!("(= {var} {})", self.string(&text));
        }
        let re = self.glob(&text, ANY, ONE);
        format!("(str.in_re {var} {re})")
    }

    /// A principal entry (`encode::principal::principal`).
    pub(super) fn principal(&mut self, entry: &Principal) -> Pat {
        match entry {
            Principal::Everyone => Pat::All,
            Principal::Aws(v) => self.aws(v),
            Principal::Service(v) => self.prefixed("service:", v),
            Principal::Federated(v) => self.prefixed("federated:", v),
            Principal::CanonicalUser(v) => self.prefixed("canonical-user:", v),
        }
    }

    pub(super) fn prefixed(&mut self, prefix: &str, value: &str) -> Pat {
        if value == "*" {
            return Pat::Re(concat(vec![self.literal(prefix), ANY.to_string()]));
        }
        Pat::Re(self.literal(&format!("{prefix}{value}")))
    }

    /// Every principal of an account: `arn:PARTITION:(iam|sts)::ID:…`.
    pub(super) fn account(&mut self, partition: String, id: &str) -> Pat {
        Pat::Re(concat(vec![
            self.literal("arn:"),
            partition,
            self.literal(":"),
            r#"(re.union (str.to_re "iam") (str.to_re "sts"))"#.to_string(),
            self.literal(&format!("::{id}:")),
            ANY.to_string(),
        ]))
    }

    pub(super) fn aws(&mut self, value: &str) -> Pat {
        if is_account(value) {
            // The engine writes `[^:]+`; on the principal universe, whose
            // partitions are these, the two agree.
            return self.account(partitions(), value);
        }
        if let Some((partition, acct)) = root_arn(value) {
            let p = self.literal(partition);
            return self.account(p, acct);
        }
        if let Some((partition, acct, name)) = role_arn(value) {
            let prefix = format!("arn:{partition}:sts::{acct}:assumed-role/{name}/");
            return Pat::Re(concat(vec![self.literal(&prefix), ANY.to_string()]));
        }
        use crate::iam::caller::{parse, Caller};
        match parse(value) {
            // The user, and every federated user it federated (`encode::principal::aws`).
            Some(Caller::User { partition, account, .. }) => {
                let fed = format!("arn:{partition}:sts::{account}:federated-user/");
                let suffix = crate::encode::principal::federated_suffix(value);
                Pat::Re(union(vec![
                    self.literal(value),
                    concat(vec![self.literal(&fed), name(), self.literal(&suffix)]),
                ]))
            }
            // The federated user, whoever federated it.
            Some(Caller::FederatedUser { .. }) => {
                Pat::Re(concat(vec![self.literal(value), federator()]))
            }
            _ => Pat::Re(self.literal(value)),
        }
    }

    /// The principals a `NotPrincipal` element with `entries` exempts
    /// (`encode::principal::exempt`: those all of whose identities are listed).
    pub(super) fn exempt(&mut self, entries: &[Principal]) -> Pat {
        use crate::encode::principal::{exempt, Exempt};
        let mut pats = Vec::new();
        for e in exempt(entries) {
            pats.push(match e {
                Exempt::Everyone => return Pat::All,
                Exempt::Root { partition, account } => {
                    let p = match partition {
                        Some(p) => self.literal(&p),
                        None => partitions(),
                    };
                    Pat::Re(concat(vec![
                        self.literal("arn:"),
                        p,
                        self.literal(&format!(":iam::{account}:root")),
                    ]))
                }
                Exempt::Exact(s) => Pat::Re(self.literal(&s)),
                Exempt::Federated { arn, users } => {
                    let mut by: Vec<String> = users
                        .iter()
                        .map(|u| self.literal(&format!("{}{u}", crate::iam::caller::FEDERATOR)))
                        .collect();
                    by.push(r#"(str.to_re "")"#.to_string());
                    Pat::Re(concat(vec![self.literal(&arn), union(by)]))
                }
                Exempt::Prefix(prefix) => {
                    Pat::Re(concat(vec![self.literal(prefix), ANY.to_string()]))
                }
                Exempt::Session { partition, account, role, session } => Pat::Re(self.literal(
                    &format!("arn:{partition}:sts::{account}:assumed-role/{role}/{session}"),
                )),
            });
        }
        union_of(pats)
    }

    /// A condition value's pattern (`encode::keys::value_pattern`).
    pub(super) fn value(&mut self, base: BaseOperator, value: &str) -> Pat {
        match base.family() {
            Family::Arn => self.arn(value),
            Family::Bool
                if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") =>
            {
                self.literal_ignore_ascii_case(value)
            }
            Family::Bool => Pat::Nothing,
            _ => match base {
                BaseOperator::StringLike | BaseOperator::StringNotLike => self.string_like(value),
                BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase => {
                    self.literal_ignore_ascii_case(value)
                }
                _ => Pat::Re(self.literal(value)),
            },
        }
    }
}

use crate::iam::grammar::{is_account, role_arn, root_arn};

/// `re.++` of the parts, with adjacent literals merged (escaped literals
/// concatenate as text: their escapes never span the boundary).
pub(super) fn concat(parts: Vec<String>) -> String {
    const OPEN: &str = "(str.to_re \"";
    const CLOSE: &str = "\")";
    let mut merged: Vec<String> = Vec::with_capacity(parts.len());
    for part in parts {
        let body = part.strip_prefix(OPEN).and_then(|p| p.strip_suffix(CLOSE));
        if body == Some("") {
            continue;
        }
        let prev = merged.last_mut().filter(|p| p.starts_with(OPEN) && p.ends_with(CLOSE));
        match (prev, body) {
            (Some(prev), Some(body)) => {
                prev.truncate(prev.len() - CLOSE.len());
                prev.push_str(body);
                prev.push_str(CLOSE);
            }
            _ => merged.push(part),
        }
    }
    let parts = merged;
    match parts.len() {
        0 => r#"(str.to_re "")"#.to_string(),
        1 => parts.concat(),
        _ => format!("(re.++ {})", parts.join(" ")),
    }
}

pub(super) fn union(parts: Vec<String>) -> String {
    match parts.len() {
        0 => "re.none".to_string(),
        1 => parts.concat(),
        _ => format!("(re.union {})", parts.join(" ")),
    }
}

pub(super) fn dedup(parts: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    for p in parts {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

pub(super) fn or(parts: Vec<String>) -> String {
    junction("or", parts, "true", "false")
}

pub(super) fn and(parts: Vec<String>) -> String {
    junction("and", parts, "false", "true")
}

/// `(op parts…)`, simplified: an `absorbing` part decides it, `unit` parts
/// drop out, one part stands alone, none is `unit`.
fn junction(op: &str, parts: Vec<String>, absorbing: &str, unit: &str) -> String {
    if parts.iter().any(|p| p == absorbing) {
        return absorbing.to_string();
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| p != unit).collect();
    match parts.len() {
        0 => unit.to_string(),
        1 => parts.concat(),
        _ => format!("({op} {})", parts.join(" ")),
    }
}

pub(super) fn not(p: String) -> String {
    match p.as_str() {
        "true" => "false".to_string(),
        "false" => "true".to_string(),
        _ => format!("(not {p})"),
    }
}

/// The union of patterns: `All` if one is, `Nothing` if all are.
pub(super) fn union_of(pats: Vec<Pat>) -> Pat {
    let mut regexes = Vec::new();
    for p in pats {
        match p {
            Pat::All => return Pat::All,
            Pat::Nothing => {}
            Pat::Re(r) => {
                if !regexes.contains(&r) {
                    regexes.push(r);
                }
            }
        }
    }
    if regexes.is_empty() {
        Pat::Nothing
    } else {
        Pat::Re(union(regexes))
    }
}

pub(super) fn member(var: &str, pat: Pat) -> String {
    match pat {
        Pat::All => "true".to_string(),
        Pat::Nothing => "false".to_string(),
        Pat::Re(r) => format!("(str.in_re {var} {r})"),
    }
}

/// An element: some listed pattern matches, negated for `Not…`. The
/// patterns are one union, one membership (solvers handle that better
/// than a disjunction of memberships).
pub(super) fn element<T>(
    w: &mut Writer,
    var: &str,
    el: &Element<T>,
    mut pat: impl FnMut(&mut Writer, &T) -> Pat,
) -> String {
    let pats: Vec<Pat> = el.values.iter().map(|v| pat(w, v)).collect();
    let any = member(var, union_of(pats));
    if el.negated {
        not(any)
    } else {
        any
    }
}

/// The action universe (`encode::principal::ACTION_UNIVERSE`).
pub(super) fn action_universe() -> String {
    let lower_digit_dash = r#"(re.range "a" "z") (re.range "0" "9") (str.to_re "-")"#;
    format!(
        r#"(re.++ (re.+ (re.union {lower_digit_dash})) (str.to_re ":") (re.+ (re.union {lower_digit_dash} (str.to_re "_"))))"#
    )
}

pub(super) fn partitions() -> String {
    union(PARTITIONS.iter().map(|p| format!("(str.to_re \"{p}\")")).collect())
}

/// The resource universe (`encode::principal::resource_universe`),
/// split into segment variables.
pub(super) fn resource_universe() -> String {
    let mut out = String::from(
        "(assert (= resource (str.++ \"arn:\" r_partition \":\" r_service \":\" r_region \":\" r_account \":\" r_resource)))\n",
    );
    out.push_str(&format!("(assert (str.in_re r_partition {}))\n", partitions()));
    out.push_str("(assert (str.in_re r_service (re.+ (re.union (re.range \"a\" \"z\") (re.range \"0\" \"9\") (str.to_re \"-\")))))\n");
    out.push_str(&format!("(assert (str.in_re r_region (re.* {NOT_CONTROL_COLON})))\n"));
    out.push_str(&format!("(assert (str.in_re r_account (re.* {NOT_CONTROL_COLON})))\n"));
    out.push_str(&format!("(assert (str.in_re r_resource (re.+ {NOT_CONTROL})))\n"));
    out
}

/// IAM's name characters, one or more (`iam::grammar::NAME`).
/// The optional IAM user who federated, after a federated user's ARN
/// (`encode::principal::federator`).
pub(super) fn federator() -> String {
    let (name, sep) = (name(), crate::iam::caller::FEDERATOR);
    format!(r#"(re.opt (re.++ (str.to_re "{sep}") (re.* (re.++ {name} (str.to_re "/"))) {name}))"#)
}

pub(super) fn name() -> String {
    let punctuation: Vec<String> = crate::iam::grammar::NAME_PUNCTUATION
        .chars()
        .map(|c| format!("(str.to_re \"{c}\")"))
        .collect();
    format!(
        r#"(re.+ (re.union (re.range "a" "z") (re.range "A" "Z") (re.range "0" "9") {}))"#,
        punctuation.join(" ")
    )
}

/// An account id (`iam::grammar::ACCOUNT`).
pub(super) fn account() -> String {
    let n = crate::iam::grammar::ACCOUNT_DIGITS;
    format!(r#"((_ re.loop {n} {n}) (re.range "0" "9"))"#)
}

/// The principal universe (`encode::principal::principal_universe`).
pub(super) fn principal_universe() -> String {
    let (name, acct) = (name(), account());
    let free = format!("(re.+ {NOT_CONTROL})");
    let arn = |service: &str, acct_rest: String| {
        format!(
            r#"(re.++ (str.to_re "arn:") {} (str.to_re ":{service}::") {acct} {acct_rest})"#,
            partitions()
        )
    };
    union(vec![
        r#"(str.to_re "anonymous")"#.to_string(),
        arn("iam", r#"(str.to_re ":root")"#.to_string()),
        arn("iam", format!(r#"(str.to_re ":user/") {name} (re.* (re.++ (str.to_re "/") {name}))"#)),
        arn("sts", format!(r#"(str.to_re ":assumed-role/") {name} (str.to_re "/") {name}"#)),
        arn("sts", format!(r#"(str.to_re ":federated-user/") {name} {}"#, federator())),
        format!(r#"(re.++ (str.to_re "service:") {free})"#),
        format!(r#"(re.++ (str.to_re "federated:") {free})"#),
        format!(r#"(re.++ (str.to_re "canonical-user:") {free})"#),
    ])
}
