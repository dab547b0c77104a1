"""What ships to Lambda (policies, integrations, infra, functions) never reaches for what only runs
here: the stand-ins under local/, the harness under cli/, test tools. Read from the source, so it
holds before any build; tests/deploy checks the built artifact itself."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("policies", "integrations", "infra", "functions")
NEVER_IMPORTED = ("local", "cli", "tests", "bench", "training", "moto", "pytest", "responses", "sklearn")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", SHIPPED)
def test_shipped_code_never_imports_what_only_runs_here(package: str) -> None:
    # GIVEN every module of a package that ships to Lambda
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in NEVER_IMPORTED
    }
    # THEN none of them imports a stand-in, the harness or a test tool (even lazily)
    assert not offending, sorted(offending)


def test_the_stand_ins_live_apart() -> None:
    # GIVEN the tree  THEN no sandbox or local runner is left among the production adapters
    leftovers = [
        str(p.relative_to(ROOT))
        for package in SHIPPED
        for p in (ROOT / package).rglob("*.py")
        if "sandbox" in p.name or p.name.startswith("local_")
    ]
    assert not leftovers, leftovers
