//! The global condition keys as AWS documents them ("AWS global condition
//! context keys", <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>):
//! which callers' requests carry each key, its sort, whether it is single- or
//! multivalued, and the shape of its values. docs/semantics.md §2a quotes each
//! row's "Availability" text.
//!
//! Read by the engine (`encode::keys`: value domains, set or single value;
//! `decide::facts`: availability per caller) and by `simulate`'s request
//! validation (`simulate::keys`), so both evaluators share one table.

/// The kinds of callers availability depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallerKind {
    /// `anonymous`: an unsigned request.
    Anonymous,
    /// An IAM principal: root, user, role session, federated user.
    Iam,
    /// `service:NAME`: an AWS service principal calling directly.
    Service,
    /// `federated:…` (web identity, SAML) and `canonical-user:…`.
    Other,
}

impl CallerKind {
    /// Every kind, in table order.
    pub const ALL: [CallerKind; 4] =
        [CallerKind::Anonymous, CallerKind::Iam, CallerKind::Service, CallerKind::Other];

    /// The kind of a request principal string (docs/semantics.md §2);
    /// `None` for a string of no kind.
    pub fn of(principal: &str) -> Option<CallerKind> {
        if principal == "anonymous" {
            Some(CallerKind::Anonymous)
        } else if principal.starts_with("arn:") {
            Some(CallerKind::Iam)
        } else if principal.starts_with("service:") {
            Some(CallerKind::Service)
        } else if principal.starts_with("federated:") || principal.starts_with("canonical-user:") {
            Some(CallerKind::Other)
        } else {
            None
        }
    }

    fn slot(self) -> usize {
        match self {
            CallerKind::Anonymous => 0,
            CallerKind::Iam => 1,
            CallerKind::Service => 2,
            CallerKind::Other => 3,
        }
    }
}

/// Whether a caller's requests carry a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Availability {
    /// Always present.
    Always,
    /// Never present.
    Never,
    /// Present or absent (AWS's text gives a condition iamcheck does not model, or none).
    Maybe,
    /// Always present with this value (ASCII case aside).
    Is(&'static str),
    /// Absent, or present with this value.
    AbsentOr(&'static str),
}

impl Availability {
    /// Whether a request may lack the key.
    pub fn may_be_absent(self) -> bool {
        matches!(self, Availability::Never | Availability::Maybe | Availability::AbsentOr(_))
    }

    /// Whether a request may carry the key with `value`.
    pub fn allows(self, value: &str) -> bool {
        match self {
            Availability::Always | Availability::Maybe => true,
            Availability::Never => false,
            Availability::Is(v) | Availability::AbsentOr(v) => value.eq_ignore_ascii_case(v),
        }
    }
}

/// The sort of a key's values, as AWS documents its data type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySort {
    /// Strings (String operators).
    String,
    /// ARNs (Arn and String operators).
    Arn,
    /// `true` or `false`.
    Bool,
    /// Dates (W3C ISO 8601 or epoch seconds).
    Date,
    /// Numbers.
    Numeric,
    /// IP addresses.
    Ip,
    /// `aws:EpochTime`: epoch seconds, compared with Date and Numeric operators alike.
    EpochSeconds,
}

/// One global key (or key prefix such as `aws:PrincipalTag/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalKey {
    /// The key as AWS spells it (a prefix ends with `/`).
    pub name: &'static str,
    /// Whether values are sets ("Value type – Multivalued").
    pub multivalued: bool,
    /// The data type.
    pub sort: KeySort,
    /// The values AWS puts in a request, as a regex over the whole value (per element for
    /// multivalued keys), when AWS documents their shape.
    pub grammar: Option<&'static str>,
    /// Availability for anonymous, IAM, service and other callers (see [`CallerKind`]).
    availability: [Availability; 4],
    /// Whether the key is a function of the caller (`request::caller`): its availability
    /// is decided there, not by this table.
    pub of_caller: bool,
}

impl GlobalKey {
    /// Whether a request by `caller` carries the key.
    pub fn availability(&self, caller: CallerKind) -> Availability {
        self.availability.get(caller.slot()).copied().unwrap_or(Availability::Maybe)
    }

    /// Whether availability differs between kinds of callers.
    pub fn depends_on_caller(&self) -> bool {
        let first = self.availability.first();
        !self.of_caller && self.availability.iter().any(|a| Some(a) != first)
    }

    /// Whether every caller's requests carry the key.
    pub fn always_present(&self) -> bool {
        !self.of_caller && self.availability.iter().all(|a| !a.may_be_absent())
    }
}

