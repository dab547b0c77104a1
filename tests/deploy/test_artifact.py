"""The `sam build` artifact is what Lambda (python3.13, arm64) can run, and nothing more.

Reads .aws-sam/build, which `make deploy-checks` builds just before these run.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib
from email.parser import HeaderParser
from pathlib import Path

import pytest

from deploy.host_overlay import artifact_environment, host_overlay, is_extension_module
from deploy.runtime_requirements import runtime_requirements
from tests.deploy.conftest import BUILD_DIR, ROOT

EM_AARCH64 = 183  # ELF e_machine of 64-bit ARM
# PEP 552: bit 0 set = hash-based pyc; bit 1 set = check the source. Unchecked-hash = 0b01.
PYC_HASH_BASED = 0b01
PYC_CHECK_SOURCE = 0b10
LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
RUNTIME_PACKAGES = ("policies", "integrations", "infra", "functions")
NEVER_SHIPPED_DIRS = ("cli", "tests", "bench", "deploy", "local", "eval", "training")
DEV_DISTRIBUTIONS = {
    "pytest",
    "moto",
    "ruff",
    "hypothesis",
    "responses",
    "time-machine",
    "cfn-lint",
    "aws-sam-translator",
    "aws-sam-cli",
    "aws-xray-sdk",
    "complaint-triage",
}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _distributions(artifact: Path) -> dict[str, str]:
    found = {}
    for dist_info in artifact.glob("*.dist-info"):
        metadata = HeaderParser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"))
        found[_canonical(metadata["Name"])] = metadata["Version"]
    return found


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        requirement = line.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[_canonical(name.split("[", 1)[0])] = version.strip()
    return pins


@pytest.fixture(scope="module")
def artifacts(functions: dict[str, str]) -> dict[str, Path]:
    missing = [name for name in functions if not (BUILD_DIR / name).is_dir()]
    assert not missing, f"no built artifact for {missing}: run `make sam-build` first"
    return {name: BUILD_DIR / name for name in functions}


@pytest.fixture(scope="module")
def artifact(artifacts: dict[str, Path]) -> Path:
    """One function's artifact; test_every_function_ships_the_same_artifact covers the others."""
    return artifacts["WebhookFunction"]


def test_every_function_ships_the_same_artifact(artifacts: dict[str, Path]) -> None:
    # GIVEN each function's built directory  THEN they hold the same files
    listings = {
        name: sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
        for name, path in artifacts.items()
    }
    first = next(iter(listings.values()))
    assert len(first) > 1000, "the artifact looks empty"
    assert all(listing == first for listing in listings.values())


def test_binary_modules_are_built_for_lambda_arm64_and_python_313(artifact: Path) -> None:
    # GIVEN every extension module in the artifact
    modules = [p for p in artifact.rglob("*") if p.is_file() and is_extension_module(p.name)]
    names = {p.name for p in modules}
    # THEN there are some (pydantic's core among them), so the check below is not vacuous
    assert any(n.startswith("_pydantic_core.") for n in names), sorted(names)
    for module in modules:
        header = module.read_bytes()[:20]
        # AND each is a 64-bit little-endian ELF for aarch64
        assert header[:4] == b"\x7fELF", module
        assert header[4] == 2 and header[5] == 1, module
        assert int.from_bytes(header[18:20], "little") == EM_AARCH64, module
        # AND a CPython 3.13 (or stable-ABI) extension, not another Python's
        if module.name.endswith(".so") and ".cpython-" in module.name:
            assert module.name.endswith(".cpython-313-aarch64-linux-gnu.so"), module


def test_wheels_are_for_the_lambda_platform(artifact: Path) -> None:
    # GIVEN each installed wheel's tags
    for wheel in artifact.glob("*.dist-info/WHEEL"):
        tags = [
            line.split(":", 1)[1].strip()
            for line in wheel.read_text().splitlines()
            if line.startswith("Tag:")
        ]
        assert tags, wheel
        for tag in tags:
            python, abi, platform = tag.split("-")
            # THEN it is pure Python, or built for CPython 3.13 (or the stable ABI) on aarch64
            if platform == "any":
                assert abi == "none", tag
                continue
            assert "aarch64" in platform and "manylinux" in platform, tag
            assert (python, abi) == ("cp313", "cp313") or abi == "abi3", tag


def test_only_runtime_dependencies_and_packages_are_shipped(artifact: Path) -> None:
    distributions = _distributions(artifact)
    # THEN no test or dev tool is in the artifact
    assert not DEV_DISTRIBUTIONS & set(distributions), DEV_DISTRIBUTIONS & set(distributions)
    # AND of this repository only the runtime packages, without tests
    for name in NEVER_SHIPPED_DIRS:
        assert not (artifact / name).exists(), name
    for name in RUNTIME_PACKAGES:
        assert (artifact / name / "__init__.py").is_file(), name
        assert not [p for p in (artifact / name).rglob("test_*.py")], name
    # AND every runtime dependency of pyproject.toml is there, at its pinned version
    pinned = _pins(runtime_requirements(ROOT / "pyproject.toml"))
    assert {name: distributions.get(name) for name in pinned} == pinned


def test_every_shipped_distribution_is_pinned(artifact: Path) -> None:
    # GIVEN the distributions in the artifact, and the pins of pyproject.toml and the constraints
    pinned = _pins(runtime_requirements(ROOT / "pyproject.toml"))
    pinned |= _pins((ROOT / "deploy" / "lambda-constraints.txt").read_text().splitlines())
    # THEN each is pinned, at the version shipped (else two builds could ship different code)
    shipped = _distributions(artifact)
    unpinned = sorted(f"{name}=={version}" for name, version in shipped.items() if name not in pinned)
    assert not unpinned, f"add to deploy/lambda-constraints.txt: {' '.join(unpinned)}"
    assert {name: pinned[name] for name in shipped} == shipped


