"""The ticket sidebar app (zendesk_app/) as the zip Zendesk takes, and its installation (issue 15).

The package holds manifest.json, translations/ and assets/ (triage.json included: `triage zendesk
app-assets` exports it from the policies first). Installing uploads it, has Zendesk build the app
(a job, polled), and installs it under its name; an installation of that name already there means
nothing is done.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

APP_NAME = "Complaint triage"
_PACKAGED = ("manifest.json", "translations", "assets")
JOB_WAIT_SECONDS = 60.0


class AppInstallFailed(RuntimeError):
    """Zendesk refused or could not build the app (the message says why)."""


def app_package(app_dir: Path) -> bytes:
    """The app's files as a zip, paths relative to the app's folder, in a stable order."""
    if not (app_dir / "assets" / "triage.json").is_file():
        raise FileNotFoundError(
            f"{app_dir / 'assets' / 'triage.json'}: run `triage zendesk app-assets` first"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for top in _PACKAGED:
            root = app_dir / top
            paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
            for path in paths:
                if not path.name.startswith("."):
                    archive.write(path, path.relative_to(app_dir).as_posix())
    return buffer.getvalue()


def installed(client: Any, name: str = APP_NAME) -> bool:
    return any((i.get("settings") or {}).get("name") == name for i in client.list_app_installations())


def install_app(
    client: Any,
    package: bytes,
    name: str = APP_NAME,
    *,
    sleep: Callable[[float], None] = time.sleep,
    wait_seconds: float = JOB_WAIT_SECONDS,
) -> dict[str, Any]:
    """Upload, build (waiting for Zendesk's job) and install the app; its installation."""
    upload_id = client.upload_app(package)
    job_id = client.create_app(name, upload_id)
    waited = 0.0
    while True:
        job = client.app_job(job_id)
        if job.get("status") == "completed":
            return client.install_app(int(job["app_id"]), name)
        if job.get("status") == "failed":
            raise AppInstallFailed(f"Zendesk could not build the app: {job.get('message')}")
        if waited >= wait_seconds:
            raise AppInstallFailed(f"the app's build job {job_id} did not finish in {wait_seconds:.0f} s")
        sleep(1.0)  # a one-off set-up command waiting for Zendesk's job, not a Lambda
        waited += 1.0
