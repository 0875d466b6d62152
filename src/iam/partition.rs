//! AWS partitions (docs/semantics.md §2).

/// The partitions a principal or resource ARN may name.
pub const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];
