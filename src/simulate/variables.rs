//! Policy variables in `simulate` (docs/semantics.md §4a): a pattern with
//! `${…}` is instantiated from the request's context, then matched like
//! any other pattern, its substituted text literal.

use crate::policy::template::{Instance, Lookup, Template, Tok};
use crate::request::{ContextValue, Request};

/// What one policy string stands for in `request`: its glob tokens, no
/// value at all (a variable's key is absent, without default), or an
/// undecided reason. `variables`: whether `${…}` is a variable in this
/// policy; `glob`: whether the text's `*`/`?` are wildcards.
pub(crate) fn instantiate(
    text: &str,
    request: &Request,
    variables: bool,
    glob: bool,
) -> Result<Option<Vec<Tok>>, String> {
    if !variables || !Template::mentions_variable(text) {
        return Ok(Some(Tok::of_text(text, glob).collect()));
    }
    let template = Template::parse(text).map_err(|e| format!("malformed policy variable: {e}"))?;
    let lookup = |key: &str| match request.context_value(key) {
        None => Lookup::Absent,
        Some(ContextValue::Single(v)) => Lookup::Value(v.as_str()),
        Some(ContextValue::Multi(_)) => Lookup::Set,
    };
    match template.instance(glob, lookup) {
        Instance::Tokens(t) => Ok(Some(t)),
        Instance::Nothing => Ok(None),
        Instance::Undefined(key) => Err(format!(
            "the policy variable `${{{key}}}` names a key the request gives several values; AWS substitutes only single-valued keys"
        )),
    }
}

/// Evaluates a list of entries (ORed) three-valued: `Ok(true)` if some
/// entry matches, `Ok(false)` if none does, `Err` if none matches and one
/// is undecided.
pub(crate) fn any_entry(
    entries: &[String],
    request: &Request,
    variables: bool,
    glob: bool,
    matches: impl Fn(&[Tok]) -> bool,
) -> Result<bool, String> {
    let mut undecided = None;
    for text in entries {
        match instantiate(text, request, variables, glob) {
            Ok(Some(tokens)) if matches(&tokens) => return Ok(true),
            Ok(_) => {}
            // Undefined, unless no value of the variable could make it match:
            // its widening (every variable read as `*`) does not.
            Err(e) => {
                let widened = Template::parse(text).map(|t| t.widened(glob));
                if widened.map_or(true, |w| matches(&w)) {
                    undecided = undecided.or(Some(e));
                }
            }
        }
    }
    undecided.map_or(Ok(false), Err)
}
