//! YAML templates into the positioned JSON tree.
//!
//! CloudFormation's YAML is JSON's data model plus short-form tags: `!Ref X`
//! is `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": "A.B"}`, `!Condition
//! C` is `{"Condition": "C"}`, and every other `!Name v` is
//! `{"Fn::Name": v}` (CloudFormation user guide, "Template format: YAML").
//!
//! The tree is built from saphyr-parser's events with an explicit stack, so
//! no input recurses; every node built counts against
//! [`Options::max_nodes`](super::Options::max_nodes), and an alias counts
//! the size of the subtree it copies, so an "alias bomb" (anchors that
//! expand exponentially) stops with a located error instead of exhausting
//! memory. Nesting past [`Options::max_depth`](super::Options::max_depth) is
//! an error too. Only the first document of a stream is a template: more are
//! an error.

use super::json::{node, size};
use super::{IacError, Options};
use crate::parse::json::{Json, Key, Kind};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::HashMap;

/// One open collection.
enum Frame {
    Seq {
        items: Vec<Json>,
        start: Json,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        entries: Vec<(Key, Json)>,
        key: Option<Key>,
        start: Json,
        anchor: usize,
        tag: Option<String>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Json>,
    nodes: usize,
    max_nodes: usize,
    max_depth: usize,
    root: Option<Json>,
    documents: usize,
}

/// Parses a YAML template.
///
/// # Errors
/// A syntax error, a second document, an unknown alias, a mapping key that
/// is not a scalar, nesting past the depth limit, or more nodes than the
/// budget (alias expansion included), each with its line and column.
pub fn parse(text: &str, options: &Options) -> Result<Json, IacError> {
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        max_nodes: options.max_nodes,
        max_depth: options.max_depth,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            located(m.line(), m.col() + 1, format!("invalid YAML: {}", e.info()))
        })?;
        b.event(event, span)?;
    }
    b.root.ok_or_else(|| IacError::whole("the file is empty"))
}

fn located(line: usize, column: usize, message: impl Into<String>) -> IacError {
    IacError { file: String::new(), line, column, path: String::new(), message: message.into() }
}

fn at(span: Span) -> Json {
    Json {
        kind: Kind::Null,
        line: span.start.line(),
        column: span.start.col() + 1,
        end_line: span.end.line(),
    }
}

/// The short-form tag's long-form key, or `None` for a core-schema tag
/// (`!!str`…), which only types the scalar.
fn tag_key(tag: &Tag) -> Option<String> {
    if tag.is_yaml_core_schema() || tag.handle != "!" {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        other => format!("Fn::{other}"),
    })
}

