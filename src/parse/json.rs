//! A small, strict JSON parser (RFC 8259) that keeps positions.
//!
//! `serde_json` keeps only the last of two equal keys and forgets where each
//! value was; the lowering step needs both, to report duplicate elements and
//! to locate every error. So this parser builds a [`Json`] tree whose objects
//! keep every entry in document order, and whose nodes carry their line and
//! column (1-based, columns counted in characters).
//!
//! It accepts exactly RFC 8259 JSON: no comments, no trailing commas, no
//! single quotes, no unescaped control characters in strings, no lone
//! surrogates. A leading byte order mark is ignored (RFC 8259 §8.1 allows
//! that). Nesting is limited (see [`parse`]) and the parser recurses at most
//! that deep, so no input can overflow the stack, and no input panics.

use std::fmt;

/// One JSON value with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json {
    /// The value.
    pub kind: Kind,
    /// 1-based line of the value's first character.
    pub line: usize,
    /// 1-based column (in characters) of the value's first character.
    pub column: usize,
    /// 1-based line of the value's last character (the closing bracket of
    /// an array or object).
    pub end_line: usize,
}

/// The kinds of JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (`10`, `-1.5e3`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: every entry in document order, duplicates included.
    Object(Vec<(Key, Json)>),
}

impl Kind {
    /// How messages name this kind of value: `a string`, `an object`…
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// An object key with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key, unescaped.
    pub name: String,
    /// 1-based line of the key's opening quote.
    pub line: usize,
    /// 1-based column of the key's opening quote.
    pub column: usize,
}

/// A JSON syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong, lowercase.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (line {}, column {})", self.message, self.line, self.column)
    }
}

/// Parses one JSON document, nesting arrays and objects at most `max_depth`
/// levels deep (the document's outermost array or object is level 1).
///
/// # Errors
/// The first syntax error, located.
pub fn parse(text: &str, max_depth: usize) -> Result<Json, SyntaxError> {
    let mut parser = Parser::new(text, max_depth);
    if parser.rest().starts_with('\u{feff}') {
        parser.bump_str("\u{feff}");
    }
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.peek().is_some() {
        return Err(parser.error_found("unexpected text after the document"));
    }
    Ok(value)
}

