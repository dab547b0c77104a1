"""Which language a text is graded in (policies/text.py): the customer's words decide, not a brand
handle or a product name written in the other script."""

from __future__ import annotations

import pytest

from policies.text import normalise


@pytest.mark.parametrize(
    ("text", "chinese"),
    [
        ("@优选商城 Does anyone know if you ship to Canada?", False),  # a Chinese handle, English words
        ("I bought the 小米 phone and it broke after two days, terrible", False),
        ("@优选商城 我的婚纱说好上周到", True),
        ("@优选商城我的订单还没到", True),  # no space after the handle: the words are the customer's
        ("我买的iPhone 15 Pro Max屏幕坏了", True),
        ("屏幕 OLED, 120Hz, Snapdragon 8 Gen 3, 很流畅", True),
        ("@ShopCo 包裹丢了", True),
        ("My parcel is lost", False),
    ],
)
def test_the_customers_own_words_decide_the_language(text: str, chinese: bool) -> None:
    # GIVEN a text mixing scripts WHEN normalised THEN it is read in the language of its words
    assert normalise(text).is_chinese is chinese
