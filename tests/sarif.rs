//! `--output sarif`: what GitHub code scanning requires, on the line of the
//! statement that grants the access, for every check.

use crate::common::{example, iamcheck};
use serde_json::Value;

/// A resource policy with two public statements and a private one, at known lines.
const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Private",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::b/*"
    },
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::b/*"
    },
    {"Sid": "PublicList", "Effect": "Allow", "Principal": {"AWS": "*"},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
  ]
}
"#;

/// Writes `text` to a file under the target directory; its path.
fn file(name: &str, text: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn sarif(args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--output", "sarif"]);
    let out = iamcheck(&all);
    assert_eq!(out.status.code(), Some(code), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fields GitHub code scanning requires of an uploaded SARIF file
/// ("SARIF support for code scanning", docs.github.com).
fn assert_github_shape(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"), "{log}");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "iamcheck");
    assert!(driver["version"].is_string() && driver["informationUri"].is_string(), "{driver}");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // The four checks first, then any other rule the results name.
    assert_eq!(
        ids[..4],
        [
            "check-no-new-access",
            "check-access-not-granted",
            "check-no-public-access",
            "check-no-external-access"
        ]
    );
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(!rule[field]["text"].as_str().unwrap().is_empty(), "{rule}");
        }
    }
    for result in run["results"].as_array().unwrap() {
        assert!(ids.contains(&result["ruleId"].as_str().unwrap()), "{result}");
        assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "relative to the repository: {uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1, "{result}");
        let fingerprints = result["partialFingerprints"].as_object().unwrap();
        assert!(!fingerprints.is_empty(), "{result}");
    }
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn start_line(result: &Value) -> usize {
    result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() as usize
}

#[test]
fn every_check_writes_what_github_requires() {
    let public = example("public-put.json");
    let reference = example("reference-account-only.json");
    let identity = example("identity-ec2-s3.json");
    let runs: [(&[&str], i32); 5] = [
        (
            &[
                "check-no-new-access",
                "--existing-policy-document",
                &reference,
                "--new-policy-document",
                &public,
                "--policy-type",
                "RESOURCE_POLICY",
            ],
            1,
        ),
        (
            &[
                "check-access-not-granted",
                "--policy-document",
                &identity,
                "--access",
                "actions=s3:DeleteBucket",
                "--policy-type",
                "IDENTITY_POLICY",
            ],
            1,
        ),
        (
            &[
                "check-no-public-access",
                "--policy-document",
                &public,
                "--resource-type",
                "AWS::S3::Bucket",
            ],
            1,
        ),
        (
            &[
                "check-no-external-access",
                "--policy-document",
                &public,
                "--trusted-account",
                "123456789012",
            ],
            1,
        ),
        // A PASS: a valid log without results.
        (
            &[
                "check-no-public-access",
                "--policy-document",
                &reference,
                "--resource-type",
                "AWS::S3::Bucket",
            ],
            0,
        ),
    ];
    for (args, code) in runs {
        let log = sarif(args, code);
        assert_github_shape(&log);
        let results = results(&log);
        assert_eq!(results.len(), usize::from(code == 1), "{args:?}: {log}");
        for r in results {
            assert_eq!(r["ruleId"], args[0]);
            assert_eq!(r["level"], "error");
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str();
            assert!(uri.unwrap().starts_with("examples/"), "{r}");
            // The witness is in the message, as JSON simulate replays.
            let text = r["message"]["text"].as_str().unwrap();
            let witness = text.split("--request`): ").nth(1).unwrap();
            let witness: Value = serde_json::from_str(witness).unwrap();
            assert!(witness["action"].is_string(), "{text}");
        }
    }
}

#[test]
fn results_are_on_the_granting_statements_lines() {
    let path = file("sarif-lines.json", POLICY);
    let lines: Vec<&str> = POLICY.lines().collect();
    let log = sarif(
        &[
            "check-no-public-access",
            "--policy-document",
            &path,
            "--resource-type",
            "AWS::S3::Bucket",
        ],
        1,
    );
    assert_github_shape(&log);
    let mut sids = Vec::new();
    for r in results(&log) {
        let start = start_line(r);
        let end = r["locations"][0]["physicalLocation"]["region"]["endLine"].as_u64().unwrap();
        // The statement opens on its start line and names its Sid within its lines.
        assert!(
            lines[start - 1].trim_start().starts_with('{'),
            "line {start}: {}",
            lines[start - 1]
        );
        let text = lines[start - 1..end as usize].join("\n");
        let sid = if text.contains("\"PublicRead\"") { "PublicRead" } else { "PublicList" };
        assert!(r["message"]["text"].as_str().unwrap().contains(&format!("sid: {sid}")), "{r}");
        sids.push((sid, start));
    }
    assert_eq!(sids, [("PublicRead", 11), ("PublicList", 18)]);

    // Lines move, fingerprints stay.
    let moved = file("sarif-lines-moved.json", &format!("\n\n\n{POLICY}"));
    let again = sarif(
        &[
            "check-no-public-access",
            "--policy-document",
            &moved,
            "--resource-type",
            "AWS::S3::Bucket",
        ],
        1,
    );
    let fingerprints = |log: &Value| -> Vec<Value> {
        results(log).iter().map(|r| r["partialFingerprints"].clone()).collect()
    };
    let starts: Vec<usize> = results(&again).iter().map(start_line).collect();
    assert_eq!(starts, [14, 21]);
    let (before, after) = (fingerprints(&log), fingerprints(&again));
    assert_ne!(before[0], before[1], "one fingerprint per statement");
    // The files differ in name: compare the same file rewritten in place.
    std::fs::write(&path, format!("\n\n\n{POLICY}")).unwrap();
    let in_place = sarif(
        &[
            "check-no-public-access",
            "--policy-document",
            &path,
            "--resource-type",
            "AWS::S3::Bucket",
        ],
        1,
    );
    assert_eq!(fingerprints(&in_place), before);
    assert_ne!(after, before, "the file is part of the identity");
}

#[test]
fn new_access_points_at_the_exceeded_reference_statement() {
    let reference = example("reference-account-only.json");
    let public = example("public-put.json");
    let log = sarif(
        &[
            "check-no-new-access",
            "--existing-policy-document",
            &reference,
            "--new-policy-document",
            &public,
            "--policy-type",
            "RESOURCE_POLICY",
        ],
        1,
    );
    let related = &results(&log)[0]["relatedLocations"][0];
    let location = &related["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "examples/reference-account-only.json");
    let source = std::fs::read_to_string(&reference).unwrap();
    let start = location["region"]["startLine"].as_u64().unwrap() as usize;
    let end = location["region"]["endLine"].as_u64().unwrap() as usize;
    let text: Vec<&str> = source.lines().skip(start - 1).take(end + 1 - start).collect();
    assert!(text.join("\n").contains("\"Sid\": \"OnlyMyAccount\""), "{text:?}");
    assert!(related["message"]["text"].as_str().unwrap().contains("OnlyMyAccount"), "{related}");
}

#[test]
fn template_results_are_on_the_statements_line_in_the_template() {
    let source = crate::common::iac_corpus()
        .join("cloudformation/awslabs-aws-cloudformation-iam-policy-validator/skills_fixtures/public-bucket.yaml");
    let text = std::fs::read_to_string(source).unwrap();
    // Inside the repository, so the uri is relative to it.
    let path = file("sarif-public-bucket.yaml", &text);
    let log = sarif(&["check-no-public-access", "--template-path", &path], 1);
    assert_github_shape(&log);
    let failed: Vec<&Value> =
        results(&log).iter().filter(|r| r["ruleId"] == "check-no-public-access").collect();
    assert_eq!(failed.len(), 1, "{log}");
    let r = failed[0];
    assert_eq!(r["level"], "error");
    let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
    assert_eq!(uri, "target/tmp/sarif-public-bucket.yaml");
    let line = text.lines().nth(start_line(r) - 1).unwrap();
    assert_eq!(line.trim(), "- Effect: Allow", "the statement's first line");
    assert!(r["message"]["text"].as_str().unwrap().contains("\"action\":\"s3:GetObject\""), "{r}");
    // The other findings (stand-ins for values known at deployment) have their own rules.
    for other in results(&log).iter().filter(|r| r["ruleId"] != "check-no-public-access") {
        let id = other["ruleId"].as_str().unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.iter().any(|rule| rule["id"] == id), "{id} has no rule");
    }
}
