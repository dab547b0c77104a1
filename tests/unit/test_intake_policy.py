"""The order number of a complaint (R-INTAKE-2), which files it in the archive (R-LOOP-3)."""

from __future__ import annotations

import pytest

from policies.loader import load_policy

ORDERS = load_policy().intake.order_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("订单号：ORD-20260101-0001 三天没发货", "ORD-20260101-0001"),
        ("訂單編號 A1234567 還沒到", "A1234567"),
        ("订单 ORD-20260101-0002 一直没发货", "ORD-20260101-0002"),
        ("My order #A123456 never arrived", "A123456"),
        ("order number 98765432 is late", "98765432"),
        ("I ordered a phone last week and it is broken", None),
        ("订单一直没发货", None),
    ],
)
def test_the_order_number_is_found_in_either_language(text: str, expected: str | None) -> None:
    assert ORDERS.find((), text) == expected


def test_an_order_tag_wins_over_the_text() -> None:
    assert ORDERS.find(["vip", "order_ab-77"], "订单号：ORD-1234567") == "AB-77"


def test_a_pattern_without_a_group_is_refused_at_load(tmp_path) -> None:
    from policies.loader import PolicyError, load_policy
    from tests.policy_copy import copy_policies

    copy_policies(tmp_path)
    (tmp_path / "intake.yaml").write_text(
        "order_number:\n  rule: R-INTAKE-2\n  patterns: ['订单号\\d+']\n", encoding="utf-8"
    )
    with pytest.raises(PolicyError, match=r"intake\.yaml.*needs a group"):
        load_policy(tmp_path)
