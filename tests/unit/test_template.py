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

    resources = template["Resources"]
    triage = resources["TriageFunction"]["Properties"]
    # GIVEN the ticket-events queue's event source mapping (explicit, see the template's comment)
    (mapping,) = [
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
        and r["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["TicketEventsQueue", "Arn"]}
    ]
    # THEN it feeds the triage, and a failed record does not fail its whole batch
    assert mapping["FunctionName"] == {"Ref": "TriageFunction"}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # AND every required setting of the function is wired
    required = {f.alias for f in TriageSettings.model_fields.values() if f.is_required()}
    assert required <= set(triage["Environment"]["Variables"])
    # AND the queue hides a message longer than the function may run
    queue = resources["TicketEventsQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * triage["Timeout"]


def test_complaints_table_matches_the_schema_the_code_queries(template: dict) -> None:
    from infra.complaints import TABLE_SCHEMA

    table = template["Resources"]["ComplaintsTable"]["Properties"]
    # THEN the key, the attribute types and the watch index are the ones infra/complaints.py uses
    assert table["KeySchema"] == TABLE_SCHEMA["KeySchema"]
    assert table["AttributeDefinitions"] == TABLE_SCHEMA["AttributeDefinitions"]
    assert table["GlobalSecondaryIndexes"] == TABLE_SCHEMA["GlobalSecondaryIndexes"]


# Each function's settings class (infra/settings.py): what its handler reads from the environment.
SETTINGS = {
    "WebhookFunction": "WebhookSettings",
    "TriageFunction": "TriageSettings",
    "DeadlineWatcherFunction": "WatcherSettings",
    "SocialMonitorFunction": "SocialMonitorSettings",
    "OutreachFunction": "OutreachSettings",
    "NotifierFunction": "NotifierSettings",
    "ReporterFunction": "ReporterSettings",
}


def _functions(template: dict) -> dict:
    return {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_function_gets_each_setting_its_handler_requires(template: dict, name: str) -> None:
    import infra.settings

    # GIVEN the function's settings model  THEN every required variable is set in the template
    model = getattr(infra.settings, SETTINGS[name])
    required = {f.alias for f in model.model_fields.values() if f.is_required()}
    variables = set(_functions(template)[name]["Properties"]["Environment"]["Variables"])
    assert required <= variables, required - variables


def test_every_function_is_built_by_the_makefile_from_the_same_sources(template: dict) -> None:
    functions = _functions(template)
    assert set(functions) == set(SETTINGS)
    for name, function in functions.items():
        # THEN SAM builds it with the root Makefile's build-<LogicalId> target
        assert function["Metadata"] == {"BuildMethod": "makefile"}, name
        assert function["Properties"]["CodeUri"] == ".", name
    makefile = (TEMPLATE.parent / "Makefile").read_text(encoding="utf-8")
    (line,) = [x for x in makefile.splitlines() if x.startswith("LAMBDA_FUNCTIONS :=")]
    assert set(line.split(":=", 1)[1].split()) == set(functions)


def test_the_zendesk_throttling_alarm_watches_the_metric_the_handlers_publish(template: dict) -> None:
    from infra import observability

    settings = template["Globals"]["Function"]["Environment"]["Variables"]
    alarm = template["Resources"]["ZendeskThrottledAlarm"]["Properties"]
    # THEN the alarm reads the metric name, namespace and service dimension infra/observability.py writes
    assert alarm["MetricName"] == observability.ZENDESK_THROTTLED
    assert alarm["Namespace"] == settings["POWERTOOLS_METRICS_NAMESPACE"] == observability.NAMESPACE
    assert alarm["Dimensions"] == [{"Name": "service", "Value": settings["POWERTOOLS_SERVICE_NAME"]}]
    assert settings["POWERTOOLS_SERVICE_NAME"] == observability.SERVICE


def test_the_cold_start_bench_runs_handlers_with_the_templates_settings(template: dict) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("cold_start", TEMPLATE.parent / "bench" / "cold_start.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    # THEN the bench imports every function's handler, with the Globals' Powertools settings
    assert template["Globals"]["Function"]["Environment"]["Variables"] == bench.LAMBDA_SETTINGS
    handlers = {
        name: f["Properties"]["Handler"].rpartition(".")[0] for name, f in _functions(template).items()
    }
    assert {function: module for function, module in bench.HANDLERS.values()} == handlers


@pytest.mark.parametrize(
    ("schedule", "platform", "parameter"),
    [
        ("WeiboMonitor", "weibo", "WeiboMonitorState"),
        ("XMonitor", "x", "XMonitorState"),
        ("MastodonMonitor", "mastodon", "MastodonMonitorState"),
    ],
)
def test_each_social_monitor_schedule_has_its_own_switch_off_by_default(
    template: dict, schedule: str, platform: str, parameter: str
) -> None:
    import json

    event = template["Resources"]["SocialMonitorFunction"]["Properties"]["Events"][schedule]
    assert event["Type"] == "ScheduleV2"
    assert json.loads(event["Properties"]["Input"]) == {"platform": platform}
    assert event["Properties"]["State"] == {"Ref": parameter}
    # THEN a platform is polled only once someone switches it on (its credentials filled in)
    assert template["Parameters"][parameter]["Default"] == "DISABLED"


def test_the_review_tables_read_the_analytics_copy_with_its_columns_by_month(template: dict) -> None:
    from infra.analytics import ANALYTICS_PREFIX, COLUMNS, PARTITION_COLUMN

    glue_types = {"BIGINT": "bigint", "VARCHAR": "string", "BOOLEAN": "boolean", "INTEGER": "int"}
    resources = template["Resources"]
    tables = {"complaints": "ReviewComplaintsTable", "obligations": "ReviewObligationsTable"}
    for table, logical in tables.items():
        # GIVEN each Glue table of the review
        spec = resources[logical]["Properties"]["TableInput"]
        # THEN its columns are exactly the rows' columns (names, order and types)
        assert [(c["Name"], c["Type"]) for c in spec["StorageDescriptor"]["Columns"]] == [
            (name, glue_types[kind]) for name, kind in COLUMNS[table].items()
        ]
        # AND it is partitioned by month through projection, where the writer puts the rows
        assert spec["PartitionKeys"] == [{"Name": PARTITION_COLUMN, "Type": "string"}]
        assert spec["Parameters"]["projection.enabled"] == "true"
        template_location = spec["Parameters"]["storage.location.template"]["Fn::Sub"]
        assert template_location.endswith(f"/{ANALYTICS_PREFIX}/{table}/{PARTITION_COLUMN}=${{!month}}")
    # AND the workgroup enforces a bytes-scanned limit, with results that expire
    workgroup = resources["ReviewWorkGroup"]["Properties"]["WorkGroupConfiguration"]
    assert workgroup["EnforceWorkGroupConfiguration"] is True
    assert workgroup["BytesScannedCutoffPerQuery"] == {"Ref": "ReviewScanLimitBytes"}
    rules = resources["ReviewResultsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rules[0]["ExpirationInDays"] == {"Ref": "ReviewResultsDays"}
    # AND the reporter runs every morning in the SOP's time zone, naming the workgroup and database
    reporter = resources["ReporterFunction"]["Properties"]
    schedule = reporter["Events"]["EveryMorning"]["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Shanghai"
    variables = reporter["Environment"]["Variables"]
    assert variables["ATHENA_WORKGROUP"] == {"Ref": "ReviewWorkGroup"}
    assert variables["ANALYTICS_DATABASE"] == {"Ref": "ReviewDatabase"}
