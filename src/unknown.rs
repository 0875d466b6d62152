//! Why a check is UNKNOWN, as a type: which budget ran out (and its limit),
//! the time limit, the constructs not decided exactly, or an internal
//! invariant that failed.
//!
//! Modelled on regex-automata's `BuildError { kind }` with
//! `TooManyStates { given, limit }`: a script matches on the variant (or on
//! the stable [`UnknownReason::code`] the JSON output carries), a person
//! reads the [`Display`](fmt::Display), in lowercase prose.
//!
//! ```
//! use iamcheck::unknown::{Budget, UnknownReason};
//! let reason = UnknownReason::Budget { budget: Budget::SearchNodes, limit: 1000 };
//! assert_eq!(reason.code(), "budget.searchNodes");
//! assert_eq!(reason.to_string(), "the search exceeded its budget of 1000 nodes");
//! ```

use std::fmt;
use std::time::Duration;

/// Why a check could not be decided exactly (see [`crate::Verdict::Unknown`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownReason {
    /// A budget ran out; the check may be decidable with a larger one.
    Budget {
        /// Which budget.
        budget: Budget,
        /// Its limit, in the budget's unit ([`Budget::unit`]).
        limit: u64,
    },
    /// The check's time limit (`Config::timeout`) passed.
    Timeout {
        /// The limit.
        limit: Duration,
    },
    /// Every violating request found depends on constructs iamcheck does not
    /// decide exactly (docs/semantics.md §6): they may or may not hold.
    Construct {
        /// The constructs, in the encoding's order (at least one).
        constructs: Vec<Construct>,
    },
    /// Every violating request found pairs its caller with condition keys
    /// that caller cannot have (`aws:userid` is not a function of the caller
    /// in the encoding), and no consistent one was found.
    CallerKeys {
        /// Why the first witness is inconsistent.
        detail: String,
    },
    /// An invariant of the engine failed (a bug: please report it).
    Internal {
        /// What failed.
        detail: String,
    },
}

/// A budget of a check (docs/semantics.md §6, README "Limits").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Budget {
    /// `Config::max_search_nodes`: nodes of the product search.
    SearchNodes,
    /// `AtomBudget::max_nodes` of one field's automaton.
    AutomatonNodes(AutomatonField),
    /// `AtomBudget::max_atoms` of one field's automaton.
    AutomatonAtoms(AutomatonField),
    /// `AtomBudget::cache_bytes` of one field's lazy DFA.
    AutomatonCacheBytes(AutomatonField),
    /// `automata::NFA_SIZE_LIMIT` of one field's NFA.
    AutomatonNfaBytes(AutomatonField),
    /// `EncodeBudget::max_set_states`: kinds of value sets of one
    /// multivalued condition key.
    MultivaluedClasses,
    /// The concretization's (docs/semantics.md §4a) possible regions tried.
    ConcreteRegions,
    /// The concretization's candidate requests replayed by `simulate`, over all regions.
    ConcreteCandidates,
    /// The concretization's candidate requests made from one region's request.
    ConcreteRegionCandidates,
    /// The concretization's values tried for one variable's key from one source (the region
    /// and the templates' solutions, or the key's own atoms).
    ConcreteKeyValues,
    /// The concretization's longest value (in characters) solved for a variable's value.
    ConcreteValueLength,
}

/// The field whose automaton ran out of a budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AutomatonField {
    /// The action.
    Action,
    /// The resource ARN.
    Resource,
    /// The principal (or the caller).
    Principal,
    /// A condition key.
    ConditionKey,
}

/// A construct the engine treats as a free Boolean (docs/semantics.md §6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Construct {
    /// What kind of construct.
    pub kind: ConstructKind,
    /// The construct as written, in prose (e.g. "policy variables in the
    /// `StringLike` condition on `s3:prefix` (home/${aws:username}/*)").
    pub description: String,
}

