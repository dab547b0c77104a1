"""Masking of personal data (R-COMP-4, audit-archive issue): ID and bank cards by check digit, phone
numbers and e-mail addresses by form; masked in place, the rest intact."""

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.loader import DEFAULT_POLICY_DIR, PolicyError
from policies.pii import PiiMatch, PiiPolicy, load_pii_policy

POLICY = load_pii_policy()
FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")


# -- independent reference implementations (not the module's code) ------------------------------------


def id_check_char(body: str) -> str:
    """ISO 7064 MOD 11-2 written from the standard: weights 2^(17-i) mod 11, check (12 - S mod 11) mod 11."""
    total = sum(int(char) * pow(2, 17 - index, 11) for index, char in enumerate(body))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def make_id(region: str = "110105", birth: str = "19491231", sequence: str = "002") -> str:
    body = region + birth + sequence
    return body + id_check_char(body)


def luhn_check_digit(payload: str) -> str:
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str(-total % 10)


def make_card(payload: str) -> str:
    return payload + luhn_check_digit(payload)


def is_luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def is_valid_id(number: str) -> bool:
    number = number.translate(TO_ASCII)
    if len(number) != 18 or not number[:17].isdigit() or id_check_char(number[:17]) != number[17]:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099


def grouped(number: str, layout: list[int], separator: str) -> str:
    parts, position = [], 0
    for size in layout:
        parts.append(number[position : position + size])
        position += size
    assert position == len(number)
    return separator.join(parts)


def variant(change: dict[str, Any]) -> PiiPolicy:
    """The shipped policy with some settings changed, validated like a file."""
    data = POLICY.model_dump()
    for kind, settings_ in change.items():
        if isinstance(settings_, dict):
            data[kind] = {**data[kind], **settings_}
        else:
            data[kind] = settings_
    return PiiPolicy.model_validate(data)


ID = "11010519491231002X"  # the SOP team's sample number: region 110105, born 1949-12-31
CARD_16 = "4111111111111111"
CARD_19 = make_card("622202020000123456")  # 6222020200001234562


def test_reference_samples_are_valid() -> None:
    # GIVEN the sample numbers used below THEN the independent checks accept them (guards the other tests)
    assert is_valid_id(ID)
    assert is_luhn_valid(CARD_16) and is_luhn_valid(CARD_19) and len(CARD_19) == 19
    assert not is_luhn_valid("2026042712345678")
    assert not is_luhn_valid("13812345678")


# -- ID cards ------------------------------------------------------------------------------------------


def test_valid_id_is_masked_showing_first_three_and_last_four() -> None:
    # GIVEN a customer quoting their ID number in a sentence
    text = f"我的身份证号是{ID}，请核实。"
    # WHEN masked
    masked = POLICY.mask(text)
    # THEN only the number changes: region prefix and last four stay, the rest is hidden, same length
    assert masked == "我的身份证号是110***********002X，请核实。"
    assert POLICY.find(text) == [PiiMatch("id_card", 7, 25)]


@pytest.mark.parametrize(
    "number",
    [make_id("440304", "19900307", "001"), make_id("110105", "20000229", "123"), ID.lower()],
    ids=["digit-check", "leap-day", "lowercase-x"],
)
def test_other_valid_ids_are_masked(number: str) -> None:
    masked = POLICY.mask(f"ID {number}.")
    assert masked == f"ID {number[:3]}{'*' * 11}{number[-4:]}."


@pytest.mark.parametrize(
    "number",
    [
        ID[:-1] + "1",  # wrong check character
        make_id("110105", "19490230", "002"),  # right check digit, but 30 February does not exist
        make_id("110105", "18991231", "002"),  # right check digit, born before 1900
        make_id("110105", "19491331", "002"),  # right check digit, month 13
    ],
    ids=["bad-check", "feb-30", "year-1899", "month-13"],
)
def test_id_with_bad_check_or_impossible_birth_date_is_not_masked(number: str) -> None:
    # GIVEN an 18-character number that is not a valid ID (and not a Luhn-valid card)
    assert not is_luhn_valid(number) or not number.isdigit()
    text = f"编号{number}"
    # THEN it is left alone
    assert POLICY.mask(text) == text
    assert POLICY.find(text) == []