/// A plain scalar's JSON value (YAML 1.2 core schema).
fn plain(value: &str) -> Kind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        v if is_number(v) => Kind::Number(v.to_string()),
        v => Kind::String(v.to_string()),
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Leading zeros stay text: `012345678901` is an account id, not a number.
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return false;
    }
    match digits.split_once('.') {
        None => {
            digits_ok(digits)
                && serde_json::from_str::<serde_json::Number>(v.trim_start_matches('+')).is_ok()
        }
        Some((int, frac)) => digits_ok(int) && digits_ok(frac),
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), IacError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(located(
                        span.start.line(),
                        span.start.col() + 1,
                        "a template is one YAML document; this is a second one",
                    ));
                }
                Ok(())
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.as_deref().and_then(tag_key);
                let kind = if style == ScalarStyle::Plain && tag.is_none() {
                    plain(&value)
                } else {
                    Kind::String(value.into_owned())
                };
                let value = node(kind, &at(span));
                self.value(value, anchor, tag, span)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(span)?;
                let tag = tag.as_deref().and_then(tag_key);
                self.stack.push(Frame::Seq { items: Vec::new(), start: at(span), anchor, tag });
                Ok(())
            }
            Event::MappingStart(anchor, tag) => {
                self.open(span)?;
                let tag = tag.as_deref().and_then(tag_key);
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    start: at(span),
                    anchor,
                    tag,
                });
                Ok(())
            }
            Event::SequenceEnd => match self.stack.pop() {
                Some(Frame::Seq { items, start, anchor, tag }) => {
                    let mut value = node(Kind::Array(items), &start);
                    value.end_line = span.end.line();
                    self.value(value, anchor, tag, span)
                }
                _ => Err(located(
                    span.start.line(),
                    span.start.col() + 1,
                    "invalid YAML: unbalanced sequence",
                )),
            },
            Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Map { entries, start, anchor, tag, .. }) => {
                    let mut value = node(Kind::Object(entries), &start);
                    value.end_line = span.end.line();
                    self.value(value, anchor, tag, span)
                }
                _ => Err(located(
                    span.start.line(),
                    span.start.col() + 1,
                    "invalid YAML: unbalanced mapping",
                )),
            },
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(located(
                        span.start.line(),
                        span.start.col() + 1,
                        "alias to an unknown anchor",
                    ));
                };
                let mut copy = target.clone();
                // The copy keeps the anchor's positions, except at its root.
                copy.line = span.start.line();
                copy.column = span.start.col() + 1;
                let n = size(&copy);
                self.count(n, span)?;
                self.attach(copy, span)
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => Ok(()),
        }
    }

    fn open(&mut self, span: Span) -> Result<(), IacError> {
        if self.stack.len() >= self.max_depth {
            return Err(located(
                span.start.line(),
                span.start.col() + 1,
                format!("nesting deeper than the limit of {}", self.max_depth),
            ));
        }
        Ok(())
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), IacError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.max_nodes {
            return Err(located(
                span.start.line(),
                span.start.col() + 1,
                format!(
                    "the document expands to more than {} nodes (anchors and aliases included)",
                    self.max_nodes
                ),
            ));
        }
        Ok(())
    }

    /// A finished value: wrapped in its tag's long form, recorded under its
    /// anchor, and attached to its parent.
    fn value(
        &mut self,
        value: Json,
        anchor: usize,
        tag: Option<String>,
        span: Span,
    ) -> Result<(), IacError> {
        self.count(1, span)?;
        let value = match tag {
            Some(name) => {
                let k = Key { name, line: value.line, column: value.column };
                let wrapper = node(Kind::Object(Vec::new()), &value);
                Json { kind: Kind::Object(vec![(k, value)]), ..wrapper }
            }
            None => value,
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        self.attach(value, span)
    }

    fn attach(&mut self, value: Json, span: Span) -> Result<(), IacError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => {
                    entries.push((k, value));
                    Ok(())
                }
                None => match value.kind {
                    Kind::String(name) => {
                        *key = Some(Key { name, line: value.line, column: value.column });
                        Ok(())
                    }
                    Kind::Number(name) => {
                        *key = Some(Key { name, line: value.line, column: value.column });
                        Ok(())
                    }
                    Kind::Bool(b) => {
                        *key = Some(Key {
                            name: b.to_string(),
                            line: value.line,
                            column: value.column,
                        });
                        Ok(())
                    }
                    Kind::Null => {
                        *key = Some(Key {
                            name: String::new(),
                            line: value.line,
                            column: value.column,
                        });
                        Ok(())
                    }
                    _ => Err(located(
                        span.start.line(),
                        span.start.col() + 1,
                        "a mapping key must be a scalar",
                    )),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iac::json::to_value;

    fn yaml(text: &str) -> serde_json::Value {
        to_value(&parse(text, &Options::default()).unwrap())
    }

    #[test]
    fn short_forms_become_long_forms() {
        let v = yaml("a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub [\"${x}\", {x: 1}]\nd: !Condition C\n");
        assert_eq!(v["a"], serde_json::json!({"Ref": "X"}));
        assert_eq!(v["b"], serde_json::json!({"Fn::GetAtt": "R.Arn"}));
        assert_eq!(v["c"], serde_json::json!({"Fn::Sub": ["${x}", {"x": 1}]}));
        assert_eq!(v["d"], serde_json::json!({"Condition": "C"}));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema_and_account_ids_stay_text() {
        let v = yaml("a: true\nb: 10\nc: 012345678901\nd: '10'\ne: ~\n");
        assert_eq!(
            v,
            serde_json::json!({"a": true, "b": 10, "c": "012345678901", "d": "10", "e": null})
        );
    }

    #[test]
    fn positions_are_one_based() {
        let tree = parse("a:\n  b: x\n", &Options::default()).unwrap();
        let b = crate::iac::json::get(crate::iac::json::get(&tree, "a").unwrap(), "b").unwrap();
        assert_eq!((b.line, b.column), (2, 6));
    }

    #[test]
    fn an_alias_bomb_stops_with_a_located_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = parse(&text, &Options::default()).unwrap_err();
        assert!(e.message.contains("expands to more than"), "{e}");
        assert!(e.line > 1);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{}x{}", "[".repeat(250), "]".repeat(250));
        let e = parse(&text, &Options::default()).unwrap_err();
        assert!(e.message.contains("nesting") || e.message.contains("recursion"), "{e}");
        let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let e = parse(&block, &Options::default()).unwrap_err();
        assert!(e.message.contains("nesting"), "{e}");
    }

    #[test]
    fn a_second_document_and_a_complex_key_are_errors() {
        assert!(parse("a: 1\n---\nb: 2\n", &Options::default())
            .unwrap_err()
            .message
            .contains("second"));
        assert!(parse("? [a]\n: 1\n", &Options::default()).unwrap_err().message.contains("scalar"));
    }
}