/// The kinds of constructs not decided exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstructKind {
    /// A relation between policy variables and other values that the
    /// encoding does not decide (in a condition, `Resource` or `NotResource`).
    PolicyVariable,
    /// A policy variable in a condition whose operator AWS substitutes none in.
    VariableOperator,
    /// A policy variable that does not parse.
    MalformedVariable,
    /// One key compared with operators of different types.
    MixedTypes,
    /// A plain operator on a multivalued key.
    UnqualifiedMultivalued,
    /// A condition value that does not parse for its operator.
    UnreadableValue,
    /// An `Action`/`NotAction` entry with whitespace (`"lambda:ListFunctions "`): AWS accepts
    /// it but does not document whether it matches its trimmed action.
    ActionWhitespace,
    /// A `Deny` naming an IAM user, or a `NotPrincipal` listing a federated user: whether the
    /// IAM user who federated a `GetFederationToken` session counts as one of its identities
    /// there (documented only for grants).
    FederatingUser,
}

impl UnknownReason {
    /// The stable machine-readable code, e.g. `budget.searchNodes`,
    /// `timeout`, `construct.policyVariable`, `internal` (README, "JSON
    /// output"). For several constructs, the first one's.
    pub fn code(&self) -> &'static str {
        match self {
            UnknownReason::Budget { budget, .. } => budget.code(),
            UnknownReason::Timeout { .. } => "timeout",
            UnknownReason::Construct { constructs } => {
                constructs.first().map_or("construct", |c| c.kind.code())
            }
            UnknownReason::CallerKeys { .. } => "construct.callerKeys",
            UnknownReason::Internal { .. } => "internal",
        }
    }

    /// A construct reason with one construct.
    pub fn construct(kind: ConstructKind, description: impl Into<String>) -> UnknownReason {
        UnknownReason::Construct {
            constructs: vec![Construct { kind, description: description.into() }],
        }
    }

    /// An internal invariant failure.
    pub fn internal(detail: impl Into<String>) -> UnknownReason {
        UnknownReason::Internal { detail: detail.into() }
    }

    /// Whether a larger budget or time limit may decide the check.
    pub fn is_budget(&self) -> bool {
        matches!(self, UnknownReason::Budget { .. } | UnknownReason::Timeout { .. })
    }
}

impl Budget {
    /// The stable code (`budget.…`).
    pub fn code(self) -> &'static str {
        match self {
            Budget::SearchNodes => "budget.searchNodes",
            Budget::AutomatonNodes(_) => "budget.automatonNodes",
            Budget::AutomatonAtoms(_) => "budget.automatonAtoms",
            Budget::AutomatonCacheBytes(_) => "budget.automatonCacheBytes",
            Budget::AutomatonNfaBytes(_) => "budget.automatonNfaBytes",
            Budget::MultivaluedClasses => "budget.multivaluedClasses",
            Budget::ConcreteRegions => "budget.concreteRegions",
            Budget::ConcreteCandidates => "budget.concreteCandidates",
            Budget::ConcreteRegionCandidates => "budget.concreteRegionCandidates",
            Budget::ConcreteKeyValues => "budget.concreteKeyValues",
            Budget::ConcreteValueLength => "budget.concreteValueLength",
        }
    }

    /// The field whose automaton the budget bounds, if any.
    pub fn field(self) -> Option<AutomatonField> {
        match self {
            Budget::AutomatonNodes(field)
            | Budget::AutomatonAtoms(field)
            | Budget::AutomatonCacheBytes(field)
            | Budget::AutomatonNfaBytes(field) => Some(field),
            Budget::SearchNodes
            | Budget::MultivaluedClasses
            | Budget::ConcreteRegions
            | Budget::ConcreteCandidates
            | Budget::ConcreteRegionCandidates
            | Budget::ConcreteKeyValues
            | Budget::ConcreteValueLength => None,
        }
    }

    /// What the limit counts, in the plural.
    pub fn unit(self) -> &'static str {
        match self {
            Budget::SearchNodes => "nodes",
            Budget::AutomatonNodes(_) => "search nodes",
            Budget::AutomatonAtoms(_) => "atoms",
            Budget::AutomatonCacheBytes(_) => "bytes of lazy DFA cache",
            Budget::AutomatonNfaBytes(_) => "bytes of NFA",
            Budget::MultivaluedClasses => "kinds of value sets",
            Budget::ConcreteRegions => "regions",
            Budget::ConcreteCandidates => "candidate requests",
            Budget::ConcreteRegionCandidates => "candidate requests per region",
            Budget::ConcreteKeyValues => "values per variable's key and source",
            Budget::ConcreteValueLength => "characters of a value solved for a variable",
        }
    }
}

