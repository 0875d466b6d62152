//! CloudFormation's intrinsic functions, resolved offline.
//!
//! `Ref`, `Fn::Sub`, `Fn::Join`, `Fn::GetAtt`, `Fn::Select`, `Fn::Split`,
//! `Fn::FindInMap`, `Fn::If` (with `Fn::Equals`, `Fn::And`, `Fn::Or`,
//! `Fn::Not` and `Condition` in the `Conditions` section), `Fn::GetAZs`,
//! `Fn::Base64`, `Fn::ImportValue` and the pseudo parameters, as the
//! CloudFormation user guide's "Intrinsic function reference" defines them.
//!
//! What cannot be known offline gets a stand-in and is recorded in
//! the policy's `unresolved` list: a resource's generated physical name (the
//! logical name stands in, as in cfn-policy-validator), an import, a stack
//! name, an SSM parameter's value, a dynamic reference, an attribute this
//! table does not know. docs/templates.md lists every stand-in.
//!
//! Resolution is bounded: one depth counter covers the tree and every
//! reference followed (a circular `Ref`/`Fn::GetAtt` is an error naming the
//! cycle), and every node built counts against the node budget.

use super::types::{self, Refers};
use crate::iac::json::{get, items, join, node, scalar_text, string, text};
use crate::iac::{IacError, Options, Unresolved};
use crate::parse::json::{Json, Key, Kind};
use std::collections::HashMap;

/// A parameter's value: text, or a list for `CommaDelimitedList` and
/// `List<…>` parameters.
#[derive(Clone, Debug)]
enum Param {
    Text(String),
    List(Vec<String>),
    /// An SSM parameter type: the value lives in Parameter Store.
    Ssm(String),
}

/// The template's sections and the resolution state.
pub(crate) struct Resolver<'a> {
    resources: &'a [(Key, Json)],
    parameters: HashMap<String, (Option<Param>, &'a Json)>,
    mappings: Option<&'a Json>,
    conditions: Option<&'a Json>,
    options: &'a Options,
    condition_values: HashMap<String, bool>,
    visiting: Vec<String>,
    depth: usize,
    nodes: usize,
    /// The stand-ins used since the last [`Resolver::take_unresolved`].
    pub unresolved: Vec<Unresolved>,
}

type Out = Result<Option<Json>, IacError>;

