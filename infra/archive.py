"""The audit archive (R-LOOP-3, R-COMP-4): one immutable JSON object per event, kept under Object Lock.

Key layout (filed by complaint type and order number, then ticket and time):

    complaints/{category}/{order_no or "no-order"}/{ticket}/{YYYYMMDDTHHMMSSZ}-{event}-{id}.json

- **Exactly once.** The key is a function of the event (its time, kind and id), and the object is
  written with `If-None-Match: *`: a retry of the same event finds it there (412) and stops. The
  bucket's default Object Lock retention (COMPLIANCE, 3 years by default) then protects it.
- **Readable by auditors, except personal numbers.** ID-card and bank-card numbers found in any
  string of the record are masked in the readable part; their original values go into
  `protected`, envelope-encrypted: a data key from the PII KMS key (which only the compliance role
  may decrypt) encrypts them with AES-256-GCM, and only the encrypted data key is stored.
- **Verifiable.** The record's SHA-256 travels in the object metadata and S3 checks it on upload
  (`ChecksumAlgorithm=SHA256`); `verify` recomputes it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from infra.alerts import Alert
from infra.settings import ComplaintWorkerSettings
from policies.pii import PiiPolicy

RECORD_VERSION = 1
_SAFE = re.compile(r"[^A-Za-z0-9_.\-]+")
_NONCE_BYTES = 12


@dataclass(frozen=True)
class ArchiveEntry:
    """One event about one complaint, as the archive keeps it."""

    ticket_id: int
    category: str
    event: str  # triage, zendesk_write, alert, obligation, private_message, ...
    event_id: str
    occurred_at: datetime
    body: dict[str, Any]
    policy_version: str
    correlation_id: str = ""
    order_no: str | None = None


def alert_entry(alert: Alert, event_id: str, occurred_at: datetime, policy_version: str) -> ArchiveEntry:
    """An alert that was sent, as the archive keeps it: every alert is part of the record (R-LOOP-3)."""
    return ArchiveEntry(
        ticket_id=alert.ticket_id,
        category=str(alert.attributes.get("category", "alerts")),
        event="alert",
        event_id=f"{event_id}:{alert.cause}:{alert.ticket_id}",
        occurred_at=occurred_at,
        policy_version=policy_version,
        correlation_id=event_id,
        body=alert.as_record(),
    )


@dataclass(frozen=True)
class StoredRecord:
    key: str
    written: bool  # False: an earlier attempt had written it already
    protected_values: int = 0
    checksum: str = field(default="", repr=False)


def archive_key(entry: ArchiveEntry) -> str:
    at = entry.occurred_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    event_hash = hashlib.sha256(entry.event_id.encode("utf-8")).hexdigest()[:16]
    order = _segment(entry.order_no) if entry.order_no else "no-order"
    name = f"{at}-{_segment(entry.event)}-{event_hash}.json"
    return f"complaints/{_segment(entry.category)}/{order}/{int(entry.ticket_id)}/{name}"


class ArchiveWriter:
    def __init__(
        self,
        s3: Any,
        kms: Any,
        bucket: str,
        *,
        archive_key_id: str,
        pii_key_id: str,
        pii: PiiPolicy,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._s3 = s3
        self._kms = kms
        self._bucket = bucket
        self._archive_key_id = archive_key_id
        self._pii_key_id = pii_key_id
        self._pii = pii
        self._random_bytes = random_bytes

    @classmethod
    def from_settings(cls, settings: ComplaintWorkerSettings, pii: PiiPolicy) -> ArchiveWriter:
        """The writer every Lambda uses, on the bucket and keys its settings name."""
        import boto3

        return cls(
            boto3.client("s3"),
            boto3.client("kms"),
            settings.archive_bucket,
            archive_key_id=settings.archive_kms_key_id,
            pii_key_id=settings.pii_kms_key_id,
            pii=pii,
        )

    def put(self, entry: ArchiveEntry) -> StoredRecord:
        key = archive_key(entry)
        readable, originals = self._split(entry.body)
        record: dict[str, Any] = {
            "version": RECORD_VERSION,
            "ticket_id": entry.ticket_id,
            "category": entry.category,
            "order_no": entry.order_no,
            "event": entry.event,
            "event_id": entry.event_id,
            "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(),
            "correlation_id": entry.correlation_id,
            "policy_version": entry.policy_version,
            "body": readable,
            "protected": self._seal(originals, key) if originals else None,
        }
        payload = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        checksum = hashlib.sha256(payload).hexdigest()
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=key,
                Body=payload,
                ContentType="application/json; charset=utf-8",
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=self._archive_key_id,
                Metadata={"sha256": checksum, "record-version": str(RECORD_VERSION)},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"PreconditionFailed", "412"}:
                return StoredRecord(key=key, written=False)
            raise
        return StoredRecord(key=key, written=True, protected_values=len(originals), checksum=checksum)

    # ---- personal numbers -------------------------------------------------------
    def _split(self, body: Any, path: str = "") -> tuple[Any, list[dict[str, str]]]:
        """The body with personal numbers masked, and where each original was."""
        if isinstance(body, str):
            matches = self._pii.find(body)
            if not matches:
                return body, []
            return self._pii.mask(body), [
                {"path": path, "kind": m.kind, "value": body[m.start : m.end]} for m in matches
            ]
        if isinstance(body, dict):
            out: dict[str, Any] = {}
            found: list[dict[str, str]] = []
            for name, value in body.items():
                out[name], inner = self._split(value, f"{path}/{name}")
                found += inner
            return out, found
        if isinstance(body, list):
            items, found = [], []
            for index, value in enumerate(body):
                item, inner = self._split(value, f"{path}/{index}")
                items.append(item)
                found += inner
            return items, found
        return body, []

    def _seal(self, originals: list[dict[str, str]], key: str) -> dict[str, str]:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        context = {"archive_key": key}  # binds the data key to this record: it cannot be replayed elsewhere
        data_key = self._kms.generate_data_key(
            KeyId=self._pii_key_id, KeySpec="AES_256", EncryptionContext=context
        )
        nonce = self._random_bytes(_NONCE_BYTES)
        plaintext = json.dumps(originals, ensure_ascii=False).encode("utf-8")
        ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, key.encode("utf-8"))
        return {
            "algorithm": "AES-256-GCM",
            "kms_key_id": str(data_key["KeyId"]),
            "encrypted_data_key": base64.b64encode(data_key["CiphertextBlob"]).decode("ascii"),
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
        }


def open_protected(kms: Any, key: str, protected: dict[str, str]) -> list[dict[str, str]]:
    """Decrypt a record's protected section; only a caller the PII key lets decrypt can."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data_key = kms.decrypt(
        CiphertextBlob=base64.b64decode(protected["encrypted_data_key"]),
        EncryptionContext={"archive_key": key},
    )["Plaintext"]
    plaintext = AESGCM(data_key).decrypt(
        base64.b64decode(protected["nonce"]), base64.b64decode(protected["ciphertext"]), key.encode("utf-8")
    )
    return list(json.loads(plaintext))


