"""Loading Zendesk credentials from the environment and from Secrets Manager, without leaking the token."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from integrations.zendesk.credentials import (
    ZendeskCredentials,
    credentials_from_env,
    credentials_from_mapping,
    credentials_from_secret,
)
from integrations.zendesk.errors import ZendeskConfigError

TOKEN = "zd-token-DO-NOT-LEAK"


def test_env_loader_reads_the_three_variables() -> None:
    # GIVEN the sandbox's settings in the environment
    env = {
        "ZENDESK_URL": "http://127.0.0.1:8765/",
        "ZENDESK_EMAIL": "a@b.example",
        "ZENDESK_API_TOKEN": TOKEN,
    }
    # WHEN loaded
    creds = credentials_from_env(env)
    # THEN the URL is normalised and the token kept secret
    assert creds.url == "http://127.0.0.1:8765"
    assert creds.api_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(creds) + str(creds)


def test_env_loader_names_missing_variables() -> None:
    with pytest.raises(ZendeskConfigError, match="ZENDESK_API_TOKEN"):
        credentials_from_env({"ZENDESK_URL": "https://x.zendesk.com", "ZENDESK_EMAIL": "a@b.example"})


def test_subdomain_gives_the_zendesk_url() -> None:
    creds = ZendeskCredentials(subdomain="acme", email="a@b.example", api_token=TOKEN)
    assert creds.url == "https://acme.zendesk.com"


@pytest.mark.parametrize(
    "data",
    [
        {"email": "a@b.example", "api_token": TOKEN},  # no address
        {"subdomain": "acme", "email": "not-an-email", "api_token": TOKEN},
        {"base_url": "ftp://acme", "email": "a@b.example", "api_token": TOKEN},
        {"subdomain": "acme", "api_token": TOKEN},  # no email
    ],
)
def test_invalid_credentials_are_reported_without_their_values(data: dict[str, str]) -> None:
    # WHEN invalid credentials are validated
    with pytest.raises(ZendeskConfigError) as invalid:
        credentials_from_mapping(data)
    # THEN the message names the problem but never the token, and no pydantic error (with inputs) is chained
    assert TOKEN not in str(invalid.value)
    assert invalid.value.__cause__ is None
    assert invalid.value.__suppress_context__


@pytest.fixture
def secrets_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("secretsmanager", region_name="eu-west-1")


def test_secret_loader_reads_json_from_secrets_manager(secrets_manager: object) -> None:
    # GIVEN a JSON secret (unique name: Powertools caches by name for five minutes)
    name = f"zendesk/{uuid.uuid4()}"
    secret = {"subdomain": "acme", "email": "bot@acme.example", "api_token": TOKEN}
    secrets_manager.create_secret(Name=name, SecretString=json.dumps(secret))  # type: ignore[attr-defined]
    # WHEN loaded
    creds = credentials_from_secret(name)
    # THEN the credentials match
    assert (creds.url, creds.email, creds.api_token.get_secret_value()) == (
        "https://acme.zendesk.com",
        "bot@acme.example",
        TOKEN,
    )


def test_secret_that_is_not_an_object_is_refused(secrets_manager: object) -> None:
    name = f"zendesk/{uuid.uuid4()}"
    secrets_manager.create_secret(Name=name, SecretString=json.dumps(["a", "b"]))  # type: ignore[attr-defined]
    with pytest.raises(ZendeskConfigError, match="not a JSON object"):
        credentials_from_secret(name)
