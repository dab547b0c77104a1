"""The whole product on one machine: embedded AWS, a Zendesk (sandbox or real), the handlers in-process.

    Zendesk sandbox ──signed webhook──▶ HttpApiServer ─▶ functions.webhook (in-process)
                                                            │ SQS FIFO on moto server
    Zendesk ◀──one PUT per event── functions.triage ◀── SqsLambdaRunner
    Zendesk ◀──tag + note per change── functions.watcher ◀── ScheduleRunner (every minute) ──▶ SNS
    sandbox platforms ◀── functions.social_monitor ◀── ScheduleRunner per platform
         ▲                      │ SQS FIFO (posts)
         └── private message ── functions.outreach ◀── SqsLambdaRunner ──▶ Zendesk ticket + triage

The handlers are the deployed ones, configured through the same environment variables as in
Lambda (pointed at loopback), so what runs here is what runs in AWS. `triage local`, `make
demo`, the load benchmark and the end-to-end tests all start the product through this class.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from integrations.zendesk.credentials import ZendeskCredentials
from local.social.sandbox import CONNECTOR_SOURCE as SANDBOX_CONNECTOR_SOURCE
from local.zendesk.sandbox_settings import SandboxSettings

WEBHOOK_PATH = "/zendesk/webhook"
SOCIAL_ROUTE = "/social/{source}"  # listening tools push posts here (template.yaml: the same route)
ACK_PATH = "/alerts/ack"  # chat cards' acknowledgement links (template.yaml: the notifier's route)
_INBOX_PREFIX = "triage-local-alert-inbox"
_LOCAL_SETTINGS = {
    # Handlers log JSON; on a terminal only warnings and errors are worth showing.
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "complaint-triage-local",
}


@dataclass(frozen=True)
class ReadyInfo:
    """What `triage local` prints when ready (one JSON line)."""

    webhook_url: str
    zendesk_url: str
    zendesk_email: str
    zendesk_token: str
    aws_endpoint_url: str
    signing_secret: str
    social_webhook_url: str
    social_signing_secret: str

    def as_dict(self) -> dict[str, str]:
        return {
            "social_webhook_url": self.social_webhook_url,
            "social_signing_secret": self.social_signing_secret,
            "webhook_url": self.webhook_url,
            "zendesk_url": self.zendesk_url,
            "zendesk_email": self.zendesk_email,
            "zendesk_token": self.zendesk_token,
            "aws_endpoint_url": self.aws_endpoint_url,
            "signing_secret": self.signing_secret,
        }


class LocalProduct:
    """Start with `start()` (or `with`), stop with `stop()`; the process environment is restored."""

    def __init__(
        self,
        *,
        zendesk: ZendeskCredentials | None = None,
        sandbox_settings: SandboxSettings | None = None,
        writes_per_minute: int | None = None,
        webhook_port: int = 0,
        visibility_timeout: int = 30,
        max_receive_count: int = 20,
        policy_dir: str | None = None,
        aws_in_child_process: bool = False,
        watch_every_seconds: float = 60.0,
        monitor_every_seconds: float = 60.0,
        escalate_every_seconds: float = 60.0,
        triage_in_process: bool = True,
        outreach_in_process: bool = True,
        chat_notifier: bool = True,
    ) -> None:
        self._escalate_every_seconds = escalate_every_seconds
        self._chat_notifier = chat_notifier  # False: no chat groups (the demo replays one alert itself)
        self.chat: Any = None  # the chat platforms' stand-in: `chat.messages[channel]` what each group got
        self._zendesk_credentials = zendesk
        self._sandbox_settings = sandbox_settings or SandboxSettings()
        self._writes_per_minute = writes_per_minute
        self._webhook_port = webhook_port
        self._visibility_timeout = visibility_timeout
        self._max_receive_count = max_receive_count
        self._policy_dir = policy_dir
        self._aws_in_child_process = aws_in_child_process
        self._watch_every_seconds = watch_every_seconds
        self._monitor_every_seconds = monitor_every_seconds
        # False: no triage (outreach) runner here; start `local.queue_worker` processes (the fault
        # benchmarks).
        self._triage_in_process = triage_in_process
        self._outreach_in_process = outreach_in_process
        self.social_platforms: dict[str, Any] = {}
        self.social_monitors: dict[str, Any] = {}
        self._saved_env: dict[str, str | None] = {}
        self._stoppers: list[Any] = []
        self.sandbox: Any = None
        self.stack: Any = None
        self.ready: ReadyInfo | None = None
        self._inbox: tuple[Any, str] = (None, "")
        self._server_url = ""

    # ---- lifecycle ------------------------------------------------------------
    def start(self) -> ReadyInfo:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> ReadyInfo:
        from local.aws import (
            MotoServerProcess,
            local_aws_environment,
            provision_local_stack,
            start_moto_server,
        )

        self._set_env({name: os.environ.get(name, value) for name, value in _LOCAL_SETTINGS.items()})
        if self._policy_dir:
            self._set_env({"TRIAGE_POLICY_DIR": self._policy_dir})
        moto = MotoServerProcess() if self._aws_in_child_process else start_moto_server()
        self._stoppers.append(moto.stop)
        self.stack = provision_local_stack(
            moto.endpoint_url,
            visibility_timeout=self._visibility_timeout,
            max_receive_count=self._max_receive_count,
        )
        self._set_env(local_aws_environment(self.stack))
        credentials = self._zendesk_credentials or self._start_sandbox()
        self._set_env(
            {
                "ZENDESK_URL": credentials.url,
                "ZENDESK_EMAIL": credentials.email,
                "ZENDESK_API_TOKEN": credentials.api_token.get_secret_value(),
                "ZENDESK_SECRET_NAME": None,
                "SIGNING_SECRET_NAME": None,
                "SOCIAL_SIGNING_SECRET_NAME": None,
                "SOCIAL_SECRET_NAME": None,
                "SOCIAL_CONNECTOR_SOURCE": SANDBOX_CONNECTOR_SOURCE,
                "ZENDESK_WRITES_PER_MINUTE": str(self._writes_per_minute)
                if self._writes_per_minute
                else None,
            }
        )
        webhook_url = self._start_webhook_endpoint()
        signing_secret = self._bootstrap(credentials, webhook_url)
        social_secret = secrets.token_urlsafe(32)
        self._set_env({"WEBHOOK_SIGNING_SECRET": signing_secret, "SOCIAL_SIGNING_SECRET": social_secret})
        _reset_handler_caches()
        self._subscribe_alert_inbox()
        if self._triage_in_process:
            self._start_queue_runner()
        self._start_deadline_watcher()
        self._start_social_flow()
        if self._chat_notifier:
            self._start_notifier()
        self.ready = ReadyInfo(
            webhook_url=webhook_url,
            zendesk_url=credentials.url,
            zendesk_email=credentials.email,
            zendesk_token=credentials.api_token.get_secret_value(),
            aws_endpoint_url=self.stack.endpoint_url,
            signing_secret=signing_secret,
            social_webhook_url=self._server_url + SOCIAL_ROUTE.replace("{source}", "<tool>"),
            social_signing_secret=social_secret,
        )
        return self.ready

    def stop(self) -> None:
        """Stop everything started, newest first; safe to call twice."""
        while self._stoppers:
            stop = self._stoppers.pop()
            try:
                stop()
            except Exception:  # one part failing to stop must not leave the others running
                logging.getLogger(__name__).exception("stopping a local component failed")
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        _reset_handler_caches()

    def __enter__(self) -> LocalProduct:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- parts ------------------------------------------------------------------
    def _start_sandbox(self) -> ZendeskCredentials:
        from local.zendesk.sandbox import ZendeskSandbox

        self.sandbox = ZendeskSandbox(settings=self._sandbox_settings)
        url = self.sandbox.start()
        self._stoppers.append(self.sandbox.stop)
        return ZendeskCredentials(base_url=url, email=self.sandbox.email, api_token=self.sandbox.api_token)

    def _start_webhook_endpoint(self) -> str:
        from functions.webhook import app as webhook_app
        from local.http_api import HttpApiServer

        self._stoppers.append(_log_to_stderr(webhook_app.logger))
        from functions.notifier import app as notifier_app

        routes = {
            ("POST", WEBHOOK_PATH): webhook_app.lambda_handler,
            ("POST", SOCIAL_ROUTE): webhook_app.lambda_handler,
            ("GET", ACK_PATH): notifier_app.lambda_handler,  # the chat cards' acknowledgement links
        }
        server = HttpApiServer(routes, port=self._webhook_port)
        server.start()
        self._stoppers.append(server.stop)
        self._server_url = server.url
        return server.url + WEBHOOK_PATH

    def _bootstrap(self, credentials: ZendeskCredentials, webhook_url: str) -> str:
        from integrations.zendesk.bootstrap import bootstrap_zendesk
        from integrations.zendesk.client import ZendeskClient
        from policies.loader import load_policy

        policy = load_policy()
        with ZendeskClient.from_credentials(credentials) as client:
            return bootstrap_zendesk(
                client, webhook_url=webhook_url, group_names=policy.routing.teams.values(), policy=policy
            ).signing_secret

    def _start_queue_runner(self) -> None:
        import boto3

        from functions.triage import app as triage_app
        from local.runners import SqsLambdaRunner

        self._stoppers.append(_log_to_stderr(triage_app.logger))
        sqs = boto3.client("sqs", endpoint_url=self.stack.endpoint_url, region_name=self.stack.region)
        runner = SqsLambdaRunner(sqs, self.stack.queue_url, self.stack.queue_arn, triage_app.lambda_handler)
        runner.start()
        self._stoppers.append(runner.stop)

    def triage_worker_command(self) -> list[str]:
        """The command that runs the triage on this product's queue in a process of its own."""
        return _worker_command("functions.triage.app", self.stack.queue_url, self.stack.queue_arn)

    def outreach_worker_command(self) -> list[str]:
        """The command that runs the outreach on this product's posts queue in a process of its own."""
        return _worker_command(
            "functions.outreach.app", self.stack.social_queue_url, self.stack.social_queue_arn
        )

    def _subscribe_alert_inbox(self) -> None:
        """An SQS queue on both alert topics, standing in for the e-mail and chat subscriptions."""
        import boto3

        sqs = boto3.client("sqs", endpoint_url=self.stack.endpoint_url, region_name=self.stack.region)
        sns = boto3.client("sns", endpoint_url=self.stack.endpoint_url, region_name=self.stack.region)
        url = sqs.create_queue(QueueName=f"{_INBOX_PREFIX}-{id(self)}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for topic in (self.stack.critical_topic_arn, self.stack.sla_topic_arn):
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        self._inbox = (sqs, url)

    def received_alerts(self) -> list[dict[str, Any]]:
        """Every alert delivered so far and not read yet: SNS's JSON (Subject, Message, MessageAttributes)."""
        import json

        sqs, url = self._inbox
        alerts: list[dict[str, Any]] = []
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not got:
                return alerts
            for message in got:
                alerts.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def _start_deadline_watcher(self) -> None:
        from functions.watcher import app as watcher_app
        from local.runners import ScheduleRunner

        self._stoppers.append(_log_to_stderr(watcher_app.logger))
        runner = ScheduleRunner(
            watcher_app.lambda_handler, self._watch_every_seconds, function_name="deadline-watcher"
        )
        runner.start()
        self._stoppers.append(runner.stop)

    def _start_social_flow(self) -> None:
        """Sandbox platforms, a monitor per platform on a schedule, and the outreach on the posts queue."""
        import boto3

        from functions.outreach import app as outreach_app
        from functions.social_monitor import app as monitor_app
        from local.runners import ScheduleRunner, SqsLambdaRunner
        from local.social.sandbox import SANDBOX_PLATFORMS, SandboxPlatform
        from policies.loader import load_social_policy

        social = load_social_policy()
        self.social_platforms = {
            name: SandboxPlatform(name, social.platform(name).routes) for name in ("weibo", "x", "mastodon")
        }
        SANDBOX_PLATFORMS.clear()
        SANDBOX_PLATFORMS.update(self.social_platforms)
        self._stoppers.append(SANDBOX_PLATFORMS.clear)
        for app in (outreach_app, monitor_app):
            self._stoppers.append(_log_to_stderr(app.logger))
        if self._outreach_in_process:
            sqs = boto3.client("sqs", endpoint_url=self.stack.endpoint_url, region_name=self.stack.region)
            runner = SqsLambdaRunner(
                sqs,
                self.stack.social_queue_url,
                self.stack.social_queue_arn,
                outreach_app.lambda_handler,
                function_name="outreach",
            )
            runner.start()
            self._stoppers.append(runner.stop)
        for name in self.social_platforms:
            monitor = ScheduleRunner(
                monitor_app.lambda_handler,
                self._monitor_every_seconds,
                lambda at, platform=name: {"platform": platform},
                function_name=f"social-monitor-{name}",
            )
            monitor.start()
            self._stoppers.append(monitor.stop)
            self.social_monitors[name] = monitor

    def _start_notifier(self) -> None:
        """The chat notifier as deployed: the alert topics feed its queue, its schedule climbs the
        escalation ladder, its acknowledgement route is on the HTTP API; the group chats are the
        chat stand-ins, their webhooks and secrets in the local Secrets Manager (issue 17)."""
        import json

        import boto3

        from functions.notifier import app as notifier_app
        from local.chat.sandbox import ChatSandbox
        from local.runners import ScheduleRunner, SqsLambdaRunner
        from policies.loader import load_policy

        self.chat = ChatSandbox()
        self.chat.start()
        self._stoppers.append(self.chat.stop)
        hooks = self.chat.bots_for(load_policy().channels.channels, "SEC" + secrets.token_hex(8))
        endpoint, region = self.stack.endpoint_url, self.stack.region
        # A name of its own each run: Powertools caches secrets by name for minutes, and an id() can
        # come back in a later product of the same process.
        run = secrets.token_hex(6)
        secret_name = f"complaint-triage-local-chat-{run}"
        boto3.client("secretsmanager", endpoint_url=endpoint, region_name=region).create_secret(
            Name=secret_name,
            SecretString=json.dumps({"ack_secret": secrets.token_hex(16), "channels": hooks}),
        )
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
        sns = boto3.client("sns", endpoint_url=endpoint, region_name=region)
        url = sqs.create_queue(QueueName=f"{_INBOX_PREFIX}-notifier-{run}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for topic in (self.stack.critical_topic_arn, self.stack.sla_topic_arn):
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        self._set_env(
            {"CHAT_SECRET_NAME": secret_name, "ACK_BASE_URL": self._server_url, "NOTIFIER_QUEUE_URL": url}
        )
        _reset_handler_caches()
        self._stoppers.append(_log_to_stderr(notifier_app.logger))
        runner = SqsLambdaRunner(sqs, url, arn, notifier_app.lambda_handler, function_name="notifier")
        runner.start()
        self._stoppers.append(runner.stop)
        escalation = ScheduleRunner(
            notifier_app.lambda_handler, self._escalate_every_seconds, function_name="notifier"
        )
        escalation.start()
        self._stoppers.append(escalation.stop)

    def _set_env(self, values: dict[str, str | None]) -> None:
        for name, value in values.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _reset_handler_caches() -> None:
    """Handlers read their settings once per execution environment: a new local run is a new one."""
    for module_name, names in (
        ("functions.webhook.app", ("settings", "queue")),
        ("functions.triage.app", ("services", "idempotency")),
        ("functions.watcher.app", ("watcher",)),
        ("functions.social_monitor.app", ("reader",)),
        ("functions.outreach.app", ("services",)),
        ("functions.webhook.social_intake", ("settings", "queue")),
        ("functions.notifier.app", ("settings", "delivery")),
    ):
        module = sys.modules.get(module_name)
        for name in names if module is not None else ():
            getattr(module, name).cache_clear()


def _log_to_stderr(logger: Any) -> Callable[[], None]:
    """Powertools logs to stdout (CloudWatch reads it); locally stdout belongs to the ready line.

    Returns what puts the previous streams back, for `stop()`.
    """
    handlers = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
    previous = [(h, _swap_stream(h, sys.stderr)) for h in handlers]

    def restore() -> None:
        for handler, stream in previous:
            if stream is not None and not getattr(stream, "closed", False):
                handler.setStream(stream)

    return restore


def _swap_stream(handler: logging.StreamHandler, stream: Any) -> Any:
    """`setStream`, except that a stream closed meanwhile (a finished capture) is not flushed."""
    if getattr(handler.stream, "closed", False):
        handler.stream = stream
        return None
    return handler.setStream(stream)


def _worker_command(handler_module: str, queue_url: str, queue_arn: str) -> list[str]:
    return [sys.executable, "-m", "local.queue_worker", handler_module, queue_url, queue_arn]
