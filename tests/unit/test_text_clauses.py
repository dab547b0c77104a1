"""Where a clause starts (policies/text.py): the scope in which a negation, a fear or a doubt is looked
for before a cue."""

from __future__ import annotations

import pytest

from policies.text import content_words, normalise


@pytest.mark.parametrize(
    ("text", "cue", "clause"),
    [
        # unpunctuated Chinese separates its clauses with spaces
        ("连个防滑垫都没有 我老妈早上洗澡滑倒了", "滑倒", "我老妈早上洗澡"),
        # a space inside English, or between Chinese and a Latin word, separates nothing
        ("the mat was not there and my mum slipped", "slipped", "the mat was not there and my mum "),
        ("充电器 usb口冒烟", "冒烟", "充电器 usb口"),
        # a space right before the cue ends the clause too: the 不 belongs to the clause before
        ("少秤还不认 市监局电话已打", "市监局", ""),
    ],
)
def test_a_space_between_chinese_characters_ends_a_clause(text: str, cue: str, clause: str) -> None:
    # GIVEN a text and a cue in it
    norm = normalise(text)
    # WHEN the words before the cue in its clause are taken (where a negation or a fear is looked for)
    before = norm.clause_before(norm.text.index(cue), 40)
    # THEN they stop at the clause's start
    assert before == clause


def test_content_words_count_characters_and_words_but_not_handles_or_links() -> None:
    # GIVEN texts in three scripts with handles and links
    # WHEN their words are counted
    # THEN each Chinese or Japanese character and each Latin word counts once; handles and links not
    assert content_words("@AmazonHelp It https://t.co/x1") == 1
    assert content_words("好！") == 1
    assert content_words("fireTVが見れない") == 6
    assert content_words("still broken") == 2
