"""The SAM template is valid (cfn-lint) and wires what moto would not check for us."""

from importlib import import_module
from pathlib import Path

import pytest
from cfnlint.api import lint_all
from cfnlint.decode import decode

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@pytest.fixture(scope="module")
def template() -> dict:
    parsed, errors = decode(str(TEMPLATE))
    assert not errors, errors
    return parsed


def test_template_passes_cfn_lint() -> None:
    # GIVEN the SAM template  WHEN cfn-lint checks it  THEN it reports no error and no warning
    matches = lint_all(TEMPLATE.read_text(encoding="utf-8"))
    problems = [str(m) for m in matches if m.rule.id.startswith(("E", "W"))]
    assert problems == []


def test_ticket_events_queue_is_fifo_with_a_dead_letter_queue(template: dict) -> None:
    resources = template["Resources"]
    queue = resources["TicketEventsQueue"]["Properties"]
    # THEN per-ticket order (FIFO) and nothing lost: failures go to a FIFO DLQ
    assert queue["FifoQueue"] is True
    dlq_ref = queue["RedrivePolicy"]["deadLetterTargetArn"]
    assert dlq_ref == {"Fn::GetAtt": ["TicketEventsDeadLetterQueue", "Arn"]}
    assert resources["TicketEventsDeadLetterQueue"]["Properties"]["FifoQueue"] is True


def test_functions_run_on_the_lambda_runtime_and_their_handlers_exist(template: dict) -> None:
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        module_name, _, attribute = resource["Properties"]["Handler"].rpartition(".")
        assert callable(getattr(import_module(module_name), attribute)), name


def test_no_secret_value_is_in_the_template() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert "SecretString" not in text


def test_triage_function_reports_partial_batch_failures_and_gets_every_setting(template: dict) -> None:
    from infra.settings import TriageSettings

    triage = template["Resources"]["TriageFunction"]["Properties"]
    # THEN a failed record does not fail its whole batch
    source = triage["Events"]["TicketEvents"]["Properties"]
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # AND every required setting of the function is wired
    required = {f.alias for f in TriageSettings.model_fields.values() if f.is_required()}
    assert required <= set(triage["Environment"]["Variables"])
    # AND the queue hides a message longer than the function may run
    queue = template["Resources"]["TicketEventsQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * triage["Timeout"]


def test_complaints_table_matches_the_schema_the_code_queries(template: dict) -> None:
    from infra.complaints import TABLE_SCHEMA

    table = template["Resources"]["ComplaintsTable"]["Properties"]
    # THEN the key, the attribute types and the watch index are the ones infra/complaints.py uses
    assert table["KeySchema"] == TABLE_SCHEMA["KeySchema"]
    assert table["AttributeDefinitions"] == TABLE_SCHEMA["AttributeDefinitions"]
    assert table["GlobalSecondaryIndexes"] == TABLE_SCHEMA["GlobalSecondaryIndexes"]