impl ConstructKind {
    /// The stable code (`construct.…`).
    pub fn code(self) -> &'static str {
        match self {
            ConstructKind::PolicyVariable => "construct.policyVariable",
            ConstructKind::VariableOperator => "construct.variableOperator",
            ConstructKind::MalformedVariable => "construct.malformedVariable",
            ConstructKind::MixedTypes => "construct.mixedTypes",
            ConstructKind::UnqualifiedMultivalued => "construct.unqualifiedMultivalued",
            ConstructKind::UnreadableValue => "construct.unreadableValue",
            ConstructKind::ActionWhitespace => "construct.actionWhitespace",
            ConstructKind::FederatingUser => "construct.federatingUser",
        }
    }
}

impl fmt::Display for AutomatonField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AutomatonField::Action => "action",
            AutomatonField::Resource => "resource",
            AutomatonField::Principal => "principal",
            AutomatonField::ConditionKey => "condition key",
        })
    }
}

impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnknownReason::Budget { budget: Budget::SearchNodes, limit } => {
                write!(f, "the search exceeded its budget of {limit} nodes")
            }
            UnknownReason::Budget { budget: Budget::MultivaluedClasses, limit } => write!(
                f,
                "a budget was exceeded: a multivalued condition key has over {limit} kinds of value sets, the limit"
            ),
            UnknownReason::Budget {
                budget:
                    budget @ (Budget::ConcreteRegions
                    | Budget::ConcreteCandidates
                    | Budget::ConcreteRegionCandidates
                    | Budget::ConcreteKeyValues
                    | Budget::ConcreteValueLength),
                limit,
            } => write!(
                f,
                "a budget was exceeded: the concretization of policy variables and caller keys found no witness within its bound of {limit} {}",
                budget.unit()
            ),
            UnknownReason::Budget { budget, limit } => write!(
                f,
                "a budget was exceeded: the {} automaton exceeded its budget of {limit} {}",
                budget.field().map(|a| a.to_string()).unwrap_or_default(),
                budget.unit()
            ),
            UnknownReason::Timeout { limit } => {
                write!(f, "the check exceeded its time limit of {:.3} s", limit.as_secs_f64())
            }
            UnknownReason::Construct { constructs } => {
                f.write_str("every violating request found depends on constructs iamcheck cannot decide exactly yet: ")?;
                for (i, c) in constructs.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    f.write_str(&c.description)?;
                }
                Ok(())
            }
            UnknownReason::CallerKeys { detail } => write!(
                f,
                "every violating request found pairs its caller with condition keys it cannot have, which iamcheck does not model exactly yet (`aws:userid`): {detail}"
            ),
            UnknownReason::Internal { detail } => {
                write!(f, "internal inconsistency, please report it: {detail}")
            }
        }
    }
}

impl std::error::Error for UnknownReason {}

#[cfg(test)]
mod tests {
    use super::{AutomatonField, Budget, ConstructKind, UnknownReason};
    use std::time::Duration;

    #[test]
    fn messages_and_codes() {
        let cases = [
            (
                UnknownReason::Budget {
                    budget: Budget::AutomatonNodes(AutomatonField::Resource),
                    limit: 3,
                },
                "budget.automatonNodes",
                "a budget was exceeded: the resource automaton exceeded its budget of 3 search nodes",
            ),
            (
                UnknownReason::Budget { budget: Budget::MultivaluedClasses, limit: 4096 },
                "budget.multivaluedClasses",
                "a budget was exceeded: a multivalued condition key has over 4096 kinds of value sets, the limit",
            ),
            (
                UnknownReason::Budget { budget: Budget::ConcreteCandidates, limit: 1500 },
                "budget.concreteCandidates",
                "a budget was exceeded: the concretization of policy variables and caller keys found no witness within its bound of 1500 candidate requests",
            ),
            (
                UnknownReason::Timeout { limit: Duration::from_millis(200) },
                "timeout",
                "the check exceeded its time limit of 0.200 s",
            ),
            (
                UnknownReason::construct(ConstructKind::MixedTypes, "x"),
                "construct.mixedTypes",
                "every violating request found depends on constructs iamcheck cannot decide exactly yet: x",
            ),
            (
                UnknownReason::internal("y"),
                "internal",
                "internal inconsistency, please report it: y",
            ),
        ];
        for (reason, code, message) in cases {
            assert_eq!((reason.code(), reason.to_string().as_str()), (code, message));
        }
    }
}
