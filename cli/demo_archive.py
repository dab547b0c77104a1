"""The demo's last section: the audit archive as compliance lists it (R-LOOP-3), with retention dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli.demo_section import Section

if TYPE_CHECKING:
    from local.product import LocalProduct


def archive_section(product: LocalProduct) -> Section:
    import boto3

    from infra.archive import ArchiveReader

    stack = product.stack
    s3 = boto3.client("s3", endpoint_url=stack.endpoint_url, region_name=stack.region)
    reader = ArchiveReader(s3, stack.archive_bucket)
    lines = []
    sealed = 0
    for key in reader.find_keys():
        found = reader.read(key)
        sealed += bool(found.record.get("protected"))
        until = found.retain_until.date().isoformat() if found.retain_until else "—"
        level = (found.record.get("body") or {}).get("decision", {}).get("level", "—")
        lines.append(f"  {key}  L{level}  {found.retention_mode or '—'} until {until}")
    summary = (
        f"{len(lines)} records in s3://{stack.archive_bucket} (triage archive find / verify); "
        f"{sealed} with a sealed section for compliance. A local stack locks in GOVERNANCE mode for a day; "
        "the deployed stack uses COMPLIANCE for 3 years."
    )
    return Section("Audit archive, filed by complaint type / order / ticket", (summary, *lines))
