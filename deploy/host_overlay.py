"""Run the built Lambda artifact on this machine, to import and time its handlers.

The artifact holds manylinux aarch64 wheels, whose extension modules cannot load on an x86_64
machine. For each distribution of the artifact that has an extension module, the same version is
installed for this machine into an overlay directory that goes before the artifact on sys.path.
Everything else imported (our packages, every pure-Python dependency, their unchecked-hash
bytecode) is the artifact's own. On an aarch64 machine no overlay is needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OVERLAY_CACHE = ROOT / ".aws-sam" / "host-overlay"
LAMBDA_MACHINE = "aarch64"
_COMPLETE = ".complete"


def is_extension_module(path: str) -> bool:
    return path.endswith(".so") or ".so." in path.rsplit("/", 1)[-1]


def binary_distributions(artifact: Path) -> dict[str, str]:
    """Name → version of every distribution in `artifact` whose files include an extension module."""
    dist_infos = sorted(artifact.glob("*.dist-info"))
    if not dist_infos:
        raise ValueError(f"{artifact} holds no installed distribution: not a built function directory")
    found: dict[str, str] = {}
    for dist_info in dist_infos:
        record = (dist_info / "RECORD").read_text(encoding="utf-8").splitlines()
        if not any(is_extension_module(line.split(",", 1)[0]) for line in record):
            continue
        metadata = HeaderParser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"))
        found[metadata["Name"]] = metadata["Version"]
    return found


def interpreter_machine(python: str) -> str:
    done = subprocess.run(
        [python, "-c", "import platform; print(platform.machine())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def host_overlay(artifact: Path, python: str, cache: Path = OVERLAY_CACHE) -> Path | None:
    """A directory with host builds of the artifact's binary distributions (None on aarch64).

    Built once per set of versions and machine, then reused; `python` (3.13) installs and
    compiles it the way the artifact was compiled (unchecked-hash), so timings compare.
    """
    machine = interpreter_machine(python)
    if machine == LAMBDA_MACHINE:
        return None
    pins = sorted(f"{name}=={version}" for name, version in binary_distributions(artifact).items())
    key = hashlib.sha256("\n".join([machine, *pins]).encode()).hexdigest()[:16]
    overlay = cache / key
    if (overlay / _COMPLETE).exists():
        return overlay
    shutil.rmtree(overlay, ignore_errors=True)
    overlay.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=overlay.parent))
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    options = ["--root-user-action=ignore", "--no-deps", "--only-binary=:all:", "--target", str(staging)]
    subprocess.run([*pip, *options, *pins], check=True)
    compile_ = ["-m", "compileall", "-q", "-f", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    subprocess.run([python, *compile_, str(staging)], check=True, stdout=subprocess.DEVNULL)
    (staging / _COMPLETE).touch()
    staging.rename(overlay)
    return overlay


def artifact_environment(
    artifact: Path, overlay: Path | None, settings: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Environment for `python -S` running from the artifact as Lambda would (/var/task first).

    -S keeps this interpreter's site-packages off sys.path, so nothing the artifact lacks can be
    found elsewhere; no bytecode is written into the artifact.
    """
    path = [str(overlay)] if overlay else []
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([*path, str(artifact)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    environment.update(settings or {})
    return environment