def test_boto3_is_shipped_at_the_pinned_version(artifact: Path) -> None:
    # Lambda's runtime has a boto3 of its own, older and changing without notice; the archive's
    # conditional writes (If-None-Match) need a recent botocore. /var/task comes first on sys.path.
    pinned = _pins(runtime_requirements(ROOT / "pyproject.toml"))
    assert _distributions(artifact)["boto3"] == pinned["boto3"]


def test_every_module_has_unchecked_hash_bytecode_for_python_313(artifact: Path) -> None:
    assert sys.version_info[:2] == (3, 13), "run in .venv-deploy (Python 3.13)"
    sources = list(artifact.rglob("*.py"))
    assert len(sources) > 1000
    for source in sources:
        # GIVEN each module's bytecode where Python 3.13 looks for it
        pyc = source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc"
        assert pyc.is_file(), source
        header = pyc.read_bytes()[:16]
        # THEN it is 3.13's bytecode
        assert header[:4] == importlib.util.MAGIC_NUMBER, pyc
        # AND hash-based with source checking off: a read-only /var/task never recompiles it
        flags = int.from_bytes(header[4:8], "little")
        assert flags == PYC_HASH_BASED, (pyc, bin(flags))
        assert not flags & PYC_CHECK_SOURCE
        # AND compiled from the very source shipped beside it
        assert header[8:16] == importlib.util.source_hash(source.read_bytes()), pyc


def test_artifact_fits_lambdas_unzipped_size_limit(artifact: Path) -> None:
    size = sum(p.stat().st_size for p in artifact.rglob("*") if p.is_file())
    print(f"artifact: {size / 1024 / 1024:.0f} MiB unzipped")
    assert size < LAMBDA_UNZIPPED_LIMIT_BYTES


_IMPORT_HANDLER = """
import importlib, json, sys
module_name, attribute = sys.argv[1], sys.argv[2]
module = importlib.import_module(module_name)
print(json.dumps({
    "callable": callable(getattr(module, attribute, None)),
    "file": module.__file__,
    "xray": sorted(m for m in sys.modules if m.startswith("aws_xray_sdk")),
}))
"""


def test_each_handler_imports_by_name_from_the_artifact_alone(
    artifacts: dict[str, Path], functions: dict[str, str], tmp_path: Path
) -> None:
    overlay = host_overlay(artifacts["WebhookFunction"], sys.executable)
    problems = []
    for name, handler in functions.items():
        module_name, _, attribute = handler.rpartition(".")
        artifact = artifacts[name]
        # GIVEN the handler's module in the artifact
        module_file = artifact / (module_name.replace(".", "/") + ".py")
        if not module_file.is_file():
            relative = module_file.relative_to(artifact)
            problems.append(f"{name}: {module_name} is not in the artifact (is {relative} written?)")
            continue
        # WHEN a Python 3.13 with only the artifact on sys.path (-S) imports it by name
        done = subprocess.run(
            [sys.executable, "-S", "-c", _IMPORT_HANDLER, module_name, attribute],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=artifact_environment(artifact, overlay),
        )
        if done.returncode:
            problems.append(f"{name}: importing {module_name} failed:\n{done.stderr[-2000:]}")
            continue
        result = json.loads(done.stdout.splitlines()[-1])
        # THEN the handler is there, from the artifact, and tracing being off, no X-Ray SDK is loaded
        if not result["callable"]:
            problems.append(f"{name}: {handler} is not callable")
        if not Path(result["file"]).resolve().is_relative_to(artifact.resolve()):
            problems.append(f"{name}: {module_name} came from {result['file']}, not the artifact")
        if result["xray"]:
            problems.append(f"{name}: importing it loads {result['xray']}")
    assert not problems, "\n".join(problems)


_IMPORT_EVERY_MODULE = """
import importlib, json, sys
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - every failure is the finding
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def test_every_shipped_module_imports_from_the_artifact_alone(
    artifacts: dict[str, Path], tmp_path: Path
) -> None:
    # GIVEN every module of the project's packages in the artifact (not only the handlers: a module
    # a handler reaches lazily must import too, with the runtime requirements alone)
    artifact = artifacts["WebhookFunction"]
    overlay = host_overlay(artifact, sys.executable)
    modules = sorted(
        ".".join(path.relative_to(artifact).with_suffix("").parts).removesuffix(".__init__")
        for package in RUNTIME_PACKAGES
        for path in (artifact / package).rglob("*.py")
    )
    # WHEN a Python 3.13 with only the artifact on sys.path (-S) imports each by name
    done = subprocess.run(
        [sys.executable, "-S", "-c", _IMPORT_EVERY_MODULE, *modules],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=artifact_environment(artifact, overlay),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # THEN every one of them imports
    assert json.loads(done.stdout.splitlines()[-1]) == {}
    assert len(modules) > 50


def test_runtime_requirements_come_from_pyproject() -> None:
    # GIVEN pyproject.toml  THEN the build installs exactly its [project].dependencies
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert runtime_requirements(ROOT / "pyproject.toml") == project["dependencies"]


def test_an_unpinned_runtime_dependency_stops_the_build(tmp_path: Path) -> None:
    # GIVEN a pyproject with a dependency that is not pinned with ==
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["boto3==1.0", "requests>=2"]\n')
    # WHEN the build reads it  THEN it stops and names the dependency
    with pytest.raises(ValueError, match="requests>=2"):
        runtime_requirements(pyproject)
