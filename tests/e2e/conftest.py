"""What end-to-end tests share with the integration tests: the triage Lambda on moto against the
Zendesk sandbox (`stack`, tests/integration/conftest.py)."""

from tests.integration.conftest import fake_aws_credentials, mocked_aws, stack  # noqa: F401 (fixtures)