def test_old_15_digit_id_is_masked_only_with_a_real_date_and_only_when_enabled() -> None:
    # GIVEN first-generation 15-digit IDs (YYMMDD at positions 7-12), none of them Luhn-valid
    old, impossible = "110105491231002", "110105491331002"
    assert not is_luhn_valid(old) and not is_luhn_valid(impossible)
    # THEN one with a real date is masked, one with month 13 is not
    assert POLICY.mask(old) == "110********1002"
    assert POLICY.mask(impossible) == impossible
    # AND with the 15-digit form switched off, neither is
    assert variant({"id_card": {"include_15_digit_form": False}}).mask(old) == old


def test_id_written_in_groups_is_masked() -> None:
    text = f"身份证 {grouped(ID, [6, 8, 4], ' ')} 谢谢"
    assert POLICY.mask(text) == "身份证 110*** ******** 002X 谢谢"


# -- bank cards ----------------------------------------------------------------------------------------


def test_valid_card_is_masked_to_its_last_four_and_invalid_luhn_is_not() -> None:
    # GIVEN a Luhn-valid card and the same number with its last digit changed
    broken = CARD_19[:-1] + str((int(CARD_19[-1]) + 1) % 10)
    text = f"卡号{CARD_19}，另一个{broken}"
    # WHEN masked
    masked = POLICY.mask(text)
    # THEN the valid one shows its last four only, the invalid one is untouched
    assert masked == f"卡号{'*' * 15}4562，另一个{broken}"
    assert [match.kind for match in POLICY.find(text)] == ["bank_card"]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (grouped(CARD_16, [4, 4, 4, 4], "-"), "****-****-****-1111"),
        (grouped(CARD_16, [4, 4, 4, 4], " "), "**** **** **** 1111"),
        (grouped(CARD_19, [4, 4, 4, 4, 3], " "), "**** **** **** ***4 562"),
        (grouped("378282246310005", [4, 6, 5], " "), "**** ****** *0005"),
        (grouped(CARD_16, [4, 4, 4, 4], "\u3000"), "****\u3000****\u3000****\u30001111"),
    ],
    ids=["hyphens", "spaces", "unionpay-19", "amex", "ideographic-space"],
)
def test_grouped_cards_keep_their_separators(written: str, expected: str) -> None:
    text = f"card: {written}, thanks"
    assert POLICY.mask(text) == f"card: {expected}, thanks"


def test_mixed_separators_or_unknown_grouping_is_not_a_card() -> None:
    # GIVEN Luhn-valid digits written with two kinds of separator, or in groups no card uses
    for text in ("4111 1111-1111 1111", grouped(CARD_16, [3, 3, 5, 5], " ")):
        # THEN they are not recognised (phone-like and reference-like groupings survive)
        assert POLICY.mask(text) == text


def test_full_width_digits_are_recognised_and_keep_their_form() -> None:
    # GIVEN a customer typing with a full-width keyboard
    card = grouped(CARD_16, [4, 4, 4, 4], " ").translate(FULL_WIDTH)
    text = f"卡号：{card}，身份证：{ID.translate(FULL_WIDTH)}。"
    # WHEN masked THEN both are found and the visible digits stay full-width
    assert POLICY.mask(text) == "卡号：**** **** **** １１１１，身份证：１１０***********００２Ｘ。"


def test_order_tracking_and_phone_numbers_are_not_taken_for_cards() -> None:
    # GIVEN the numbers a complaint is full of, none a valid card or ID
    text = (
        "手机13812345678，订单ORD-20260101-0001，单号2026042712345678，"
        "电话 138 1234 5678，+86-10-12345678，SF1234567890123，金额¥1999.00"
    )
    # THEN the phone numbers are found as phone numbers, and nothing else is found
    assert [(match.kind, text[match.start : match.end]) for match in POLICY.find(text)] == [
        ("phone", "13812345678"),
        ("phone", "138 1234 5678"),
        ("phone", "+86-10-12345678"),
    ]
    # AND with phone masking off, nothing is masked at all
    no_phones = variant({"phone": {"enabled": False}})
    assert no_phones.find(text) == []
    assert no_phones.mask(text) is text


def test_numbers_inside_longer_digit_runs_are_not_partially_matched() -> None:
    # GIVEN a valid card and a valid ID glued to more digits (21 and 20 digits long, too long for either)
    for text in (f"1{CARD_16}2222", f"1{make_id('440304', '19900307', '001')}2"):
        assert is_luhn_valid(text[1:17]) or is_valid_id(text[1:19])
        # THEN no part of the run is taken for a number
        assert POLICY.mask(text) == text