/// The parser's state: a byte cursor with its line and column.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    column: usize,
    depth: usize,
    max_depth: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_depth: usize) -> Self {
        Parser { text, pos: 0, line: 1, column: 1, depth: 0, max_depth }
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes one byte, keeping line and column (a column counts
    /// characters, so UTF-8 continuation bytes do not advance it).
    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if byte & 0xC0 != 0x80 {
            self.column += 1;
        }
        Some(byte)
    }

    fn bump_str(&mut self, s: &str) {
        for _ in 0..s.len() {
            self.bump();
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { message: message.into(), line: self.line, column: self.column }
    }

    /// An error naming what was found at the cursor.
    fn error_found(&self, what: &str) -> SyntaxError {
        let found = self.found();
        let mut message = format!("{what}, found {found}");
        if self.peek() == Some(b'/') {
            message.push_str(": comments are not allowed in JSON");
        }
        self.error(message)
    }

    /// The word (or character) at the cursor, for messages.
    fn found(&self) -> String {
        let rest = self.rest();
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric()).take(16).collect();
        if !word.is_empty() {
            return format!("`{word}`");
        }
        match rest.chars().next() {
            Some(c) if c.is_control() => format!("`{}`", c.escape_debug()),
            Some(c) => format!("`{c}`"),
            None => "end of input".to_string(),
        }
    }

    fn node(&self, kind: Kind, line: usize, column: usize) -> Json {
        Json { kind, line, column, end_line: self.line }
    }

    fn value(&mut self) -> Result<Json, SyntaxError> {
        self.skip_whitespace();
        let (line, column) = (self.line, self.column);
        let kind = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            _ => self.literal()?,
        };
        // The cursor is just past the value: for a container, on the line of
        // its closing bracket.
        Ok(self.node(kind, line, column))
    }

    fn literal(&mut self) -> Result<Kind, SyntaxError> {
        for (text, kind) in
            [("true", Kind::Bool(true)), ("false", Kind::Bool(false)), ("null", Kind::Null)]
        {
            let rest = self.rest();
            let after = rest.as_bytes().get(text.len()).copied();
            let word_ends = !matches!(after, Some(b) if b.is_ascii_alphanumeric());
            if rest.starts_with(text) && word_ends {
                self.bump_str(text);
                return Ok(kind);
            }
        }
        Err(self.error_found("expected a value"))
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        if self.depth >= self.max_depth {
            return Err(self.error(format!("nesting deeper than {} levels", self.max_depth)));
        }
        self.depth += 1;
        Ok(())
    }

    fn array(&mut self) -> Result<Kind, SyntaxError> {
        self.enter()?;
        self.bump();
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.bump();
            self.depth -= 1;
            return Ok(Kind::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.bump_separator(b']')?,
                Some(b']') => break,
                _ => return Err(self.error_found("expected `,` or `]` after an array item")),
            }
        }
        self.bump();
        self.depth -= 1;
        Ok(Kind::Array(items))
    }

    /// Consumes a `,` and rejects a trailing comma before `close`.
    fn bump_separator(&mut self, close: u8) -> Result<(), SyntaxError> {
        self.bump();
        self.skip_whitespace();
        if self.peek() == Some(close) {
            return Err(self.error(format!("trailing comma before `{}`", char::from(close))));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Kind, SyntaxError> {
        self.enter()?;
        self.bump();
        let mut entries = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.bump();
            self.depth -= 1;
            return Ok(Kind::Object(entries));
        }
        loop {
            entries.push(self.entry()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.bump_separator(b'}')?,
                Some(b'}') => break,
                _ => return Err(self.error_found("expected `,` or `}` after an object entry")),
            }
        }
        self.bump();
        self.depth -= 1;
        Ok(Kind::Object(entries))
    }

    fn entry(&mut self) -> Result<(Key, Json), SyntaxError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.error_found("expected a string key"));
        }
        let (line, column) = (self.line, self.column);
        let name = self.string()?;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error_found("expected `:` after an object key"));
        }
        self.bump();
        let value = self.value()?;
        Ok((Key { name, line, column }, value))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.error("unterminated string");
        self.bump();
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.bump();
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(start),
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(byte) => {
                    return Err(self.error(format!(
                        "control character U+{byte:04X} in a string: write it as `\\u{byte:04x}`"
                    )))
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let at = self.error("invalid escape in a string");
        let start = self.pos;
        self.bump();
        let simple = match self.bump() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(at),
            _ => {
                while self.peek().is_some_and(|b| b & 0xC0 == 0x80) {
                    self.bump();
                }
                let text = self.text.get(start..self.pos).unwrap_or("");
                let shown: String = text.escape_debug().collect();
                let message = format!("invalid escape `{shown}` in a string");
                return Err(SyntaxError { message, ..at });
            }
        };
        Ok(simple)
    }

    /// Reads the four hex digits after `\u` (and a low surrogate's escape
    /// after a high surrogate).
    fn unicode_escape(&mut self, at: SyntaxError) -> Result<char, SyntaxError> {
        let high = self.hex4(&at)?;
        if (0xDC00..0xE000).contains(&high) {
            return Err(SyntaxError {
                message: format!("lone low surrogate `\\u{high:04x}` in a string"),
                ..at
            });
        }
        if !(0xD800..0xDC00).contains(&high) {
            return char::from_u32(high).ok_or(at);
        }
        if !self.rest().starts_with("\\u") {
            return Err(SyntaxError {
                message: format!("lone high surrogate `\\u{high:04x}` in a string"),
                ..at
            });
        }
        self.bump_str("\\u");
        let low = self.hex4(&at)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(SyntaxError {
                message: format!("lone high surrogate `\\u{high:04x}` in a string"),
                ..at
            });
        }
        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char::from_u32(code).ok_or(at)
    }

    fn hex4(&mut self, at: &SyntaxError) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16));
            let Some(digit) = digit else {
                let message =
                    "invalid `\\u` escape in a string: expected four hex digits".to_string();
                return Err(SyntaxError { message, ..at.clone() });
            };
            self.bump();
            code = code * 16 + digit;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => {
                self.bump();
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error("leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_found("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            self.required_digits()?;
        }
        Ok(self.text.get(start..self.pos).unwrap_or("").to_string())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.bump();
        }
    }

    fn required_digits(&mut self) -> Result<(), SyntaxError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error_found("expected a digit"));
        }
        self.digits();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse64(text: &str) -> Json {
        parse(text, 64).unwrap()
    }

    #[test]
    fn keeps_positions_order_and_duplicates() {
        let doc = parse64("{\n  \"b\": 1,\n  \"a\": [true, null],\n  \"b\": \"x\"\n}");
        assert_eq!((doc.line, doc.column, doc.end_line), (1, 1, 5));
        let Kind::Object(entries) = &doc.kind else { panic!("not an object") };
        let names: Vec<(&str, usize, usize)> =
            entries.iter().map(|(k, _)| (k.name.as_str(), k.line, k.column)).collect();
        assert_eq!(names, vec![("b", 2, 3), ("a", 3, 3), ("b", 4, 3)]);
        let array = &entries[1].1;
        assert_eq!((array.line, array.column), (3, 8));
        assert_eq!(
            array.kind,
            Kind::Array(vec![
                Json { kind: Kind::Bool(true), line: 3, column: 9, end_line: 3 },
                Json { kind: Kind::Null, line: 3, column: 15, end_line: 3 },
            ])
        );
    }

    #[test]
    fn columns_count_characters() {
        let doc = parse64("[\"ééé\", 1]");
        let Kind::Array(items) = &doc.kind else { panic!("not an array") };
        assert_eq!(items[1].column, 9);
    }

    #[test]
    fn numbers_keep_their_text() {
        for text in ["0", "-0", "10", "-1.5e3", "2E+10", "1.25e-2"] {
            assert_eq!(parse64(text).kind, Kind::Number(text.to_string()));
        }
        for text in ["+1", ".5", "1e", "0x1", "NaN", "Infinity", "1.e3"] {
            assert!(parse(text, 64).is_err(), "{text}");
        }
    }

    #[test]
    fn strict_rfc_8259() {
        for text in [
            "[1,]",
            "{\"a\":1,}",
            "['a']",
            "[1 2]",
            "{\"a\"}",
            "/*c*/[]",
            "[] //",
            "\"\\x41\"",
            "tru",
            "nul",
            "truex",
        ] {
            assert!(parse(text, 64).is_err(), "{text}");
        }
        assert_eq!(parse64("\u{feff} [] ").kind, Kind::Array(vec![]));
        assert_eq!(parse64("\"\\u00e9\\u20AC\"").kind, Kind::String("é€".to_string()));
        assert_eq!(parse64("\"\u{7f}\"").kind, Kind::String("\u{7f}".to_string()));
    }

    #[test]
    fn depth_limit_counts_levels() {
        assert!(parse("[[[]]]", 3).is_ok());
        let e = parse("[[[[]]]]", 3).unwrap_err();
        assert_eq!((e.message.as_str(), e.column), ("nesting deeper than 3 levels", 4));
        assert!(parse("{\"a\": {\"b\": {}}}", 2).is_err());
    }
}
