"""Deploy smoke test: the translated template, created by moto's CloudFormation in-process.

Every resource comes up and is wired to the others (queue URLs, table names, topic ARNs, event
source mappings, roles). moto's CloudFormation has no model for the types in UNSUPPORTED_BY_MOTO;
it skips them with a warning. test_translated_template.py checks those instead.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.cloudformation.parsing import get_model_map

from tests.deploy.sam_template import CODE_URI, PARAMETERS, resources_of_type, translate

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
STACK = "complaint-triage-dev"
# moto warns once per skipped resource, listing the stack's resources included.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse .* not supported by moto")
UNSUPPORTED_BY_MOTO = {
    "AWS::SecretsManager::Secret": "no CloudFormation model in moto; secrets are created empty anyway",
    "AWS::SNS::Subscription": "no CloudFormation model in moto (an e-mail one needs a person anyway)",
    "AWS::S3::BucketPolicy": "no CloudFormation model in moto (moto would not enforce it either)",
    "AWS::CloudWatch::Alarm": "no CloudFormation model in moto",
    "AWS::Scheduler::Schedule": "no CloudFormation model in moto",
    "AWS::ApiGatewayV2::Api": "no CloudFormation model in moto (HTTP APIs)",
    "AWS::ApiGatewayV2::Stage": "no CloudFormation model in moto (HTTP APIs)",
    "AWS::SQS::QueuePolicy": "no CloudFormation model in moto (the alert topics feed the notifier)",
    "AWS::Glue::Database": "no CloudFormation model in moto (the review's tables)",
    "AWS::Glue::Table": "no CloudFormation model in moto (the review's tables)",
    "AWS::Athena::WorkGroup": "no CloudFormation model in moto (the review's queries)",
}


def _for_moto(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation names a FIFO queue `<generated>.fifo` itself; moto generates a name without
    the suffix and then refuses it, so FIFO queues get explicit names here (and only here)."""
    for name, resource in resources_of_type(cfn, "AWS::SQS::Queue").items():
        if resource["Properties"].get("FifoQueue"):
            resource["Properties"]["QueueName"] = f"{STACK}-{name}.fifo"
    return cfn


@pytest.fixture(scope="module")
def cfn(template: dict[str, Any]) -> dict[str, Any]:
    return _for_moto(translate(template))


@pytest.fixture(scope="module")
def stack(cfn: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # Dummy credentials and region: conftest's _no_real_aws.
    with mock_aws():
        # GIVEN the artifact uploaded where `sam package` put it
        bucket, key = CODE_URI.removeprefix("s3://").split("/", 1)
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=bucket)
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("functions/__init__.py", "")
        s3.put_object(Bucket=bucket, Key=key, Body=code.getvalue())
        # WHEN the translated template is created as a stack
        cloudformation = boto3.client("cloudformation", region_name=REGION)
        cloudformation.create_stack(
            StackName=STACK,
            TemplateBody=json.dumps(cfn),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in PARAMETERS.items()],
            Capabilities=["CAPABILITY_IAM"],
        )
        (described,) = cloudformation.describe_stacks(StackName=STACK)["Stacks"]
        listed = cloudformation.list_stack_resources(StackName=STACK)["StackResourceSummaries"]
        yield {
            "status": described["StackStatus"],
            "outputs": {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])},
            "physical": {
                r["LogicalResourceId"]: r["PhysicalResourceId"] for r in listed if r["LogicalResourceId"]
            },
            "types": {r["LogicalResourceId"]: r["ResourceType"] for r in listed if r["LogicalResourceId"]},
        }


def test_the_unsupported_list_is_minimal(cfn: dict[str, Any]) -> None:
    models = get_model_map()
    used = {r["Type"] for r in cfn["Resources"].values()}
    for resource_type in UNSUPPORTED_BY_MOTO:
        # THEN each listed type really cannot be created by moto (drop it once moto learns it)
        assert resource_type not in models, f"moto now creates {resource_type}: remove it from the list"
        # AND the template still uses it
        assert resource_type in used, f"{resource_type} is no longer in the template: remove it from the list"


def test_the_stack_is_created_with_every_resource(cfn: dict[str, Any], stack: dict[str, Any]) -> None:
    assert stack["status"] == "CREATE_COMPLETE"
    expected = {n: r["Type"] for n, r in cfn["Resources"].items() if r["Type"] not in UNSUPPORTED_BY_MOTO}
    # THEN every resource moto can create is in the stack, with its type
    assert stack["types"] == expected
    # AND the ones it cannot are few (alarms, schedules, secrets, the HTTP API, subscriptions)
    skipped = [n for n, r in cfn["Resources"].items() if r["Type"] in UNSUPPORTED_BY_MOTO]
    assert len(skipped) < len(expected)


