"""What CloudFormation will deploy (the SAM template translated) holds what moto would ignore.

moto creates buckets without enforcing Object Lock, keys without evaluating key policies, roles
without evaluating policies, and no alarms or schedules at all: these checks stand in for them.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest

from tests.deploy.sam_template import as_list, resources_of_type, role_statements, translate

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TWO_WEEKS = 1_209_600
OPS_TOPIC = [{"Ref": "OpsAlertsTopic"}]


@pytest.fixture(scope="module")
def cfn(template: dict[str, Any]) -> dict[str, Any]:
    return translate(template)


@pytest.fixture(scope="module")
def resources(cfn: dict[str, Any]) -> dict[str, Any]:
    return cfn["Resources"]


def _function_role(resources: dict[str, Any], function: str) -> dict[str, Any]:
    role = resources[function]["Properties"]["Role"]
    assert role == {"Fn::GetAtt": [f"{function}Role", "Arn"]}
    return resources[f"{function}Role"]


def _allows(statement: dict[str, Any], action: str) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    return any(fnmatchcase(action.lower(), a.lower()) for a in as_list(statement.get("Action", [])))


def test_archive_object_lock_is_deployed_as_written(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    # GIVEN the translated archive bucket (moto stores Object Lock settings but never enforces them)
    bucket = resources["ArchiveBucket"]
    # THEN Object Lock is on with a default retention from the stack parameters, kept on delete
    assert bucket["Properties"]["ObjectLockEnabled"] is True
    assert bucket["Properties"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {
            "DefaultRetention": {
                "Mode": {"Ref": "ArchiveRetentionMode"},
                "Years": {"Ref": "ArchiveRetentionYears"},
            }
        },
    }
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")
    # AND by default COMPLIANCE mode for 3 years (R-LOOP-3)
    parameters = template["Parameters"]
    assert parameters["ArchiveRetentionMode"]["Default"] == "COMPLIANCE"
    assert int(parameters["ArchiveRetentionYears"]["Default"]) == 3


def test_only_the_compliance_role_may_decrypt_pii_and_no_function_may_decrypt(
    resources: dict[str, Any],
) -> None:
    # GIVEN the PII key's policy as deployed
    statements = as_list(resources["PiiKey"]["Properties"]["KeyPolicy"]["Statement"])
    decrypting = []
    for statement in statements:
        branches = statement["Fn::If"][1:] if "Fn::If" in statement else [statement]
        decrypting += [
            b for b in branches if isinstance(b, dict) and "Effect" in b and _allows(b, "kms:Decrypt")
        ]
    # THEN exactly one statement can decrypt, and it names the compliance role
    assert [s["Principal"] for s in decrypting] == [{"AWS": {"Ref": "ComplianceRoleArn"}}]
    # AND no role of the stack is allowed to decrypt with any key
    for name, role in resources_of_type({"Resources": resources}, "AWS::IAM::Role").items():
        for _, statement in role_statements(role):
            assert not _allows(statement, "kms:Decrypt"), name


def test_archive_key_policy_only_delegates_to_the_account(resources: dict[str, Any]) -> None:
    (statement,) = as_list(resources["ArchiveKey"]["Properties"]["KeyPolicy"]["Statement"])
    # THEN no service or other account is named in the key policy: IAM decides, within this account
    assert statement["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}


def test_every_queue_redrives_to_a_fifo_dead_letter_queue(resources: dict[str, Any]) -> None:
    queues = resources_of_type({"Resources": resources}, "AWS::SQS::Queue")
    dead_letter_queues = set()
    for name, queue in queues.items():
        redrive = queue["Properties"].get("RedrivePolicy")
        if redrive is None:
            continue
        # GIVEN a work queue  THEN it parks a message after 20 receives in a DLQ of its kind (FIFO
        # for the ticket and post queues; the alerts' queue is standard, as SNS standard topics need)
        target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        dead_letter_queues.add(target)
        fifo = queue["Properties"].get("FifoQueue", False)
        assert fifo is (name != "NotifierQueue"), name
        assert queues[target]["Properties"].get("FifoQueue", False) is fifo, target
        assert redrive["maxReceiveCount"] == 20, name
        # AND the DLQ keeps what it holds for the longest SQS allows (14 days)
        assert queues[target]["Properties"]["MessageRetentionPeriod"] == TWO_WEEKS, target
    # AND every queue is either a work queue with a DLQ or a DLQ
    assert set(queues) == dead_letter_queues | {
        n for n, q in queues.items() if "RedrivePolicy" in q["Properties"]
    }
    assert dead_letter_queues == {
        "TicketEventsDeadLetterQueue",
        "SocialDeadLetterQueue",
        "NotifierDeadLetterQueue",
    }


def test_sqs_consumers_poll_only_their_queue_and_report_partial_failures(resources: dict[str, Any]) -> None:
    mappings = resources_of_type({"Resources": resources}, "AWS::Lambda::EventSourceMapping")
    consumers = {}
    for mapping in mappings.values():
        properties = mapping["Properties"]
        queue = properties["EventSourceArn"]["Fn::GetAtt"][0]
        function = properties["FunctionName"]["Ref"]
        consumers[queue] = function
        # GIVEN an SQS event source  THEN a failed record does not fail its batch
        assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert properties["BatchSize"] <= 10
        # AND the queue hides a message at least 6x longer than the function may run
        timeout = resources[function]["Properties"]["Timeout"]
        assert resources[queue]["Properties"]["VisibilityTimeout"] >= 6 * timeout
        # AND the function's role may receive and delete on that queue only
        statements = [s for _, s in role_statements(_function_role(resources, function))]
        receiving = [s for s in statements if _allows(s, "sqs:ReceiveMessage")]
        assert [s["Resource"] for s in receiving] == [{"Fn::GetAtt": [queue, "Arn"]}]
    assert consumers == {
        "TicketEventsQueue": "TriageFunction",
        "SocialQueue": "OutreachFunction",
        "NotifierQueue": "NotifierFunction",
    }


# Glue checks the account's Data Catalog as well as the database and table a query names: the one
# resource an IAM statement must name that no stack creates.
GLUE_CATALOG = {"Fn::Sub": "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"}


def _names_a_stack_resource(resource: Any, logical_ids: set[str]) -> bool:
    if resource == GLUE_CATALOG:
        return True
    text = json.dumps(resource)
    return any(f'"{name}"' in text or f"${{{name}}}" in text or f"${{{name}." in text for name in logical_ids)


def test_roles_grant_no_data_plane_action_on_every_resource(resources: dict[str, Any]) -> None:
    logical_ids = set(resources)
    for name, role in resources_of_type({"Resources": resources}, "AWS::IAM::Role").items():
        # GIVEN a role of the stack  THEN its only managed policy is CloudWatch Logs for Lambda
        # (log groups are named after the generated function names, so they cannot be listed here)
        assert set(role["Properties"].get("ManagedPolicyArns", [])) <= {BASIC_EXECUTION}, name
        for policy, statement in role_statements(role):
            where = f"{name}/{policy}: {statement}"
            assert statement["Effect"] == "Allow", where
            assert "NotAction" not in statement and "NotResource" not in statement, where
            # AND no action is a whole-service wildcard
            for action in as_list(statement["Action"]):
                assert action != "*" and not action.endswith(":*"), where
            # AND each resource is one of this stack's (a table, queue, topic, secret, key, bucket
            # prefix or function), never "*" or a literal ARN
            for resource in as_list(statement["Resource"]):
                assert resource != "*" and not isinstance(resource, str), where
                assert _names_a_stack_resource(resource, logical_ids), where


def test_every_function_has_the_managed_policy_only_through_its_own_role(resources: dict[str, Any]) -> None:
    functions = resources_of_type({"Resources": resources}, "AWS::Lambda::Function")
    assert set(functions) == {
        "WebhookFunction",
        "TriageFunction",
        "DeadlineWatcherFunction",
        "SocialMonitorFunction",
        "OutreachFunction",
        "NotifierFunction",
        "ReporterFunction",
    }
    for name, function in functions.items():
        role = _function_role(resources, name)
        assert role["Properties"]["ManagedPolicyArns"] == [BASIC_EXECUTION], name
        # AND it runs on Lambda's python3.13 on Graviton with its log group kept for the set period
        assert function["Properties"]["Runtime"] == "python3.13"
        assert function["Properties"]["Architectures"] == ["arm64"]
        log_group = resources[f"{name}LogGroup"]["Properties"]
        assert log_group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{{name}}}"}
        assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def _alarms(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n: r["Properties"]
        for n, r in resources_of_type({"Resources": resources}, "AWS::CloudWatch::Alarm").items()
    }


def _dimension(alarm: dict[str, Any]) -> Any:
    (dimension,) = alarm["Dimensions"]
    return dimension["Value"]


def test_every_alarm_notifies_the_operations_topic(resources: dict[str, Any]) -> None:
    alarms = _alarms(resources)
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == OPS_TOPIC, name
        assert alarm["OKActions"] == OPS_TOPIC, name


def test_every_dead_letter_queue_alarms_on_its_first_message(resources: dict[str, Any]) -> None:
    watched = {
        _dimension(a)["Fn::GetAtt"][0]
        for a in _alarms(resources).values()
        if a["Namespace"] == "AWS/SQS"
        and a["MetricName"] == "ApproximateNumberOfMessagesVisible"
        and a["Threshold"] == 0
        and a["ComparisonOperator"] == "GreaterThanThreshold"
        and a["Statistic"] == "Maximum"
    }
    assert watched == {"TicketEventsDeadLetterQueue", "SocialDeadLetterQueue", "NotifierDeadLetterQueue"}


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_alarms_on_errors_and_throttles(resources: dict[str, Any], metric: str) -> None:
    functions = set(resources_of_type({"Resources": resources}, "AWS::Lambda::Function"))
    watched = {
        _dimension(a)["Ref"]
        for a in _alarms(resources).values()
        if a["Namespace"] == "AWS/Lambda"
        and a["MetricName"] == metric
        and a["Threshold"] == 0
        and a["ComparisonOperator"] == "GreaterThanThreshold"
    }
    assert watched == functions


def test_an_alarm_fires_when_the_watcher_stops_running(resources: dict[str, Any]) -> None:
    (alarm,) = [a for a in _alarms(resources).values() if a["MetricName"] == "Invocations"]
    # THEN fewer than one watcher invocation per period, for 10 minutes, alarms
    assert _dimension(alarm) == {"Ref": "DeadlineWatcherFunction"}
    assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Sum",
        1,
        "LessThanThreshold",
    )
    assert alarm["Period"] * alarm["EvaluationPeriods"] <= 600
    # AND no data at all (the schedule gone) counts as not running
    assert alarm["TreatMissingData"] == "breaching"


def test_zendesk_throttling_alarm_reads_the_metric_the_functions_publish(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    (alarm,) = [a for a in _alarms(resources).values() if a["MetricName"] == "ZendeskThrottled"]
    settings = template["Globals"]["Function"]["Environment"]["Variables"]
    # THEN it reads the namespace and service dimension Powertools writes from these settings
    assert alarm["Namespace"] == settings["POWERTOOLS_METRICS_NAMESPACE"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": settings["POWERTOOLS_SERVICE_NAME"]}]
    for name in ("TriageFunction", "DeadlineWatcherFunction", "OutreachFunction"):
        variables = resources[name]["Properties"]["Environment"]["Variables"]
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == alarm["Namespace"], name
    assert alarm["Threshold"] == {"Ref": "ZendeskThrottleAlarmThreshold"}


def test_schedules_run_the_watcher_and_each_social_monitor_under_its_own_switch(
    template: dict[str, Any], resources: dict[str, Any]
) -> None:
    schedules = {
        n: r["Properties"]
        for n, r in resources_of_type({"Resources": resources}, "AWS::Scheduler::Schedule").items()
    }
    for always_on in ("DeadlineWatcherFunctionEveryMinute", "NotifierFunctionEscalateEveryMinute"):
        schedule = schedules.pop(always_on)
        assert schedule["ScheduleExpression"] == "rate(1 minute)", always_on
        assert schedule.get("State", "ENABLED") == "ENABLED", always_on
    # The review: every morning, China time (it publishes only on a first working day)
    reporter = schedules.pop("ReporterFunctionEveryMorning")
    assert reporter["ScheduleExpression"] == "cron(30 9 * * ? *)"
    assert reporter["ScheduleExpressionTimezone"] == "Asia/Shanghai"
    by_platform = {json.loads(s["Target"]["Input"])["platform"]: s for s in schedules.values()}
    assert set(by_platform) == {"weibo", "x", "mastodon"}
    for platform, parameter in (
        ("weibo", "WeiboMonitorState"),
        ("x", "XMonitorState"),
        ("mastodon", "MastodonMonitorState"),
    ):
        schedule = by_platform[platform]
        assert schedule["Target"]["Arn"] == {"Fn::GetAtt": ["SocialMonitorFunction", "Arn"]}
        assert schedule["ScheduleExpression"] == "rate(1 minute)"
        # THEN each is switched by its parameter, off until its credentials are filled in
        assert schedule["State"] == {"Ref": parameter}
        assert template["Parameters"][parameter]["Default"] == "DISABLED"
        assert set(template["Parameters"][parameter]["AllowedValues"]) == {"ENABLED", "DISABLED"}


def test_the_http_api_routes_both_webhooks_to_the_webhook_function(resources: dict[str, Any]) -> None:
    (api,) = resources_of_type({"Resources": resources}, "AWS::ApiGatewayV2::Api").values()
    paths = api["Properties"]["Body"]["paths"]
    for path in ("/zendesk/webhook", "/social/{source}"):
        integration = paths[path]["post"]["x-amazon-apigateway-integration"]
        assert "WebhookFunction.Arn" in json.dumps(integration["uri"]), path
    # AND the chat cards' acknowledgement links reach the notifier
    ack = paths["/alerts/ack"]["get"]["x-amazon-apigateway-integration"]
    assert "NotifierFunction.Arn" in json.dumps(ack["uri"])
    assert len(resources_of_type({"Resources": resources}, "AWS::Lambda::Permission")) == 3


def test_tables_are_on_demand_with_point_in_time_recovery_and_ttl(resources: dict[str, Any]) -> None:
    tables = resources_of_type({"Resources": resources}, "AWS::DynamoDB::Table")
    assert set(tables) == {"ComplaintsTable", "IdempotencyTable"}
    for name, table in tables.items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert properties["TimeToLiveSpecification"]["Enabled"] is True, name


def test_secrets_are_created_empty(resources: dict[str, Any]) -> None:
    secrets = resources_of_type({"Resources": resources}, "AWS::SecretsManager::Secret")
    assert set(secrets) == {
        "WebhookSigningSecret",
        "ZendeskCredentialsSecret",
        "SocialCredentialsSecret",
        "SocialSigningSecret",
        "ChatCredentialsSecret",
    }
    for name, secret in secrets.items():
        assert not {"SecretString", "GenerateSecretString"} & set(secret["Properties"]), name


def _resolve(value: Any, cfn: dict[str, Any], parameters: dict[str, str]) -> Any:
    """The few intrinsics a secret's name uses (Ref, Fn::Sub, Fn::If, Fn::Not, Fn::Equals), for given
    parameter values, with the template's defaults for the rest."""
    values = {name: p.get("Default", "") for name, p in cfn["Parameters"].items()} | parameters
    if not isinstance(value, dict):
        return value
    ((function, argument),) = value.items()
    if function == "Ref":
        return values[argument]
    if function == "Fn::Sub":
        return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], argument)
    if function == "Fn::Equals":
        return _resolve(argument[0], cfn, parameters) == _resolve(argument[1], cfn, parameters)
    if function == "Fn::Not":
        return not _resolve(argument[0], cfn, parameters)
    if function == "Fn::If":
        condition, then, otherwise = argument
        chosen = then if _resolve(cfn["Conditions"][condition], cfn, parameters) else otherwise
        return _resolve(chosen, cfn, parameters)
    raise AssertionError(f"unexpected intrinsic {function}")


