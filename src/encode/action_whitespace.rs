//! `Action`/`NotAction` entries with whitespace (docs/semantics.md §1, "Whitespace in an
//! action"): AWS publishes managed policies with `"lambda:ListFunctions "` or
//! `"amplifybackend: *"`, so it accepts them, but it does not document whether such an entry
//! matches its trimmed action. As written it matches no action (no action has whitespace), so
//! each distinct entry is one opaque construct ("it matches its trimmed action"), shared by
//! every statement of the query that has it, and a statement splits into variants, each gated
//! by the constructs' values it needs. The split is exact; a verdict that depends on a
//! construct's value is UNKNOWN with `construct.actionWhitespace`.

use super::opaque::OpaqueSet;
use crate::iam::grammar::action_whitespace;
use crate::policy::Statement;
use crate::unknown::{Construct, ConstructKind, UnknownReason};

/// At most this many distinct whitespace entries in one `NotAction` (2^this variants).
const MAX_NEGATED: usize = 5;

/// One value of a construct that a variant needs.
#[derive(Clone, Debug)]
pub(crate) struct Gate {
    entry: String,
    trimmed: String,
    needs: bool,
}

impl Gate {
    /// Adds the gate of statement `s_id` to the opaque constructs.
    pub(crate) fn add_to(&self, opaque: &mut OpaqueSet, s_id: usize) {
        let construct = Construct {
            kind: ConstructKind::ActionWhitespace,
            description: format!(
                "whether the action entry `{}` matches `{}` (AWS does not document it)",
                self.entry.escape_debug(),
                self.trimmed
            ),
        };
        opaque.add_gate(format!("action whitespace {}", self.entry), s_id, self.needs, construct);
    }
}

/// A variant of a statement and the construct values it needs.
pub(crate) type Variant = (Statement, Vec<Gate>);

/// The statement as exact variants when its `Action`/`NotAction` has entries with whitespace
/// (`Ok(None)`: it has none).
///
/// - `Action [A…, e…]`: the statement with `A` (the entries `e` as written match nothing), and
///   for each `e` the statement with `Action [trim(e)]` where `e` matches its trimmed action;
/// - `NotAction [A…, e…]`: for each subset `T` of the entries, the statement with
///   `NotAction [A…, trim(T)…]` where exactly the entries of `T` match their trimmed action.
///
/// # Errors
/// A `NotAction` with more than [`MAX_NEGATED`] distinct such entries (typed UNKNOWN).
pub(crate) fn split(statement: &Statement) -> Result<Option<Vec<Variant>>, UnknownReason> {
    let mut spaced: Vec<(String, String)> = Vec::new();
    let mut plain = Vec::new();
    for value in &statement.action.values {
        match action_whitespace(value) {
            Some(trimmed) => {
                if !spaced.iter().any(|(e, _)| e == value) {
                    spaced.push((value.clone(), trimmed));
                }
            }
            None => plain.push(value.clone()),
        }
    }
    if spaced.is_empty() {
        return Ok(None);
    }
    let with = |values: Vec<String>| {
        let mut s = statement.clone();
        s.action.values = values;
        s
    };
    let gate = |(entry, trimmed): &(String, String), needs: bool| Gate {
        entry: entry.clone(),
        trimmed: trimmed.clone(),
        needs,
    };
    let mut out = Vec::new();
    if !statement.action.negated {
        if !plain.is_empty() {
            out.push((with(plain), Vec::new()));
        }
        for e in &spaced {
            out.push((with(vec![e.1.clone()]), vec![gate(e, true)]));
        }
        return Ok(Some(out));
    }
    if spaced.len() > MAX_NEGATED {
        return Err(UnknownReason::construct(
            ConstructKind::ActionWhitespace,
            format!(
                "a `NotAction` with {} entries with whitespace (at most {MAX_NEGATED} are split)",
                spaced.len()
            ),
        ));
    }
    for mask in 0..(1usize << spaced.len()) {
        let mut values = plain.clone();
        let mut gates = Vec::new();
        for (k, e) in spaced.iter().enumerate() {
            let matches = mask & (1 << k) != 0;
            if matches {
                values.push(e.1.clone());
            }
            gates.push(gate(e, matches));
        }
        out.push((with(values), gates));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::split;
    use crate::parse::parse_policy;
    use crate::policy::PolicyType;

    fn statement(action: &str) -> crate::policy::Statement {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{action},"Resource":"*"}}]}}"#
        );
        let parsed = parse_policy(&text, PolicyType::Identity);
        let mut policy = parsed.map(|p| p.policy).unwrap_or_else(|e| panic!("{e}"));
        policy.statements.remove(0)
    }

    #[test]
    fn positive_entries_split_into_gated_trimmed_variants() {
        let s =
            statement(r#""Action":["s3:GetObject","lambda:ListFunctions ","amplifybackend: *"]"#);
        let v = split(&s).unwrap_or_else(|e| panic!("{e}")).unwrap_or_default();
        let actions: Vec<_> = v.iter().map(|(s, g)| (s.action.values.clone(), g.len())).collect();
        assert_eq!(
            actions,
            vec![
                (vec!["s3:GetObject".to_string()], 0),
                (vec!["lambda:ListFunctions".to_string()], 1),
                (vec!["amplifybackend:*".to_string()], 1),
            ]
        );
        assert!(split(&statement(r#""Action":"s3:*""#)).unwrap_or_default().is_none());
    }

    #[test]
    fn negated_entries_split_by_subset() {
        let s = statement(r#""NotAction":["s3:*","ec2: Describe*"]"#);
        let v = split(&s).unwrap_or_else(|e| panic!("{e}")).unwrap_or_default();
        let actions: Vec<_> = v
            .iter()
            .map(|(s, g)| (s.action.values.clone(), g.iter().map(|g| g.needs).collect::<Vec<_>>()))
            .collect();
        assert_eq!(
            actions,
            vec![
                (vec!["s3:*".to_string()], vec![false]),
                (vec!["s3:*".to_string(), "ec2:Describe*".to_string()], vec![true]),
            ]
        );
    }
}