def test_functions_are_wired_to_the_stacks_queues_tables_topics_and_keys(stack: dict[str, Any]) -> None:
    physical = stack["physical"]
    functions = boto3.client("lambda", region_name=REGION)
    variables = {
        name: functions.get_function_configuration(FunctionName=physical[name])["Environment"]["Variables"]
        for name in (
            "WebhookFunction",
            "TriageFunction",
            "DeadlineWatcherFunction",
            "SocialMonitorFunction",
            "OutreachFunction",
        )
    }
    queue_url = physical["TicketEventsQueue"]
    assert queue_url.endswith(".fifo")
    assert variables["WebhookFunction"]["QUEUE_URL"] == queue_url
    assert variables["WebhookFunction"]["SOCIAL_QUEUE_URL"] == physical["SocialQueue"]
    assert variables["TriageFunction"]["DEAD_LETTER_QUEUE_URL"] == physical["TicketEventsDeadLetterQueue"]
    assert variables["TriageFunction"]["IDEMPOTENCY_TABLE"] == physical["IdempotencyTable"]
    for name in ("TriageFunction", "DeadlineWatcherFunction", "SocialMonitorFunction", "OutreachFunction"):
        assert variables[name]["COMPLAINTS_TABLE"] == physical["ComplaintsTable"], name
    for name in ("TriageFunction", "OutreachFunction"):
        assert variables[name]["CRITICAL_TOPIC_ARN"] == physical["CriticalAlertsTopic"], name
        assert variables[name]["QUEUE_URL"] == queue_url, name
    assert variables["OutreachFunction"]["SOCIAL_DEAD_LETTER_QUEUE_URL"] == physical["SocialDeadLetterQueue"]
    archive_key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{physical['ArchiveKey']}"
    assert variables["DeadlineWatcherFunction"]["ARCHIVE_KMS_KEY_ID"] == archive_key
    assert variables["OutreachFunction"]["PII_KMS_KEY_ID"].endswith(f":key/{physical['PiiKey']}")
    assert variables["OutreachFunction"]["ARCHIVE_BUCKET"] == physical["ArchiveBucket"]


def test_queues_exist_as_fifo_with_their_dead_letter_queues(stack: dict[str, Any]) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    physical = stack["physical"]
    for queue, dead_letters in (
        ("TicketEventsQueue", "TicketEventsDeadLetterQueue"),
        ("SocialQueue", "SocialDeadLetterQueue"),
    ):
        attributes = sqs.get_queue_attributes(QueueUrl=physical[queue], AttributeNames=["All"])["Attributes"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=physical[dead_letters], AttributeNames=["QueueArn"])
        assert attributes["FifoQueue"] == "true", queue
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq_arn["Attributes"]["QueueArn"], queue
        assert int(redrive["maxReceiveCount"]) == 20, queue


def test_event_source_mappings_feed_the_consumers(stack: dict[str, Any]) -> None:
    functions = boto3.client("lambda", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    physical = stack["physical"]
    for queue, consumer in (("TicketEventsQueue", "TriageFunction"), ("SocialQueue", "OutreachFunction")):
        arn = sqs.get_queue_attributes(QueueUrl=physical[queue], AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        (mapping,) = functions.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
        assert mapping["FunctionArn"].endswith(f":function:{physical[consumer]}"), queue
        assert mapping["BatchSize"] == 10


def test_tables_buckets_keys_topics_logs_roles_and_dashboard_exist(stack: dict[str, Any]) -> None:
    physical = stack["physical"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.describe_table(TableName=physical["ComplaintsTable"])["Table"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["by_watch_time"]
    dynamodb.describe_table(TableName=physical["IdempotencyTable"])
    boto3.client("s3", region_name=REGION).head_bucket(Bucket=physical["ArchiveBucket"])
    # Listed only: moto keeps a key policy given through CloudFormation as a dict and then fails
    # to read it back (describe_key, get_key_policy); test_translated_template.py checks policies.
    key_ids = {k["KeyId"] for k in boto3.client("kms", region_name=REGION).list_keys()["Keys"]}
    assert {physical["ArchiveKey"], physical["PiiKey"]} <= key_ids
    sns = boto3.client("sns", region_name=REGION)
    for topic in ("CriticalAlertsTopic", "SlaAlertsTopic", "OpsAlertsTopic"):
        sns.get_topic_attributes(TopicArn=physical[topic])
    logs = boto3.client("logs", region_name=REGION)
    groups = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert {g["logGroupName"] for g in groups} >= {
        f"/aws/lambda/{physical[name]}"
        for name in (
            "WebhookFunction",
            "TriageFunction",
            "DeadlineWatcherFunction",
            "SocialMonitorFunction",
            "OutreachFunction",
        )
    }
    iam = boto3.client("iam", region_name=REGION)
    assert iam.list_role_policies(RoleName=physical["TriageFunctionRole"])["PolicyNames"]
    body = boto3.client("cloudwatch", region_name=REGION).get_dashboard(DashboardName=physical["Dashboard"])
    assert physical["TriageFunction"] in body["DashboardBody"]


def test_outputs_point_at_the_created_resources(stack: dict[str, Any]) -> None:
    outputs, physical = stack["outputs"], stack["physical"]
    assert outputs["TicketEventsQueueUrl"] == physical["TicketEventsQueue"]
    assert outputs["ComplaintsTableName"] == physical["ComplaintsTable"]
    assert outputs["CriticalAlertsTopicArn"] == physical["CriticalAlertsTopic"]
    assert outputs["ArchiveBucketName"] == physical["ArchiveBucket"]
    assert outputs["WebhookUrl"].endswith("/dev/zendesk/webhook")
