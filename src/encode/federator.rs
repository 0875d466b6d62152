//! The IAM user who federated, in statements whose reading AWS does not document
//! (docs/semantics.md §3, "The IAM user who federated"): a grant (`Allow` + `Principal`) to
//! user U reaches U's `GetFederationToken` sessions ("Policy evaluation logic"), but no AWS page
//! says whether a `Deny` naming U reaches them, nor whether U must be listed in a
//! `NotPrincipal` for U's listed session to be exempt. Such a statement is encoded under both
//! readings (`principal::Federator`): the statement where the federating user is no identity
//! (it matches less), and the one where it is, gated by one opaque construct for the query.
//! The union is exact, so a verdict that depends on the reading is UNKNOWN with
//! `construct.federatingUser`, never a guess either way.

use super::action_whitespace::Gate;
use crate::iam::caller::FEDERATOR_UNDOCUMENTED;
use crate::unknown::{Construct, ConstructKind};

/// The gate of the reading where the federating user is an identity: one construct for the
/// query (one fact about AWS).
pub(crate) fn gate() -> Gate {
    let construct = Construct {
        kind: ConstructKind::FederatingUser,
        description: FEDERATOR_UNDOCUMENTED.into(),
    };
    ("federating user".to_string(), true, construct)
}