def test_two_stages_in_one_account_never_share_a_secret(cfn: dict[str, Any]) -> None:
    secrets = resources_of_type(cfn, "AWS::SecretsManager::Secret")
    # GIVEN a dev and a prod stack deployed with the default secret names
    # WHEN their secrets' names are worked out
    dev = {_resolve(s["Properties"]["Name"], cfn, {"Stage": "dev"}) for s in secrets.values()}
    prod = {_resolve(s["Properties"]["Name"], cfn, {"Stage": "prod"}) for s in secrets.values()}
    # THEN every secret has its own name within a stack, and no name is shared between the stacks
    assert len(dev) == len(prod) == len(secrets)
    assert not dev & prod
    assert all(name.startswith("complaint-triage/prod/") for name in prod)


def test_a_secret_name_given_at_deploy_is_used_as_given(cfn: dict[str, Any]) -> None:
    # GIVEN an operator who names the Zendesk credentials secret themselves
    secret = cfn["Resources"]["ZendeskCredentialsSecret"]
    # WHEN the stack resolves its name
    name = _resolve(secret["Properties"]["Name"], cfn, {"ZendeskCredentialsSecretName": "acme/zendesk"})
    # THEN that name is the secret's
    assert name == "acme/zendesk"


def test_outputs_give_what_the_deploy_steps_need(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert outputs["WebhookUrl"]["Value"]["Fn::Sub"].endswith("/${Stage}/zendesk/webhook")
    assert outputs["SocialWebhookUrl"]["Value"]["Fn::Sub"].endswith("/${Stage}/social/{source}")
    for name, topic in (
        ("CriticalAlertsTopicArn", "CriticalAlertsTopic"),
        ("SlaAlertsTopicArn", "SlaAlertsTopic"),
        ("OpsAlertsTopicArn", "OpsAlertsTopic"),
        ("ArchiveBucketName", "ArchiveBucket"),
        ("ZendeskCredentialsSecretArn", "ZendeskCredentialsSecret"),
        ("SocialCredentialsSecretArn", "SocialCredentialsSecret"),
    ):
        assert outputs[name]["Value"] == {"Ref": topic}, name