def test_number_inside_a_longer_digit_sequence_is_hidden_on_the_inner_side() -> None:
    # GIVEN a card followed by another digit group, and a card preceded by one
    # THEN the edge toward the neighbouring digits is fully hidden, so no visible digits join them
    assert POLICY.mask(f"{CARD_16} 8") == "**************** 8"
    assert POLICY.mask(f"1234 {grouped(CARD_16, [4, 4, 4, 4], ' ')}") == "1234 **** **** **** 1111"
    other = make_id("440304", "19900307", "001")  # 440304199003070018, ends in a digit
    assert POLICY.mask(f"{other} {other}") == "440*************** **************0018"


def test_a_letter_x_after_a_number_is_not_taken_for_its_check_character() -> None:
    # GIVEN a card and a digit-ending ID directly followed by the letter X
    other = make_id("440304", "19900307", "001")
    text = f"{CARD_16}X {other}x"
    # THEN the numbers are masked and the X stays as it was
    assert POLICY.mask(text) == f"{'*' * 12}1111X 440{'*' * 11}0018x"


def test_disabled_kind_is_left_alone_and_mask_char_comes_from_the_policy() -> None:
    policy = variant({"bank_card": {"enabled": False}, "mask_char": "#"})
    assert policy.mask(f"{CARD_16}，{ID}") == f"{CARD_16}，110###########002X"


# -- phone numbers -------------------------------------------------------------------------------------

MOBILE = "13912345678"  # with the prefix 86 or 0086 fused, not Luhn-valid (8613812345678 is a card number)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机13812345678，谢谢", "手机138****5678，谢谢"),
        ("电话 138 1234 5678", "电话 138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("Tel: 13812345678.", "Tel: 138****5678."),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("+86-138-1234-5678", "+86-138-****-5678"),
        ("0086 138 1234 5678", "0086 138 **** 5678"),
        (f"+86{MOBILE}", "+86139****5678"),
        (f"0086{MOBILE}", "0086139****5678"),
        (f"86 {MOBILE}", "86 139****5678"),
        ("手机：１３８１２３４５６７８", "手机：１３８****５６７８"),
    ],
    ids=[
        "in-chinese",
        "spaces",
        "hyphens",
        "sentence-end",
        "plus86-spaces",
        "plus86-hyphens",
        "0086-group",
        "plus86-fused",
        "0086-fused",
        "86-group",
        "full-width",
    ],
)
def test_mobile_number_shows_first_three_last_four_and_country_prefix(text: str, expected: str) -> None:
    assert POLICY.mask(text) == expected
    # AND the match is the whole number, prefix and "+" included
    number = re.search(r"[+0-9０-９][0-9０-９ \-]*[0-9０-９]", text)
    assert number is not None
    assert POLICY.find(text) == [PiiMatch("phone", *number.span())]


@pytest.mark.parametrize(
    ("text", "number", "expected"),
    [
        ("call me at +1 415-555-0132", "+1 415-555-0132", "+1 41*-***-0132"),
        ("London +44 20 7946 0958.", "+44 20 7946 0958", "+44 2* **** 0958"),
        ("北京+86-10-12345678转", "+86-10-12345678", "+86-1*-****5678"),
        ("座机010-62345678", "010-62345678", "010-****5678"),
        ("杭州 0571 88886666", "0571 88886666", "057* ****6666"),
        ("石家庄0311-2345678", "0311-2345678", "031*-***5678"),
    ],
    ids=["us", "uk", "beijing-international", "beijing", "hangzhou-8-digits", "shijiazhuang-7-digits"],
)
def test_international_and_landline_numbers_are_masked(text: str, number: str, expected: str) -> None:
    start = text.index(number)
    assert POLICY.find(text) == [PiiMatch("phone", start, start + len(number))]
    assert POLICY.mask(text) == text.replace(number, expected)


