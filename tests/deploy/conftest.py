"""tests/deploy run only in the deploy venv (`make deploy-test`, part of `make test`).

They need aws-sam-translator, which pins another pydantic than the application and so is never
installed in .venv: there the whole folder is left out of collection. `make test` runs them in
.venv-deploy, where pytest exits non-zero if nothing was collected, so CI cannot pass silently.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

if importlib.util.find_spec("samtranslator") is None:
    collect_ignore_glob = ["test_*.py"]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
BUILD_DIR = ROOT / ".aws-sam" / "build"


@pytest.fixture(scope="session", autouse=True)
def _no_real_aws() -> Iterator[None]:
    """The translator and moto want a region and credentials: dummy ones, never the shell's."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("AWS_PROFILE", raising=False)
        for name, value in {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
        }.items():
            env.setenv(name, value)
        yield


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    from tests.deploy.sam_template import load_template

    return load_template(TEMPLATE)


@pytest.fixture(scope="session")
def functions(template: dict[str, Any]) -> dict[str, str]:
    """Logical id → handler of every AWS::Serverless::Function in template.yaml."""
    return {
        name: resource["Properties"]["Handler"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