def _segment(value: str) -> str:
    """A key segment: what S3 keys and shells handle without quoting; never empty."""
    return _SAFE.sub("_", value.strip())[:120] or "_"


@dataclass(frozen=True)
class ArchivedRecord:
    key: str
    record: dict[str, Any]
    retention_mode: str | None
    retain_until: datetime | None
    checksum_ok: bool


class ArchiveReader:
    """Finds and checks archived records (for compliance: `triage archive find` / `verify`)."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def find_keys(
        self,
        *,
        category: str | None = None,
        order_no: str | None = None,
        ticket_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[str]:
        """Keys under the layout matching every given filter (the category narrows the listing)."""
        prefix = f"complaints/{_segment(category)}/" if category else "complaints/"
        found = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                parts = item["Key"].split("/")
                if len(parts) != 5:
                    continue
                _, _, order, ticket, name = parts
                if order_no is not None and order != _segment(order_no):
                    continue
                if ticket_id is not None and ticket != str(int(ticket_id)):
                    continue
                at = datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
                if (since is not None and at < since) or (until is not None and at > until):
                    continue
                found.append(item["Key"])
        return sorted(found, key=lambda k: (k.split("/")[3], k.split("/")[4]))

    def set_legal_hold(self, key: str, on: bool) -> None:
        """A legal hold keeps a record past its retention until lifted (disputes, regulators)."""
        self._s3.put_object_legal_hold(
            Bucket=self._bucket, Key=key, LegalHold={"Status": "ON" if on else "OFF"}
        )

    def read(self, key: str) -> ArchivedRecord:
        got = self._s3.get_object(Bucket=self._bucket, Key=key)
        payload = got["Body"].read()
        expected = (got.get("Metadata") or {}).get("sha256", "")
        return ArchivedRecord(
            key=key,
            record=json.loads(payload),
            retention_mode=got.get("ObjectLockMode"),
            retain_until=got.get("ObjectLockRetainUntilDate"),
            checksum_ok=bool(expected) and hashlib.sha256(payload).hexdigest() == expected,
        )