impl<'a> Resolver<'a> {
    /// A resolver over `template`'s sections.
    pub(crate) fn new(template: &'a Json, options: &'a Options) -> Result<Resolver<'a>, IacError> {
        let resources = match get(template, "Resources") {
            Some(r) => crate::iac::json::entries(r, "Resources")?,
            None => &[],
        };
        let mut parameters = HashMap::new();
        if let Some(params) = get(template, "Parameters") {
            for (k, decl) in crate::iac::json::entries(params, "Parameters")? {
                let path = join("Parameters", &k.name);
                let value = param_value(&k.name, decl, options, &path)?;
                parameters.insert(k.name.clone(), (value, decl));
            }
        }
        Ok(Resolver {
            resources,
            parameters,
            mappings: get(template, "Mappings"),
            conditions: get(template, "Conditions"),
            options,
            condition_values: HashMap::new(),
            visiting: Vec::new(),
            depth: 0,
            nodes: 0,
            unresolved: Vec::new(),
        })
    }

    /// The stand-ins used so far, emptied.
    pub(crate) fn take_unresolved(&mut self) -> Vec<Unresolved> {
        let mut out = std::mem::take(&mut self.unresolved);
        out.dedup();
        out
    }

    /// Runs `f`, dropping the stand-ins it uses and keeping those recorded before it (a
    /// resource's `Condition` names its stand-ins on the resource's policies, read later).
    pub(crate) fn speculative<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = std::mem::take(&mut self.unresolved);
        let out = f(self);
        self.unresolved = before;
        out
    }

    /// The resource named `id`.
    pub(crate) fn resource(&self, id: &str) -> Option<&'a Json> {
        self.resources.iter().rev().find(|(k, _)| k.name == id).map(|(_, v)| v)
    }

    fn stand_in(&mut self, what: String, stand_in: &str, at: &Json) {
        self.unresolved.push(Unresolved { what, stand_in: stand_in.to_string(), line: at.line });
    }

    /// Resolves every intrinsic function in `value`; `None` is
    /// `AWS::NoValue` (the property is absent).
    pub(crate) fn resolve(&mut self, value: &Json, path: &str) -> Out {
        self.enter(value, path)?;
        let out = self.resolve_inner(value, path);
        self.depth -= 1;
        out
    }

    fn enter(&mut self, at: &Json, path: &str) -> Result<(), IacError> {
        self.depth += 1;
        self.nodes += 1;
        if self.depth > self.options.max_depth {
            self.depth -= 1;
            return Err(IacError::at(
                at,
                path,
                format!("resolution nests deeper than the limit of {}", self.options.max_depth),
            ));
        }
        if self.nodes > self.options.max_nodes {
            self.depth -= 1;
            return Err(IacError::at(
                at,
                path,
                format!("resolution builds more than {} nodes", self.options.max_nodes),
            ));
        }
        Ok(())
    }

    fn resolve_inner(&mut self, value: &Json, path: &str) -> Out {
        match &value.kind {
            Kind::Object(entries) => {
                if let [(k, arg)] = entries.as_slice() {
                    if k.name == "Ref" || k.name.starts_with("Fn::") {
                        return self.function(&k.name, arg, value, &join(path, &k.name));
                    }
                }
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    if let Some(v) = self.resolve(v, &join(path, &k.name))? {
                        out.push((k.clone(), v));
                    }
                }
                Ok(Some(Json { kind: Kind::Object(out), ..value.clone_shell() }))
            }
            Kind::Array(list) => {
                let mut out = Vec::with_capacity(list.len());
                for (i, v) in list.iter().enumerate() {
                    if let Some(v) = self.resolve(v, &format!("{path}[{i}]"))? {
                        out.push(v);
                    }
                }
                Ok(Some(Json { kind: Kind::Array(out), ..value.clone_shell() }))
            }
            Kind::String(s) => {
                if s.contains("{{resolve:") {
                    self.stand_in(
                        format!("dynamic reference `{s}` (read at deployment)"),
                        s,
                        value,
                    );
                }
                Ok(Some(value.clone()))
            }
            _ => Ok(Some(value.clone())),
        }
    }

    fn function(&mut self, name: &str, arg: &Json, at: &Json, path: &str) -> Out {
        match name {
            "Ref" => self.reference(arg, at, path),
            "Fn::Sub" => self.sub(arg, at, path).map(|s| Some(text(s, at))),
            "Fn::Join" => self.join(arg, at, path).map(|s| Some(text(s, at))),
            "Fn::GetAtt" => self.get_att(arg, at, path).map(Some),
            "Fn::Select" => self.select(arg, at, path),
            "Fn::Split" => self.split(arg, at, path).map(Some),
            "Fn::FindInMap" => self.find_in_map(arg, at, path),
            "Fn::If" => self.if_(arg, at, path),
            "Fn::GetAZs" => {
                let region = self.options.region.clone();
                let azs =
                    ["a", "b", "c"].iter().map(|z| text(format!("{region}{z}"), at)).collect();
                Ok(Some(node(Kind::Array(azs), at)))
            }
            "Fn::Base64" => self.string_of(arg, path).map(|s| Some(text(s, at))),
            "Fn::ImportValue" => {
                let export = self.string_of(arg, path)?;
                let stand_in = format!("iamcheck-unresolved-import-{export}");
                self.stand_in(
                    format!("Fn::ImportValue `{export}` (another stack's export)"),
                    &stand_in,
                    at,
                );
                Ok(Some(text(stand_in, at)))
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                self.condition_function(name, arg, at, path).map(|b| Some(node(Kind::Bool(b), at)))
            }
            other => {
                let stand_in = format!("iamcheck-unresolved-{}", other.trim_start_matches("Fn::"));
                self.stand_in(format!("`{other}` (not evaluated offline)"), &stand_in, at);
                Ok(Some(text(stand_in, at)))
            }
        }
    }

    /// Resolves `value` to one string (numbers and booleans as text).
    pub(crate) fn string_of(&mut self, value: &Json, path: &str) -> Result<String, IacError> {
        let resolved = self.resolve(value, path)?;
        match resolved.as_ref().and_then(scalar_text) {
            Some(s) => Ok(s),
            None => Err(IacError::at(
                value,
                path,
                format!(
                    "expected a string, found {}",
                    resolved.map_or("AWS::NoValue", |r| r.kind.describe())
                ),
            )),
        }
    }

    /// Resolves `value` to a list of strings (`AWS::NoValue`: none).
    pub(crate) fn list_of(&mut self, value: &Json, path: &str) -> Result<Vec<String>, IacError> {
        let resolved = self.resolve(value, path)?;
        let Some(resolved) = resolved else { return Ok(Vec::new()) };
        let list = items(&resolved, path)?;
        list.iter()
            .enumerate()
            .map(|(i, v)| {
                scalar_text(v).ok_or_else(|| {
                    IacError::at(
                        v,
                        &format!("{path}[{i}]"),
                        format!("expected a string, found {}", v.kind.describe()),
                    )
                })
            })
            .collect()
    }

    fn args<'j>(
        &self,
        arg: &'j Json,
        n: std::ops::RangeInclusive<usize>,
        name: &str,
        path: &str,
    ) -> Result<&'j [Json], IacError> {
        let list = match &arg.kind {
            Kind::Array(list) if n.contains(&list.len()) => list,
            other => {
                let found = match other {
                    Kind::Array(l) => format!("{} arguments", l.len()),
                    k => k.describe().to_string(),
                };
                let want = if n.start() == n.end() {
                    n.start().to_string()
                } else {
                    format!("{} to {}", n.start(), n.end())
                };
                return Err(IacError::at(
                    arg,
                    path,
                    format!("`{name}` takes a list of {want} arguments, found {found}"),
                ));
            }
        };
        Ok(list)
    }

    fn reference(&mut self, arg: &Json, at: &Json, path: &str) -> Out {
        let name = string(arg, path)?;
        match name {
            "AWS::NoValue" => return Ok(None),
            "AWS::NotificationARNs" => return Ok(Some(node(Kind::Array(Vec::new()), at))),
            _ => {}
        }
        if let Some(s) = self.pseudo(name, at) {
            return Ok(Some(text(s, at)));
        }
        if let Some((value, _)) = self.parameters.get(name) {
            return match value.clone() {
                Some(Param::Text(s)) => Ok(Some(text(s, at))),
                Some(Param::List(l)) => {
                    Ok(Some(node(Kind::Array(l.into_iter().map(|s| text(s, at)).collect()), at)))
                }
                Some(Param::Ssm(name_in_ssm)) => {
                    let stand_in = format!("iamcheck-unresolved-ssm-{name}");
                    self.stand_in(
                        format!("Ref `{name}` (SSM parameter `{name_in_ssm}`)"),
                        &stand_in,
                        at,
                    );
                    Ok(Some(text(stand_in, at)))
                }
                None => {
                    let stand_in = format!("iamcheck-unresolved-parameter-{name}");
                    self.stand_in(
                        format!("parameter `{name}` has no value and no Default (give it with --parameters {name}=VALUE)"),
                        &stand_in,
                        at,
                    );
                    Ok(Some(text(stand_in, at)))
                }
            };
        }
        if self.resource(name).is_some() {
            return self.resource_value(name, "Ref", at, path).map(Some);
        }
        Err(IacError::at(at, path, format!("`Ref` to `{name}`, which is neither a parameter, a resource nor a pseudo parameter")))
    }

    /// What `Ref` of resource `id` returns, as text (stand-ins named).
    pub(crate) fn reference_of(
        &mut self,
        id: &str,
        at: &Json,
        path: &str,
    ) -> Result<String, IacError> {
        let value = self.resource_value(id, "Ref", at, path)?;
        scalar_text(&value).ok_or_else(|| {
            IacError::at(at, path, format!("`Ref` to `{id}` does not give a single text value"))
        })
    }

    /// The pseudo parameters (stand-ins named where the value depends on
    /// the deployment).
    fn pseudo(&mut self, name: &str, at: &Json) -> Option<String> {
        let o = self.options;
        Some(match name {
            "AWS::AccountId" => o.account_id.clone(),
            "AWS::Region" => o.region.clone(),
            "AWS::Partition" => o.partition.clone(),
            "AWS::URLSuffix" => {
                if o.partition == "aws-cn" {
                    "amazonaws.com.cn".into()
                } else {
                    "amazonaws.com".into()
                }
            }
            "AWS::StackName" => {
                self.stand_in("AWS::StackName (the stack's name)".into(), STACK_NAME, at);
                STACK_NAME.into()
            }
            "AWS::StackId" => {
                let s = format!("arn:{}:cloudformation:{}:{}:stack/{STACK_NAME}/00000000-0000-0000-0000-000000000000", o.partition, o.region, o.account_id);
                self.stand_in("AWS::StackId (the stack's id)".into(), &s, at);
                s
            }
            _ => return None,
        })
    }

    /// `Ref` or `Fn::GetAtt` of resource `id`.
    fn resource_value(
        &mut self,
        id: &str,
        attribute: &str,
        at: &Json,
        path: &str,
    ) -> Result<Json, IacError> {
        if self.visiting.iter().any(|v| v == id) {
            let mut cycle = self.visiting.clone();
            cycle.push(id.to_string());
            return Err(IacError::at(
                at,
                path,
                format!("circular reference: {}", cycle.join(" -> ")),
            ));
        }
        let Some(resource) = self.resource(id) else {
            return Err(IacError::at(
                at,
                path,
                format!("`Fn::GetAtt` of `{id}`, which is not a resource"),
            ));
        };
        let ty = get(resource, "Type").and_then(scalar_text).unwrap_or_default();
        if ty == "Custom::AWSCDKCfnJson" && attribute == "Value" {
            // CDK's CfnJson: the custom resource returns its `Value`
            // property with every token resolved (aws-cdk-lib `CfnJson`).
            if let Some(value) = get(resource, "Properties").and_then(|p| get(p, "Value")) {
                self.visiting.push(id.to_string());
                let resolved = self
                    .resolve(value, &join(&join(&join("Resources", id), "Properties"), "Value"));
                self.visiting.pop();
                return match resolved? {
                    // The value is JSON text once its tokens are resolved.
                    Some(Json { kind: Kind::String(t), .. })
                        if crate::parse::json::parse(
                            &t,
                            self.options.max_depth.min(crate::parse::MAX_DEPTH_CEILING),
                        )
                        .is_ok() =>
                    {
                        let tree = crate::parse::json::parse(
                            &t,
                            self.options.max_depth.min(crate::parse::MAX_DEPTH_CEILING),
                        )
                        .map_err(|e| IacError::at(at, path, e.message))?;
                        let mut tree = tree;
                        super::shift(&mut tree, at.line.saturating_sub(1), at.column);
                        Ok(tree)
                    }
                    Some(v) => Ok(Json { line: at.line, column: at.column, ..v }),
                    None => Err(IacError::at(at, path, format!("`{id}.Value` is AWS::NoValue"))),
                };
            }
        }
        let info = types::info(&ty);
        self.visiting.push(id.to_string());
        let name = self.physical_name(id, resource, info.and_then(|i| i.name_property), at);
        let path_prop = match get(resource, "Properties").and_then(|p| get(p, "Path")) {
            Some(p) => self.string_of(p, &join(path, "Path")).map(Some),
            None => Ok(None),
        };
        self.visiting.pop();
        let name = name?;
        let iam_path = path_prop?.unwrap_or_else(|| "/".into());
        let pattern = match info.and_then(|i| i.arn) {
            Some(p) => Some(self.fill_properties(id, resource, p, &name, path)?),
            None => None,
        };
        let primary = |a: &str| a == "Arn" || info.is_some_and(|i| i.arn_attributes.contains(&a));
        let value = match attribute {
            "Ref" => match info.map(|i| i.reference) {
                Some(Refers::Arn) => self.arn(pattern.as_deref(), &ty, id, &name, &iam_path, at),
                Some(Refers::QueueUrl) => format!(
                    "https://sqs.{}.amazonaws.com/{}/{}",
                    self.options.region, self.options.account_id, name
                ),
                _ => name.clone(),
            },
            a if primary(a) => self.arn(pattern.as_deref(), &ty, id, &name, &iam_path, at),
            a if info.is_some_and(|i| i.name_attributes.contains(&a)) => name.clone(),
            "QueueUrl" => format!(
                "https://sqs.{}.amazonaws.com/{}/{}",
                self.options.region, self.options.account_id, name
            ),
            a if a.ends_with("Arn") || a.ends_with("ARN") => {
                // Another ARN of the resource (a table's stream, a cluster's secret): an ARN
                // of the right service with a named stand-in, never the resource's own ARN.
                let stand_in = format!("iamcheck-unresolved-{id}-{a}");
                let arn = types::generic_arn(&ty, self.options, &stand_in);
                self.stand_in(format!("Fn::GetAtt `{id}.{a}` (known after deployment)"), &arn, at);
                arn
            }
            a => {
                let stand_in = format!("iamcheck-unresolved-{id}-{a}");
                self.stand_in(
                    format!("Fn::GetAtt `{id}.{a}` (known after deployment)"),
                    &stand_in,
                    at,
                );
                stand_in
            }
        };
        Ok(text(value, at))
    }

    /// The ARN of resource `id` from its type's pattern (filled but for the
    /// partition, region, account, name and path), or a generic ARN named as a
    /// stand-in for a type without one.
    fn arn(
        &mut self,
        pattern: Option<&str>,
        ty: &str,
        id: &str,
        name: &str,
        iam_path: &str,
        at: &Json,
    ) -> String {
        match pattern {
            Some(p) => types::fill(p, self.options, name, iam_path),
            None => {
                let arn = types::generic_arn(ty, self.options, name);
                self.stand_in(
                    format!("the ARN of `{id}`: iamcheck has no ARN format for `{ty}`"),
                    &arn,
                    at,
                );
                arn
            }
        }
    }

    /// `pattern` with each `{prop:P}` (`{prop:P|default}`) replaced by the
    /// resource's property `P` resolved (the name in an ARN given there,
    /// [`name_in_reference`]), or the default, or else the name.
    fn fill_properties(
        &mut self,
        id: &str,
        resource: &Json,
        pattern: &str,
        name: &str,
        path: &str,
    ) -> Result<String, IacError> {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(start) = rest.find("{prop:") {
            let (before, after) = rest.split_at(start);
            out.push_str(before);
            let Some(end) = after.find('}') else { break };
            let spec = after.get(6..end).unwrap_or_default();
            let (property, default) = match spec.split_once('|') {
                Some((p, d)) => (p, Some(d)),
                None => (spec, None),
            };
            let given = get(resource, "Properties").and_then(|p| get(p, property));
            let value = match given {
                Some(v) => {
                    self.visiting.push(id.to_string());
                    let s = self.string_of(v, &join(path, property));
                    self.visiting.pop();
                    name_in_reference(&s?)
                }
                None => default.unwrap_or(name).to_string(),
            };
            out.push_str(&value);
            rest = after.get(end + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The resource's name: its name property resolved, or its logical
    /// name standing in for the name CloudFormation generates.
    fn physical_name(
        &mut self,
        id: &str,
        resource: &Json,
        property: Option<&str>,
        at: &Json,
    ) -> Result<String, IacError> {
        let given =
            property.and_then(|p| get(resource, "Properties").and_then(|props| get(props, p)));
        if let (Some(value), Some(p)) = (given, property) {
            let path = join(&join(&join("Resources", id), "Properties"), p);
            if let Some(v) = self.resolve(value, &path)? {
                if let Some(s) = scalar_text(&v) {
                    return Ok(s);
                }
            }
        }
        self.stand_in(
            format!("`{id}` has no name in the template (generated at deployment)"),
            id,
            at,
        );
        Ok(id.to_string())
    }

    fn get_att(&mut self, arg: &Json, at: &Json, path: &str) -> Result<Json, IacError> {
        let (id, attribute) = match &arg.kind {
            Kind::String(s) => match s.split_once('.') {
                Some((id, a)) => (id.to_string(), a.to_string()),
                None => {
                    return Err(IacError::at(
                        arg,
                        path,
                        format!("`Fn::GetAtt` takes `Resource.Attribute`, found `{s}`"),
                    ))
                }
            },
            _ => {
                let list = self.args(arg, 2..=2, "Fn::GetAtt", path)?;
                let [id, attribute] = list else {
                    return Err(IacError::at(arg, path, "`Fn::GetAtt` takes 2 arguments"));
                };
                let id = string(id, &format!("{path}[0]"))?.to_string();
                (id, self.string_of(attribute, &format!("{path}[1]"))?)
            }
        };
        if self.resource(&id).is_none() {
            return Err(IacError::at(
                arg,
                path,
                format!("`Fn::GetAtt` of `{id}`, which is not a resource"),
            ));
        }
        self.resource_value(&id, &attribute, at, path)
    }

    fn sub(&mut self, arg: &Json, at: &Json, path: &str) -> Result<String, IacError> {
        let (template, vars) = match &arg.kind {
            Kind::String(s) => (s.clone(), None),
            _ => {
                let list = self.args(arg, 2..=2, "Fn::Sub", path)?;
                let [t, vars] = list else {
                    return Err(IacError::at(arg, path, "`Fn::Sub` takes 2 arguments"));
                };
                let t = string(t, &format!("{path}[0]"))?.to_string();
                crate::iac::json::entries(vars, &format!("{path}[1]"))?;
                (t, Some(vars))
            }
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                out.push_str(rest.get(start..).unwrap_or(""));
                rest = "";
                break;
            };
            let inner = after.get(..end).unwrap_or("");
            rest = after.get(end + 1..).unwrap_or("");
            if let Some(literal) = inner.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            out.push_str(&self.sub_variable(inner.trim(), vars, at, path)?);
        }
        out.push_str(rest);
        Ok(out)
    }

    fn sub_variable(
        &mut self,
        name: &str,
        vars: Option<&Json>,
        at: &Json,
        path: &str,
    ) -> Result<String, IacError> {
        if let Some(value) = vars.and_then(|v| get(v, name)) {
            return self.string_of(value, &join(path, name));
        }
        if self.parameters.contains_key(name)
            || self.resource(name).is_some()
            || name.starts_with("AWS::")
        {
            let r = text(name, at);
            let resolved = self.reference(&r, at, path)?;
            return match resolved.as_ref().map(|r| &r.kind) {
                Some(Kind::String(s)) => Ok(s.clone()),
                Some(Kind::Array(_)) => {
                    Err(IacError::at(at, path, format!("`${{{name}}}` in `Fn::Sub` is a list")))
                }
                _ => {
                    Err(IacError::at(at, path, format!("`${{{name}}}` in `Fn::Sub` has no value")))
                }
            };
        }
        if let Some((id, attribute)) = name.split_once('.') {
            if self.resource(id).is_some() {
                let v = self.resource_value(id, attribute, at, path)?;
                return Ok(scalar_text(&v).unwrap_or_default());
            }
        }
        Err(IacError::at(
            at,
            path,
            format!("`${{{name}}}` in `Fn::Sub` names no parameter, resource or variable"),
        ))
    }

    fn join(&mut self, arg: &Json, _at: &Json, path: &str) -> Result<String, IacError> {
        let list = self.args(arg, 2..=2, "Fn::Join", path)?;
        let [delimiter, values] = list else {
            return Err(IacError::at(arg, path, "`Fn::Join` takes 2 arguments"));
        };
        let delimiter = string(delimiter, &format!("{path}[0]"))?.to_string();
        let values = self.list_of(values, &format!("{path}[1]"))?;
        Ok(values.join(&delimiter))
    }

    fn select(&mut self, arg: &Json, at: &Json, path: &str) -> Out {
        let list = self.args(arg, 2..=2, "Fn::Select", path)?;
        let [index, values] = list else {
            return Err(IacError::at(arg, path, "`Fn::Select` takes 2 arguments"));
        };
        let index_text = self.string_of(index, &format!("{path}[0]"))?;
        let Ok(i) = index_text.parse::<usize>() else {
            return Err(IacError::at(
                index,
                path,
                format!("`Fn::Select` index `{index_text}` is not a non-negative integer"),
            ));
        };
        let resolved = self.resolve(values, &format!("{path}[1]"))?;
        let Some(resolved) = resolved else {
            return Err(IacError::at(values, path, "`Fn::Select` of AWS::NoValue"));
        };
        let list = items(&resolved, &format!("{path}[1]"))?;
        match list.get(i) {
            Some(v) => Ok(Some(Json { line: at.line, column: at.column, ..v.clone() })),
            None => Err(IacError::at(
                at,
                path,
                format!("`Fn::Select` index {i} is out of range for a list of {}", list.len()),
            )),
        }
    }

    fn split(&mut self, arg: &Json, at: &Json, path: &str) -> Result<Json, IacError> {
        let list = self.args(arg, 2..=2, "Fn::Split", path)?;
        let [delimiter, source] = list else {
            return Err(IacError::at(arg, path, "`Fn::Split` takes 2 arguments"));
        };
        let delimiter = string(delimiter, &format!("{path}[0]"))?.to_string();
        if delimiter.is_empty() {
            return Err(IacError::at(arg, path, "`Fn::Split` delimiter is empty"));
        }
        let source = self.string_of(source, &format!("{path}[1]"))?;
        Ok(node(Kind::Array(source.split(delimiter.as_str()).map(|s| text(s, at)).collect()), at))
    }

    fn find_in_map(&mut self, arg: &Json, at: &Json, path: &str) -> Out {
        let list = self.args(arg, 3..=4, "Fn::FindInMap", path)?;
        let (Some(map), Some(top), Some(second)) = (list.first(), list.get(1), list.get(2)) else {
            return Err(IacError::at(arg, path, "`Fn::FindInMap` takes 3 arguments"));
        };
        let map = self.string_of(map, &format!("{path}[0]"))?;
        let top = self.string_of(top, &format!("{path}[1]"))?;
        let second = self.string_of(second, &format!("{path}[2]"))?;
        let found = self
            .mappings
            .and_then(|m| get(m, &map))
            .and_then(|m| get(m, &top))
            .and_then(|m| get(m, &second));
        match (found, list.get(3)) {
            (Some(v), _) => self.resolve(v, &join(&join(&join("Mappings", &map), &top), &second)),
            (None, Some(default)) => match get(default, "DefaultValue") {
                Some(d) => self.resolve(d, &format!("{path}[3].DefaultValue")),
                None => Err(IacError::at(
                    default,
                    path,
                    "`Fn::FindInMap` fourth argument must be `{DefaultValue: …}`",
                )),
            },
            (None, None) => Err(IacError::at(
                at,
                path,
                format!("`Fn::FindInMap`: no `{map}.{top}.{second}` in Mappings"),
            )),
        }
    }

    fn if_(&mut self, arg: &Json, _at: &Json, path: &str) -> Out {
        let list = self.args(arg, 3..=3, "Fn::If", path)?;
        let [condition, then, otherwise] = list else {
            return Err(IacError::at(arg, path, "`Fn::If` takes 3 arguments"));
        };
        let name = string(condition, &format!("{path}[0]"))?.to_string();
        if self.condition(&name, condition, path)? {
            self.resolve(then, &format!("{path}[1]"))
        } else {
            self.resolve(otherwise, &format!("{path}[2]"))
        }
    }

    /// The value of the condition named `name` in the Conditions section.
    pub(crate) fn condition(
        &mut self,
        name: &str,
        at: &Json,
        path: &str,
    ) -> Result<bool, IacError> {
        if let Some(v) = self.condition_values.get(name) {
            return Ok(*v);
        }
        let Some(body) = self.conditions.and_then(|c| get(c, name)) else {
            return Err(IacError::at(at, path, format!("no condition `{name}` in Conditions")));
        };
        let key = format!("condition {name}");
        if self.visiting.contains(&key) {
            return Err(IacError::at(
                at,
                path,
                format!("circular condition: {} -> {name}", self.visiting.join(" -> ")),
            ));
        }
        self.visiting.push(key);
        let value = self.condition_body(body, &join("Conditions", name));
        self.visiting.pop();
        let value = value?;
        self.condition_values.insert(name.to_string(), value);
        Ok(value)
    }

    fn condition_body(&mut self, body: &Json, path: &str) -> Result<bool, IacError> {
        self.enter(body, path)?;
        let out = match &body.kind {
            Kind::Object(entries) => match entries.as_slice() {
                [(k, arg)] if k.name == "Condition" => {
                    let name = string(arg, &join(path, "Condition"))?.to_string();
                    self.condition(&name, arg, path)
                }
                [(k, arg)] => self.condition_function(&k.name, arg, body, &join(path, &k.name)),
                _ => Err(IacError::at(body, path, "a condition is one condition function")),
            },
            Kind::Bool(b) => Ok(*b),
            other => Err(IacError::at(
                body,
                path,
                format!("expected a condition function, found {}", other.describe()),
            )),
        };
        self.depth -= 1;
        out
    }

    fn condition_function(
        &mut self,
        name: &str,
        arg: &Json,
        at: &Json,
        path: &str,
    ) -> Result<bool, IacError> {
        match name {
            "Fn::Equals" => {
                let list = self.args(arg, 2..=2, name, path)?;
                let [a, b] = list else {
                    return Err(IacError::at(arg, path, "`Fn::Equals` takes 2 arguments"));
                };
                let a =
                    self.resolve(a, &format!("{path}[0]"))?.map(|v| crate::iac::json::to_value(&v));
                let b =
                    self.resolve(b, &format!("{path}[1]"))?.map(|v| crate::iac::json::to_value(&v));
                let text_of = |v: Option<serde_json::Value>| match v {
                    Some(serde_json::Value::String(s)) => Some(serde_json::Value::String(s)),
                    Some(serde_json::Value::Number(n)) => {
                        Some(serde_json::Value::String(n.to_string()))
                    }
                    Some(serde_json::Value::Bool(b)) => {
                        Some(serde_json::Value::String(b.to_string()))
                    }
                    other => other,
                };
                Ok(text_of(a) == text_of(b))
            }
            "Fn::Not" => {
                let list = self.args(arg, 1..=1, name, path)?;
                let [c] = list else {
                    return Err(IacError::at(arg, path, "`Fn::Not` takes 1 argument"));
                };
                Ok(!self.condition_body(c, &format!("{path}[0]"))?)
            }
            "Fn::And" | "Fn::Or" => {
                let list = self.args(arg, 1..=10, name, path)?;
                let mut values = Vec::with_capacity(list.len());
                for (i, c) in list.iter().enumerate() {
                    values.push(self.condition_body(c, &format!("{path}[{i}]"))?);
                }
                Ok(if name == "Fn::And" {
                    values.iter().all(|v| *v)
                } else {
                    values.iter().any(|v| *v)
                })
            }
            other => Err(IacError::at(at, path, format!("`{other}` is not a condition function"))),
        }
    }
}

/// The stand-in for `AWS::StackName`.
pub const STACK_NAME: &str = "iamcheck-stack";

trait Shell {
    fn clone_shell(&self) -> Json;
}

impl Shell for Json {
    /// The node's position without its contents.
    fn clone_shell(&self) -> Json {
        Json { kind: Kind::Null, line: self.line, column: self.column, end_line: self.end_line }
    }
}

/// A parameter's value: given, else its `Default`, else none.
fn param_value(
    name: &str,
    decl: &Json,
    options: &Options,
    path: &str,
) -> Result<Option<Param>, IacError> {
    let ty = match get(decl, "Type") {
        Some(t) => string(t, &join(path, "Type"))?.to_string(),
        None => "String".to_string(),
    };
    let given = options.parameters.get(name).cloned();
    let default = get(decl, "Default").map(|d| match &d.kind {
        Kind::Array(list) => Ok(list.iter().filter_map(scalar_text).collect::<Vec<_>>().join(",")),
        _ => scalar_text(d).ok_or_else(|| {
            IacError::at(
                d,
                &join(path, "Default"),
                format!("expected a string, found {}", d.kind.describe()),
            )
        }),
    });
    let value = match (given, default) {
        (Some(v), _) => v,
        (None, Some(d)) => d?,
        (None, None) => return Ok(None),
    };
    Ok(Some(if ty.starts_with("AWS::SSM::Parameter::Value") {
        Param::Ssm(value)
    } else if ty == "CommaDelimitedList" || ty.starts_with("List<") {
        Param::List(value.split(',').map(|s| s.trim().to_string()).collect())
    } else {
        Param::Text(value)
    }))
}

/// The name a property that takes "a name or an ARN" names: a Lambda function's
/// name in its full, partial (`123456789012:function:fn`) or qualified
/// (`…:function:fn:PROD`) ARN, the last part of another ARN
/// (`arn:aws:ecs:…:cluster/name`), else the text itself.
fn name_in_reference(text: &str) -> String {
    if let Some((_, after)) = text.split_once(":function:") {
        return after.split(':').next().unwrap_or(after).to_string();
    }
    if text.starts_with("arn:") {
        return text.rsplit([':', '/']).next().unwrap_or(text).to_string();
    }
    text.to_string()
}

#[cfg(test)]
mod name_tests {
    use super::name_in_reference;

    #[test]
    fn a_function_is_named_by_its_name_in_any_arn_form() {
        for text in [
            "fn",
            "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:PROD",
            "123456789012:function:fn",
            "123456789012:function:fn:$LATEST",
        ] {
            assert_eq!(name_in_reference(text), "fn", "{text}");
        }
        assert_eq!(name_in_reference("arn:aws:ecs:us-east-1:123456789012:cluster/main"), "main");
        assert_eq!(name_in_reference("/aws/lambda/x"), "/aws/lambda/x");
    }
}
