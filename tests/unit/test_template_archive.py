"""The audit archive's bucket, keys and policies in template.yaml (R-LOOP-3, R-COMP-4).

moto ignores Object Lock defaults, key policies, bucket policies and lifecycle rules, so these
static checks of the template are what guards them (cfn-lint runs in test_template.py).
"""

from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
ARCHIVE_WRITERS = ("TriageFunction", "DeadlineWatcherFunction", "OutreachFunction")
ARCHIVE_KEY_ARN = {"Fn::GetAtt": ["ArchiveKey", "Arn"]}
PII_KEY_ARN = {"Fn::GetAtt": ["PiiKey", "Arn"]}
COMPLIANCE_ROLE = {"AWS": {"Ref": "ComplianceRoleArn"}}
NO_VALUE = {"Ref": "AWS::NoValue"}
# Any of these lets its holder read what the PII key protects (a grant can give Decrypt).
DECRYPT_CAPABLE = ("kms:Decrypt", "kms:ReEncryptFrom", "kms:CreateGrant")


@pytest.fixture(scope="module")
def template() -> dict:
    parsed, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return parsed


@pytest.fixture(scope="module")
def resources(template: dict) -> dict:
    return template["Resources"]


@pytest.fixture(scope="module")
def bucket(resources: dict) -> dict:
    return resources["ArchiveBucket"]["Properties"]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _statements(document: dict) -> Iterator[tuple[str | None, dict]]:
    """Each statement with the condition it is under (Fn::If branches both count)."""
    for statement in _as_list(document["Statement"]):
        if isinstance(statement, dict) and set(statement) == {"Fn::If"}:
            condition, *branches = statement["Fn::If"]
            for branch in branches:
                if branch != NO_VALUE:
                    yield condition, branch
        else:
            yield None, statement


def _allows(statement: dict, action: str) -> bool:
    """Whether an Allow statement covers `action` (wildcards, NotAction and intrinsics count)."""
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:
        patterns = _as_list(statement["NotAction"])
        return not any(isinstance(p, str) and fnmatchcase(action.lower(), p.lower()) for p in patterns)
    patterns = _as_list(statement.get("Action", []))
    return any(not isinstance(p, str) or fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _actions(statement: dict) -> list[str]:
    return [a for a in _as_list(statement.get("Action", [])) if isinstance(a, str)]


def _function_statements(function: dict) -> Iterator[dict]:
    for policy in function["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            yield from (statement for _, statement in _statements(policy))


def _touches_archive_services(statement: dict) -> bool:
    actions = _as_list(statement.get("Action", [])) + _as_list(statement.get("NotAction", []))
    return any(not isinstance(a, str) or a == "*" or a.lower().startswith(("s3:", "kms:")) for a in actions)


def _default(template: dict, parameter: str) -> Any:
    return template["Parameters"][parameter]["Default"]


def test_object_lock_defaults_to_compliance_mode_for_three_years_from_parameters(
    template: dict, bucket: dict
) -> None:
    # GIVEN the archive bucket  THEN Object Lock is on with a default retention for every record
    assert bucket["ObjectLockEnabled"] is True
    lock = bucket["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    retention = lock["Rule"]["DefaultRetention"]
    # AND its mode and period are stack parameters (dev stacks: GOVERNANCE, 1 year)
    assert retention == {"Mode": {"Ref": "ArchiveRetentionMode"}, "Years": {"Ref": "ArchiveRetentionYears"}}
    assert "Days" not in retention
    # AND by default it is COMPLIANCE for 3 years (R-LOOP-3), never less than a year
    assert _default(template, "ArchiveRetentionMode") == "COMPLIANCE"
    assert set(template["Parameters"]["ArchiveRetentionMode"]["AllowedValues"]) == {
        "COMPLIANCE",
        "GOVERNANCE",
    }
    assert int(_default(template, "ArchiveRetentionYears")) == 3
    assert int(template["Parameters"]["ArchiveRetentionYears"]["MinValue"]) >= 1


def test_archive_bucket_is_versioned(bucket: dict) -> None:
    # GIVEN the archive bucket  THEN versioning is on (Object Lock protects versions)
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}


def test_archive_bucket_encrypts_with_the_archive_key_and_a_bucket_key(bucket: dict) -> None:
    # GIVEN the archive bucket's default encryption
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    # THEN it is SSE-KMS with the customer-managed archive key, and a bucket key cuts KMS calls
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": ARCHIVE_KEY_ARN,
    }
    assert rule["BucketKeyEnabled"] is True


def test_archive_bucket_blocks_public_access_and_acls(bucket: dict) -> None:
    # GIVEN the archive bucket  THEN every public access path is blocked and ACLs are off
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


@pytest.mark.parametrize("name", ["ArchiveKey", "PiiKey"])
def test_archive_keys_are_customer_managed_rotate_and_outlive_the_stack(resources: dict, name: str) -> None:
    # GIVEN a key of the archive
    key = resources[name]
    # THEN it is a customer-managed KMS key with yearly rotation
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    # AND neither deleting the stack nor replacing the key destroys it (records outlive both)
    assert key["DeletionPolicy"] == "Retain"
    assert key["UpdateReplacePolicy"] == "Retain"


def test_archive_bucket_outlives_the_stack(resources: dict) -> None:
    # GIVEN the archive bucket  THEN deleting or replacing it through the stack keeps the records
    assert resources["ArchiveBucket"]["DeletionPolicy"] == "Retain"
    assert resources["ArchiveBucket"]["UpdateReplacePolicy"] == "Retain"


def _bucket_policy_statements(resources: dict) -> list[dict]:
    policy = resources["ArchiveBucketPolicy"]
    assert policy["Type"] == "AWS::S3::BucketPolicy"
    assert policy["Properties"]["Bucket"] == {"Ref": "ArchiveBucket"}
    return [statement for _, statement in _statements(policy["Properties"]["PolicyDocument"])]


def _denies_everyone(statement: dict, action: str) -> bool:
    actions = _as_list(statement.get("Action", []))
    return (
        statement.get("Effect") == "Deny"
        and statement.get("Principal") in ("*", {"AWS": "*"})
        and any(fnmatchcase(action, a) for a in actions if isinstance(a, str))
    )


def test_bucket_policy_denies_access_without_tls(resources: dict) -> None:
    # GIVEN the archive bucket policy
    statements = _bucket_policy_statements(resources)
    # THEN any request over plain HTTP is denied, on the bucket and on every object
    non_tls = [
        s
        for s in statements
        if _denies_everyone(s, "s3:GetObject")
        and _denies_everyone(s, "s3:PutObject")
        and _denies_everyone(s, "s3:ListBucket")
        and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
    ]
    assert len(non_tls) == 1
    assert set(map(str, _as_list(non_tls[0]["Resource"]))) == {
        str({"Fn::GetAtt": ["ArchiveBucket", "Arn"]}),
        str({"Fn::Sub": "${ArchiveBucket.Arn}/*"}),
    }


def test_bucket_policy_denies_puts_without_sse_kms_or_with_another_key(resources: dict) -> None:
    # GIVEN the archive bucket policy
    statements = [
        s
        for s in _bucket_policy_statements(resources)
        if _denies_everyone(s, "s3:PutObject") and s.get("Resource") == {"Fn::Sub": "${ArchiveBucket.Arn}/*"}
    ]
    conditions = [s.get("Condition") for s in statements]
    # THEN a put that does not ask for SSE-KMS is denied (a missing header too: the writer sends it)
    assert {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}} in conditions
    # AND so is a put naming any KMS key other than the archive key
    assert {
        "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": ARCHIVE_KEY_ARN}
    } in conditions