@pytest.mark.parametrize(
    "text",
    [
        "订单ORD-20260101-0001",
        "订单ORD-13812345678",  # glued to letters by a hyphen: a code
        "顺丰SF1234567890123",
        "单号SF13812345678",
        "YT13812345678CN",
        "v2.13812345678",
        "金额¥1999.00",
        "余额13812345678.50元",  # an amount
        "利率0.13812345678",
        "2026-11-25",
        "2026-11-25 10:30:00",
        "12345678901",  # 11 digits, but no mobile prefix 13-19
        "913812345678",  # a mobile number's digits inside a longer run
        "1381234567",  # one digit short
        "138 1234 567",  # not the 3-4-4 grouping
        "138-1234 5678",  # two kinds of separator
        "031-23456789",  # no such area code
        "0571-0123456",  # a local number does not start with 0
        "01062345678",  # a landline is written with its area code apart
        "+1 2026",  # too few digits after "+"
        "+1234567890123456",  # too many for E.164
        "价格 +12.50",
    ],
)
def test_codes_amounts_dates_and_short_or_long_runs_are_not_phone_numbers(text: str) -> None:
    assert POLICY.find(text) == []
    assert POLICY.mask(text) is text


def test_id_and_bank_cards_take_precedence_over_phone_numbers() -> None:
    # GIVEN a 16-digit Luhn-valid run starting like a mobile number, an 86-prefixed mobile number that
    # happens to pass Luhn, and a 0086-prefixed one that is also a first-generation ID (born 1949-12-31)
    card = make_card("138123456781234")
    luhn_phone = "8613812345678"
    old_id = "008613491231002"
    assert is_luhn_valid(card) and is_luhn_valid(luhn_phone)
    text = f"卡{card}，手机{luhn_phone}，证{old_id}，手机{MOBILE}"
    # THEN they are the card, the card and the ID, and only the last is a phone number
    assert [match.kind for match in POLICY.find(text)] == ["bank_card", "bank_card", "id_card", "phone"]
    # AND with cards and IDs off, the same runs are phone numbers only where they have a phone's form
    phones_only = variant({"id_card": {"enabled": False}, "bank_card": {"enabled": False}})
    assert [text[m.start : m.end] for m in phones_only.find(text)] == [luhn_phone, old_id, MOBILE]


def test_phone_next_to_a_card_in_one_sequence_is_hidden_on_the_inner_side() -> None:
    # GIVEN a card and a phone number written in one run of space-separated groups
    text = f"{grouped(CARD_16, [4, 4, 4, 4], ' ')} 138 1234 5678"
    # THEN both are found, and no visible digits sit next to the other number
    assert [match.kind for match in POLICY.find(text)] == ["bank_card", "phone"]
    assert POLICY.mask(text) == "**** **** **** **** *** **** 5678"
    # AND two mobile numbers separated by a space hide their inner sides; by a comma, they show both ends
    assert POLICY.mask(f"13812345678 {MOBILE}") == "138******** *******5678"
    assert POLICY.mask(f"13812345678、{MOBILE}") == "138****5678、139****5678"


# -- e-mail addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "address", "expected"),
    [
        ("邮箱zhang.san@example.com谢谢", "zhang.san@example.com", "z********@example.com"),
        ("reach me: jane.doe+orders@mail.co.uk.", "jane.doe+orders@mail.co.uk", "j**************@mail.co.uk"),
        ("Email JOHN_SMITH@Example.ORG, thanks", "JOHN_SMITH@Example.ORG", "J*********@Example.ORG"),
        ("<a.b-c%d@sub-domain.example.cn>", "a.b-c%d@sub-domain.example.cn", "a******@sub-domain.example.cn"),
        ("发到a@qq.com。", "a@qq.com", "*@qq.com"),  # a one-character local part is hidden entirely
        ("QQ邮箱13812345678@139.com", "13812345678@139.com", "1**********@139.com"),  # a phone inside
    ],
    ids=["chinese-around", "english-plus-tag", "uppercase", "punctuation", "one-character", "phone-inside"],
)
def test_address_shows_its_first_character_and_domain(text: str, address: str, expected: str) -> None:
    start = text.index(address)
    assert POLICY.find(text) == [PiiMatch("email", start, start + len(address))]
    assert POLICY.mask(text) == text.replace(address, expected)


@pytest.mark.parametrize(
    "text",
    [
        "zhang@localhost",
        "a@b.c",
        "@example.com",
        "写信给zhang@",
        "user@@example.com",
        "user@example.123",
        "name at example dot com",
        "zhang.@example",
    ],
)
def test_what_is_not_an_address_survives(text: str) -> None:
    assert POLICY.find(text) == []
    assert POLICY.mask(text) is text


