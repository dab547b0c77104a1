"""Remedies to offer (R-REMEDY) and the reply lint for forbidden phrases (R-COMP-1/2)."""

from policies.loader import load_policy


def test_each_category_gets_a_main_and_a_cheaper_alternative() -> None:
    remedies = load_policy().remedies
    for category in ("product", "service", "logistics", "transaction", "other"):
        offer = remedies.offer_for(category)  # type: ignore[arg-type]
        # THEN R-REMEDY-4: a main option and a different alternative, in both languages
        assert offer.main != offer.alternative
        assert offer.main.zh and offer.main.en
    assert remedies.offer_for("product").rule == "R-REMEDY-1"
    assert remedies.offer_for("transaction").rule == "R-REMEDY-5"


def test_high_value_members_get_the_extras() -> None:
    remedies = load_policy().remedies
    assert remedies.offer_for("product", "high_value").extras_for_high_value is not None
    assert remedies.offer_for("product", "regular").extras_for_high_value is None


def test_reply_lint_finds_forbidden_promises_and_deflections() -> None:
    compliance = load_policy().compliance
    # GIVEN an agent reply with a forbidden promise and a deflection
    findings = compliance.lint_reply("亲，我们家绝对正品！退款的话我需要请示领导")
    # THEN both are reported with their rule and the compliant alternative
    assert {f.rule for f in findings} == {"R-COMP-1", "R-COMP-2"}
    assert all(f.instead["zh"] for f in findings)
    assert compliance.lint_reply("We offer a Lifetime Warranty")[0].rule == "R-COMP-1"
    assert compliance.lint_reply("您好，我们会在2小时内给您答复") == []
