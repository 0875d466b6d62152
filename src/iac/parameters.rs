//! Parameter values from a file, in the three formats cfn-policy-validator
//! reads (`parameters.py`, `_normalize_parameters`):
//!
//! 1. a CodePipeline template configuration file, `{"Parameters": {"K": "V"}}`
//!    (other keys such as `Tags` and `StackPolicy` are ignored);
//! 2. CloudFormation's parameter list, `[{"ParameterKey": "K", "ParameterValue": "V"}]`;
//! 3. `KEY=VALUE` strings as `aws cloudformation deploy --parameter-overrides`
//!    takes them, `["K=V"]`.

use serde_json::Value;
use std::collections::BTreeMap;

/// Reads parameter values from a file's text.
///
/// # Errors
/// Invalid JSON, or a value of the wrong shape, described in lowercase.
///
/// ```
/// use iamcheck::iac::parameters::from_configuration_file;
/// let p = from_configuration_file(r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}]"#)?;
/// assert_eq!(p["Env"], "prod");
/// # Ok::<(), String>(())
/// ```
pub fn from_configuration_file(text: &str) -> Result<BTreeMap<String, String>, String> {
    let parsed: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let mut out = BTreeMap::new();
    match parsed {
        Value::Object(map) => match map.get("Parameters") {
            None => {}
            Some(Value::Object(params)) => {
                for (k, v) in params {
                    out.insert(
                        k.clone(),
                        text_of(v).ok_or_else(|| format!("parameter `{k}` is not a string"))?,
                    );
                }
            }
            Some(_) => return Err("`Parameters` must be an object of names to values".into()),
        },
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                match item {
                    Value::String(kv) => {
                        let (k, v) = kv
                            .split_once('=')
                            .ok_or_else(|| format!("item {i} `{kv}` is not KEY=VALUE"))?;
                        out.insert(k.to_string(), v.to_string());
                    }
                    Value::Object(o) => {
                        let k = o.get("ParameterKey").and_then(Value::as_str);
                        let v = o.get("ParameterValue").and_then(text_of);
                        let (Some(k), Some(v)) = (k, v) else {
                            return Err(format!(
                                "item {i} needs string `ParameterKey` and `ParameterValue`"
                            ));
                        };
                        out.insert(k.to_string(), v);
                    }
                    _ => {
                        return Err(format!(
                        "item {i} is neither `KEY=VALUE` nor a ParameterKey/ParameterValue object"
                    ))
                    }
                }
            }
        }
        _ => return Err("expected an object with `Parameters` or a list of parameters".into()),
    }
    Ok(out)
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_formats() {
        assert_eq!(
            from_configuration_file(r#"{"Parameters": {"A": "1"}, "Tags": {}}"#).unwrap()["A"],
            "1"
        );
        assert_eq!(
            from_configuration_file(r#"[{"ParameterKey": "A", "ParameterValue": "2"}]"#).unwrap()
                ["A"],
            "2"
        );
        assert_eq!(from_configuration_file(r#"["A=3=x"]"#).unwrap()["A"], "3=x");
        assert!(from_configuration_file(r#"{"Parameters": []}"#).unwrap_err().contains("object"));
        assert!(from_configuration_file(r#"[1]"#).unwrap_err().contains("item 0"));
        assert!(from_configuration_file("{").unwrap_err().contains("invalid JSON"));
    }
}
