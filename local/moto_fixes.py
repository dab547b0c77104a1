"""Fixes for moto, loaded only into the moto server process of long local runs (the benchmarks).

Five faults of moto that a burst runs into, fixed in the bench's moto process only (the product
and its tests run on moto as it is). Only the first changes what moto answers, to what SQS answers:
- a FIFO long poll looks at which message groups are in flight once, before it waits: a poller
  that starts waiting on an empty queue and wakes when the burst arrives takes the second message
  of a group whose first another poller is handling (every group, in a repro with two pollers).
  SQS never does; the outreach relies on it (a reply after the post that opened its ticket). A long
  poll is now a series of short polls, one at a time, each looking at the groups afresh.
- SQS works out whether each queued message is visible from the clock, read through three datetime
  conversions twice per message, on every scan of the queue; sending one message scans it six
  times (its `attributes` count the queue): 0.9 ms per batch per queued message, 2.2 s a batch
  with 2,500 queued, and the monitors' reading of 5,000 posts took 18 minutes. The clock is
  read once, as `time.time()`: the same value.
- every model instance moto creates goes into a class-level list, read only by moto's dashboard,
  and TransactWriteItems deep-copies the whole table once per item of the transaction as its
  rollback backup, so every copy lives forever: about 1 KB per table item per copy, which took
  the moto process past 6 GB within 20 minutes of a 5,000-post burst, on its way to the machine's
  24 GB. Instances are no longer listed.
- that backup costs time in proportion to the table (0.3 s a transaction at 1,000 posts, and
  growing; DynamoDB's cost does not grow with the table): only the items the transaction names
  are backed up, and put back if it fails, as moto would by restoring the whole table.
- the backup and the rollback are not safe against the server's other request threads: a write
  during the copy fails the transaction with a 500 ("dictionary changed size during iteration"),
  and a rollback puts back a copy taken before other requests' writes, losing them. Writes to
  DynamoDB (items and transactions) are serialised; reads are not.

The product and its tests run on moto as it is; `in_children()` makes the processes started within
it (LocalProduct's moto server) call `apply()` at start-up, through a `sitecustomize` module.
"""

from __future__ import annotations

import copy
import functools
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GROUPS_BUSY_WAIT_SECONDS = 0.1
_APPLIED = False
_SITECUSTOMIZE = "from local.moto_fixes import apply\n\napply()\n"


def apply() -> None:
    """Patch moto's backends in this process (once)."""
    global _APPLIED
    if _APPLIED:
        return
    _APPLIED = True
    import moto.dynamodb.models as dynamodb_models
    import moto.sqs.models as sqs_models
    from moto.core import common_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    def _untracked(cls, *args, **kwargs):
        return object.__new__(cls)

    common_models.BaseModel.__new__ = staticmethod(_untracked)
    _unix_time = sqs_models.unix_time

    def _now_seconds(dt=None):
        return time.time() if dt is None else _unix_time(dt)

    sqs_models.unix_time = _now_seconds
    sqs_models.unix_time_millis = lambda dt=None: _now_seconds(dt) * 1000.0

    class _TablesNotCopied:
        # The backend module's `copy`: its only table copy is the transaction's backup, replaced below.
        def __getattr__(self, name):
            return getattr(copy, name)

        def deepcopy(self, value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    dynamodb_models.copy = _TablesNotCopied()
    _WRITES = threading.RLock()

    def _serialised(method):
        @functools.wraps(method)
        def serialised(self, *args, **kwargs):
            with _WRITES:
                return method(self, *args, **kwargs)

        return serialised

    def _named_items(backend, transact_items):
        saved = []
        for entry in transact_items:
            try:
                ((kind, operation),) = entry.items()
                table = backend.tables.get(operation.get("TableName"))
                key = operation["Item"] if kind == "Put" else operation["Key"]
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except (AttributeError, KeyError, TypeError, ValueError):
                continue  # moto refuses the transaction before writing this one
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        return saved

    def _put_back(saved):
        for table, hash_key, range_key, item in reversed(saved):
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item

    _transact_write_items = DynamoDBBackend.transact_write_items

    @functools.wraps(_transact_write_items)
    def _transact_with_item_backup(self, transact_items):
        saved = _named_items(self, transact_items)
        try:
            return _transact_write_items(self, transact_items)
        except BaseException:
            _put_back(saved)
            raise

    DynamoDBBackend.transact_write_items = _transact_with_item_backup
    for _name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

    _RECEIVES = threading.Lock()
    _receive_message = sqs_models.SQSBackend.receive_message
    GROUPS_BUSY_WAIT_SECONDS = 0.1

    @functools.wraps(_receive_message)
    def _receive_with_fresh_groups(self, queue_name, count, wait_seconds_timeout, *args, **kwargs):
        deadline = time.time() + int(wait_seconds_timeout or 0)
        while True:
            with _RECEIVES:
                found = _receive_message(self, queue_name, count, 0, *args, **kwargs)
            left = deadline - time.time()
            if found or left <= 0:
                return found
            queue = self.get_queue(queue_name)
            if queue.messages:  # visible, but their groups are in flight: look again shortly
                time.sleep(min(left, GROUPS_BUSY_WAIT_SECONDS))
            else:
                queue.wait_for_messages(min(left, 1))

    sqs_models.SQSBackend.receive_message = _receive_with_fresh_groups


@contextmanager
def in_children(enabled: bool = True) -> Iterator[None]:
    """Processes started within the block (the product's moto server) load `apply()` at start-up.

    Python imports a `sitecustomize` module found on the path before running anything; the module
    is written to a temporary directory put first on the children's PYTHONPATH.
    """
    if not enabled:
        yield
        return
    previous = os.environ.get("PYTHONPATH")
    with tempfile.TemporaryDirectory(prefix="bench-moto-") as directory:
        Path(directory, "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (directory, previous)))
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = previous
