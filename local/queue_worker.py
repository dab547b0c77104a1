"""A queue-fed handler polling its queue in a process of its own, as a Lambda execution environment
runs: `python -m local.queue_worker HANDLER_MODULE QUEUE_URL QUEUE_ARN` (`functions.triage.app` on
the ticket events queue, `functions.outreach.app` on the posts queue). Its settings come from the
environment LocalProduct sets. The fault benchmarks kill it (SIGKILL) mid-batch and start another;
the queues and tables live in moto's own process, so nothing but the batch in hand is lost with it,
and SQS hands that batch out again. An invocation that outlives the function's timeout ends the
process as Lambda ends the environment ("Task timed out"); the pool starts another.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading

READY = "worker ready"
TIMED_OUT = "Task timed out"
TIMED_OUT_EXIT = 124  # as `timeout(1)` reports a command it ended


def _timed_out(seconds: float) -> None:
    """Lambda's end of an invocation past its timeout: the environment goes, work in hand with it."""
    print(f"{TIMED_OUT} after {seconds:.2f} seconds", file=sys.stderr, flush=True)
    os._exit(TIMED_OUT_EXIT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("handler_module", help="a module with lambda_handler, e.g. functions.triage.app")
    parser.add_argument("queue_url")
    parser.add_argument("queue_arn")
    args = parser.parse_args(argv)

    import boto3

    from local.runners import SqsLambdaRunner

    handler = importlib.import_module(args.handler_module).lambda_handler
    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    # functions.outreach.app → "outreach": the name its logs and its Lambda context carry
    name = args.handler_module.split(".")[-2]
    runner = SqsLambdaRunner(
        sqs,
        args.queue_url,
        args.queue_arn,
        handler,
        function_name=name,  # its timeout is that function's own (local.runners)
        on_overrun=_timed_out,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    runner.start()
    print(READY, flush=True)
    stopped.wait()
    runner.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
