"""The intake a complaint carries (issue 19; R-INTAKE-1..3, R-GRADE-6, R-REMEDY-4/5): demands,
evidence, amounts, responsibility, what is missing, and remedies that answer the demand."""

from __future__ import annotations

import pytest

from policies.engine import TriageEngine
from policies.intake_reading import missing_items

ENGINE = TriageEngine.from_directory()
INTAKE = ENGINE.policy.intake


def demands_in(text: str, category: str = "product") -> tuple[str, ...]:
    return ENGINE.intake.read(text, category).demand_kinds


@pytest.mark.parametrize(
    ("kind", "simplified", "traditional", "english"),
    [
        ("refund", "质量太差，我要退款", "品質太差，我要退款", "This is broken, I want a refund."),
        ("exchange", "尺码不对，要求换货", "尺碼不對，要求換貨", "Wrong size, please send me a new one."),
        (
            "repair",
            "才用一周就坏了，要求维修",
            "才用一週就壞了，要求維修",
            "It stopped working, please repair it.",
        ),
        (
            "reship",
            "少发了一件，请尽快补发",
            "少發了一件，請盡快補發",
            "One item was missing, please resend it.",
        ),
        (
            "compensation",
            "耽误了我两天，要求赔偿",
            "耽誤了我兩天，要求賠償",
            "You wasted my weekend, compensate me.",
        ),
        ("apology", "客服骂人，要求道歉", "客服罵人，要求道歉", "Your agent was rude. I want an apology."),
        (
            "explanation",
            "订单被取消了，给个说法",
            "訂單被取消了，給個說法",
            "My order vanished. Please explain.",
        ),
        (
            "legal_claim",
            "卖假货，要求假一赔三",
            "賣假貨，要求假一賠三",
            "Counterfeit goods: I claim triple damages.",
        ),
    ],
)
def test_each_demand_is_read_in_three_scripts(
    kind: str, simplified: str, traditional: str, english: str
) -> None:
    # GIVEN a customer asking for one remedy, in simplified, traditional Chinese and English
    # WHEN the intake is read THEN that demand is found in each
    for text in (simplified, traditional, english):
        assert kind in demands_in(text), text


@pytest.mark.parametrize(
    "text",
    [
        "退款很快，好评",  # what already happened
        "懒得退了，将就用吧",  # their own refusal
        "本来想退货，算了",
        "They refunded me the same day, great service.",
        "支持七天无理由退货，放心买",  # a policy named
        "售后让我寄回去维修点，一周就好了",  # a story, no request
    ],
)
def test_a_remedy_word_in_a_story_is_no_demand(text: str) -> None:
    assert demands_in(text) == ()


def test_a_seller_refusing_a_return_is_still_the_customers_demand() -> None:
    # GIVEN a customer the seller will not take the goods back from
    # THEN they still want their money back (the label convention of eval/intake/LABELLING.md)
    assert demands_in("假货，还不给退货") == ("refund",)


def test_a_question_asking_for_a_remedy_is_a_demand() -> None:
    assert demands_in("收到就是坏的，能退款吗？") == ("refund",)
    assert demands_in("为什么没有发票？") == ("explanation",)


def test_evidence_the_customer_has_is_told_from_the_listings_pictures() -> None:
    # GIVEN one text naming photos the customer took, and one comparing with the shop's pictures
    took = ENGINE.intake.read("外壳裂了，拍了照片，请看附图", "product")
    listing = ENGINE.intake.read("实物和图片不一样，拍照效果也差", "product")
    # THEN only the first mentions evidence
    assert took.evidence_mentioned == {"photo"}
    assert listing.evidence_mentioned == frozenset()


def test_amounts_paid_and_claimed_are_read() -> None:
    reading = ENGINE.intake.read("花了399元买的电水壶漏电，要求赔偿1000元", "product")
    assert (reading.amount_paid, reading.amount_claimed) == (399.0, 1000.0)
    assert ENGINE.intake.read("I paid $89.99 for this blender", "product").amount_paid == 89.99


@pytest.mark.parametrize(
    ("text", "category", "party"),
    [
        ("台风天快递延误了一周", "logistics", "force_majeure"),
        ("是我自己不小心摔坏的，能修吗", "product", "customer"),
        ("快递压坏了，箱子都扁了", "product", "logistics"),
        ("质量太差，开机就黑屏", "product", "merchant"),
        ("The parcel is two weeks late", "logistics", "logistics"),
    ],
)
def test_responsibility_is_suggested_with_its_reason(text: str, category: str, party: str) -> None:
    # GIVEN a complaint WHEN its intake is read THEN the suggested party (R-GRADE-6), never a verdict
    assert ENGINE.intake.read(text, category).responsible.party == party


def test_what_is_missing_depends_on_the_complaint_type_and_the_demand() -> None:
    # GIVEN a quality defect with a refund demand, no photo attached (one promised) and no order number
    missing = missing_items(
        INTAKE,
        subtype="quality_defect",
        demands=["refund"],
        attached=set(),
        mentioned={"photo"},
        order_number=None,
    )
    # THEN a photo (promised, not attached) and the order number are missing
    assert [(m.item, m.promised) for m in missing] == [("photo", True), ("order_number", False)]
    # WHEN a video is attached and the order number known THEN nothing is missing
    assert (
        missing_items(
            INTAKE,
            subtype="quality_defect",
            demands=["refund"],
            attached={"video"},
            mentioned=set(),
            order_number="A1",
        )
        == []
    )


def test_the_remedy_offered_first_answers_the_demand() -> None:
    remedies = ENGINE.policy.remedies
    # GIVEN a product complaint: with no demand the exchange comes first (R-REMEDY-1)
    plain = remedies.offer_for("product")
    # WHEN the customer asked for a refund THEN the refund path is the main option, exchange beside it
    refund = remedies.offer_for("product", demands=["refund"])
    assert (refund.main, refund.alternative, refund.answers) == (plain.alternative, plain.main, "refund")
    # WHEN they asked only for an apology THEN an apology and a goodwill gesture come first
    apology = remedies.offer_for("service", demands=["apology"])
    assert apology.main == remedies.apology.offer and apology.answers == "apology"
    # AND a statutory claim or counterfeit goods always show the legal floor (R-REMEDY-5)
    assert remedies.offer_for("product", demands=["legal_claim"]).legal_floor == remedies.legal_floor.main
    assert remedies.offer_for("product", subtype="counterfeit").legal_floor is not None
    assert plain.legal_floor is None
