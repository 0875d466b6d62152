//! SMT-LIB 2 export of the checks: a script in the theory of strings whose
//! satisfiability means the check FAILs, for cross-checking iamcheck with
//! SMT solvers (z3, cvc5) and for users who keep their own SMT scripts.
//!
//! The script encodes docs/semantics.md exactly as the engine does: the
//! same request universes (`encode::principal`), the same translation of
//! patterns (`encode::glob`, `encode::principal`) written as SMT-LIB
//! regular expressions, the same missing-key rules, the same typed values
//! (`crate::values`: numbers and dates as Reals, IP addresses as Ints,
//! byte strings as strings of bytes) and multivalued keys as sets with a
//! bounded number of element variables (exact: see `keys`), and policy
//! variables where quantifier-free string terms state them exactly (see
//! `variables`). Constructs the engine treats as opaque (docs/semantics.md
//! §6) and those the export cannot state exactly are not exported:
//! [`Unsupported`] names them.
//!
//! Alphabet: SMT-LIB strings are sequences of code points 0 to U+2FFFF; a
//! policy character above U+2FFFF cannot be written and is [`Unsupported`].

mod caller;
mod keys;
mod strings;
#[cfg(test)]
mod tests;
mod variables;

use crate::decide::{access_policy, Access};
use crate::policy::{Effect, Policy, PolicyType};
use keys::{comment, condition, keys, Key};
use std::collections::BTreeMap;
use std::fmt;
use strings::{
    action_universe, and, dedup, element, member, not, or, principal_universe, resource_universe,
    Writer, RESOURCE_SEGMENTS,
};

/// The policies use a construct this export cannot express exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    reasons: Vec<String>,
}

impl Unsupported {
    /// The export is refused for these reasons.
    pub(crate) fn new(reasons: Vec<String>) -> Unsupported {
        Unsupported { reasons }
    }

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
            for entry in &s.action.values {
                if crate::iam::grammar::action_whitespace(entry).is_some() {
                    // An opaque construct of the engine (semantics.md §1).
                    w.refuse(format!(
                        "an action entry with whitespace ({entry:?}: AWS does not document whether it matches its trimmed action)"
                    ));
                }
            }
            let mut parts = vec![element(&mut w, "action", &s.action, |w, t| w.action(t))];
            match &s.resource {
                None => {}
                Some(el)
                    if policy.substitutes_variables()
                        && el.values.iter().any(|v| v.contains("${")) =>
                {
                    let entries =
                        el.values.iter().map(|t| resource_entry(&mut w, &keys, t)).collect();
                    let any = or(dedup(entries));
                    parts.push(if el.negated { not(any) } else { any });
                }
                Some(el) => {
                    let any = or(dedup(el.values.iter().map(|t| w.resource(t)).collect()));
                    parts.push(if el.negated { not(any) } else { any });
                }
            }
            if resource_policy {
                parts.push(match &s.principal {
                    Some(el) if el.negated => {
                        let exempt = w.exempt(&el.values);
                        not(member("principal", exempt))
                    }
                    Some(el) => element(&mut w, "principal", el, |w, p| w.principal(p)),
                    // A resource-policy statement without a principal never applies.
                    None => "false".to_string(),
                });
            }
            for c in &s.conditions {
                if let Some(key) = keys.get(&c.key_folded()) {
                    parts.push(condition(&mut w, key, c, (&keys, policy.substitutes_variables())));
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
    let caller_model = caller::model(&mut w, &keys, resource_policy);
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
        out.push_str(&key.declarations());
    }
    out.push_str("; the request universes (docs/semantics.md §2)\n");
    out.push_str(&format!("(assert (str.in_re action {}))\n", action_universe()));
    out.push_str(&resource_universe());
    if resource_policy {
        out.push_str(&format!("(assert (str.in_re principal {}))\n", principal_universe()));
        // Partitions are isolated: an ARN principal is in the resource's partition.
        out.push_str("(assert (=> (str.prefixof \"arn:\" principal) (str.prefixof (str.++ \"arn:\" r_partition \":\") principal)))\n");
    }
    out.push_str(&caller_model);
    out.push_str(&body);
    out.push_str(&format!(
        "; the goal: {}\n(assert {goal_formula})\n(check-sat)\n(get-model)\n",
        goal.meaning
    ));
    Ok(out)
}

/// A `Resource` entry that may hold policy variables (Version 2012-10-17):
/// one in the resource part (after the fifth `:`) is stated exactly by
/// `variables`; one elsewhere is refused.
fn resource_entry(w: &mut Writer, keys: &BTreeMap<String, Key>, text: &str) -> String {
    if !text.contains("${") {
        return w.resource(text);
    }
    let Some(at) = variables::fifth_colon(text) else {
        w.refuse(format!("a policy variable in a short ARN pattern ({text:?}; not exported yet)"));
        return "false".to_string();
    };
    let (head, rest) = (text.get(..at).unwrap_or_default(), text.get(at + 1..).unwrap_or_default());
    if head.contains("${") {
        w.refuse(format!(
            "a policy variable before an ARN's resource part ({text:?}; not exported yet)"
        ));
        return "false".to_string();
    }
    let mut parts: Vec<String> = head
        .split(':')
        .zip(RESOURCE_SEGMENTS)
        .map(|(seg, var)| w.segment(var, seg, false))
        .collect();
    let var = RESOURCE_SEGMENTS.last().copied().unwrap_or("r_resource");
    parts.push(variables::matches(w, keys, var, rest, true));
    and(parts)
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
        h.push_str(";              service:NAME, federated:PROVIDER, canonical-user:ID; a federated user's\n");
        h.push_str(";              ARN may end with #user/PATH/NAME, the IAM user who federated (federatedBy)\n");
    }
    for key in keys.values() {
        h.push_str(&key.header());
    }
    h.push_str(&notes());
    h
}

