//! The value shapes AWS documents for some global keys (`iam::keys`, `GlobalKey::grammar`:
//! organization IDs `o-[a-z0-9]{10,32}`, paths that begin with the organization ID, account
//! IDs, Booleans), written as SMT-LIB regexes from the same table the engine and `simulate`
//! read, so the solvers' models are values AWS can send (docs/crosscheck.md).

use super::strings::{concat, union, Writer};
use regex_syntax::hir::{Class, Hir, HirKind};

/// The SMT-LIB regex of a key's grammar (`None`: the regex uses a construct the grammars of
/// the key table do not, such as a look-around).
pub(super) fn regex(w: &mut Writer, grammar: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(grammar).ok()?;
    hir_regex(w, &hir)
}

fn hir_regex(w: &mut Writer, hir: &Hir) -> Option<String> {
    Some(match hir.kind() {
        HirKind::Empty => r#"(str.to_re "")"#.to_string(),
        HirKind::Literal(lit) => {
            format!("(str.to_re {})", w.string(std::str::from_utf8(&lit.0).ok()?))
        }
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges().iter().map(|r| {
                let (a, b) = (r.start().to_string(), r.end().to_string());
                format!("(re.range {} {})", w.string(&a), w.string(&b))
            });
            union(ranges.collect())
        }
        HirKind::Class(Class::Bytes(_)) | HirKind::Look(_) => return None,
        HirKind::Repetition(rep) => {
            let sub = hir_regex(w, &rep.sub)?;
            match (rep.min, rep.max) {
                (0, None) => format!("(re.* {sub})"),
                (1, None) => format!("(re.+ {sub})"),
                (min, None) => format!("(re.++ ((_ re.loop {min} {min}) {sub}) (re.* {sub}))"),
                (min, Some(max)) => format!("((_ re.loop {min} {max}) {sub})"),
            }
        }
        HirKind::Capture(cap) => hir_regex(w, &cap.sub)?,
        HirKind::Concat(parts) => {
            concat(parts.iter().map(|h| hir_regex(w, h)).collect::<Option<Vec<_>>>()?)
        }
        HirKind::Alternation(parts) => {
            union(parts.iter().map(|h| hir_regex(w, h)).collect::<Option<Vec<_>>>()?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{regex, Writer};

    #[test]
    fn the_key_tables_grammars_are_written() {
        let mut w = Writer::default();
        assert_eq!(
            regex(&mut w, crate::iam::keys::ORG_ID).as_deref(),
            Some(
                r#"(re.++ (str.to_re "o-") ((_ re.loop 10 32) (re.union (re.range "0" "9") (re.range "a" "z"))))"#
            )
        );
        let paths = regex(&mut w, crate::iam::keys::ORG_PATH).unwrap_or_default();
        assert!(paths.starts_with(r#"(re.++ (str.to_re "o-")"#), "{paths}");
        assert!(paths.contains("(re.* "), "{paths}");
        assert_eq!(
            regex(&mut w, "true|false").as_deref(),
            Some(r#"(re.union (str.to_re "true") (str.to_re "false"))"#)
        );
        assert!(w.unsupported.is_empty());
    }
}
