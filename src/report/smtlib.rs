//! SMT-LIB 2 export of the checks: a script in the theory of strings whose
//! satisfiability means the check FAILs, for cross-checking iamcheck with
//! SMT solvers (z3, cvc5) and for users who keep their own SMT scripts.
//!
//! The script encodes docs/semantics.md exactly as the engine does: the
//! same request universes (`encode::principal`), the same translation of
//! patterns (`encode::glob`, `encode::principal`) written as SMT-LIB
//! regular expressions, the same missing-key rules. Constructs the engine
//! treats as opaque (docs/semantics.md §6) and multivalued condition keys
//! are not exported: [`Unsupported`] names them.
//!
//! Alphabet: SMT-LIB strings are sequences of code points 0 to U+2FFFF; a
//! policy character above U+2FFFF cannot be written and is [`Unsupported`].

use crate::decide::{access_policy, Access};
use crate::encode::keys::MULTIVALUED;
use crate::policy::condition::Family;
use crate::policy::{BaseOperator, Condition, Effect, Element, Policy, PolicyType, Principal};
use std::collections::BTreeMap;
use std::fmt;

/// The policies use a construct this export cannot express exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    reasons: Vec<String>,
}

impl Unsupported {
    /// Each construct that prevents the export, described.
    pub fn reasons(&self) -> &[String] {
        &self.reasons
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the SMT-LIB export cannot express exactly: {}", self.reasons.join("; "))
    }
}

impl std::error::Error for Unsupported {}

/// check-no-new-access: the script is satisfiable iff `new` allows a
/// request that `existing` does not.
///
/// # Errors
/// [`Unsupported`] when a policy uses a construct the export cannot
/// express exactly.
pub fn no_new_access(
    existing: &Policy,
    new: &Policy,
    policy_type: PolicyType,
) -> Result<String, Unsupported> {
    let goal = Goal {
        check: "check-no-new-access",
        meaning: "some request is allowed by the new policy and not by the existing one",
        policies: [("new", new), ("existing", existing)],
        second_allows: false,
    };
    script(&goal, policy_type)
}

/// check-access-not-granted: the script is satisfiable iff `policy` allows
/// a request within `access` (empty lists mean "any").
///
/// # Errors
/// [`Unsupported`] when the policy uses a construct the export cannot
/// express exactly.
pub fn access_not_granted(
    policy: &Policy,
    access: &Access,
    policy_type: PolicyType,
) -> Result<String, Unsupported> {
    let target = access_policy(access, policy_type);
    let goal = Goal {
        check: "check-access-not-granted",
        meaning: "the policy allows some request within the listed access",
        policies: [("policy", policy), ("access", &target)],
        second_allows: true,
    };
    script(&goal, policy_type)
}

/// Two policies and the goal over them: the first allows, the second
/// allows (`second_allows`) or not.
struct Goal<'a> {
    check: &'static str,
    meaning: &'static str,
    policies: [(&'static str, &'a Policy); 2],
    second_allows: bool,
}

/// Any character but `:`.
/// (Ranges, not `re.diff`: cvc5 is far slower with complements.)
const NOT_COLON: &str = r#"(re.union (re.range "\u{0}" "9") (re.range ";" "\u{2ffff}"))"#;
/// Any run within one ARN segment.
const SEGMENT: &str = r#"(re.* (re.union (re.range "\u{0}" "9") (re.range ";" "\u{2ffff}")))"#;
/// Any run.
const ANY: &str = "re.all";
/// One character.
const ONE: &str = "re.allchar";
/// Any character but ASCII controls (U+0000–U+001F, U+007F).
const NOT_CONTROL: &str =
    r#"(re.union (re.range "\u{20}" "\u{7e}") (re.range "\u{80}" "\u{2ffff}"))"#;
/// Any character but ASCII controls and `:`.
const NOT_CONTROL_COLON: &str =
    r#"(re.union (re.range "\u{20}" "9") (re.range ";" "\u{7e}") (re.range "\u{80}" "\u{2ffff}"))"#;
