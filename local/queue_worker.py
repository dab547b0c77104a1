"""The triage handler polling its queue in a process of its own, as a Lambda execution environment
runs: `python -m local.triage_worker QUEUE_URL QUEUE_ARN`. Its settings come from the environment
LocalProduct sets. The fault benchmark kills it (SIGKILL) mid-batch and starts another; the queue and
tables live in moto's own process, so nothing but the batch in hand is lost with it, and SQS hands
that batch out again.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queue_url")
    parser.add_argument("queue_arn")
    args = parser.parse_args(argv)

    import boto3

    from functions.triage import app as triage_app
    from local.runners import SqsLambdaRunner

    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    runner = SqsLambdaRunner(sqs, args.queue_url, args.queue_arn, triage_app.lambda_handler)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    runner.start()
    print("triage worker ready", flush=True)
    stopped.wait()
    runner.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
