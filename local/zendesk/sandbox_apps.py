"""The sandbox's Apps API (issue 15): what `zcli apps:validate` / `apps:package` and the bootstrap's
`--install-app` call, answering as Zendesk's documented endpoints do.

    POST /api/v2/apps/validate       multipart `file` (the app's zip): 200 {} or 400 {description}
    POST /api/v2/apps/uploads        multipart `uploaded_data`: 201 {"id"}
    POST /api/v2/apps                {"name", "short_description"?, "upload_id"}: 202 {"job_id"}
    GET  /api/v2/apps/job_statuses/{job_id}   {"id", "url", "total", "progress", "status": "completed",
                                                "message", "app_id"} (or "failed" with the reason)
    GET  /api/v2/apps/installations  {"installations": [...]}
    POST /api/v2/apps/installations  {"app_id", "settings": {"name"}}: 201 the installation

Validation checks what Zendesk's app validator refuses for a v2 iframe app: a manifest at the root
with name, author (name and e-mail), defaultLocale, location and frameworkVersion "2.0"; the default
locale's translations file with the app's name; every location's page inside the package; and the
logos a marketplace (not private) app needs.
"""

from __future__ import annotations

import email.parser
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from local.zendesk.sandbox_errors import ApiError

Json = dict[str, Any]


def invalid_app(description: str) -> ApiError:
    return ApiError(400, {"error": "InvalidApp", "description": description})


def multipart_file(raw: bytes, content_type: str, field: str) -> bytes:
    """The bytes of one file field of a multipart/form-data body."""
    if not content_type.startswith("multipart/form-data"):
        raise invalid_app(f"expected multipart/form-data with a {field!r} file")
    message = email.parser.BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    parts = message.get_payload() if message.is_multipart() else []
    for part in parts if isinstance(parts, list) else []:
        if part.get_param("name", header="content-disposition") == field:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise invalid_app(f"the form has no {field!r} file")


def validate_package(package: bytes) -> None:
    """Raise `invalid_app` naming the first problem of an app package; return if it is valid."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
    except zipfile.BadZipFile:
        raise invalid_app("the package is not a zip file") from None
    names = set(archive.namelist())
    if "manifest.json" not in names:
        raise invalid_app("manifest.json is missing at the root of the package")
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid_app(f"manifest.json is not valid JSON: {exc}") from None
    for key in ("name", "author", "defaultLocale", "location", "frameworkVersion"):
        if key not in manifest:
            raise invalid_app(f"manifest.json: missing required property {key!r}")
    author = manifest["author"]
    if not isinstance(author, dict) or not author.get("name") or not author.get("email"):
        raise invalid_app("manifest.json: author needs a name and an email")
    if manifest["frameworkVersion"] != "2.0":
        raise invalid_app("manifest.json: frameworkVersion must be 2.0 for an iframe app")
    translations = f"translations/{manifest['defaultLocale']}.json"
    if translations not in names:
        raise invalid_app(f"{translations} is missing (the default locale's translations)")
    app = json.loads(archive.read(translations)).get("app") or {}
    if not app.get("name"):
        raise invalid_app(f"{translations}: app.name is missing")
    locations = manifest["location"]
    if not isinstance(locations, dict) or not locations:
        raise invalid_app("manifest.json: location names no product and place")
    for product, places in locations.items():
        for place, spec in (places or {}).items():
            url = spec.get("url") if isinstance(spec, dict) else spec
            if not isinstance(url, str) or not (url.startswith("http") or url in names):
                raise invalid_app(f"manifest.json: {product}.{place} points at {url!r}, not in the package")
    if not manifest.get("private", False):
        for logo in ("assets/logo.png", "assets/logo-small.png"):
            if logo not in names:
                raise invalid_app(f"{logo} is missing (a public app needs its logos)")


class AppRegistry:
    def __init__(
        self, next_id: Callable[[], int], now: Callable[[], str], base_url: Callable[[], str] = lambda: ""
    ) -> None:
        self._next_id = next_id
        self._now = now
        self._base_url = base_url
        self._uploads: dict[int, bytes] = {}
        self._apps: dict[int, Json] = {}
        self._jobs: dict[str, Json] = {}
        self._installations: dict[int, Json] = {}

    def upload(self, package: bytes) -> Json:
        upload_id = self._next_id()
        self._uploads[upload_id] = package
        return {"id": upload_id}

    def create(self, data: Any) -> Json:
        """Zendesk builds the app from an upload asynchronously; a job says how it went."""
        if not isinstance(data, dict) or not data.get("name") or "upload_id" not in data:
            raise invalid_app("name and upload_id are required")
        job_id = uuid.uuid4().hex
        package = self._uploads.get(int(data["upload_id"]))
        if package is None:
            self._jobs[job_id] = self._job(job_id, "failed", "upload not found")
            return {"job_id": job_id}
        try:
            validate_package(package)
        except ApiError as exc:
            self._jobs[job_id] = self._job(job_id, "failed", str(exc.body.get("description")))
            return {"job_id": job_id}
        app_id = self._next_id()
        self._apps[app_id] = {"id": app_id, "name": str(data["name"]), "created_at": self._now()}
        self._jobs[job_id] = {**self._job(job_id, "completed", "Created"), "app_id": app_id}
        return {"job_id": job_id}

    def _job(self, job_id: str, status: str, message: str) -> Json:
        """A finished build job in the documented job-status shape (the sandbox builds at once)."""
        url = f"{self._base_url()}/api/v2/apps/job_statuses/{job_id}.json"
        return {"id": job_id, "url": url, "total": 1, "progress": 1, "status": status, "message": message}

    def job(self, job_id: str) -> Json:
        found = self._jobs.get(job_id)
        if found is None:
            raise ApiError(404, {"error": "RecordNotFound", "description": "Not found"})
        return dict(found)

    def installations(self) -> list[Json]:
        return [dict(i) for i in self._installations.values()]

    def install(self, data: Any) -> Json:
        app_id = int(data.get("app_id") or 0) if isinstance(data, dict) else 0
        if app_id not in self._apps:
            raise ApiError(404, {"error": "RecordNotFound", "description": "App not found"})
        settings = data.get("settings") or {}
        installation_id = self._next_id()
        installation = {
            "id": installation_id,
            "app_id": app_id,
            "settings": {"name": str(settings.get("name") or self._apps[app_id]["name"])},
            "enabled": True,
            "created_at": self._now(),
        }
        self._installations[installation_id] = installation
        return dict(installation)