/// What the header says about sets and what is not exported.
fn notes() -> String {
    [
        ";",
        "; Typed keys: Numeric values are exact decimals, compared as Reals; dates are instants of",
        "; years 0000-9999 UTC as Reals (seconds since the epoch, exact for fractional seconds); IP",
        "; addresses are an IPv6 flag and an Int (IPv4 and IPv6 never meet); BinaryEquals compares",
        "; the decoded bytes. A key's value variables range over the engine's domain of its sort.",
        ";",
        "; Multivalued keys (ForAllValues:/ForAnyValue:, aws:TagKeys and the other multivalued",
        "; global keys) are sets: present or absent, and when present the elements J whose used flag",
        "; is true (none: the empty set, which is present). ForAllValues:OP holds iff every element",
        "; in the set passes OP (so on an absent or empty set); ForAnyValue:OP iff some element does",
        "; (never on an absent or empty set; IfExists is ignored under a qualifier);",
        "; ForAllValues:Null is true and ForAnyValue:Null false; unqualified Null tests presence.",
        "; One element per distinct qualified entry on the key is exact: from any request set, keep",
        "; a witness for each ForAnyValue: entry that holds and a counterexample for each",
        "; ForAllValues: entry that fails; every entry has the same truth value on that subset.",
        ";",
        "; Policy variables (Version 2012-10-17): a Resource entry or a StringEquals/StringLike",
        "; value (and their negations) with one variable whose text on one side is literal is",
        "; stated exactly: A.u.B with A literal is (str.prefixof (str.++ A u) s) and the rest of s",
        "; in B (or the mirror image), where u is the variable's key's value; when the key is",
        "; absent, the default or no match. The substituted value is literal text.",
        ";",
        "; Not expressed (iamcheck smtlib exits 3 instead of printing a script): unqualified",
        "; operators other than Null on a multivalued key, a key compared with operators of",
        "; different types, typed values that do not parse (all opaque in iamcheck too), other",
        "; policy variables, a key of the caller (aws:PrincipalArn, aws:PrincipalAccount,",
        "; aws:PrincipalType, aws:username, aws:userid) under a set qualifier or a typed",
        "; operator, and characters above U+2FFFF. The keys of the caller are functions of the",
        "; caller's parts c_kind, c_part, c_acct, c_path, c_name, c_session, c_uid.",
        "",
        "",
    ]
    .join("\n")
}
