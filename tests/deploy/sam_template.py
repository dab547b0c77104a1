"""template.yaml as CloudFormation sees it after `sam package`: loaded and translated by SAM.

The translation is what CloudFormation deploys (roles, event source mappings, schedules, the
HTTP API), so the checks that moto cannot make read this, not the SAM source.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cfnlint.decode import decode
from samtranslator.translator.transform import transform

# What `sam package` writes for CodeUri after uploading the built artifact.
CODE_URI = "s3://deploy-artifacts/complaint-triage.zip"
# Parameters without a default, and e-mails so the conditional subscriptions exist too.
PARAMETERS = {
    "ZendeskSubdomain": "acme",
    "CriticalAlertEmail": "pr@example.com",
    "SlaAlertEmail": "leads@example.com",
    "OpsAlertEmail": "ops@example.com",
    "ComplianceRoleArn": "arn:aws:iam::123456789012:role/compliance",
}


def load_template(path: Path) -> dict[str, Any]:
    parsed, errors = decode(str(path))
    assert not errors, errors
    # Plain dicts and strings: the translator deep-copies and compares them.
    return json.loads(json.dumps(parsed))


class _NoManagedPolicies:
    """The translator asks IAM for managed policy names only when Policies name one; ours do not."""

    def load(self) -> dict[str, str]:
        return {}


def translate(template: Mapping[str, Any], parameters: Mapping[str, str] = PARAMETERS) -> dict[str, Any]:
    packaged = copy.deepcopy(dict(template))
    for resource in packaged["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = CODE_URI
    return transform(packaged, dict(parameters), _NoManagedPolicies())


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(role: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(policy name, statement) of every inline policy of an AWS::IAM::Role."""
    for policy in role["Properties"].get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            yield policy["PolicyName"], statement
