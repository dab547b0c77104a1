"""The grader on real-style customer writing (R-GRADE-1..4, R-INTAKE-4): hazards, traps, negation, doubt."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.grading import Grader
from policies.loader import load_policy

CASES = [json.loads(line) for line in (Path(__file__).parent.parent / "data" / "grading_cases.jsonl").open()]


@pytest.fixture(scope="module")
def grader() -> Grader:
    policy = load_policy()
    return Grader.from_policy(policy)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_grades_the_case_as_labelled(grader: Grader, case: dict) -> None:
    # GIVEN a labelled customer text (the label's reason is in `why`)
    # WHEN it is graded
    result = grader.grade(case["text"])
    # THEN level, and where labelled category, subtype and the rule that fired, are as expected
    assert result.level == case["level"], case["why"]
    if "category" in case:
        assert result.category == case["category"], case["why"]
    if "subtype" in case:
        assert result.subtype == case["subtype"], case["why"]
    if "rule" in case:
        assert case["rule"] in {r.rule for r in result.reasons}, case["why"]


def test_reasons_quote_the_customers_own_words(grader: Grader) -> None:
    # GIVEN a traditional-Chinese text with a safety incident
    text = "新買的熱水器漏電，洗澡時手被電了一下"
    # WHEN graded
    result = grader.grade(text)
    # THEN the safety reason's evidence is a passage of the original (traditional) text
    safety = next(r for r in result.reasons if r.rule == "R-GRADE-1a")
    assert "漏電" in safety.evidence
    assert safety.evidence in text


def test_most_urgent_signal_wins_and_all_are_reported(grader: Grader) -> None:
    # GIVEN a counterfeit assertion (level 2) and a food illness (level 1) in one text
    result = grader.grade("这是假货，吃了以后拉肚子拉了一晚上")
    # THEN level 1 wins, and both rules are listed as reasons
    assert result.level == 1
    rules = {r.rule for r in result.reasons}
    assert {"R-GRADE-1a", "R-GRADE-2c"} <= rules


def test_routine_complaint_cites_the_routine_rule(grader: Grader) -> None:
    result = grader.grade("快递太慢了，下单一周还没到")
    assert result.level == 3
    assert result.reasons[0].rule == "R-GRADE-3"
    assert "物流延迟" in result.keyword_tags


def test_high_emotion_is_detected_with_its_words(grader: Grader) -> None:
    # GIVEN the SOP's own examples of high emotion (R-INTAKE-4)
    calm = grader.grade("衣服尺码偏小，想换大一号")
    upset = grader.grade("非常不满，希望尽快解决！")
    # THEN only the upset customer is marked high, with the words as evidence
    assert calm.emotion == "normal"
    assert upset.emotion == "high"
    assert any(r.rule == "R-INTAKE-4" and "不满" in r.evidence for r in upset.reasons)


def test_praise_is_not_a_complaint(grader: Grader) -> None:
    assert not grader.grade("谢谢，东西收到了，很好用").is_complaint
    assert not grader.grade("Thanks for the quick delivery, love it").is_complaint
    assert grader.grade("东西坏了，要求退货").is_complaint


@pytest.mark.parametrize(
    "text",
    [
        "这款面霜绝绝子，闭眼入不踩雷，姐妹们冲",
        "部相機影相勁正，正到飛起",
        "已经安利给整个宿舍了，无限回购",
        "This cold brew is a game changer, obsessed, will buy again",
        "Delivery guy was a legend, food still hot. Tipped extra",
        "行程有变在APP上退票，手续费为0，退款秒到原账户，省事",
        "求大佬给点意见：思域和轩逸怎么选？预算13w",
        "牛肉麵湯頭濃郁，麵條很Q，份量夠，價格也合理",
        "请问信用卡的账单日和到期还款日是怎么算的？",
        "How does a balance transfer fee work if I move $3,000?",
        "Booked the wrong date, my fault. Cancelled on the app and the refund was back in 3 days, no hassle",
    ],
)
def test_praise_in_slang_is_not_a_complaint(grader: Grader, text: str) -> None:
    # GIVEN praise in internet slang, Cantonese or enthusiastic English, a refund that went smoothly,
    # or a plain question asking for advice or how something works (R-INTAKE-3)
    # WHEN graded
    result = grader.grade(text)
    # THEN it is no complaint
    assert not result.is_complaint, result.reasons


def test_subject_is_graded_with_the_text(grader: Grader) -> None:
    # GIVEN the hazard only in the subject line
    result = grader.grade("请尽快处理", subject="充电器冒烟")
    assert result.level == 1


@pytest.mark.parametrize("cut", ["", "...", "…"])
def test_a_subject_cut_from_the_text_is_not_quoted_instead_of_the_text(grader: Grader, cut: str) -> None:
    # GIVEN a ticket whose subject is its text's first 30 characters, as channels make one
    text = "@优选商城官方 婚礼就在后天，我订的婚纱因为下雨物流延误了3天还没送到！客服只会让我等"
    # WHEN graded with that subject
    result = grader.grade(text, subject=text[:30] + cut)
    # THEN every quote comes from the whole text: "延误了3天", never the cut "延误了3"
    quotes = [r.evidence for r in result.reasons if "延误" in r.evidence]
    assert quotes, result.reasons
    assert all("延误了3天" in quote for quote in quotes), quotes


def test_decision_is_stamped_with_the_policy_version(grader: Grader) -> None:
    assert grader.grade("太慢了").policy_version == load_policy().version


def test_language_follows_the_text(grader: Grader) -> None:
    assert grader.grade("太慢了").language == "zh"
    assert grader.grade("too slow").language == "en"


_POLICY = load_policy()
_GRADER = Grader.from_policy(_POLICY)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_valid_grade(text: str) -> None:
    # GIVEN arbitrary unicode (emoji, control characters, lone surrogates excluded by hypothesis)
    result = _GRADER.grade(text)
    # THEN the grader never crashes and always answers inside the closed vocabularies
    assert result.level in (1, 2, 3)
    assert all(r.rule.startswith("R-") for r in result.reasons)


@pytest.mark.parametrize("text", ["过时", "呵呵，就这？", "应该叫经典无弹力"])
def test_a_complaint_the_model_alone_recognises_still_quotes_the_customer(grader: Grader, text: str) -> None:
    # GIVEN a short text with no problem word the lexicons know, which the model reads as a complaint
    result = grader.grade(text)
    assert result.is_complaint
    # THEN every reason quotes the customer's own words: never an empty "why"
    assert all(r.evidence and r.evidence in text for r in result.reasons)


@pytest.mark.parametrize("text", ["好！", "^ @ATVIAssist", "Wym", "@AmazonHelp It", "@ArgosHelpers Alfreton"])
def test_a_text_that_says_almost_nothing_is_no_complaint(grader: Grader, text: str) -> None:
    # GIVEN a message of one word or none, handles and links left out, naming no problem
    # WHEN it is graded
    grading = grader.grade(text)
    # THEN it is not a complaint, whatever the learned reader makes of its shortness (R-INTAKE-3)
    assert grading.is_complaint is False


@pytest.mark.parametrize("text", ["好车", "推推", "Solid phone, works as described", "满意！！！"])
def test_a_few_words_of_praise_are_no_complaint(grader: Grader, text: str) -> None:
    # GIVEN a few words of praise that name no problem (grading.yaml praise_alone_max_words)
    # WHEN it is graded THEN it is not a complaint (R-INTAKE-3)
    assert grader.grade(text).is_complaint is False


@pytest.mark.parametrize("text", ["饭送到了好凉…", "等了好久好久", "不错，就是发货有点慢", "汤汁洒干净了"])
def test_a_few_words_with_a_problem_or_only_a_very_are_still_a_complaint(grader: Grader, text: str) -> None:
    # GIVEN a short text that names a problem, or whose only praise word is 好 as "very" (好凉, 好久)
    # WHEN it is graded THEN it is a complaint
    assert grader.grade(text).is_complaint is True


def test_praise_alone_is_off_when_the_policy_sets_no_length(tmp_path) -> None:
    # GIVEN a policy whose grading.yaml has no praise_alone_max_words
    from tests.policy_copy import copy_policies_editing

    root = copy_policies_editing(tmp_path, "grading.yaml", "  praise_alone_max_words: 6\n", "")
    without = Grader.from_policy(load_policy(root))
    shipped = Grader.from_policy(load_policy())
    praise = ("好车", "推推", "好味", "还行", "可以")
    # WHEN a few words of praise are graded THEN the shipped policy calls none a complaint, and
    # without the rule the learned reader alone calls at least one a complaint
    assert not any(shipped.grade(t).is_complaint for t in praise)
    assert any(without.grade(t).is_complaint for t in praise)


@pytest.mark.parametrize("text", ["太烂", "差评", "still broken", "@Uber_Support refund??"])
def test_two_words_naming_a_problem_are_still_a_complaint(grader: Grader, text: str) -> None:
    # GIVEN a message as short, but naming a problem
    # WHEN it is graded THEN it is a complaint
    assert grader.grade(text).is_complaint is True


@pytest.mark.parametrize(
    "text",
    [
        "Refund was processed back to my card in 6 days, no calls needed.",
        "Thunderstorms held us 40 minutes at the gate. Captain kept us updated and the crew came through "
        "with water. Great job.",
    ],
)
def test_a_problem_already_put_right_is_no_complaint(grader: Grader, text: str) -> None:
    # GIVEN a customer telling how a problem was put right (R-INTAKE-3: praise, not a grievance)
    # WHEN it is graded THEN it is not a complaint
    assert grader.grade(text).is_complaint is False