def test_address_masking_follows_the_settings() -> None:
    text = "邮箱zhang.san@mail.example.com"
    assert variant({"email": {"keep_domain": False}}).mask(text) == "邮箱z********@****.*******.***"
    assert variant({"email": {"visible_leading": 0}}).mask(text) == "邮箱*********@mail.example.com"
    # the character before "@" stays hidden however much is to be shown: what is left is no address
    assert variant({"email": {"visible_leading": 20}}).mask("ab@x.cn") == "a*@x.cn"


def test_an_address_overlapping_a_number_is_one_match_and_hides_what_either_hides() -> None:
    # GIVEN a card running into an address, and a card as an address's domain
    for text, expected in [
        (f"{grouped(CARD_16, [4, 4, 4, 4], ' ')}ab@x.com", "**** **** **** 1*****@x.com"),
        (f"x@{CARD_16}.com", "*@************1111.com"),
    ]:
        # THEN one match of kind email covers both, and neither the card nor the address is readable
        assert POLICY.find(text) == [PiiMatch("email", 0, len(text))]
        assert POLICY.mask(text) == expected


def test_masking_repeats_until_what_it_exposed_is_masked_too() -> None:
    # GIVEN 16 full-width digits running into an address's ASCII digits "1234@": 20 digits, no card;
    # once the address is masked to "1***@", the 17 digits left are a Luhn-valid card
    payload = next(p for p in (f"411111111111111{k}" for k in range(10)) if luhn_check_digit(p) == "1")
    text = f"{payload.translate(FULL_WIDTH)}1234@x.com"
    masked = POLICY.mask(text)
    # THEN the card is masked as well, in the same call, and all of it is one match
    assert masked == f"{'*' * 13}{payload[-3:].translate(FULL_WIDTH)}1***@x.com"
    assert POLICY.find(text) == [PiiMatch("email", 0, len(text))]
    assert POLICY.mask(masked) == masked


def test_find_orders_all_kinds_and_each_disabled_kind_is_left_alone() -> None:
    text = f"身份证{ID}，卡号{CARD_16}，手机13812345678，邮箱zhang@example.com"
    assert [match.kind for match in POLICY.find(text)] == ["id_card", "bank_card", "phone", "email"]
    assert variant({"phone": {"enabled": False}}).mask(text) == (
        f"身份证110***********002X，卡号{'*' * 12}1111，手机13812345678，邮箱z****@example.com"
    )
    assert variant({"email": {"enabled": False}}).mask(text) == (
        f"身份证110***********002X，卡号{'*' * 12}1111，手机138****5678，邮箱zhang@example.com"
    )
    nothing = variant({kind: {"enabled": False} for kind in ("id_card", "bank_card", "phone", "email")})
    assert nothing.mask(text) is text


# -- properties ----------------------------------------------------------------------------------------

_FILLER = st.text(alphabet="ab Xx-*，。卡号0123456789０１２３", max_size=12)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    number = make_id(region, born.strftime("%Y%m%d"), sequence)
    if draw(st.booleans()):
        number = grouped(number, [6, 8, 4], draw(st.sampled_from(" -")))
    return number.lower() if draw(st.booleans()) else number


@st.composite
def valid_cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(13, 19))
    number = make_card(draw(st.from_regex(rf"[1-9][0-9]{{{length - 2}}}", fullmatch=True)))
    layouts = [layout for layout in POLICY.bank_card.group_layouts if sum(layout) == length]
    if layouts and draw(st.booleans()):
        number = grouped(number, list(draw(st.sampled_from(layouts))), draw(st.sampled_from(" -")))
    return number


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    number = draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
    if draw(st.booleans()):
        prefixes = ["", "+86 ", "+86-", "86 ", "0086 ", "0086-"]  # a fused prefix only before one group
        return draw(st.sampled_from(prefixes)) + grouped(number, [3, 4, 4], draw(st.sampled_from(" -")))
    return draw(st.sampled_from(["", "+86", "86", "0086", "+86 ", "86-", "0086 "])) + number


@st.composite
def landline_numbers(draw: st.DrawFn) -> str:
    area, local = draw(
        st.one_of(
            st.tuples(st.from_regex(r"0(10|2[0-9])", fullmatch=True), st.just(8)),
            st.tuples(st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True), st.sampled_from([7, 8])),
        )
    )
    number = draw(st.from_regex(rf"[1-9][0-9]{{{local - 1}}}", fullmatch=True))
    return f"{area}{draw(st.sampled_from(' -'))}{number}"


