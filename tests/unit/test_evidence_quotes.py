"""The customer's words quoted as evidence: a passage of their text, cut where a clause or word ends."""

from hypothesis import given
from hypothesis import strategies as st

from policies.text import normalise

LIMIT = 40


def _quote(text: str, words: str, limit: int = LIMIT) -> str:
    norm = normalise(text)
    start = norm.text.index(words.lower())
    return norm.evidence(start, start + len(words), limit)


def test_a_short_sentence_is_quoted_whole() -> None:
    # GIVEN a sentence shorter than the limit, followed by another one
    text = "The charger caught fire. I want a refund."
    # WHEN the match in the first sentence is quoted
    quote = _quote(text, "caught fire")
    # THEN the whole first sentence is the quote, without its full stop
    assert quote == "The charger caught fire"


def test_a_long_english_sentence_is_cut_between_words() -> None:
    # GIVEN one long sentence with the match in its middle
    text = (
        "I have written to you five times about this order and my blender arrived with a cracked jug "
        "and nobody answers my emails or my calls or my messages at all"
    )
    words = text.split()
    for limit in range(20, 61):
        # WHEN it is quoted with a limit that cuts it
        quote = _quote(text, "cracked", limit)
        # THEN the quote holds the match, is a passage of the text, and starts and ends on whole words
        assert "cracked" in quote
        assert quote in text
        assert quote.split()[0] in words and quote.split()[-1] in words, (limit, quote)


def test_a_long_chinese_sentence_is_cut_at_a_clause_not_inside_a_number() -> None:
    # GIVEN the wedding-dress complaint as one long sentence (commas only)
    text = (
        "@优选商城官方 婚礼就在后天，我订的婚纱因为下雨物流延误了3天，新娘急得不行，"
        "我们全家都在等这件婚纱，已经打了好几次电话客服都说在查，到底什么时候能到"
    )
    # WHEN the logistics cue is quoted
    quote = _quote(text, "物流延误")
    # THEN "3天" stays whole and the quote ends where a clause ends
    assert "延误了3天" in quote
    assert quote in text
    after = text[text.index(quote) + len(quote)]
    assert after in "，,"


@given(
    before=st.text(alphabet="abc 你好，,", max_size=120),
    after=st.text(alphabet="xyz 世界，,", max_size=120),
    limit=st.integers(min_value=10, max_value=100),
)
def test_a_quote_is_always_a_passage_holding_the_match(before: str, after: str, limit: int) -> None:
    # GIVEN any text around a match
    text = f"{before}MATCH{after}"
    # WHEN it is quoted with any limit
    quote = _quote(text, "MATCH", limit)
    # THEN the quote is the customer's own words, holds the match, and stays near the limit
    assert "MATCH" in quote
    assert quote in text
    assert len(quote) <= limit + 2 * (limit // 4) + len("MATCH")
