"""Zendesk's own CLI (zcli, pinned in web/package-lock.json) validates and packages the ticket
sidebar app against the sandbox, over HTTPS as against a real account (issue 15): a sound app
passes, a broken manifest is refused with Zendesk's reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from integrations.zendesk.app_assets import write_app_assets
from local.zendesk.sandbox import ZendeskSandbox
from local.zendesk.sandbox_tls import self_signed_localhost
from policies.engine import TriageEngine

ROOT = Path(__file__).resolve().parents[2]
ZCLI = ROOT / "web" / "node_modules" / ".bin" / "zcli"


def _zcli(
    command: str, app_dir: Path, sandbox: ZendeskSandbox, cert: Path, home: Path
) -> subprocess.CompletedProcess:
    port = sandbox.url.rsplit(":", 1)[1]
    env = {
        **os.environ,
        # zcli builds https://{subdomain}.{domain}: "127" + "0.0.1:<port>" is the sandbox's address.
        "ZENDESK_SUBDOMAIN": "127",
        "ZENDESK_DOMAIN": f"0.0.1:{port}",
        "ZENDESK_EMAIL": sandbox.email,
        "ZENDESK_API_TOKEN": sandbox.api_token,
        "NODE_EXTRA_CA_CERTS": str(cert),  # trust the sandbox's certificate; verification stays on
        "HOME": str(home),
        "ZCLI_DISABLE_UPDATE_CHECK": "1",
    }
    return subprocess.run(
        [str(ZCLI), command, str(app_dir)], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_zcli_validates_and_packages_the_app_and_refuses_a_broken_manifest(tmp_path: Path) -> None:
    if not ZCLI.exists():
        pytest.fail(f"{ZCLI} missing: `make install` installs zcli from web/package-lock.json")
    # GIVEN the app with its policy export, and the sandbox serving HTTPS
    app_dir = tmp_path / "zendesk_app"
    shutil.copytree(ROOT / "zendesk_app", app_dir, ignore=shutil.ignore_patterns("tmp"))
    write_app_assets(TriageEngine.from_directory().policy, app_dir / "assets")
    cert, key = self_signed_localhost(tmp_path)
    with ZendeskSandbox(tls=(str(cert), str(key))) as sandbox:
        # WHEN zcli validates and packages it THEN both succeed, and the package is written
        validated = _zcli("apps:validate", app_dir, sandbox, cert, tmp_path)
        assert validated.returncode == 0, validated.stdout + validated.stderr
        packaged = _zcli("apps:package", app_dir, sandbox, cert, tmp_path)
        assert packaged.returncode == 0, packaged.stdout + packaged.stderr
        assert list((app_dir / "tmp").glob("app-*.zip"))
        # WHEN the manifest loses its author THEN zcli reports Zendesk's refusal
        manifest = json.loads((app_dir / "manifest.json").read_text(encoding="utf-8"))
        del manifest["author"]
        (app_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        refused = _zcli("apps:validate", app_dir, sandbox, cert, tmp_path)
        assert refused.returncode != 0 and "author" in refused.stdout + refused.stderr