use Availability::{AbsentOr, Always, Is, Maybe, Never};

const fn key(
    name: &'static str,
    multivalued: bool,
    sort: KeySort,
    grammar: Option<&'static str>,
    availability: [Availability; 4],
) -> GlobalKey {
    GlobalKey { name, multivalued, sort, grammar, availability, of_caller: false }
}

const fn caller_key(name: &'static str, sort: KeySort) -> GlobalKey {
    GlobalKey {
        name,
        multivalued: false,
        sort,
        grammar: None,
        availability: [Maybe; 4],
        of_caller: true,
    }
}

const ALL: [Availability; 4] = [Always; 4];
const FREE: [Availability; 4] = [Maybe; 4];
/// Present only when a service principal calls.
const SERVICE_ONLY: [Availability; 4] = [Never, Never, Maybe, Never];
/// Never in anonymous requests.
const SIGNED: [Availability; 4] = [Never, Maybe, Maybe, Maybe];

/// An organization ID (Organizations API, `Organization.Id`).
pub const ORG_ID: &str = "o-[a-z0-9]{10,32}";
/// An organization path `o-…/r-…/ou-…/…/` (KEYS aws:PrincipalOrgPaths; the root and OU id
/// patterns of the Organizations API).
pub const ORG_PATH: &str =
    "o-[a-z0-9]{10,32}/r-[0-9a-z]{4,32}/(?:ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}/)*";
const ACCOUNT: &str = "[0-9]{12}";
const BOOL: &str = "true|false";
const DIGITS: &str = "[0-9]+";

/// The table (docs/semantics.md §2a quotes AWS's text for each row).
pub const GLOBAL_KEYS: &[GlobalKey] = &[
    key("aws:CalledVia", true, KeySort::String, None, [Never, Maybe, Never, Maybe]),
    key("aws:CalledViaFirst", false, KeySort::String, None, [Never, Maybe, Never, Maybe]),
    key("aws:CalledViaLast", false, KeySort::String, None, [Never, Maybe, Never, Maybe]),
    key("aws:CurrentTime", false, KeySort::Date, None, ALL),
    key("aws:Ec2InstanceSourceVpc", false, KeySort::String, None, SIGNED),
    key("aws:Ec2InstanceSourcePrivateIPv4", false, KeySort::Ip, None, SIGNED),
    key("aws:EpochTime", false, KeySort::EpochSeconds, Some(DIGITS), ALL),
    key("aws:FederatedProvider", false, KeySort::String, None, SIGNED),
    key("aws:MultiFactorAuthAge", false, KeySort::Numeric, None, SIGNED),
    key("aws:MultiFactorAuthPresent", false, KeySort::Bool, Some(BOOL), SIGNED),
    caller_key("aws:PrincipalAccount", KeySort::String),
    caller_key("aws:PrincipalArn", KeySort::Arn),
    key(
        "aws:PrincipalIsAWSService",
        false,
        KeySort::Bool,
        Some(BOOL),
        [Never, Is("false"), Is("true"), AbsentOr("false")],
    ),
    key("aws:PrincipalOrgID", false, KeySort::String, Some(ORG_ID), SIGNED),
    key("aws:PrincipalOrgPaths", true, KeySort::String, Some(ORG_PATH), SIGNED),
    key("aws:PrincipalServiceName", false, KeySort::String, None, [Never, Never, Always, Never]),
    key(
        "aws:PrincipalServiceNamesList",
        true,
        KeySort::String,
        None,
        [Never, Never, Always, Never],
    ),
    key("aws:PrincipalTag/", false, KeySort::String, None, [Never, Maybe, Never, Maybe]),
    caller_key("aws:PrincipalType", KeySort::String),
    key("aws:referer", false, KeySort::String, None, FREE),
    key("aws:RequestedRegion", false, KeySort::String, None, ALL),
    key("aws:RequestTag/", false, KeySort::String, None, FREE),
    key("aws:ResourceAccount", false, KeySort::String, Some(ACCOUNT), FREE),
    key("aws:ResourceOrgID", false, KeySort::String, Some(ORG_ID), FREE),
    key("aws:ResourceOrgPaths", true, KeySort::String, Some(ORG_PATH), FREE),
    key("aws:ResourceTag/", false, KeySort::String, None, FREE),
    key("aws:SecureTransport", false, KeySort::Bool, Some(BOOL), ALL),
    key("aws:SourceAccount", false, KeySort::String, Some(ACCOUNT), SERVICE_ONLY),
    key("aws:SourceArn", false, KeySort::Arn, None, SERVICE_ONLY),
    key("aws:SourceIdentity", false, KeySort::String, None, SIGNED),
    key("aws:SourceIp", false, KeySort::Ip, None, FREE),
    key("aws:SourceOrgID", false, KeySort::String, Some(ORG_ID), SERVICE_ONLY),
    key("aws:SourceOrgPaths", true, KeySort::String, Some(ORG_PATH), SERVICE_ONLY),
    key("aws:SourceVpc", false, KeySort::String, None, FREE),
    key("aws:SourceVpce", false, KeySort::String, None, FREE),
    key("aws:TagKeys", true, KeySort::String, None, FREE),
    key("aws:TokenIssueTime", false, KeySort::Date, None, SIGNED),
    key("aws:UserAgent", false, KeySort::String, None, ALL),
    caller_key("aws:userid", KeySort::String),
    caller_key("aws:username", KeySort::String),
    key("aws:ViaAWSService", false, KeySort::Bool, Some(BOOL), ALL),
    key("aws:VpcSourceIp", false, KeySort::Ip, None, FREE),
    key("aws:VpceAccount", false, KeySort::String, Some(ACCOUNT), FREE),
    key("aws:VpceOrgID", false, KeySort::String, Some(ORG_ID), FREE),
    key("aws:VpceOrgPaths", true, KeySort::String, Some(ORG_PATH), FREE),
];