@st.composite
def international_numbers(draw: st.DrawFn) -> str:
    country = draw(st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True))
    national = draw(
        st.from_regex(rf"[0-9]{{{max(9 - len(country), 1)},{15 - len(country)}}}", fullmatch=True)
    )
    if len(national) <= 12 and draw(st.booleans()):  # one group: too short for a card
        return f"+{country}{draw(st.sampled_from(['', ' ', '-']))}{national}"
    parts = [country]
    while national:  # groups of two or three digits, as written in most countries
        size = draw(st.sampled_from([2, 3]))
        parts.append(national[:size])
        national = national[size:]
    return "+" + "".join(part + draw(st.sampled_from(" -")) for part in parts[:-1]) + parts[-1]


def phone_numbers() -> st.SearchStrategy[str]:
    return st.one_of(mobile_numbers(), landline_numbers(), international_numbers())


@st.composite
def addresses(draw: st.DrawFn) -> str:
    local = draw(st.from_regex(r"[A-Za-z0-9_%+-]([A-Za-z0-9._%+-]{0,10}[A-Za-z0-9_%+-])?", fullmatch=True))
    labels = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True),
            min_size=1,
            max_size=3,
        )
    )
    top_level = draw(st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True))
    return f"{local}@{'.'.join(labels)}.{top_level}"


