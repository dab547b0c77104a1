"""What "the same problem" is (R-GRADE-1b, issue 18): a product failing one specific way."""

from __future__ import annotations

import pytest

from policies.engine import TriageEngine
from policies.problems import ProblemReader

POLICY = TriageEngine.from_directory().policy
READER = ProblemReader(
    POLICY.problems, POLICY.concepts, POLICY.grading, POLICY.alerting.group_complaint.product_tag_prefixes
)


@pytest.mark.parametrize(
    "text",
    [
        "买的充电宝才用一周就鼓包了",  # simplified, swelling
        "这个移动电源充电的时候烫得根本拿不住",  # another name, too hot
        "行動電源充電時冒煙，還有一股燒焦味",  # traditional (Taiwan word), smoke
        "My power bank got too hot to hold while charging",  # English
        "the powerbank started smoking in my bag",
    ],
)
def test_one_product_failing_one_way_has_one_key_in_any_words(text: str) -> None:
    # GIVEN a customer's words about a power bank overheating, in any script
    # WHEN its problem is read THEN it is the readable key every such report shares
    problem = READER.problem_of(text)
    assert problem is not None and problem.key == "power_bank|overheating"
    assert problem.quote and problem.quote in text


def test_unrelated_safety_complaints_are_different_problems() -> None:
    # GIVEN safety complaints that share only "someone could get hurt" (the old tag-to-signal collapse
    # made all of them one `quality_defect|assault` problem)
    texts = [
        "刚买的充电器插上就漏电，手被电了一下",
        "吃了你们家的全麦面包，一家三口都拉肚子",
        "The kettle base started smoking while boiling water",
        "积木的小零件脱落了，孩子差点吞下去",
        "小太阳取暖器用了半小时突然起火了",
    ]
    # WHEN each one's problem is read
    keys = [READER.problem_of(t) for t in texts]
    # THEN each names its own product and failure: five keys, none shared
    assert [k.key if k else None for k in keys] == [
        "charger|electric_shock",
        "bread|illness_after_eating",
        "kettle|overheating",
        "toy|choking",
        "space_heater|overheating",
    ]


def test_a_safety_complaint_naming_no_product_is_no_problem_key() -> None:
    # GIVEN a hazard without a product named and no product tag
    # WHEN its problem is read THEN there is none: a bare safety flag never groups
    assert READER.problem_of("用了两次就冒烟了，差点着火") is None
    assert READER.problem_of("快递一周还没到") is None


def test_a_product_tag_makes_the_key_precise() -> None:
    # GIVEN the same words from a ticket with a SKU tag, and a ticket with a tag but no failure named
    text = "充电宝用了两天就鼓包了"
    # WHEN their problems are read
    tagged = READER.problem_of(text, ["vip", "sku_pb20000"])
    untagged_failure = READER.problem_of("屏幕有坏点，质量太差", ["sku_tv55"], "quality_defect")
    # THEN the SKU replaces the product name, and with no failure the SKU pairs with the sub-type
    assert tagged is not None and tagged.key == "sku_pb20000|overheating" and tagged.from_tag
    assert untagged_failure is not None and untagged_failure.key == "sku_tv55|quality_defect"


def test_the_longest_product_name_wins() -> None:
    # GIVEN a text naming a phone and a phone charger
    problem = READER.problem_of("手机充电器插上就冒烟了")
    # THEN the charger is the product: it is the longer, more specific name
    assert problem is not None and problem.product == "charger"


def test_look_alike_senses_of_a_failure_do_not_count() -> None:
    # GIVEN praise that uses a fire word in its other sense
    # WHEN its problem is read THEN no failure is found
    assert READER.problem_of("这款充电宝太火爆了，卖得真好") is None


def test_the_key_is_described_for_people() -> None:
    assert POLICY.problems.describe("power_bank|overheating").startswith("power bank: ")
    assert "overheating" in POLICY.problems.describe("power_bank|overheating")