/// The table's row of a key (any ASCII case; `aws:PrincipalTag/Team` is the
/// `aws:PrincipalTag/` row).
pub fn lookup(key: &str) -> Option<&'static GlobalKey> {
    GLOBAL_KEYS.iter().find(|k| {
        if k.name.ends_with('/') {
            key.len() > k.name.len()
                && key.get(..k.name.len()).is_some_and(|p| p.eq_ignore_ascii_case(k.name))
        } else {
            key.eq_ignore_ascii_case(k.name)
        }
    })
}

/// Whether `key` is multivalued: as the table says for a global key; for any other key
/// (service keys, which the table does not cover) when some condition of the query
/// qualifies it with `ForAllValues:`/`ForAnyValue:` (`qualified`), since iamcheck cannot
/// know it is single-valued and a set is the sound reading.
pub fn is_multivalued(key: &str, qualified: bool) -> bool {
    match lookup(key) {
        Some(k) => k.multivalued,
        None => qualified,
    }
}

/// The global multivalued keys (the parser warns on variables naming them).
pub fn multivalued_names() -> impl Iterator<Item = &'static str> {
    GLOBAL_KEYS.iter().filter(|k| k.multivalued).map(|k| k.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_folds_case_and_reads_prefixes() {
        assert_eq!(lookup("AWS:SOURCEVPCE").map(|k| k.name), Some("aws:SourceVpce"));
        assert_eq!(lookup("aws:principaltag/Team").map(|k| k.name), Some("aws:PrincipalTag/"));
        assert!(lookup("aws:PrincipalTag/").is_none());
        assert!(lookup("s3:prefix").is_none());
    }

    #[test]
    fn multivalued_is_a_property_of_the_key() {
        assert!(!is_multivalued("aws:SourceVpce", true));
        assert!(is_multivalued("aws:TagKeys", false));
        assert!(is_multivalued("s3:unknown", true));
        assert!(!is_multivalued("s3:unknown", false));
    }

    /// The `Other` callers' requests may carry whatever anonymous and IAM callers' may
    /// (`decide::facts` relies on it: its non-service statement admits them too).
    #[test]
    fn other_callers_allow_what_anonymous_and_iam_callers_do() {
        for k in GLOBAL_KEYS {
            let other = k.availability(CallerKind::Other);
            for c in [CallerKind::Anonymous, CallerKind::Iam] {
                let a = k.availability(c);
                let ok = match (a, other) {
                    (_, Maybe) => true,
                    (Never, AbsentOr(_) | Never) => true,
                    (Is(v) | AbsentOr(v), AbsentOr(w)) => v == w,
                    (x, y) => x == y,
                };
                assert!(ok, "{}: {c:?} {a:?} vs other {other:?}", k.name);
            }
        }
    }

    #[test]
    fn callers_by_principal() {
        assert_eq!(CallerKind::of("anonymous"), Some(CallerKind::Anonymous));
        assert_eq!(CallerKind::of("arn:aws:iam::111122223333:root"), Some(CallerKind::Iam));
        assert_eq!(CallerKind::of("service:sns.amazonaws.com"), Some(CallerKind::Service));
        assert_eq!(CallerKind::of("federated:accounts.google.com"), Some(CallerKind::Other));
        assert_eq!(CallerKind::of("x"), None);
    }
}