/// The partitions a request ARN may name (`encode::principal::PARTITIONS`).
const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];
/// The resource ARN's segment variables: `resource` is
/// `arn:` r_partition `:` r_service `:` r_region `:` r_account `:` r_resource,
/// and the first of the six segments is always `arn`.
const RESOURCE_SEGMENTS: [&str; 6] =
    [ARN, "r_partition", "r_service", "r_region", "r_account", "r_resource"];
/// The first segment of every resource, as an SMT-LIB string.
const ARN: &str = "\"arn\"";
/// The highest code point of the SMT-LIB string alphabet.
const MAX_CHAR: u32 = 0x2ffff;

/// A translated pattern: every value, no value, or a regex.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pat {
    All,
    Nothing,
    Re(String),
}

/// Builds the script, collecting what cannot be expressed.
#[derive(Debug, Default)]
struct Writer {
    unsupported: Vec<String>,
}

impl Writer {
    fn refuse(&mut self, reason: String) {
        if !self.unsupported.contains(&reason) {
            self.unsupported.push(reason);
        }
    }

    /// An SMT-LIB string literal: `""` for a quote, `\u{…}` for `\`,
    /// controls and non-ASCII characters.
    fn string(&mut self, s: &str) -> String {
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

    fn literal(&mut self, s: &str) -> String {
        format!("(str.to_re {})", self.string(s))
    }

    /// A glob: `*` is `star` (runs of `*` are one), `?` is `one`.
    fn glob(&mut self, text: &str, star: &str, one: &str) -> String {
        let parts = self.glob_parts(text, star, one);
        concat(parts)
    }

    /// The parts of [`Writer::glob`], for concatenating with others.
    fn glob_parts(&mut self, text: &str, star: &str, one: &str) -> Vec<String> {
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut prev_star = false;
        for c in text.chars() {
            match c {
                '*' | '?' => {
                    if !buf.is_empty() {
                        parts.push(self.literal(&buf));
                        buf.clear();
                    }
                    if c == '?' {
                        parts.push(one.to_string());
                    } else if !prev_star {
                        parts.push(star.to_string());
                    }
                }
                c => buf.push(c),
            }
            prev_star = c == '*';
        }
        if !buf.is_empty() || parts.is_empty() {
            parts.push(self.literal(&buf));
        }
        parts
    }

    /// `StringLike`: a plain glob.
    fn string_like(&mut self, text: &str) -> Pat {
        if !text.is_empty() && text.chars().all(|c| c == '*') {
            return Pat::All;
        }
        Pat::Re(self.glob(text, ANY, ONE))
    }

    /// Equal ignoring ASCII case: each ASCII letter is a union of its cases.
    fn literal_ignore_ascii_case(&mut self, text: &str) -> Pat {
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
    fn action(&mut self, text: &str) -> Pat {
        if text == "*" {
            return Pat::All;
        }
        // The engine keeps the wildcards of a pattern with a `:` on their
        // side of it; on the action universe (exactly one `:`) a plain glob
        // is equivalent, since the pattern's `:` must match the action's.
        Pat::Re(self.glob(&text.to_ascii_lowercase(), ANY, ONE))
    }

    /// An ARN pattern (`encode::glob::arn`).
    fn arn(&mut self, text: &str) -> Pat {
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
    fn resource(&mut self, text: &str) -> String {
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
    fn segment(&mut self, var: &str, glob: &str, prefix: bool) -> String {
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
    fn principal(&mut self, entry: &Principal) -> Pat {
        match entry {
            Principal::Everyone => Pat::All,
            Principal::Aws(v) => self.aws(v),
            Principal::Service(v) => self.prefixed("service:", v),
            Principal::Federated(v) => self.prefixed("federated:", v),
            Principal::CanonicalUser(v) => self.prefixed("canonical-user:", v),
        }
    }

    fn prefixed(&mut self, prefix: &str, value: &str) -> Pat {
        if value == "*" {
            return Pat::Re(concat(vec![self.literal(prefix), ANY.to_string()]));
        }
        Pat::Re(self.literal(&format!("{prefix}{value}")))
    }

    /// Every principal of an account: `arn:PARTITION:(iam|sts)::ID:…`.
    fn account(&mut self, partition: String, id: &str) -> Pat {
        Pat::Re(concat(vec![
            self.literal("arn:"),
            partition,
            self.literal(":"),
            r#"(re.union (str.to_re "iam") (str.to_re "sts"))"#.to_string(),
            self.literal(&format!("::{id}:")),
            ANY.to_string(),
        ]))
    }

    fn aws(&mut self, value: &str) -> Pat {
        if is_account_id(value) {
            // The engine writes `[^:]+`; on the principal universe, whose
            // partitions are these, the two agree.
            return self.account(partitions(), value);
        }
        let parts: Vec<&str> = value.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, "iam", "", acct, "root"] if is_account_id(acct) => {
                let p = self.literal(partition);
                self.account(p, acct)
            }
            ["arn", partition, "iam", "", acct, rest] if rest.starts_with("role/") => {
                let name = rest.rsplit('/').next().unwrap_or_default();
                let prefix = format!("arn:{partition}:sts::{acct}:assumed-role/{name}/");
                Pat::Re(concat(vec![self.literal(&prefix), ANY.to_string()]))
            }
            _ => Pat::Re(self.literal(value)),
        }
    }

    /// A condition value's pattern (`encode::keys::value_pattern`).
    fn value(&mut self, base: BaseOperator, value: &str) -> Pat {
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

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `re.++` of the parts, with adjacent literals merged (escaped literals
/// concatenate as text: their escapes never span the boundary).
fn concat(parts: Vec<String>) -> String {
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

fn union(parts: Vec<String>) -> String {
    match parts.len() {
        0 => "re.none".to_string(),
        1 => parts.concat(),
        _ => format!("(re.union {})", parts.join(" ")),
    }
}

fn dedup(parts: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    for p in parts {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn or(parts: Vec<String>) -> String {
    if parts.iter().any(|p| p == "true") {
        return "true".to_string();
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| p != "false").collect();
    match parts.len() {
        0 => "false".to_string(),
        1 => parts.concat(),
        _ => format!("(or {})", parts.join(" ")),
    }
}

fn and(parts: Vec<String>) -> String {
    if parts.iter().any(|p| p == "false") {
        return "false".to_string();
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| p != "true").collect();
    match parts.len() {
        0 => "true".to_string(),
        1 => parts.concat(),
        _ => format!("(and {})", parts.join(" ")),
    }
}

fn not(p: String) -> String {
    match p.as_str() {
        "true" => "false".to_string(),
        "false" => "true".to_string(),
        _ => format!("(not {p})"),
    }
}

/// The union of patterns: `All` if one is, `Nothing` if all are.
fn union_of(pats: Vec<Pat>) -> Pat {
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

fn member(var: &str, pat: Pat) -> String {
    match pat {
        Pat::All => "true".to_string(),
        Pat::Nothing => "false".to_string(),
        Pat::Re(r) => format!("(str.in_re {var} {r})"),
    }
}

/// An element: some listed pattern matches, negated for `Not…`. The
/// patterns are one union, one membership (solvers handle that better
/// than a disjunction of memberships).
fn element<T>(
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
fn action_universe() -> String {
    let lower_digit_dash = r#"(re.range "a" "z") (re.range "0" "9") (str.to_re "-")"#;
    format!(
        r#"(re.++ (re.+ (re.union {lower_digit_dash})) (str.to_re ":") (re.+ (re.union {lower_digit_dash} (str.to_re "_"))))"#
    )
}

fn partitions() -> String {
    union(PARTITIONS.iter().map(|p| format!("(str.to_re \"{p}\")")).collect())
}

/// The resource universe (`encode::principal::resource_universe`),
/// split into segment variables.
fn resource_universe() -> String {
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

/// The principal universe (`encode::principal::principal_universe`).
fn principal_universe() -> String {
    let name = r#"(re.+ (re.union (re.range "a" "z") (re.range "A" "Z") (re.range "0" "9") (str.to_re "+") (str.to_re "=") (str.to_re ",") (str.to_re ".") (str.to_re "@") (str.to_re "_") (str.to_re "-")))"#;
    let acct = r#"((_ re.loop 12 12) (re.range "0" "9"))"#;
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
        arn("sts", format!(r#"(str.to_re ":federated-user/") {name}"#)),
        format!(r#"(re.++ (str.to_re "service:") {free})"#),
        format!(r#"(re.++ (str.to_re "federated:") {free})"#),
        format!(r#"(re.++ (str.to_re "canonical-user:") {free})"#),
    ])
}

/// A condition key of the query: its variables and first spelling.
#[derive(Debug)]
struct Key {
    index: usize,
    name: String,
}

impl Key {
    fn present(&self) -> String {
        format!("k_present_{}", self.index)
    }

    fn value(&self) -> String {
        format!("k_{}", self.index)
    }
}

/// The condition keys of the policies, by folded name; refuses
/// multivalued keys (other than under `Null`) and opaque constructs.
fn keys(w: &mut Writer, policies: &[&Policy]) -> BTreeMap<String, Key> {
    let mut by_key: BTreeMap<String, Vec<(&Policy, &Condition)>> = BTreeMap::new();
    for p in policies {
        for s in &p.statements {
            for c in &s.conditions {
                by_key.entry(c.key_folded()).or_default().push((p, c));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (index, (folded, entries)) in by_key.into_iter().enumerate() {
        let multi = MULTIVALUED.contains(&folded.as_str())
            || entries.iter().any(|(_, c)| c.operator.qualifier.is_some());
        for (policy, c) in &entries {
            let op = c.operator;
            let what = match op.base.family() {
                Family::Numeric | Family::Date | Family::Ip | Family::Binary => {
                    format!("`{op}` conditions (opaque in iamcheck too)")
                }
                _ if policy.substitutes_variables()
                    && c.values.iter().any(|v| v.contains("${")) =>
                {
                    "policy variables in condition values (opaque in iamcheck too)".to_string()
                }
                _ if multi && (op.qualifier.is_some() || op.base != BaseOperator::Null) => {
                    "multivalued condition keys (sets of strings)".to_string()
                }
                _ => continue,
            };
            w.refuse(format!("{what}: `{op}` on {:?}", c.key));
        }
        let name = entries.first().map(|(_, c)| c.key.clone()).unwrap_or_default();
        out.insert(folded, Key { index, name });
    }
    out
}

/// One condition entry on a single-valued key (`encode::keys::Clause`).
fn condition(w: &mut Writer, key: &Key, c: &Condition) -> String {
    let base = c.operator.base;
    let present = key.present();
    if base == BaseOperator::Null {
        // Values are ORed: `true` holds when absent, `false` when present.
        let is = |b: &str| c.values.iter().any(|v| v.eq_ignore_ascii_case(b));
        return match (is("true"), is("false")) {
            (true, true) => "true".to_string(),
            (true, false) => not(present),
            (false, true) => present,
            (false, false) => "false".to_string(),
        };
    }
    let var = key.value();
    let pats = c.values.iter().map(|v| w.value(base, v)).collect();
    let matches = member(&var, union_of(pats));
    let holds = if base.is_negated() { not(matches) } else { matches };
    if c.operator.if_exists || base.is_negated() {
        format!("(or (not {present}) {holds})")
    } else {
        and(vec![present, holds])
    }
}

fn comment(text: &str) -> String {
    format!("{text:?}")
}

fn script(goal: &Goal<'_>, policy_type: PolicyType) -> Result<String, Unsupported> {
    let mut w = Writer::default();
    let policies: Vec<&Policy> = goal.policies.iter().map(|(_, p)| *p).collect();
    let keys = keys(&mut w, &policies);
    let resource_policy = policy_type == PolicyType::Resource;
    let mut body = String::new();
    for (name, policy) in &goal.policies {
        let mut allow = Vec::new();
        let mut deny = Vec::new();
        for s in &policy.statements {
            let mut parts = vec![element(&mut w, "action", &s.action, |w, t| w.action(t))];
            match &s.resource {
                None => {}
                Some(el)
                    if policy.substitutes_variables()
                        && el.values.iter().any(|v| v.contains("${")) =>
                {
                    w.refuse(
                        "policy variables in `Resource`/`NotResource` (opaque in iamcheck too)"
                            .to_string(),
                    );
                }
                Some(el) => {
                    let any = or(dedup(el.values.iter().map(|t| w.resource(t)).collect()));
                    parts.push(if el.negated { not(any) } else { any });
                }
            }
            if resource_policy {
                parts.push(match &s.principal {
                    Some(el) => element(&mut w, "principal", el, |w, p| w.principal(p)),
                    // A resource-policy statement without a principal never applies.
                    None => "false".to_string(),
                });
            }
            for c in &s.conditions {
                if let Some(key) = keys.get(&c.key_folded()) {
                    parts.push(condition(&mut w, key, c));
                }
            }
            let fun = format!("{name}_s{}", s.index);
            let sid =
                s.sid.as_deref().map(|sid| format!(" (Sid {})", comment(sid))).unwrap_or_default();
            body.push_str(&format!(
                "; {name} policy, statement {}{sid}: {:?}\n(define-fun {fun} () Bool {})\n",
                s.index,
                s.effect,
                and(parts)
            ));
            match s.effect {
                Effect::Allow => allow.push(fun),
                Effect::Deny => deny.push(fun),
            }
        }
        let fun = format!("allow_{name}");
        body.push_str(&format!(
            "; the {name} policy allows: some Allow statement matches and no Deny statement does\n(define-fun {fun} () Bool {})\n",
            and(vec![or(allow), not(or(deny))])
        ));
    }
    if !w.unsupported.is_empty() {
        return Err(Unsupported { reasons: w.unsupported });
    }
    let [(first, _), (second, _)] = goal.policies;
    let (first, second) = (format!("allow_{first}"), format!("allow_{second}"));
    let goal_formula = if goal.second_allows {
        format!("(and {first} {second})")
    } else {
        format!("(and {first} (not {second}))")
    };
    let mut out = header(goal, policy_type, &keys);
    out.push_str("(set-logic ALL)\n(set-option :produce-models true)\n");
    out.push_str("(declare-const action String)\n(declare-const resource String)\n");
    for var in RESOURCE_SEGMENTS.iter().skip(1) {
        out.push_str(&format!("(declare-const {var} String)\n"));
    }
    if resource_policy {
        out.push_str("(declare-const principal String)\n");
    }
    for key in keys.values() {
        out.push_str(&format!(
            "(declare-const {} Bool)\n(declare-const {} String)\n",
            key.present(),
            key.value()
        ));
    }
    out.push_str("; the request universes (docs/semantics.md §2)\n");
    out.push_str(&format!("(assert (str.in_re action {}))\n", action_universe()));
    out.push_str(&resource_universe());
    if resource_policy {
        out.push_str(&format!("(assert (str.in_re principal {}))\n", principal_universe()));
    }
    out.push_str(&body);
    out.push_str(&format!(
        "; the goal: {}\n(assert {goal_formula})\n(check-sat)\n(get-model)\n",
        goal.meaning
    ));
    Ok(out)
}

fn header(goal: &Goal<'_>, policy_type: PolicyType, keys: &BTreeMap<String, Key>) -> String {
    let mut h = format!(
        "; SMT-LIB 2 export of iamcheck {} {} ({})\n",
        env!("CARGO_PKG_VERSION"),
        goal.check,
        policy_type.as_str()
    );
    h.push_str(&format!(
        "; sat <=> the check FAILs: {}; a model is a witness request.\n",
        goal.meaning
    ));
    h.push_str("; unsat <=> the check PASSes. The semantics is iamcheck's docs/semantics.md.\n");
    h.push_str(";\n; Variables:\n");
    h.push_str(";   action     the action, lower-cased (actions compare ignoring ASCII case): [a-z0-9-]+:[a-z0-9_-]+\n");
    h.push_str(";   resource   the resource ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, split into\n");
    h.push_str(
        ";              r_partition, r_service, r_region, r_account (no `:`) and r_resource\n",
    );
    if policy_type == PolicyType::Resource {
        h.push_str(";   principal  the caller: anonymous, arn:P:iam::ACCOUNT:root, arn:P:iam::ACCOUNT:user/NAME,\n");
        h.push_str(";              arn:P:sts::ACCOUNT:assumed-role/ROLE/SESSION, arn:P:sts::ACCOUNT:federated-user/NAME,\n");
        h.push_str(";              service:NAME, federated:PROVIDER, canonical-user:ID\n");
    }
    for key in keys.values() {
        h.push_str(&format!(
            ";   {} / {}  condition key {} is present in the request / its value (single-valued)\n",
            key.present(),
            key.value(),
            comment(&key.name)
        ));
    }
    h.push_str(
        ";\n; Not expressed (iamcheck smtlib exits 3 instead of printing a script): multivalued\n",
    );
    h.push_str("; condition keys (ForAllValues:/ForAnyValue:, aws:TagKeys and the other multivalued global keys,\n");
    h.push_str("; except under unqualified Null), Numeric/Date/IpAddress/Binary conditions, policy variables,\n");
    h.push_str(
        "; and characters above U+2FFFF (the SMT-LIB string alphabet is U+0000..U+2FFFF).\n\n",
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_policy;

    fn policy(text: &str, ty: PolicyType) -> Policy {
        match parse_policy(text, ty) {
            Ok(p) => p.policy,
            Err(e) => panic!("{e}"),
        }
    }

    fn identity(statement: &str) -> Policy {
        policy(
            &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
            PolicyType::Identity,
        )
    }

    /// Parentheses balance outside string literals and comments.
    fn balanced(script: &str) -> bool {
        let mut depth = 0i64;
        for line in script.lines() {
            let mut in_str = false;
            for c in line.chars() {
                match (in_str, c) {
                    (false, ';') => break,
                    (_, '"') => in_str = !in_str,
                    (false, '(') => depth += 1,
                    (false, ')') => depth -= 1,
                    _ => {}
                }
                if depth < 0 {
                    return false;
                }
            }
            if in_str {
                return false;
            }
        }
        depth == 0
    }

    #[test]
    fn partitions_match_the_engine() {
        let engine = crate::encode::principal::PARTITIONS;
        assert_eq!(format!("(?:{})", PARTITIONS.join("|")), engine);
    }

    #[test]
    fn string_literals_escape_quotes_backslashes_and_non_ascii() {
        let mut w = Writer::default();
        assert_eq!(w.string(r#"a"b"#), r#""a""b""#);
        assert_eq!(w.string(r"a\u{41}"), r#""a\u{5c}u{41}""#);
        assert_eq!(w.string("é\n"), r#""\u{e9}\u{a}""#);
        assert!(w.unsupported.is_empty());
        w.string("\u{10ffff}");
        assert_eq!(w.unsupported.len(), 1);
    }

    #[test]
    fn globs_translate_wildcards() {
        let mut w = Writer::default();
        assert_eq!(w.string_like("**"), Pat::All);
        assert_eq!(
            w.string_like("a**b?"),
            Pat::Re(r#"(re.++ (str.to_re "a") re.all (str.to_re "b") re.allchar)"#.into())
        );
        assert_eq!(w.action("S3:Get*"), Pat::Re(r#"(re.++ (str.to_re "s3:get") re.all)"#.into()));
        assert_eq!(w.arn("arn:aws:s3"), Pat::Nothing);
        assert_eq!(w.resource("arn:aws:s3"), "false");
        assert_eq!(w.resource("*"), "true");
        assert_eq!(
            w.resource("arn:aws:s3:::b/*"),
            r#"(and (= r_partition "aws") (= r_service "s3") (= r_region "") (= r_account "") (str.in_re r_resource (re.++ (str.to_re "b/") re.all)))"#
        );
        assert_eq!(
            w.resource("arn:*:e?2*"),
            r#"(str.in_re r_service (re.++ (str.to_re "e") re.allchar (str.to_re "2") re.all))"#
        );
        assert_eq!(
            w.literal_ignore_ascii_case("a1"),
            Pat::Re(r#"(re.++ (re.union (str.to_re "a") (str.to_re "A")) (str.to_re "1"))"#.into())
        );
    }

    #[test]
    fn no_new_access_script_has_the_goal_and_is_balanced() {
        let old = identity(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#);
        let new = identity(
            r#"{"Sid":"q\"uote","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b\"é/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-\"1"}}},
               {"Effect":"Deny","NotAction":"s3:*","Resource":"*"}"#,
        );
        let s = no_new_access(&old, &new, PolicyType::Identity).unwrap();
        assert!(s.starts_with("; SMT-LIB 2 export of iamcheck"));
        assert!(s.contains("; sat <=> the check FAILs"));
        assert!(s.contains("(set-logic ALL)"));
        assert!(s.contains("(declare-const action String)"));
        assert!(!s.contains("(declare-const principal String)"));
        assert!(s.contains("(declare-const k_present_0 Bool)"));
        assert!(s.contains("(declare-const k_0 String)"));
        assert!(s.contains(r#"(str.to_re "b""\u{e9}/")"#));
        assert!(s.contains(r#"(str.in_re k_0 (str.to_re "vpc-""1"))"#));
        assert!(s.contains("(assert (and allow_new (not allow_existing)))"));
        assert!(s.contains("(define-fun allow_new () Bool (and new_s0 (not new_s1)))"));
        assert!(s.trim_end().ends_with("(check-sat)\n(get-model)".trim_end()));
        assert!(balanced(&s), "{s}");
    }

    #[test]
    fn access_not_granted_script_for_resource_policies_has_a_principal() {
        let p = policy(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::111122223333:role/p/r"]},"Action":"s3:*","Resource":"*"}}"#,
            PolicyType::Resource,
        );
        let access = Access { actions: vec!["s3:DeleteBucket".into()], resources: vec![] };
        let s = access_not_granted(&p, &access, PolicyType::Resource).unwrap();
        assert!(s.contains("(declare-const principal String)"));
        assert!(s.contains("(assert (and allow_policy allow_access))"));
        assert!(s.contains(r#"(str.to_re "s3:deletebucket")"#));
        assert!(s.contains(r#"(str.to_re "arn:aws:sts::111122223333:assumed-role/r/")"#));
        assert!(balanced(&s), "{s}");
    }

    #[test]
    fn missing_key_rules() {
        let p = identity(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"k":"v"},"StringLikeIfExists":{"k":"x*"},"Null":{"j":"true"}}},
               {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"b":"maybe"}}}"#,
        );
        let s = no_new_access(&p, &p, PolicyType::Identity).unwrap();
        // keys: b, j, k by folded name
        assert!(s.contains("(not k_present_1)"));
        assert!(s.contains(r#"(or (not k_present_2) (not (str.in_re k_2 (str.to_re "v"))))"#));
        assert!(
            s.contains(r#"(or (not k_present_2) (str.in_re k_2 (re.++ (str.to_re "x") re.all)))"#)
        );
        // A non-boolean `Bool` value never matches: the statement matches nothing.
        assert!(s.contains("(define-fun new_s1 () Bool false)"));
        assert!(s.contains(";   k_present_2 / k_2  condition key \"k\""));
    }

    #[test]
    fn unsupported_constructs_are_refused_with_reasons() {
        let cases = [
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":"1"}}}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"a"}}}"#,
            r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::${aws:username}"}"#,
        ];
        for st in cases {
            let p = identity(st);
            let e = no_new_access(&p, &p, PolicyType::Identity).unwrap_err();
            assert_eq!(e.reasons().len(), 1, "{st}: {e}");
        }
        // Null alone on a multivalued key is expressible.
        let p = identity(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TagKeys":"false"}}}"#,
        );
        assert!(no_new_access(&p, &p, PolicyType::Identity).is_ok());
    }

    #[test]
    fn key_names_in_comments_cannot_break_lines() {
        let p = identity(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a\nb":"v"}}}"#,
        );
        let s = no_new_access(&p, &p, PolicyType::Identity).unwrap();
        assert!(s.contains(r#"condition key "a\nb""#));
        assert!(balanced(&s));
    }
}