def test_only_the_compliance_role_can_decrypt_the_pii_key(template: dict, resources: dict) -> None:
    # GIVEN every statement of the PII key's policy
    statements = list(_statements(resources["PiiKey"]["Properties"]["KeyPolicy"]))
    assert statements
    # THEN every statement that could decrypt (Decrypt, ReEncryptFrom, CreateGrant, kms:*, *,
    # NotAction) is the compliance role's, and only exists when a compliance role is given
    decrypting = [(c, s) for c, s in statements if any(_allows(s, a) for a in DECRYPT_CAPABLE)]
    assert decrypting, "the compliance role must be able to decrypt"
    for condition, statement in decrypting:
        assert statement["Principal"] == COMPLIANCE_ROLE, statement
        assert condition == "HasComplianceRole", statement
        assert not any(_allows(statement, a) for a in ("kms:ReEncryptFrom", "kms:CreateGrant")), statement
    assert template["Conditions"]["HasComplianceRole"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "ComplianceRoleArn"}, ""]}]
    }
    assert _default(template, "ComplianceRoleArn") == ""


def test_pii_key_lets_the_account_administer_and_delegate_only_encryption(resources: dict) -> None:
    # GIVEN the PII key's statements for the account (IAM principals of this account)
    account = {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    statements = [s for _, s in _statements(resources["PiiKey"]["Properties"]["KeyPolicy"])]
    account_statements = [s for s in statements if s["Principal"] == account]
    # THEN the account can still administer the key (no lock-out) and schedule its deletion
    for action in ("kms:PutKeyPolicy", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion"):
        assert any(_allows(s, action) for s in account_statements), action
    # AND IAM may grant data keys for encryption, but nothing that reads what they protect
    assert any(_allows(s, "kms:GenerateDataKey") for s in account_statements)
    for action in (*DECRYPT_CAPABLE, "kms:GenerateDataKeyWithoutPlaintext", "kms:Encrypt"):
        assert not any(_allows(s, action) for s in account_statements), action


@pytest.mark.parametrize("name", ARCHIVE_WRITERS)
def test_archive_writers_get_the_archive_settings(resources: dict, name: str) -> None:
    # GIVEN a function that writes archive records  THEN it is told the bucket and both keys
    variables = resources[name]["Properties"]["Environment"]["Variables"]
    assert variables["ARCHIVE_BUCKET"] == {"Ref": "ArchiveBucket"}
    assert variables["ARCHIVE_KMS_KEY_ID"] == ARCHIVE_KEY_ARN
    assert variables["PII_KMS_KEY_ID"] == PII_KEY_ARN


@pytest.mark.parametrize("name", ARCHIVE_WRITERS)
def test_archive_writers_may_only_create_records_and_encrypt(resources: dict, name: str) -> None:
    # GIVEN the archive writer's IAM statements on S3 and KMS
    statements = [s for s in _function_statements(resources[name]) if _touches_archive_services(s)]
    by_resource = {str(s["Resource"]): s for s in statements}
    # THEN it may create records under complaints/ of the archive bucket, nothing more
    s3 = by_resource[str({"Fn::Sub": "arn:${AWS::Partition}:s3:::${ArchiveBucket}/complaints/*"})]
    assert _actions(s3) == ["s3:PutObject"]
    # AND use the archive key only through S3 (SSE-KMS needs a data key), never to decrypt
    archive_key = by_resource[str(ARCHIVE_KEY_ARN)]
    assert _actions(archive_key) == ["kms:GenerateDataKey"]
    assert archive_key["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}}
    }
    # AND the PII key only to encrypt the protected section
    assert _actions(by_resource[str(PII_KEY_ARN)]) == ["kms:GenerateDataKey"]
    # AND, besides the archive, it may add rows to the review's analytics copy (issue 14), only
    analytics = by_resource[str({"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReviewDataBucket}/analytics/*"})]
    assert _actions(analytics) == ["s3:PutObject"]
    assert len(statements) == 4


@pytest.mark.parametrize("name", ["WebhookFunction", "SocialMonitorFunction", *ARCHIVE_WRITERS])
def test_functions_grant_no_s3_or_kms_action_on_every_resource(resources: dict, name: str) -> None:
    # GIVEN any function of the stack
    function = resources[name]
    # THEN it uses no managed or SAM template policy for S3 or KMS (those may grant on "*")
    for policy in function["Properties"].get("Policies", []):
        names = [policy] if isinstance(policy, str) else [k for k in policy if k != "Statement"]
        assert not [n for n in names if "s3" in n.lower() or "kms" in n.lower()], names
    # AND each of its S3 or KMS statements names one of the archive's resources (or, for the
    # review's analytics copy, a prefix of the review bucket), never "*"
    archive_resources = (ARCHIVE_KEY_ARN, PII_KEY_ARN)
    for statement in _function_statements(function):
        if not _touches_archive_services(statement):
            continue
        assert "NotResource" not in statement, statement
        for resource in _as_list(statement["Resource"]):
            assert resource != "*", statement
            sub = resource.get("Fn::Sub") if isinstance(resource, dict) else None
            named = (
                resource in archive_resources
                or "${ArchiveBucket}/" in str(sub)
                or str(sub).endswith("${ReviewDataBucket}/analytics/*")
            )
            assert named, statement


def test_lifecycle_moves_records_cold_after_the_setting_and_expires_them_after_retention(
    template: dict, bucket: dict
) -> None:
    # GIVEN the archive bucket's enabled lifecycle rules
    rules = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r["Status"] == "Enabled"]
    (rule,) = [r for r in rules if "Transitions" in r]
    # THEN records move to a cold class after ArchiveColdAfterDays (default 90)
    (transition,) = rule["Transitions"]
    assert transition["StorageClass"] in ("GLACIER_IR", "DEEP_ARCHIVE")
    assert transition["TransitionInDays"] == {"Ref": "ArchiveColdAfterDays"}
    assert int(_default(template, "ArchiveColdAfterDays")) == 90
    # AND current and old versions expire after ArchiveExpireAfterDays
    assert rule["ExpirationInDays"] == {"Ref": "ArchiveExpireAfterDays"}
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": {"Ref": "ArchiveExpireAfterDays"}}
    assert "Prefix" not in rule and "Filter" not in rule
    # AND by default that is no sooner than the retention (years of up to 366 days) and after
    # the move to the cold class
    expire_days = int(_default(template, "ArchiveExpireAfterDays"))
    assert expire_days >= 366 * int(_default(template, "ArchiveRetentionYears"))
    assert expire_days > int(_default(template, "ArchiveColdAfterDays"))


def test_outputs_name_the_archive_bucket_and_the_pii_key(template: dict) -> None:
    # GIVEN the stack outputs  THEN the CLI can find the archive bucket and the PII key
    outputs = template["Outputs"]
    assert outputs["ArchiveBucketName"]["Value"] == {"Ref": "ArchiveBucket"}
    assert outputs["PiiKeyArn"]["Value"] == PII_KEY_ARN
