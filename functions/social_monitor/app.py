"""Social monitor Lambda: invoked per platform by EventBridge Scheduler with {"platform": "weibo"}.

Reads new mentions since the platform's cursor and queues them for the outreach (MentionReader).
A wrong or missing platform in the schedule's input fails loudly: it is a deploy mistake.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.social_monitor.mention_reader import MentionReader
from infra.log_masking import mask_personal_numbers
from infra.settings import SocialMonitorSettings

logger = mask_personal_numbers(Logger(service="social-monitor"))


@cache
def reader(platform: str) -> MentionReader:
    import boto3

    from functions.social_access import SocialConnectors
    from infra.social_ledger import SocialLedger
    from infra.social_queue import SocialPostQueue
    from policies.loader import load_social_policy

    settings = SocialMonitorSettings.from_env()
    social = load_social_policy()
    return MentionReader(
        SocialConnectors(settings, social).require(platform),
        SocialLedger(boto3.resource("dynamodb").Table(settings.complaints_table)),
        SocialPostQueue(boto3.client("sqs"), settings.social_queue_url),
        social.platform(platform),
        clock=lambda: datetime.now(UTC),
    )


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    platform = event.get("platform") if isinstance(event, dict) else None
    if not isinstance(platform, str) or not platform:
        raise ValueError('the schedule must invoke the monitor with {"platform": "<name>"}')
    report = reader(platform).run()
    logger.info("social monitor run", extra=report.as_log())
    return report.as_log()
