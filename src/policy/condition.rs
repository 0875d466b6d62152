//! Condition operators: base operator, set qualifier and `IfExists`.

use std::fmt;

/// One (operator, key) entry of a `Condition` block with its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The operator with its qualifier and `IfExists` suffix.
    pub operator: Operator,
    /// The condition key as written (compare with [`Condition::key_folded`]).
    pub key: String,
    /// The values (ORed for positive operators, NORed for negated ones).
    /// JSON numbers and booleans are kept as their JSON text
    /// (`true`, `10`).
    pub values: Vec<String>,
}

impl Condition {
    /// The key name folded to ASCII lower case: key names compare
    /// case-insensitively.
    pub fn key_folded(&self) -> String {
        self.key.to_ascii_lowercase()
    }
}

/// A full operator: `ForAnyValue:StringLikeIfExists` and the like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `ForAllValues:` / `ForAnyValue:` prefix.
    pub qualifier: Option<Qualifier>,
    /// The base operator.
    pub base: BaseOperator,
    /// The `IfExists` suffix.
    pub if_exists: bool,
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.as_str())?;
        }
        f.write_str(self.base.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// A set qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `ForAllValues:`: every request value satisfies the operator
    /// (true when the key is absent or empty).
    ForAllValues,
    /// `ForAnyValue:`: some request value satisfies the operator
    /// (false when the key is absent or empty).
    ForAnyValue,
}

impl Qualifier {
    /// The spelling without the colon.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::ForAllValues => "ForAllValues",
            Qualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// Family of a base operator: decides how values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// String operators.
    String,
    /// Numeric operators.
    Numeric,
    /// Date operators.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// Arn operators.
    Arn,
    /// `Null`.
    Null,
}

macro_rules! base_operators {
    ($($name:ident => $text:literal, $family:ident, $negated:literal;)*) => {
        /// Every base condition operator AWS documents.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum BaseOperator {
            $(
                #[doc = concat!("`", $text, "`")]
                $name,
            )*
        }

        impl BaseOperator {
            /// All base operators.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$name),*];

            /// The operator's name as written in policies (case-sensitive).
            pub fn as_str(self) -> &'static str {
                match self { $(BaseOperator::$name => $text,)* }
            }

            /// The operator's family.
            pub fn family(self) -> Family {
                match self { $(BaseOperator::$name => Family::$family,)* }
            }

            /// Whether the operator is negated (`…NotEquals`, `…NotLike`,
            /// `NotIpAddress`): values combine as NOR and an absent key
            /// makes it true.
            pub fn is_negated(self) -> bool {
                match self { $(BaseOperator::$name => $negated,)* }
            }
        }
    };
}

base_operators! {
    StringEquals => "StringEquals", String, false;
    StringNotEquals => "StringNotEquals", String, true;
    StringEqualsIgnoreCase => "StringEqualsIgnoreCase", String, false;
    StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase", String, true;
    StringLike => "StringLike", String, false;
    StringNotLike => "StringNotLike", String, true;
    NumericEquals => "NumericEquals", Numeric, false;
    NumericNotEquals => "NumericNotEquals", Numeric, true;
    NumericLessThan => "NumericLessThan", Numeric, false;
    NumericLessThanEquals => "NumericLessThanEquals", Numeric, false;
    NumericGreaterThan => "NumericGreaterThan", Numeric, false;
    NumericGreaterThanEquals => "NumericGreaterThanEquals", Numeric, false;
    DateEquals => "DateEquals", Date, false;
    DateNotEquals => "DateNotEquals", Date, true;
    DateLessThan => "DateLessThan", Date, false;
    DateLessThanEquals => "DateLessThanEquals", Date, false;
    DateGreaterThan => "DateGreaterThan", Date, false;
    DateGreaterThanEquals => "DateGreaterThanEquals", Date, false;
    Bool => "Bool", Bool, false;
    BinaryEquals => "BinaryEquals", Binary, false;
    IpAddress => "IpAddress", Ip, false;
    NotIpAddress => "NotIpAddress", Ip, true;
    ArnEquals => "ArnEquals", Arn, false;
    ArnLike => "ArnLike", Arn, false;
    ArnNotEquals => "ArnNotEquals", Arn, true;
    ArnNotLike => "ArnNotLike", Arn, true;
    Null => "Null", Null, false;
}

impl BaseOperator {
    /// Parses a base operator name exactly (names are case-sensitive).
    pub fn from_name(name: &str) -> Option<BaseOperator> {
        BaseOperator::ALL.iter().copied().find(|op| op.as_str() == name)
    }
}

impl Operator {
    /// Parses a full operator name such as `ForAnyValue:StringLikeIfExists`.
    /// Returns `None` for unknown or mis-cased names, `Null…IfExists` and
    /// `…IfExists` on a qualifier-less unknown base.
    pub fn from_name(name: &str) -> Option<Operator> {
        let (qualifier, rest) = match name.split_once(':') {
            Some(("ForAllValues", rest)) => (Some(Qualifier::ForAllValues), rest),
            Some(("ForAnyValue", rest)) => (Some(Qualifier::ForAnyValue), rest),
            Some(_) => return None,
            None => (None, name),
        };
        if let Some(base) = BaseOperator::from_name(rest) {
            return Some(Operator { qualifier, base, if_exists: false });
        }
        let base = BaseOperator::from_name(rest.strip_suffix("IfExists")?)?;
        if base == BaseOperator::Null {
            return None;
        }
        Some(Operator { qualifier, base, if_exists: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        for name in [
            "StringLike",
            "ForAnyValue:StringNotEqualsIfExists",
            "ForAllValues:ArnLike",
            "NumericLessThanEqualsIfExists",
            "Null",
        ] {
            let op = Operator::from_name(name).unwrap();
            assert_eq!(op.to_string(), name);
        }
    }

    #[test]
    fn rejects_bad_operator_names() {
        for name in [
            "stringEquals",
            "StringEqualsignorecase",
            "ForSomeValue:StringLike",
            "NullIfExists",
            "StringLikeIgnoreCase",
            "ForAllValues:",
            "",
        ] {
            assert_eq!(Operator::from_name(name), None, "{name}");
        }
    }
}
