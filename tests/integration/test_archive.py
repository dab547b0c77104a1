"""The audit archive on moto: key layout, exactly once, Object Lock, and the sealed personal numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.archive import ArchiveEntry, ArchiveWriter, archive_key, open_protected
from policies.loader import load_policy

REGION = "eu-west-1"
AT = datetime(2026, 11, 25, 2, 30, 15, 123456, tzinfo=UTC)
CARD = "4111111111111111"
ID_CARD = "11010519491231002X"


@dataclass
class Archive:
    s3: Any
    kms: Any
    bucket: str
    writer: ArchiveWriter


@pytest.fixture
def archive(mocked_aws: None) -> Iterator[Archive]:
    s3, kms = boto3.client("s3", region_name=REGION), boto3.client("kms", region_name=REGION)
    s3.create_bucket(
        Bucket="archive",
        CreateBucketConfiguration={"LocationConstraint": REGION},
        ObjectLockEnabledForBucket=True,
    )
    s3.put_object_lock_configuration(
        Bucket="archive",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 3}},
        },
    )
    archive_key_id = kms.create_key(Description="archive")["KeyMetadata"]["Arn"]
    pii_key_id = kms.create_key(Description="pii")["KeyMetadata"]["Arn"]
    writer = ArchiveWriter(
        s3, kms, "archive", archive_key_id=archive_key_id, pii_key_id=pii_key_id, pii=load_policy().pii
    )
    yield Archive(s3, kms, "archive", writer)


def entry(**overrides: Any) -> ArchiveEntry:
    values = {
        "ticket_id": 42,
        "category": "transaction",
        "event": "triage",
        "event_id": "ev-1",
        "occurred_at": AT,
        "body": {"ticket": {"description": f"卡号{CARD}被重复扣款,身份证{ID_CARD}"}, "level": 1},
        "policy_version": "abc123abc123",
        "correlation_id": "req-1",
        "order_no": "ORD-2026/11#7",
    }
    values.update(overrides)
    return ArchiveEntry(**values)


def test_the_key_files_by_type_order_ticket_time_and_event() -> None:
    # GIVEN an event with an order number holding characters keys should not carry
    key = archive_key(entry())
    # THEN the layout is complaints/{category}/{order}/{ticket}/{time}-{event}-{id}.json
    assert key.startswith("complaints/transaction/ORD-2026_11_7/42/20261125T023015123456Z-triage-")
    assert key.endswith(".json")
    assert archive_key(entry(order_no=None)).startswith("complaints/transaction/no-order/42/")


def test_a_retried_event_is_written_once(archive: Archive) -> None:
    # GIVEN an event archived WHEN the same event is archived again (a retry)
    first = archive.writer.put(entry())
    second = archive.writer.put(entry())
    # THEN the second finds it there and nothing new is written
    assert (first.written, second.written) == (True, False)
    versions = archive.s3.list_object_versions(Bucket=archive.bucket).get("Versions", [])
    assert len(versions) == 1


def test_personal_numbers_are_masked_and_sealed_for_compliance_only(archive: Archive) -> None:
    stored = archive.writer.put(entry())
    record = json.loads(archive.s3.get_object(Bucket=archive.bucket, Key=stored.key)["Body"].read())
    # THEN the readable body shows neither number, only masked forms
    text = json.dumps(record["body"], ensure_ascii=False)
    assert CARD not in text and ID_CARD not in text and "1111" in text
    # AND the protected section holds no number in clear, and opens to the originals with the PII key
    assert CARD not in json.dumps(record["protected"])
    opened = open_protected(archive.kms, stored.key, record["protected"])
    assert {o["value"] for o in opened} == {CARD, ID_CARD}
    assert {o["path"] for o in opened} == {"/ticket/description"}


def test_the_sealed_section_does_not_open_for_another_record(archive: Archive) -> None:
    # GIVEN a record's protected section WHEN someone tries it under another record's key
    stored = archive.writer.put(entry())
    record = json.loads(archive.s3.get_object(Bucket=archive.bucket, Key=stored.key)["Body"].read())
    # THEN KMS refuses: the data key is bound to its record by the encryption context
    with pytest.raises(ClientError):
        open_protected(archive.kms, stored.key + "-elsewhere", record["protected"])


def test_a_locked_record_cannot_be_deleted(archive: Archive) -> None:
    # GIVEN an archived record under the bucket's default COMPLIANCE retention
    stored = archive.writer.put(entry())
    head = archive.s3.head_object(Bucket=archive.bucket, Key=stored.key)
    version = head["VersionId"]
    # (head_object, not get_object_retention: moto answers the latter with a 500)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] >= datetime.now(UTC).replace(
        year=datetime.now(UTC).year + 3
    ) - timedelta(days=2)
    # WHEN someone deletes that version THEN S3 refuses
    with pytest.raises(ClientError) as refused:
        archive.s3.delete_object(Bucket=archive.bucket, Key=stored.key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_the_checksum_proves_the_record(archive: Archive) -> None:
    import hashlib

    stored = archive.writer.put(entry())
    got = archive.s3.get_object(Bucket=archive.bucket, Key=stored.key)
    body = got["Body"].read()
    assert hashlib.sha256(body).hexdigest() == got["Metadata"]["sha256"] == stored.checksum


def test_triage_archive_find_and_verify(archive: Archive, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    # GIVEN two records of ticket 42 and one of ticket 43
    archive.writer.put(entry())
    archive.writer.put(entry(event="alert", event_id="alert-1"))
    archive.writer.put(entry(ticket_id=43, event_id="ev-9", order_no=None, category="logistics"))
    # WHEN compliance looks for ticket 42
    assert main(["archive", "find", "--ticket", "42", "--bucket", archive.bucket]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # THEN both of its records come back, masked, sealed, with their retention
    assert [line["record"]["event"] for line in lines] == ["alert", "triage"]
    assert all(line["retention"] == "COMPLIANCE" and line["checksum_ok"] for line in lines)
    assert all(line["protected"] == "sealed" and CARD not in json.dumps(line) for line in lines)
    # AND by order number and type
    assert main(["archive", "find", "--order", "ORD-2026/11#7", "--bucket", archive.bucket]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["archive", "find", "--type", "logistics", "--bucket", archive.bucket]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    # AND with --decrypt, a caller allowed to use the PII key sees the originals
    assert main(["archive", "find", "--ticket", "43", "--bucket", archive.bucket, "--decrypt"]) == 0
    assert CARD in capsys.readouterr().out
    # AND verify finds every record intact and retained
    assert main(["archive", "verify", "--bucket", archive.bucket]) == 0
    assert "verified 3 records: 3 intact and retained" in capsys.readouterr().out


def test_a_legal_hold_is_put_and_lifted_by_ticket(
    archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    stored = archive.writer.put(entry())
    # WHEN compliance puts a hold on ticket 42 THEN its record is held
    assert main(["archive", "hold", "--ticket", "42", "--bucket", archive.bucket]) == 0
    assert archive.s3.head_object(Bucket=archive.bucket, Key=stored.key)["ObjectLockLegalHoldStatus"] == "ON"
    # AND lifting it works the same way
    assert main(["archive", "hold", "--ticket", "42", "--off", "--bucket", archive.bucket]) == 0
    assert archive.s3.head_object(Bucket=archive.bucket, Key=stored.key)["ObjectLockLegalHoldStatus"] == "OFF"
    assert "legal hold lifted from 1 records of ticket 42" in capsys.readouterr().out


def test_find_lists_a_tickets_history_in_the_order_things_happened(archive: Archive) -> None:
    from infra.archive import ArchiveReader

    # GIVEN, within one second, a triage and then the group raise that followed it, archived in the
    # opposite order, and an earlier event of the same ticket under another category
    triage_at, raise_at = AT, AT + timedelta(microseconds=400)
    archive.writer.put(entry(event="triage", event_id="raise", occurred_at=raise_at))
    archive.writer.put(entry(event="triage", event_id="created", occurred_at=triage_at))
    archive.writer.put(entry(event="alert", event_id="earlier", occurred_at=AT - timedelta(seconds=1)))
    # WHEN the ticket's history is listed
    keys = ArchiveReader(archive.s3, archive.bucket).find_keys(ticket_id=42)
    # THEN it is in the order the events happened, to the microsecond
    stamps = [key.rsplit("/", 1)[1].split("-", 1)[0] for key in keys]
    assert stamps == sorted(stamps) and len(stamps) == 3
    assert stamps[-2:] == [f"{t:%Y%m%dT%H%M%S%fZ}" for t in (triage_at, raise_at)]