def set_off(items: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Items between punctuation that cannot join them to what is around."""
    return st.builds(
        lambda item, left, right: f"{left}{item}{right}", items, st.sampled_from("：，"), st.just("。")
    )


@st.composite
def texts_with_numbers(draw: st.DrawFn) -> str:
    any_pii = st.one_of(valid_ids(), valid_cards(), phone_numbers(), addresses())
    parts = draw(st.lists(st.one_of(_FILLER, any_pii, set_off(phone_numbers() | addresses())), max_size=6))
    text = "".join(parts)
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


def unmasked_numbers(text: str) -> list[str]:
    """Valid numbers left in `text`, found independently: digit-bounded runs checked by Luhn and MOD 11-2."""
    runs = re.findall(r"(?<![0-9０-９])[0-9０-９]{13,19}(?![0-9０-９])", text)
    ids = re.findall(r"(?<![0-9０-９])[0-9０-９]{17}[XxＸｘ]", text)
    cards = [run for run in runs if is_luhn_valid(run.translate(TO_ASCII))]
    return cards + [run for run in runs + ids if is_valid_id(run)]


# Phone numbers and addresses standing between punctuation, described independently of the module: any
# left in a masked text is a miss. (Ones glued to letters or digits are codes, by policy, and not checked.)
_SET_OFF_PHONE = re.compile(
    r"(?<=[：，。])(?:"
    r"(?:\+?86[ -]?|0086[ -]?)?1[3-9][0-9]{9}"
    r"|(?:\+?86[ -]|0086[ -])?1[3-9][0-9]([ -])[0-9]{4}\1[0-9]{4}"
    r"|0(?:10|2[0-9])[ -][1-9][0-9]{7}"
    r"|0[3-9][0-9]{2}[ -][1-9][0-9]{6,7}"
    r"|\+[1-9](?:[ -]?[0-9]){8,14}"
    r")(?=[：，。])"
)
_SET_OFF_ADDRESS = re.compile(
    r"(?<=[：，。])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?=[：，。])"
)


def unmasked_phones_and_addresses(text: str) -> list[str]:
    phones = [match.group() for match in _SET_OFF_PHONE.finditer(text.translate(TO_ASCII))]
    return phones + _SET_OFF_ADDRESS.findall(text)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts_with_numbers())
def test_mask_keeps_length_leaves_no_number_and_is_idempotent(text: str) -> None:
    # WHEN any text, with valid numbers mixed in, is masked
    masked = POLICY.mask(text)
    # THEN it has the same length, and only characters inside found numbers changed, to the mask character
    assert len(masked) == len(text)
    inside = {index for match in POLICY.find(text) for index in range(match.start, match.end)}
    for index, (before, after) in enumerate(zip(text, masked, strict=True)):
        assert after == before or (index in inside and after == POLICY.mask_char)
    # AND no valid ID, card, phone number or address is left, by independent checks and by find
    assert unmasked_numbers(masked) == []
    assert unmasked_phones_and_addresses(masked) == []
    assert POLICY.find(masked) == []
    # AND masking again changes nothing
    assert POLICY.mask(masked) == masked


@settings(max_examples=300)
@given(
    number=st.one_of(valid_ids(), valid_cards(), phone_numbers(), addresses()),
    before=_FILLER,
    after=_FILLER,
)
def test_every_generated_number_standing_alone_is_found(number: str, before: str, after: str) -> None:
    # GIVEN a valid number or address separated from the surrounding text by punctuation
    text = f"{before}：{number}。{after}"
    # THEN exactly that is found (a "+" before a number that is a card, e.g. +8613812345678, is not its part)
    start, end = len(before) + 1, len(before) + 1 + len(number)
    starts = (start, start + 1) if number.startswith("+") else (start,)
    assert any(match.start in starts and match.end == end for match in POLICY.find(text)), POLICY.find(text)


# -- loading -------------------------------------------------------------------------------------------


@pytest.fixture
def pii_copy(tmp_path: Path) -> Path:
    shutil.copy(DEFAULT_POLICY_DIR / "pii.yaml", tmp_path / "pii.yaml")
    return tmp_path


def test_shipped_file_cites_r_comp_4_and_env_variable_selects_the_directory(
    pii_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert POLICY.rule == "R-COMP-4"
    # GIVEN a copy of pii.yaml with another mask character, selected through TRIAGE_POLICY_DIR
    path = pii_copy / "pii.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('mask_char: "*"', 'mask_char: "•"'), "utf-8")
    monkeypatch.setenv("TRIAGE_POLICY_DIR", str(pii_copy))
    # THEN that file is the one used
    assert load_pii_policy().mask(CARD_16) == "••••••••••••1111"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  visible_leading: 3", "  visible_leading: -1", "id_card.visible_leading"),
        ("  visible_leading: 0", "  visible_leading: 12", "bank_card: visible_leading + visible_trailing"),
        ('mask_char: "*"', 'mask_char: "0"', "mask_char"),
        ("  min_digits: 13", "  min_digits: 17", "group_layouts: [4, 4, 4, 1]"),
        (
            "  enabled: true\n  visible_leading: 3",
            "  enabled: yes please\n  visible_leading: 3",
            "id_card.enabled",
        ),
        ("rule: R-COMP-4", "rule: R-COMP-4\nshow_all: true", "show_all"),
        (
            "  visible_leading: 3    # 138",
            "  visible_leading: 6    # 138",
            "phone: visible_leading + visible_trailing",
        ),
        (
            '["86", "0086"]',
            '["86", "0086", "008600"]',
            "phone: the longest country prefix plus visible_leading",
        ),
        ('pattern: "1[3-9][0-9]{9}"', 'pattern: "1[3-9"', "phone.mobile.pattern"),
        (
            "      - [3, 4, 4] ",
            "      - [3, 4, 5] ",
            "group_layouts: [3, 4, 5] must have at least two groups adding up to 11",
        ),
        ("    max_digits: 15", "    max_digits: 16", "phone.international.max_digits"),
        ('mask_char: "*"', 'mask_char: "@"', "mask_char"),
        ("  keep_domain: true", "  keep_domain: true\n  visible_trailing: 2", "email.visible_trailing"),
    ],
    ids=[
        "negative-visible",
        "too-much-visible",
        "digit-mask",
        "layout-too-short",
        "not-a-bool",
        "unknown-key",
        "phone-too-much-visible",
        "phone-prefix-too-long",
        "phone-bad-pattern",
        "phone-layout-not-11",
        "international-beyond-e164",
        "address-mask",
        "email-trailing",
    ],
)
def test_broken_file_fails_naming_file_and_field(pii_copy: Path, old: str, new: str, expected: str) -> None:
    # GIVEN pii.yaml with one broken setting
    path = pii_copy / "pii.yaml"
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    # WHEN loaded THEN it fails with the file and the field
    with pytest.raises(PolicyError) as failure:
        load_pii_policy(pii_copy)
    assert str(path) in str(failure.value)
    assert expected in str(failure.value)


def test_missing_file_fails_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"pii\.yaml: cannot read policy file"):
        load_pii_policy(tmp_path)
