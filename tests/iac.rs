//! Templates and plans from ../shared/iac-corpus/ (its README.md says what
//! each file is and where it comes from): every policy is found, the
//! Terraform plans with AWS-recorded findings give the same findings
//! offline (docs/templates.md explains each difference), and every template
//! resolves, with its unresolved values named.

use iamcheck::iac::findings::{self, FindingType, ReportOptions, TemplateCheck};
use iamcheck::iac::{extract, Found, Options};
use iamcheck::{parse_policy, Access, Config, ParseLimits, PolicyType};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The corpus: `../shared/iac-corpus` beside the repository (CI lays a copy
/// of shared/ there), or two levels up for a worktree under `wt/`.
fn corpus() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [root.join("../shared/iac-corpus"), root.join("../../shared/iac-corpus")];
    candidates
        .iter()
        .find(|p| p.join("README.md").is_file())
        .cloned()
        .unwrap_or_else(|| panic!("the IaC corpus is missing: looked in {candidates:?}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(path: &Path) -> Found {
    extract(&path.display().to_string(), &read(path), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, keep, out);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

/// A finding as the comparison sees it: type, code, resource, policy,
/// statement indexes of its reasons.
type Key = (String, String, String, String, Vec<u64>);

fn key(f: &Value) -> Key {
    let reasons = f["details"]["reasons"].as_array().cloned().unwrap_or_default();
    let mut indexes: Vec<u64> =
        reasons.iter().filter_map(|r| r["statementIndex"].as_u64()).collect();
    indexes.sort_unstable();
    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (s("findingType"), s("code"), s("resourceName"), s("policyName"), indexes)
}

/// Differences from AWS's recorded findings, each explained in
/// docs/templates.md ("Differences from the recorded findings"):
/// (findings file, finding recorded by AWS only or found by iamcheck only).
const EXPLAINED: &[(&str, &str, &str)] = &[
    // tf-policy-validator names an inline_policy block's resource `fakename`
    // (it looks the name up under the block's address); iamcheck names the role.
    (
        "identity_policies/findings/identity_findings.json",
        "aws",
        "fakename|aws_iam_role.example.inline_policy.0",
    ),
    (
        "identity_policies/findings/identity_findings.json",
        "aws",
        "fakename|aws_iam_role.example.inline_policy.1",
    ),
    (
        "identity_policies/findings/identity_findings.json",
        "iamcheck",
        "yak_role|aws_iam_role.example.inline_policy.0",
    ),
    (
        "identity_policies/findings/identity_findings.json",
        "iamcheck",
        "yak_role|aws_iam_role.example.inline_policy.1",
    ),
    (
        "role_inline_assume_policy/findings/identity_findings.json",
        "aws",
        "fakename|aws_iam_role.test_role.inline_policy.0",
    ),
    (
        "role_inline_assume_policy/findings/identity_findings.json",
        "iamcheck",
        "test_role|aws_iam_role.test_role.inline_policy.0",
    ),
    // `principal = "*"` on an aws_lambda_permission: public. tf-policy-validator
    // sent Access Analyzer a function ARN without partition, region or account.
    (
        "public_access/findings/public_access_findings.json",
        "iamcheck",
        "lambda_called_from_sns|aws_lambda_permission.with_sns",
    ),
];

fn explained(file: &str, side: &str, k: &Key) -> bool {
    let id = format!("{}|{}", k.2, k.3);
    EXPLAINED.iter().any(|(f, s, i)| *f == file && *s == side && *i == id)
}

#[test]
fn terraform_plans_reproduce_the_findings_aws_recorded() {
    let dir = corpus().join("terraform/awslabs-terraform-iam-policy-validator");
    let mut compared = 0;
    for case in [
        "identity_policies",
        "multiple_policies",
        "no_access_granted",
        "public_access",
        "role_inline_assume_policy",
    ] {
        let meta: Value = serde_json::from_str(&read(&dir.join(case).join("meta.json"))).unwrap();
        let found = load(&dir.join(case).join("plan.json"));
        for label in meta["labels"].as_array().unwrap() {
            let file = label["findings_file"].as_str().unwrap();
            let strings = |k: &str| -> Vec<String> {
                label[k]
                    .as_array()
                    .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default()
            };
            let check_name = label["check"].as_str().unwrap();
            let check = if check_name.starts_with("check-no-new-access") {
                let text = read(&dir.join(case).join(label["reference_policy"].as_str().unwrap()));
                let ty = match label["reference_policy_type"].as_str().unwrap() {
                    "identity" => PolicyType::Identity,
                    _ => PolicyType::Resource,
                };
                TemplateCheck::NoNewAccess {
                    reference: parse_policy(&text, ty).unwrap().policy,
                    reference_type: ty,
                }
            } else if check_name.starts_with("check-access-not-granted") {
                let access =
                    Access { actions: strings("actions"), resources: strings("resources") };
                if access.resources.iter().any(|r| !r.starts_with("arn:")) {
                    continue; // the ValidationException file: an invalid --resources value
                }
                TemplateCheck::AccessNotGranted { access }
            } else {
                TemplateCheck::NoPublicAccess
            };
            let report = findings::check(
                &found,
                &check,
                &ParseLimits::default(),
                &Config::default(),
                &ReportOptions::default(),
            );
            let got: BTreeSet<Key> = serde_json::to_value(&report).unwrap()["BlockingFindings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["findingType"] == "SECURITY_WARNING" || f["findingType"] == "ERROR")
                .map(key)
                .collect();
            let expected: Value = serde_json::from_str(&read(&dir.join(case).join(file))).unwrap();
            let want: BTreeSet<Key> = ["BlockingFindings", "NonBlockingFindings"]
                .iter()
                .flat_map(|k| expected[k].as_array().unwrap().iter().map(key).collect::<Vec<_>>())
                .collect();
            let path = format!("{case}/{file}");
            for k in want.difference(&got) {
                assert!(
                    explained(&path, "aws", k),
                    "{path}: AWS recorded {k:?}, iamcheck did not find it"
                );
            }
            for k in got.difference(&want) {
                assert!(
                    explained(&path, "iamcheck", k),
                    "{path}: iamcheck found {k:?}, AWS did not record it"
                );
            }
            // Every FAIL carries a witness, and a source line.
            for f in
                report.blocking.iter().filter(|f| f.finding_type == FindingType::SecurityWarning)
            {
                assert!(f.details.get("witness").is_some(), "{path}: {f:?}");
                assert!(f.location.line > 0 && !f.statement_locations.is_empty(), "{path}: {f:?}");
            }
            compared += 1;
        }
    }
    // 14 files: all but `validate` (ValidatePolicy is not a custom policy
    // check) and the ValidationException one (`--resources example`).
    assert_eq!(compared, 12);
}

/// The addresses meta.json lists as policy-bearing: every one is found (as
/// a policy, or skipped with a reason), in child modules too.
#[test]
fn every_terraform_plan_yields_every_policy() {
    let mut plans = Vec::new();
    files(
        &corpus().join("terraform"),
        &|p| p.file_name().is_some_and(|n| n == "plan.json"),
        &mut plans,
    );
    assert_eq!(plans.len(), 33);
    let mut in_modules = 0;
    for plan in &plans {
        let found = load(plan);
        let meta: Value = serde_json::from_str(&read(&plan.with_file_name("meta.json"))).unwrap();
        let seen: BTreeSet<&str> = found
            .policies
            .iter()
            .map(|p| p.resource.as_str())
            .chain(found.skipped.iter().map(|s| s.resource.as_str()))
            .collect();
        let analysis = &meta["analysis"];
        for address in analysis["policies_under_modules"].as_array().into_iter().flatten() {
            let a = address.as_str().unwrap();
            if a.contains(".data.") || !is_policy_resource(a) {
                continue;
            }
            assert!(seen.contains(a), "{}: {a} not found", plan.display());
            in_modules += 1;
        }
        // Unknown policies are reported (document None), never passed.
        for p in found.policies.iter().filter(|p| p.document.is_none()) {
            assert!(
                !p.unresolved.is_empty(),
                "{}: {} has no document and no reason",
                plan.display(),
                p.resource
            );
        }
    }
    assert!(in_modules >= 4, "policies in child modules found: {in_modules}");
}

fn is_policy_resource(address: &str) -> bool {
    let ty = address.rsplit('.').nth(1).unwrap_or_default();
    iamcheck::iac::terraform::is_policy_type(ty)
}

/// The CloudFormation templates (tests and sample templates, CDK output):
/// each resolves, every policy-bearing resource index.json lists is found,
/// and every policy document parses or is reported.
#[test]
fn every_cloudformation_template_resolves() {
    let root = corpus().join("cloudformation");
    let mut templates = Vec::new();
    let keep = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let template = name.ends_with(".yaml")
            || name.ends_with(".yml")
            || name.ends_with(".template.json")
            || name.ends_with(".json");
        template
            && !name.ends_with(".meta.json")
            && name != "index.json"
            && !p.to_string_lossy().contains("unit_tests")
            && !name.contains("parameters")
            && !name.contains("reference_policy")
            && !name.contains("configuration")
            && !name.contains("evaluations")
            && !name.starts_with("invalid_file")
            && name != "bad_template.json"
    };
    files(&root, &keep, &mut templates);
    assert!(templates.len() >= 140, "{}", templates.len());
    let (mut policies, mut named) = (0, 0);
    for t in &templates {
        let found = load(t);
        let index = t.parent().unwrap().join("index.json");
        if index.is_file() {
            let index: Value = serde_json::from_str(&read(&index)).unwrap();
            let name = t.file_name().unwrap().to_str().unwrap();
            let entry = index["files"].as_array().unwrap().iter().find(|f| f["file"] == name);
            for pair in entry.and_then(|e| e["policy_resources"].as_array()).into_iter().flatten() {
                let (id, ty) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
                if !iamcheck::iac::cfn::is_policy_type(ty) {
                    continue;
                }
                let seen = found.policies.iter().any(|p| p.resource.split(',').any(|r| r == id))
                    || found.skipped.iter().any(|s| s.resource == id)
                    || OPTIONAL.contains(&ty);
                assert!(seen, "{}: {id} ({ty}) not found", t.display());
            }
        }
        for p in &found.policies {
            policies += 1;
            named += p.unresolved.len();
            assert!(p.line > 0, "{}: {} has no line", t.display(), p.resource);
            let doc = p.document.as_ref().unwrap();
            assert_eq!(
                p.statement_lines.len(),
                doc["Statement"].as_array().map_or(1, Vec::len),
                "{}: {}",
                t.display(),
                p.resource
            );
        }
    }
    assert!(policies > 400, "{policies}");
    assert!(named > 0);
}

/// Types whose policy property is optional: such a resource may hold none.
const OPTIONAL: &[&str] = &[
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::S3::AccessPoint",
    "AWS::ApiGateway::RestApi",
    "AWS::CodeArtifact::Domain",
    "AWS::Backup::BackupVault",
    "AWS::S3Express::AccessPoint",
];

/// The CLI end to end: a YAML template checked in one command, located
/// findings in the validators' shape, exit 1.
#[test]
fn cli_checks_a_template_in_one_command() {
    let t = corpus().join("cloudformation/awslabs-aws-cloudformation-iam-policy-validator/skills_fixtures/public-bucket.yaml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iamcheck"))
        .args(["check-no-public-access", "--template-path"])
        .arg(&t)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["BlockingFindings"][0];
    assert_eq!(f["code"], "policy-analysis-CheckNoPublicAccess");
    assert!(f["location"]["line"].as_u64().unwrap() > 1);
    assert_eq!(f["details"]["result"], "FAIL");
    assert!(report["NonBlockingFindings"].is_array());
}

fn iamcheck(args: &[&str]) -> (Option<i32>, String, String) {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_iamcheck")).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The validators' flags on the command line: parameters (flag over file),
/// a configuration file, exclusions, ignored findings, non-blocking, SARIF,
/// and a located error for a broken template.
#[test]
fn cli_template_flags() {
    let dir = std::env::temp_dir().join(format!("iamcheck-iac-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("t.yaml");
    std::fs::write(
        &t,
        "Parameters:\n  Who: {Type: String}\nResources:\n  Q:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [https://sqs.us-east-1.amazonaws.com/123456789012/q]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Ref Who}\n            Action: sqs:SendMessage\n            Resource: '*'\n",
    )
    .unwrap();
    let config = dir.join("config.json");
    std::fs::write(&config, r#"{"Parameters": {"Who": "arn:aws:iam::123456789012:root"}}"#)
        .unwrap();
    let t = t.to_str().unwrap();
    let c = config.to_str().unwrap();
    let public = ["check-no-public-access", "--template-path", t, "--output", "json"];
    let (code, out, _) = iamcheck(&[&public[..], &["--template-configuration-file", c]].concat());
    assert_eq!(code, Some(0), "{out}");
    let (code, out, _) = iamcheck(
        &[&public[..], &["--template-configuration-file", c, "--parameters", "Who=*"]].concat(),
    );
    assert_eq!(code, Some(1), "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["BlockingFindings"][0]["resourceName"], "q");
    assert_eq!(report["BlockingFindings"][0]["location"]["line"], 10);
    for extra in [
        &["--ignore-finding", "q"][..],
        &["--exclude-resource-types", "AWS::SQS::QueuePolicy"],
        &["--treat-findings-as-non-blocking"],
    ] {
        let (code, out, _) = iamcheck(&[&public[..], &["--parameters", "Who=*"], extra].concat());
        assert_eq!(code, Some(0), "{extra:?}: {out}");
    }
    let (code, out, _) = iamcheck(&[
        "check-no-public-access",
        "--template-path",
        t,
        "--parameters",
        "Who=*",
        "--output",
        "sarif",
    ]);
    assert_eq!(code, Some(1));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    // The missing parameter is a named stand-in in `parse`.
    let (code, out, _) = iamcheck(&["parse", "--template-path", t]);
    assert_eq!(code, Some(0));
    assert!(out.contains("parameter `Who` has no value"), "{out}");
    // A broken template: exit 2, located.
    std::fs::write(dir.join("bad.yaml"), "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !Join [a]\n").unwrap();
    let (code, _, err) = iamcheck(&[
        "check-no-public-access",
        "--template-path",
        dir.join("bad.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("line 5") && err.contains("`Fn::Join` takes a list of 2 arguments"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Each check's `--help` (short and long, and with `--template-path` given) lists every
/// flag the check accepts: its document flags and its template flags, each with a line of
/// help; a template flag without `--template-path` asks for it.
#[test]
fn each_check_help_lists_its_document_and_template_flags() {
    let template = [
        "--template-path",
        "--parameters",
        "--template-configuration-file",
        "--region",
        "--account-id",
        "--partition",
        "--exclude-resource-types",
        "--ignore-finding",
        "--treat-findings-as-non-blocking",
        "--treat-finding-type-as-blocking",
        "--output",
        "--request-model",
        "--exit-codes",
    ];
    let checks: [(&str, &[&str]); 4] = [
        (
            "check-no-new-access",
            &[
                "--existing-policy-document",
                "--new-policy-document",
                "--policy-type",
                "--explain",
                "--reference-policy",
                "--reference-policy-type",
                "--baseline-template-path",
            ],
        ),
        (
            "check-access-not-granted",
            &[
                "--policy-document",
                "--access",
                "--policy-type",
                "--explain",
                "--actions",
                "--resources",
            ],
        ),
        ("check-no-public-access", &["--policy-document", "--resource-type"]),
        ("check-no-external-access", &["--policy-document", "--trusted-account", "--trusted-org"]),
    ];
    for (check, own) in checks {
        for help in [
            &[check, "-h"][..],
            &[check, "--help"],
            &["help", check],
            &[check, "--template-path", "t.yaml", "--help"],
        ] {
            let (code, out, err) = iamcheck(help);
            assert_eq!(code, Some(0), "{help:?}: {err}");
            for flag in template.iter().chain(own) {
                let line = out
                    .lines()
                    .find(|l| l.trim_start().starts_with(&format!("{flag} ")) || l.trim() == *flag)
                    .unwrap_or_else(|| panic!("{help:?} lacks `{flag}`:\n{out}"));
                // A description on the flag's line or the next one.
                let next = out.lines().skip_while(|l| *l != line).nth(1).unwrap_or_default();
                let described =
                    line.trim().len() > flag.len() + 12 || next.starts_with("          ");
                assert!(described, "{help:?}: `{flag}` has no description:\n{out}");
            }
            assert!(out.contains(&format!("iamcheck {check} [OPTIONS] --template-path <PATH>")));
        }
    }
    let (code, _, err) = iamcheck(&[
        "check-no-public-access",
        "--policy-document",
        "{}",
        "--resource-type",
        "AWS::S3::Bucket",
        "--region",
        "us-west-2",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--template-path <PATH>"), "{err}");
}

/// `--request-model` on the template path, as on the document path: a CDK role and bucket
/// policy granting `s3:List*` on a bucket's ARNs grant `s3:ListAllMyBuckets` on that ARN in
/// Access Analyzer's model (FAIL), but that action takes only `*` in AWS's catalogue (PASS);
/// the catalogue's name and version are in the JSON only when chosen.
#[test]
fn template_checks_honour_the_request_model() {
    let t = corpus().join(
        "cloudformation/cdk-synth-aws-solutions-constructs/aws-s3-lambda__s3lam-no-arguments.template.json",
    );
    let t = t.to_str().unwrap();
    let args = [
        "check-access-not-granted",
        "--template-path",
        t,
        "--actions",
        "s3:ListAllMyBuckets",
        "--output",
        "json",
    ];
    let (code, out, err) = iamcheck(&args);
    assert_eq!(code, Some(1), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let blocking = report["BlockingFindings"].as_array().unwrap();
    assert!(!blocking.is_empty());
    for f in blocking {
        assert_eq!(f["details"]["witness"]["action"], "s3:ListAllMyBuckets", "{f}");
        assert_ne!(f["details"]["witness"]["resource"], "*", "{f}");
    }
    assert!(report.get("requestModel").is_none());
    let (code, out, err) = iamcheck(&[&args[..], &["--request-model", "catalog"]].concat());
    assert_eq!(code, Some(0), "{err}\n{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["BlockingFindings"], serde_json::json!([]));
    assert_eq!(report["requestModel"]["name"], "catalog");
    // The text output names the model too.
    let (code, out, _) =
        iamcheck(&[&args[..5], &["--output", "text", "--request-model", "catalog"]].concat());
    assert_eq!(code, Some(0));
    assert!(out.contains("request model: catalog"), "{out}");
}

/// `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` are reported under each principal of the
/// template they attach to, as cfn-policy-validator groups them: cfn-policy-validator's own
/// `test_file_2.json`, whose parse output its tests assert (the per-principal policy counts,
/// less the AWS managed policies it fetches from AWS, and the one orphaned policy).
#[test]
fn attached_policies_are_grouped_under_their_principals() {
    let t = corpus().join("cloudformation/awslabs-aws-cloudformation-iam-policy-validator/test_files/test_file_2.json");
    let meta: Value =
        serde_json::from_str(&read(&t.with_file_name("test_file_2.json.meta.json"))).unwrap();
    let template: Value = serde_json::from_str(&read(&t)).unwrap();
    let options = Options {
        parameters: [("CodestarConnectionArn", "fakeArn"), ("EnvironmentName", "prod")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Options::default()
    };
    let found = extract("test_file_2.json", &read(&t), &options).unwrap();
    let asserted = &meta["labels"][0]["asserted"];
    // AWS managed policies (fetched from AWS by the validator) per principal name.
    let aws_managed = |name: &str| {
        let resources = template["Resources"].as_object().unwrap();
        let r = resources
            .iter()
            .find(|(id, r)| {
                let p = &r["Properties"];
                [&p["RoleName"], &p["UserName"], &p["GroupName"], &p["Name"]]
                    .iter()
                    .any(|n| n.as_str() == Some(name))
                    || id.as_str() == name
            })
            .unwrap()
            .1;
        let p = &r["Properties"];
        [&p["ManagedPolicyArns"], &p["ManagedPolicies"]]
            .iter()
            .filter_map(|l| l.as_array())
            .flatten()
            .filter(|a| a.as_str().is_some_and(|a| a.starts_with("arn:aws:iam::aws:policy/")))
            .count()
    };
    let mut checked = 0;
    for (kind, field) in [
        ("Roles", "RoleName"),
        ("Users", "UserName"),
        ("Groups", "GroupName"),
        ("PermissionSets", "Name"),
    ] {
        for item in asserted[kind]["items"].as_array().unwrap() {
            let name = item[field].as_str().unwrap();
            let ours = found
                .policies
                .iter()
                .filter(|p| p.resource_name == name && p.policy_type == PolicyType::Identity)
                .count();
            let want = item["policies"].as_u64().unwrap() as usize - aws_managed(name);
            assert_eq!(ours, want, "{kind} {name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 5);
    let managed: Vec<_> =
        found.policies.iter().filter(|p| p.resource == "MyManagedPolicy").collect();
    let under: Vec<_> =
        managed.iter().map(|p| (p.resource_name.as_str(), p.attached_to.as_deref())).collect();
    assert_eq!(
        under,
        [
            ("MyIAMUser", Some("MyIAMUser")),
            ("MyIAMGroup", Some("MyIAMGroup")),
            ("MyPermissionSet", Some("MyPermissionSet"))
        ]
    );
    // The orphaned policy: once, under its own resource.
    let orphans: Vec<_> = asserted["OrphanedPolicies"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["PolicyName"].as_str().unwrap())
        .collect();
    assert_eq!(orphans, ["MyOrphanedPolicy"]);
    let orphan: Vec<_> =
        found.policies.iter().filter(|p| p.policy_name == "MyOrphanedPolicy").collect();
    assert_eq!(orphan.len(), 1);
    assert_eq!(orphan[0].attached_to, None);
    // A check reports the attached policy under each principal.
    let mut names = create_role_warnings(&found);
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "MyIAMGroup|MyManagedPolicy",
            "MyIAMUser|MyManagedPolicy",
            "MyOrphanedPolicy|MyOrphanedPolicy",
            "MyPermissionSet|MyManagedPolicy",
        ]
    );
}

/// The CDK outputs and AWS's sample templates: every `AWS::IAM::Policy` or
/// `AWS::IAM::ManagedPolicy` whose `Roles`/`Users`/`Groups` name principals of the template by
/// `Ref` is reported once under each of them, with the principal's name; the others once,
/// under their own resource.
#[test]
fn corpus_policies_attach_to_the_roles_they_name() {
    let root = corpus().join("cloudformation");
    let mut templates = Vec::new();
    let keep = |p: &Path| {
        let s = p.to_string_lossy();
        s.ends_with(".template.json")
            || (s.contains("aws-cloudformation-templates") && !s.ends_with("index.json"))
    };
    files(&root, &keep, &mut templates);
    let (mut grouped, mut principals_seen) = (0, 0);
    for t in &templates {
        let text = read(t);
        if !text.contains("AWS::IAM::Policy") && !text.contains("AWS::IAM::ManagedPolicy") {
            continue;
        }
        let found = load(t);
        let Ok(template) = serde_json::from_str::<Value>(&text) else { continue };
        let resources = template["Resources"].as_object().unwrap();
        let name_of = |id: &str| {
            let r = &resources[id];
            let p = &r["Properties"];
            [&p["RoleName"], &p["UserName"], &p["GroupName"]]
                .iter()
                .find_map(|n| n.as_str())
                .unwrap_or(id)
                .to_string()
        };
        for (id, r) in resources {
            let ty = r["Type"].as_str().unwrap_or_default();
            if ty != "AWS::IAM::Policy" && ty != "AWS::IAM::ManagedPolicy" {
                continue;
            }
            if r.get("Condition").is_some() {
                continue;
            }
            let mut want: Vec<String> = Vec::new();
            for (property, principal) in [
                ("Roles", "AWS::IAM::Role"),
                ("Users", "AWS::IAM::User"),
                ("Groups", "AWS::IAM::Group"),
            ] {
                for n in r["Properties"][property].as_array().into_iter().flatten() {
                    if let Some(target) = n["Ref"].as_str() {
                        if resources.get(target).is_some_and(|x| x["Type"] == principal) {
                            want.push(target.to_string());
                        }
                    }
                }
            }
            let ours: Vec<_> = found.policies.iter().filter(|p| p.resource == *id).collect();
            if want.is_empty() {
                // Managed policies may still attach from the principal's side.
                if ty == "AWS::IAM::Policy" {
                    assert_eq!(ours.len(), 1, "{}: {id}", t.display());
                    assert_eq!(ours[0].attached_to, None);
                }
                continue;
            }
            let mut got: Vec<String> = ours.iter().filter_map(|p| p.attached_to.clone()).collect();
            got.sort();
            want.sort();
            want.dedup();
            assert_eq!(got, want, "{}: {id}", t.display());
            for p in &ours {
                let principal = p.attached_to.as_deref().unwrap();
                assert_eq!(p.resource_name, name_of(principal), "{}: {id}", t.display());
                principals_seen += 1;
            }
            grouped += 1;
        }
    }
    assert!(grouped >= 40, "{grouped}");
    assert!(principals_seen >= grouped);
}

/// Templates cfn-policy-validator rejects (its unit tests' inputs, tests/data/iac/validator-errors/
/// README.md): each is a located error naming the property or function, exit 2, for `parse`
/// and for a check.
#[test]
fn validator_schema_errors_are_located_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/iac/validator-errors");
    let cases: &[(&str, &str, &str)] = &[
        ("bucket-policy-document-is-a-list.json", "Properties.PolicyDocument`", "expected a policy document (an object, or the policy as JSON text), found an array"),
        ("policy-without-policy-document.json", "Resources.InlinePolicy.Properties`", "`AWS::IAM::Policy` needs the property `PolicyDocument`"),
        ("role-policy-without-role-name.json", "Resources.RolePolicy.Properties`", "`AWS::IAM::RolePolicy` needs the property `RoleName`"),
        ("role-without-properties.json", "Resources.ResourceA`", "`AWS::IAM::Role` needs `Properties`"),
        ("role-name-outside-the-pattern.json", "Properties.RoleName`", "`role1!!!!` is not a role name"),
        ("role-name-is-a-list.json", "Properties.RoleName`", "expected a string, found an array"),
        ("queue-policy-without-queues.json", "Resources.ResourceA.Properties`", "`AWS::SQS::QueuePolicy` needs the property `Queues`"),
        ("queue-url-without-account.json", "Properties.Queues[0]`", "is not a queue URL"),
        ("topic-policy-with-no-topics.json", "Properties.Topics`", "expected a list of at least one string, found an empty list"),
        ("secret-id-not-a-secret-arn.json", "Properties.SecretId`", "is not a secret ARN"),
        ("table-bucket-arn-without-bucket.json", "Properties.TableBucketARN`", "is not a table bucket ARN"),
        ("access-point-vpc-configuration-is-a-list.json", "Properties.VpcConfiguration`", "expected an object, found an array"),
        ("permission-set-without-name.json", "Resources.ResourceA.Properties`", "`AWS::SSO::PermissionSet` needs the property `Name`"),
        ("ref-to-nothing.json", "Resource.Ref`", "`Ref` to `InvalidRef`, which is neither a parameter, a resource nor a pseudo parameter"),
        ("ref-is-a-list.json", "Resource.Ref`", "expected a string, found an array"),
        ("getatt-of-a-missing-resource.json", "Resource.Fn::GetAtt`", "`Fn::GetAtt` of `ResourceB`, which is not a resource"),
        ("sub-ref-not-found.json", "Resource.Fn::Sub`", "`${MissingParam}` in `Fn::Sub` names no parameter, resource or variable"),
        ("join-not-a-list.json", "Resource.Fn::Join`", "`Fn::Join` takes a list of 2 arguments, found an object"),
        ("if-condition-not-found.json", "Resource.Fn::If`", "no condition `otherCondition` in Conditions"),
        ("select-index-out-of-bounds.json", "Resource.Fn::Select`", "`Fn::Select` index 2 is out of range for a list of 2"),
        ("find-in-map-not-found.json", "Resource.Fn::FindInMap`", "no `MappingA.TopLevelMappingKey.SecondLevelMappingKeyB` in Mappings"),
    ];
    let listed = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count();
    assert_eq!(listed, cases.len(), "every file in {} is a case", dir.display());
    for (file, at, message) in cases {
        let path = dir.join(file);
        let path = path.to_str().unwrap();
        for command in [&["parse"][..], &["check-no-public-access", "--output", "json"]] {
            let args =
                [command, &["--template-path", path, "--account-id", "111222333444"]].concat();
            let (code, out, err) = iamcheck(&args);
            assert_eq!(code, Some(2), "{file} {command:?}: {out}{err}");
            let line = err.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
            assert!(line.contains(" line "), "{file}: not located: {err}");
            assert!(line.contains(at), "{file}: not at `{at}`: {err}");
            assert!(line.contains(message), "{file}: `{message}` not in: {err}");
        }
    }
}

/// The ARN table covers every resource type the corpus's policies name by `Ref` or
/// `Fn::GetAtt`: no policy in the corpus needs the generic ARN stand-in, and the types added
/// for the corpus give their own ARN formats.
#[test]
fn corpus_arns_come_from_the_table() {
    let root = corpus().join("cloudformation");
    let mut templates = Vec::new();
    let keep = |p: &Path| {
        let s = p.to_string_lossy();
        (s.ends_with(".json") || s.ends_with(".yaml") || s.ends_with(".yml"))
            && !s.contains("unit_tests")
            && !s.ends_with(".meta.json")
            && !s.ends_with("index.json")
    };
    files(&root, &keep, &mut templates);
    let mut generic = Vec::new();
    let mut seen = BTreeSet::new();
    for t in &templates {
        let Ok(found) = extract(&t.display().to_string(), &read(t), &Options::default()) else {
            continue;
        };
        for p in &found.policies {
            for u in &p.unresolved {
                if u.what.contains("no ARN format") {
                    generic.push(format!("{}: {}", t.display(), u.what));
                }
            }
            let text = p.document.as_ref().map(Value::to_string).unwrap_or_default();
            for arn in [
                "arn:aws:iot:us-east-1:123456789012:rule/testiotlambdaintegrationIotTopic18B6A735",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/SagemakerEndpoint",
            ] {
                if text.contains(arn) {
                    seen.insert(arn);
                }
            }
        }
    }
    assert!(generic.is_empty(), "{generic:#?}");
    assert_eq!(seen.len(), 2, "{seen:?}");
}

/// Terraform's attachment resources group an `aws_iam_policy` under the roles, users and
/// groups of the plan they attach it to, as the CloudFormation front end groups
/// `AWS::IAM::ManagedPolicy`: Regula's `iam_user_attached_policy` plan, whose attachments name
/// their policy and principals by configuration reference only (the ARNs are known after apply).
#[test]
fn terraform_attachments_group_policies_under_their_principals() {
    let found = load(&corpus().join("terraform/regula/iam_user_attached_policy/plan.json"));
    let mut under: Vec<(&str, &str, Option<&str>)> = found
        .policies
        .iter()
        .filter(|p| p.resource_type == "aws_iam_policy")
        .map(|p| (p.resource.as_str(), p.resource_name.as_str(), p.attached_to.as_deref()))
        .collect();
    under.sort_unstable();
    assert_eq!(
        under,
        [
            (
                "aws_iam_policy.invalid_normal_policy",
                "invalid_normal_policy_user",
                Some("aws_iam_user.invalid_normal_policy_user")
            ),
            (
                "aws_iam_policy.invalid_user_policy_attachment_policy",
                "invalid_user_policy_attachment_user",
                Some("aws_iam_user.invalid_user_policy_attachment_user")
            ),
            (
                "aws_iam_policy.valid_group_blank_users_policy",
                "valid_group_blank_users",
                Some("aws_iam_group.valid_group_blank_users")
            ),
            (
                "aws_iam_policy.valid_group_empty_list_users_policy",
                "valid_group_empty_list_users",
                Some("aws_iam_group.valid_group_empty_list_users")
            ),
            (
                "aws_iam_policy.valid_group_missing_users_policy",
                "valid_group_missing_users",
                Some("aws_iam_group.valid_group_missing_users")
            ),
            ("aws_iam_policy.valid_role_policy", "valid_role", Some("aws_iam_role.valid_role")),
        ]
    );
    // AWS managed policies (checkov's plan attaches two to a role) are not read: nothing groups.
    let found = load(&corpus().join("terraform/checkov/plan_big_mixed/plan.json"));
    assert!(found.policies.iter().all(|p| p.attached_to.is_none()));
}

/// A plan written for the test: one policy attached to two roles (one by planned name, one by
/// reference in a module-free plan whose ARN is known after apply), an AWS managed attachment,
/// and an orphaned policy. The grouped policy is reported under each role by a check.
#[test]
fn terraform_attached_policy_findings_sit_under_each_role() {
    let doc = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:CreateRole\",\"Resource\":\"*\"}]}"#;
    let plan = r#"{
      "format_version": "1.2",
      "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_role.a", "mode": "managed", "type": "aws_iam_role", "name": "a",
         "values": {"name": "role-a", "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}},
        {"address": "aws_iam_role.b", "mode": "managed", "type": "aws_iam_role", "name": "b",
         "values": {"name_prefix": "b-", "assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}},
        {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
         "values": {"name": "pol", "policy": "DOC"}},
        {"address": "aws_iam_policy.lonely", "mode": "managed", "type": "aws_iam_policy", "name": "lonely",
         "values": {"name": "lonely", "policy": "DOC"}},
        {"address": "aws_iam_role_policy_attachment.a", "mode": "managed",
         "type": "aws_iam_role_policy_attachment", "name": "a", "values": {"role": "role-a"}},
        {"address": "aws_iam_role_policy_attachment.b", "mode": "managed",
         "type": "aws_iam_role_policy_attachment", "name": "b", "values": {}},
        {"address": "aws_iam_role_policy_attachment.m", "mode": "managed",
         "type": "aws_iam_role_policy_attachment", "name": "m",
         "values": {"role": "role-a", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}
      ]}},
      "configuration": {"root_module": {"resources": [
        {"address": "aws_iam_role_policy_attachment.a", "expressions": {
          "role": {"references": ["aws_iam_role.a.name", "aws_iam_role.a"]},
          "policy_arn": {"references": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]}}},
        {"address": "aws_iam_role_policy_attachment.b", "expressions": {
          "role": {"references": ["aws_iam_role.b.name", "aws_iam_role.b"]},
          "policy_arn": {"references": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]}}}
      ]}}
    }"#
    .replace("DOC", doc);
    let found = extract("attach.json", &plan, &Options::default()).unwrap();
    let under: Vec<(&str, &str, Option<&str>)> = found
        .policies
        .iter()
        .filter(|p| p.resource_type == "aws_iam_policy")
        .map(|p| (p.resource.as_str(), p.resource_name.as_str(), p.attached_to.as_deref()))
        .collect();
    assert_eq!(
        under,
        [
            ("aws_iam_policy.p", "role-a", Some("aws_iam_role.a")),
            ("aws_iam_policy.p", "fakename", Some("aws_iam_role.b")),
            ("aws_iam_policy.lonely", "lonely", None),
        ]
    );
    let names = create_role_warnings(&found);
    assert_eq!(
        names,
        ["role-a|aws_iam_policy.p", "fakename|aws_iam_policy.p", "lonely|aws_iam_policy.lonely"]
    );
}

/// `resourceName|policyName` of each security warning `check-access-not-granted` reports for
/// `iam:CreateRole`, in report order.
fn create_role_warnings(found: &Found) -> Vec<String> {
    let report = findings::check(
        found,
        &TemplateCheck::AccessNotGranted {
            access: Access { actions: vec!["iam:CreateRole".into()], resources: vec![] },
        },
        &ParseLimits::default(),
        &Config::default(),
        &ReportOptions::default(),
    );
    report
        .blocking
        .iter()
        .filter(|f| f.finding_type == FindingType::SecurityWarning)
        .map(|f| format!("{}|{}", f.resource_name, f.policy_name))
        .collect()
}

/// A stand-in the resource's `Condition` used is named on its policies: the schema check
/// and the attachment step, which resolve the properties again, drop only their own.
#[test]
fn stand_ins_of_a_resource_condition_are_named_on_its_policies() {
    let template = "Conditions:\n  Same: !Equals [!Ref AWS::StackName, !Ref AWS::StackName]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n  QP:\n    Type: AWS::SQS::QueuePolicy\n    Condition: Same\n    Properties:\n      Queues: [!Ref Q]\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal: \"*\"\n            Action: sqs:SendMessage\n            Resource: \"*\"\n";
    let found = extract("cond.yaml", template, &Options::default()).unwrap();
    assert_eq!(found.policies.len(), 1);
    let named: Vec<&str> = found.policies[0].unresolved.iter().map(|u| u.what.as_str()).collect();
    assert!(named.iter().any(|w| w.starts_with("AWS::StackName")), "{named:?}");
}
