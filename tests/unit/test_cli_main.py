"""The `triage` entry point: subcommands registered lazily, `--help` cheap."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import SUBCOMMAND_MODULES, build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the parser WHEN asked for help THEN it exits 0 and names grade, eval and demo
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("grade", "eval", "demo", "--policies"):
        assert name in out


def test_building_the_parser_imports_no_engine() -> None:
    # GIVEN a fresh interpreter
    # WHEN only the parser is built (what `triage --help` does)
    probe = (
        "import sys; from cli.main import build_parser; build_parser(); "
        "heavy = ('pydantic', 'yaml', 'ahocorasick_rs', 'opencc', 'policies.engine'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    # THEN none of the heavy modules was imported
    assert done.stdout.strip() == "[]"


def test_every_subcommand_module_registers_a_runner() -> None:
    # GIVEN the registered modules WHEN the parser is built THEN each subcommand has a `run`
    parser = build_parser()
    for command in ("grade", "eval", "demo"):
        args = parser.parse_args([command, "x"] if command != "demo" else [command])
        assert callable(args.run)
    registered = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert len(registered) == len(SUBCOMMAND_MODULES)


def test_missing_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN no subcommand WHEN run THEN argparse's usage error (exit 2)
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err
