"""`triage archive`: find and verify the audit archive's records (R-LOOP-3, R-COMP-4).

    triage archive find --ticket 42 | --order ORD-1 | --type product
                        [--from 2026-11-01 --to 2026-11-30] [--decrypt]
    triage archive verify [--type product]
    triage archive hold --ticket 42 [--off]

`find` prints one JSON line per record: key, retention, and the record as auditors see it (ID-card
and bank-card numbers masked). With `--decrypt` it also opens the sealed section, which only works
for a caller whose role the PII key lets decrypt (the compliance team); anyone else sees "sealed".
`verify` recomputes every record's SHA-256 and checks it is under retention; exit 1 if any is not.
Bucket from --bucket or ARCHIVE_BUCKET; --endpoint-url (or AWS_ENDPOINT_URL) for local runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from cli.dates import day
from cli.failure import EXIT_BAD_RECORDS, EXIT_OK, CliFailure


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "archive",
        help="find and verify records of the audit archive",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    find = actions.add_parser("find", help="list records by ticket, order number, type and time")
    verify = actions.add_parser("verify", help="check every record's checksum and retention")
    hold = actions.add_parser("hold", help="put (or with --off lift) a legal hold on a ticket's records")
    hold.add_argument("--ticket", type=int, required=True)
    hold.add_argument("--off", action="store_true", help="lift the hold instead")
    for sub in (find, verify, hold):
        sub.add_argument("--bucket", default=os.environ.get("ARCHIVE_BUCKET"))
        sub.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"))
        sub.add_argument("--type", dest="category", help="complaint type (category), e.g. product")
    find.add_argument("--ticket", type=int)
    find.add_argument("--order", help="order number")
    find.add_argument("--from", dest="since", type=day, help="YYYY-MM-DD (UTC)")
    find.add_argument("--to", dest="until", type=day, help="YYYY-MM-DD (UTC, inclusive)")
    find.add_argument("--decrypt", action="store_true", help="open the sealed section (compliance role only)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import boto3

    from infra.archive import ArchiveReader, open_protected

    if not args.bucket:
        raise CliFailure("give --bucket or set ARCHIVE_BUCKET")
    s3 = boto3.client("s3", endpoint_url=args.endpoint_url)
    reader = ArchiveReader(s3, args.bucket)
    if args.action == "verify":
        return _verify(reader, args.category)
    if args.action == "hold":
        keys = reader.find_keys(category=args.category, ticket_id=args.ticket)
        for key in keys:
            reader.set_legal_hold(key, on=not args.off)
        done = "lifted from" if args.off else "put on"
        print(f"legal hold {done} {len(keys)} records of ticket {args.ticket}")
        return EXIT_OK
    if not (args.ticket or args.order or args.category):
        raise CliFailure("give at least one of --ticket, --order, --type")
    until = args.until.replace(hour=23, minute=59, second=59) if args.until else None
    kms = boto3.client("kms", endpoint_url=args.endpoint_url) if args.decrypt else None
    for key in reader.find_keys(
        category=args.category, order_no=args.order, ticket_id=args.ticket, since=args.since, until=until
    ):
        found = reader.read(key)
        line: dict[str, Any] = {
            "key": key,
            "retention": found.retention_mode,
            "retain_until": found.retain_until.isoformat() if found.retain_until else None,
            "checksum_ok": found.checksum_ok,
            "record": {k: v for k, v in found.record.items() if k != "protected"},
        }
        if found.record.get("protected"):
            line["protected"] = "sealed"
            if kms is not None:
                line["protected"] = _open(kms, key, found.record["protected"], open_protected)
        print(json.dumps(line, ensure_ascii=False, default=str))
    return EXIT_OK


def _verify(reader: Any, category: str | None) -> int:
    checked = bad = 0
    for key in reader.find_keys(category=category):
        found = reader.read(key)
        checked += 1
        problems = []
        if not found.checksum_ok:
            problems.append("checksum mismatch")
        if found.retain_until is None or found.retain_until <= datetime.now(UTC):
            problems.append("not under retention")
        if problems:
            bad += 1
            print(f"{key}: {', '.join(problems)}", file=sys.stderr)
    print(f"verified {checked} records: {checked - bad} intact and retained, {bad} with problems")
    return EXIT_BAD_RECORDS if bad else EXIT_OK


def _open(kms: Any, key: str, protected: dict[str, str], open_protected: Any) -> Any:
    from botocore.exceptions import ClientError

    try:
        return open_protected(kms, key, protected)
    except ClientError as exc:
        return f"sealed ({exc.response.get('Error', {}).get('Code', 'denied')})"
