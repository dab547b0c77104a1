"""Policy files load with a version, and a broken one fails loudly with file, path and problem."""

from pathlib import Path

import pytest

from policies.loader import PolicyError, load_policy
from tests.policy_copy import copy_policies


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    return copy_policies(tmp_path)


def test_shipped_policies_load_with_a_content_hash_version() -> None:
    policy = load_policy()
    assert len(policy.version) == 12
    assert policy.version == load_policy().version


def test_any_change_to_a_policy_file_changes_the_version(policy_copy: Path) -> None:
    # GIVEN a copy of the shipped policies
    before = load_policy(policy_copy).version
    # WHEN a comment is added to one file
    with (policy_copy / "sla.yaml").open("a") as handle:
        handle.write("\n# reviewed\n")
    # THEN the version differs: every decision says exactly which policy made it
    assert load_policy(policy_copy).version != before


def test_env_variable_selects_the_policy_directory(
    policy_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIAGE_POLICY_DIR", str(policy_copy))
    assert load_policy().directory == policy_copy


# Where the first level-2 signal sits in grading.yaml (the case below breaks its level).
_FIRST_LEVEL_2 = next(n for n, s in enumerate(load_policy().grading.signals) if s.level == 2)


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("grading.yaml", "rule: R-GRADE-1c", "rule: GRADE-1c", "context.attribution.rule"),
        ("grading.yaml", "level: 2\n", "level: 5\n", f"signals.{_FIRST_LEVEL_2}.level"),
        ("remedies.yaml", "  product:\n", "  gadgets:\n", "by_category.gadgets"),
        ("sla.yaml", "deadlines:", "deadline:", "deadline"),
        ("compliance.yaml", "forbidden:", "forbidden: [", "not valid YAML"),
        # the files this stop added: a failure naming no concept, a ladder naming no channel, an
        # amount pattern without its group, a remedy answering a demand that does not exist
        (
            "problems.yaml",
            "concepts: [electric_shock, shock_feeling]",
            "concepts: [electric_shocks, shock_feeling]",
            "electric_shocks",
        ),
        # a product family naming a product the lexicon lacks
        ("problems.yaml", "bag: [handbag, backpack, suitcase, wallet]", "bag: [handbag, purse]", "purse"),
        ("channels.yaml", "ladder: [supervisors, compliance_head]", "ladder: [supervisors, ceo]", "ceo"),
        ("intake.yaml", "([0-9]+(?:\\.[0-9]{1,2})?)\\s*(?:元|块)'", "[0-9]+\\s*(?:元|块)'", "needs a group"),
        ("remedies.yaml", "main_answers: [exchange, repair]", "main_answers: [swap]", "main_answers"),
    ],
)
def test_a_broken_policy_names_file_path_and_problem(
    policy_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    # GIVEN one policy file broken in one place
    path = policy_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    # WHEN the policies are loaded
    with pytest.raises(PolicyError) as error:
        load_policy(policy_copy)
    # THEN the message names the file and where the problem is
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_a_missing_policy_file_is_named(policy_copy: Path) -> None:
    (policy_copy / "calendar.yaml").unlink()
    with pytest.raises(PolicyError, match=r"calendar\.yaml: cannot read policy file"):
        load_policy(policy_copy)


def test_a_policy_that_is_not_a_mapping_is_rejected(policy_copy: Path) -> None:
    (policy_copy / "remedies.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"remedies\.yaml: \(top level\): expected a mapping"):
        load_policy(policy_copy)


def test_every_policy_entry_cites_a_rule_id() -> None:
    # GIVEN the shipped policy files
    # THEN every signal, deadline rule, remedy and forbidden phrase names a rule ID (validated by pattern)
    policy = load_policy()
    assert all(s.rule.startswith("R-GRADE-") for s in policy.grading.signals)
    assert all(
        r.rule.startswith(("R-SLA-", "R-ROUTE-")) for rules in policy.sla.deadlines.values() for r in rules
    )
    assert all(e.rule.startswith("R-REMEDY-") for e in policy.remedies.by_category.values())
    assert all(f.rule.startswith("R-COMP-") for f in policy.compliance.forbidden)
