"""What "the same problem" is (R-GRADE-1b, issue 18): a product failing one specific way."""

from __future__ import annotations

import pytest

from policies.engine import TriageEngine
from policies.problems import ProblemReader

ENGINE = TriageEngine.from_directory()
POLICY = ENGINE.policy
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
    # THEN each names its own product (family) and failure: five keys, none shared
    assert [k.key if k else None for k in keys] == [
        "charging_accessory|electric_shock",
        "bakery|illness_after_eating",
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
    assert problem is not None and problem.product == "charging_accessory"
    # AND a power bank charging a phone is the power bank, wherever the phone is named
    problem = READER.problem_of("给手机充电的充电宝鼓包了")
    assert problem is not None and problem.product == "power_bank"


def test_look_alike_senses_of_a_failure_do_not_count() -> None:
    # GIVEN praise that uses a fire word in its other sense
    # WHEN its problem is read THEN no failure is found
    assert READER.problem_of("这款充电宝太火爆了，卖得真好") is None


def test_the_key_is_described_for_people() -> None:
    assert POLICY.problems.describe("power_bank|overheating").startswith("power bank: ")
    assert "overheating" in POLICY.problems.describe("power_bank|overheating")


@pytest.mark.parametrize(
    ("texts", "key"),
    [
        (
            [
                "给儿子买的合金小汽车，轮子一掰就掉，他差点吞下去",  # the specific name
                "玩具车的小零件掉了，孩子差点吞下去",  # the general one
                "兒子的合金車輪子鬆脫，他差點吞下去",  # traditional
                "The toy car's wheel came off and my toddler nearly swallowed it",  # English
                "这个玩具的零件太小了，宝宝误吞了一个",  # the most general
            ],
            "toy|choking",
        ),
        (
            [
                "这箱橙汁喝完全家都拉肚子",
                "果汁喝完肚子疼，拉了一晚上",
                "買的柳橙汁喝完一直拉肚子，跑了好幾次廁所",
                "The orange juice made my kids sick, they were on the toilet all night",
                "饮料喝了以后上吐下泻",
            ],
            "drink|illness_after_eating",
        ),
        (
            [
                "充电器插上就冒烟了",
                "数据线接口处烧焦了，差点着火",
                "充電線插頭燒焦了，還冒煙",
                "my charging cable sparked and smoked when I plugged it in",
                "The charger got so hot it melted the outlet cover",
            ],
            "charging_accessory|overheating",
        ),
    ],
)
def test_one_product_named_at_different_levels_meets_under_its_family(texts: list[str], key: str) -> None:
    # GIVEN customers naming one product generally, specifically, in three scripts and in English
    # WHEN each one's problem is read
    keys = {t: READER.problem_of(t) for t in texts}
    # THEN all are one readable key: the product's family failing one way
    assert {t: k.key if k else None for t, k in keys.items()} == dict.fromkeys(texts, key)


def test_unrelated_products_stay_apart_even_in_one_family_of_words() -> None:
    # GIVEN the same failure in products that are not one item named two ways
    texts = {
        "电水壶外壳漏电，手被电了一下": "kettle|electric_shock",
        "电饭煲外壳漏电，手被电了一下": "rice_cooker|electric_shock",
        "充电宝充电时冒烟了": "power_bank|overheating",
        "充电器充电时冒烟了": "charging_accessory|overheating",
        "喝了这盒牛奶就拉肚子": "dairy|illness_after_eating",
        "喝了这瓶果汁就拉肚子": "drink|illness_after_eating",
        "This space heater caught fire": "space_heater|overheating",
        "This hair dryer caught fire": "hair_dryer|overheating",
    }
    # WHEN their problems are read THEN each keeps its own family
    assert {t: (p.key if (p := READER.problem_of(t)) else None) for t in texts} == texts


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("吹风机手柄有电，摸着手发麻", "hair_dryer|electric_shock"),
        ("电饭煲外壳摸上去麻手，家里老人都不敢碰", "rice_cooker|electric_shock"),
        ("熱水器出水時，手碰到水龍頭會麻麻的", "water_heater|electric_shock"),
        ("my kettle gives a tingle every time I touch the handle", "kettle|electric_shock"),
        ("新买的拖鞋有股刺鼻的橡胶味，穿一会就头晕", "shoes|fumes"),
        ("爬行垫味道很呛，孩子爬了一上午就咳嗽", "rug|fumes"),
        ("This yoga mat has a strong chemical smell that gave me a headache", "fitness_equipment|fumes"),
        ("這雙拖鞋味道好刺鼻", "shoes|fumes"),
    ],
)
def test_a_failure_told_without_its_concept_words_is_still_read(text: str, key: str) -> None:
    # GIVEN a shock told by how it felt (麻手, a tingle) or fumes by how they sting (刺鼻, 呛)
    # WHEN its problem is read THEN the failure is the one the words mean
    problem = READER.problem_of(text)
    assert problem is not None and problem.key == key


@pytest.mark.parametrize(
    "text",
    [
        "这家的麻辣烫太麻了，吃得嘴发麻",  # numbness from pepper is no shock
        "洗完头皮发麻，说明书写得太吓人了",  # an idiom of fear
        "雪糕都融化了，外卖太慢",  # melting ice cream is no overheating
        "这个包装是假的吧",  # a fake box names no product
        "热水器的水很烫",  # hot water is what a water heater is for
    ],
)
def test_look_alikes_of_the_new_failure_words_are_no_problem(text: str) -> None:
    # GIVEN words that only look like a shock, a melting device, or a counterfeit of something
    # WHEN the problem is read THEN there is none
    assert READER.problems_of(text) == []


def test_a_product_inside_the_failure_words_is_not_the_product() -> None:
    # GIVEN a failure told with a product word inside it ("on the toilet all night")
    problem = READER.problem_of("The juice made my kids sick, they were on the toilet all night")
    # THEN the product is the one the failure is about
    assert problem is not None and problem.key == "drink|illness_after_eating"


def test_a_product_in_two_families_is_refused() -> None:
    # GIVEN a policy that files one product under two families
    from pydantic import ValidationError

    from policies.problems import ProblemPolicy

    data = POLICY.problems.model_dump(by_alias=True)
    data["families"] = {**data["families"], "gadget": ["charger"]}
    # WHEN it is loaded THEN it stops, naming the product and both families
    with pytest.raises(ValidationError, match=r"charger.*two families"):
        ProblemPolicy.model_validate(data)


def test_near_identical_reports_naming_no_product_share_a_key_and_others_do_not() -> None:
    # GIVEN one warning passed around in two scripts and other punctuation, naming no product, and the
    # same failure told in other words
    reader = ENGINE.problems  # with alerting.yaml's near_identical
    copies = [
        "用了不到十分钟就开始冒烟，还有一股很浓的焦糊味，吓得我赶紧关掉了，大家千万别再买了",
        "用了不到十分鐘就開始冒煙 還有一股很濃的焦糊味 嚇得我趕緊關掉了 大家千萬別再買了！！",
    ]
    other = "才买一周，用的时候突然冒黑烟，家里老人吓坏了，要求退货并赔偿"
    # WHEN their problems are read
    keys = [p.key for text in copies for p in reader.problems_of(text)]
    other_keys = [p.key for p in reader.problems_of(other)]
    # THEN the copies meet under one near-identical bucket of the failure, readable as such
    assert len(keys) == 2 and len(set(keys)) == 1 and keys[0].startswith("similar_")
    assert keys[0].endswith("|overheating")
    assert "near-identical" in POLICY.problems.describe(keys[0])
    # AND other words are another bucket, and a short bare hazard is none (a bare flag never groups)
    assert other_keys and other_keys[0] != keys[0]
    assert reader.problems_of("用了两次就冒烟了，差点着火") == []


def test_near_identical_bands_must_each_be_one_of_the_reads() -> None:
    # GIVEN a group policy with more LSH bands than candidates it may read
    from pydantic import ValidationError

    from policies.alerting import GroupComplaintPolicy

    data = POLICY.alerting.group_complaint.model_dump()
    data["near_identical"]["bands"] = data["candidates_considered"] + 1
    # WHEN it is loaded THEN it stops: the join reads one bucket per band and no more
    with pytest.raises(ValidationError, match="bands"):
        GroupComplaintPolicy.model_validate(data)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("充电宝充电的时候烫得拿不住", "power_bank|overheating"),
        ("my power bank heats up like crazy", "power_bank|overheating"),
        ("The charging cable got hot enough to burn my fingers", "charging_accessory|overheating"),
        ("the charger smelled like something burning", "charging_accessory|overheating"),
        ("the heater gave off a burnt smell", "space_heater|overheating"),
        ("洗衣机碰一下手酥酥的", "laundry_machine|electric_shock"),
        ("热水器洗澡的时候手上酥麻", "water_heater|electric_shock"),
        ("the washing machine gives me a little buzz when I touch it", "laundry_machine|electric_shock"),
        ("吃了这家外卖跑了一晚上厕所", "takeaway_meal|illness_after_eating"),
        ("吃完面包一直在厕所", "bakery|illness_after_eating"),
        ("Ate the chicken and was up all night", "meat|illness_after_eating"),
        ("吃薯片咬到硬的东西", "snacks|foreign_object"),
        ("I bit into something hard in the bread", "bakery|foreign_object"),
        ("薯片里面混着一小块玻璃", "snacks|foreign_object"),
        ("用了面霜脸上刺痒", "beauty|skin_reaction"),
        ("用了面霜眼周开始肿", "beauty|skin_reaction"),
        ("the face cream made my skin burn and itch", "beauty|skin_reaction"),
        ("the mattress smell gave me a headache", "bedding|fumes"),
        ("新买的床垫闻着头晕", "bedding|fumes"),
    ],
)
def test_a_failure_told_in_everyday_words_is_read(text: str, key: str) -> None:
    # GIVEN a failure told in everyday words no concept holds (烫得拿不住, 酥酥的, 跑了一晚上厕所,
    # 咬到硬的东西, 刺痒, "gave me a headache")
    # WHEN its problem is read THEN it is the product's failure of that kind
    assert key in [p.key for p in READER.problems_of(text)]


@pytest.mark.parametrize(
    "text",
    [
        "the noise kept me up all night after we ate at the hotel restaurant",  # awake, not ill
        "洗发水用完头皮还是痒，头皮屑也多",  # a scalp that still itches: the shampoo did not help
        "酒店床单不干净，睡了一晚身上好痒",  # a dirty bed, not a reaction to a product
        "想买这个手机心痒痒的",  # itching to buy
        "烤箱做的面包有股烧焦味",  # burnt bread, no wiring or appliance heat named
        "收到的床垫包装里有塑料片",  # a piece of plastic in packaging, not in food
    ],
)
def test_look_alikes_of_the_everyday_failure_words_are_no_new_problem(text: str) -> None:
    # GIVEN words of the new signs in another sense (a night awake, an itch a shampoo did not cure)
    # WHEN the failures it shows are read THEN none of the new kinds is found there (a failure one
    # fault may also show is a candidate only where others reported it, not a failure read)
    kinds = set(READER.failures_in(text))
    assert not kinds & {"illness_after_eating", "skin_reaction", "foreign_object"}


def test_a_battery_swollen_into_a_loaf_is_not_bread() -> None:
    # GIVEN a power bank "swollen into a little loaf" (胀成小面包)
    problem = READER.problem_of("这款10000毫安的宝，充电时闻到焦糊味，起来一看已经胀成小面包了")
    # THEN the loaf is the failure's words, not a product: the key is the power bank's
    assert problem is not None and problem.key == "power_bank|overheating"


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("孩子的小车电池冒烟了", "toy"),  # a child's 小车 is a toy car
        ("宝宝的遥控小车冒烟", "toy"),
        ("我开的小车在高速上失控", "car"),  # a 小车 driven on the motorway is a car
        ("带孩子开车，小车在高速上起火了", "car"),  # a child in a driven car: still a car
        ("我的小汽车开在高速上突然起火", "car"),  # a grown-up's 小汽车 is a car, not a toy
        ("合金小汽车的轮子掉了，孩子差点吞下", "toy"),
        ("my toddler's ride-on car caught fire", "toy"),
    ],
)
def test_a_name_with_two_senses_is_read_by_the_words_beside_it(text: str, product: str) -> None:
    # GIVEN 小车 / 小汽车 / car beside a child's or a driver's words
    # WHEN the problem is read THEN the product is the toy or the car those words tell
    problem = READER.problem_of(text)
    assert problem is not None and problem.product == product


@pytest.mark.parametrize(
    "text",
    [
        "手机的充电头冒烟了",
        "my phone's plug sparked and smoked",
        "iPhone的充电线冒烟了",
        "MacBook's charger caught fire",
        "the charger for my laptop caught fire",
        "华为手机原装的充电器烫得拿不住",
    ],
)
def test_a_part_named_with_its_owner_is_the_part(text: str) -> None:
    # GIVEN a charger or cable named with the device it belongs to (手机的充电头, "my phone's plug")
    # WHEN the problem is read THEN the product is the part (the charging accessory), not the owner
    problem = READER.problem_of(text)
    assert problem is not None and problem.product == "charging_accessory"


def test_a_generic_part_keeps_its_owner_and_a_flavour_is_no_product() -> None:
    # GIVEN an e-bike's battery (a generic part), crisps named by their flavour, and overlapping
    # names (压力锅盖)
    # WHEN the problems are read
    battery = READER.problem_of("电动车的电池起火了")
    crisps = READER.problem_of("番茄味的薯片里面混着一小块玻璃")
    lid = READER.problem_of("压力锅盖突然弹开，热汤溅到手臂，烫伤了")
    # THEN the owner of a generic part is the product, the flavour is not, and neither overlapping
    # name owns the other
    assert battery is not None and battery.key == "e_bike|overheating"
    assert crisps is not None and crisps.key == "snacks|foreign_object"
    assert lid is not None and lid.key == "pressure_cooker|cut_or_burn_injury"


def test_a_name_sense_must_read_a_known_name_as_a_known_product() -> None:
    # GIVEN a name sense that reads a name no product has, or as a product not in the lexicon
    from policies.problems import ProblemPolicy

    base = POLICY.problems.model_dump(by_alias=True)
    unknown_name = {"names": ["飞天小车"], "product": "toy_car", "beside": {"zh": ["孩子"]}}
    unknown_product = {"names": ["小车"], "product": "rocket", "beside": {"zh": ["孩子"]}}
    # WHEN the policy is validated THEN both are refused, naming what is wrong
    for sense, words in ((unknown_name, "飞天小车"), (unknown_product, "rocket")):
        with pytest.raises(ValueError, match=words):
            ProblemPolicy.model_validate({**base, "name_senses": [sense]})


def test_one_fault_told_by_another_effect_may_join_that_effects_group() -> None:
    # GIVEN a kettle that shocked a customer (failed wiring also sparks, melts and overheats)
    # WHEN its problems are read
    keys = [p.key for p in READER.problems_of("电水壶底座漏电，手被电了一下")]
    # THEN its own failure comes first and the same fault's other effect after it, same product
    assert keys[0] == "kettle|electric_shock"
    assert "kettle|overheating" in keys[1:]
    # AND a failure with no such relation adds nothing
    assert [p.key for p in READER.problems_of("积木的小零件脱落了，孩子差点吞下去")] == ["toy|choking"]


def test_a_fault_reaches_every_effect_it_is_linked_to_not_only_the_next() -> None:
    # GIVEN a heated vest told by the skin it burned (skin reaction -> burn -> overheating)
    # WHEN its problems are read
    keys = [p.key for p in READER.problems_of("The heated vest burned me, red welts all over my back")]
    # THEN the device's overheating is among them, two links away, after what the text told
    assert keys[0] != "heated_clothing|overheating"
    assert "heated_clothing|overheating" in keys


def test_same_fault_as_must_name_known_failures() -> None:
    # GIVEN a failure said to share a fault with one that does not exist
    from pydantic import ValidationError

    from policies.problems import ProblemPolicy

    data = POLICY.problems.model_dump(by_alias=True)
    data["failures"][0]["same_fault_as"] = ["sparks_and_flames"]
    # WHEN the policy is loaded THEN it stops, naming the unknown failure
    with pytest.raises(ValidationError, match="sparks_and_flames"):
        ProblemPolicy.model_validate(data)


class _CountedClusters:
    """In memory: how many customers each problem has, and where a customer was counted."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = dict(sizes)

    def customers(self, key: str, **_: object) -> int:
        return self.sizes.get(key, 0)

    def join(self, key: str, **_: object) -> object:
        self.sizes[key] = self.sizes.get(key, 0) + 1
        return key


def test_a_related_effect_joins_the_group_more_customers_reported_and_never_starts_one() -> None:
    from datetime import UTC, datetime

    from functions.triage.group_complaints import join_problem

    group = POLICY.alerting.group_complaint
    shocked = READER.problems_of("电水壶底座漏电，手被电了一下")
    at = datetime(2026, 12, 6, tzinfo=UTC)
    # GIVEN three customers already reported kettles overheating, none a shock
    clusters = _CountedClusters({"kettle|overheating": 3})
    # WHEN a customer reports a shock from a kettle THEN it joins the overheating kettles
    _, problem = join_problem(clusters, shocked, group, customer="c4", ticket_id=4, at=at)  # type: ignore[arg-type]
    assert problem.key == "kettle|overheating" and clusters.sizes["kettle|overheating"] == 4
    # AND with no one before it, the shock starts its own problem, not the related one
    fresh = _CountedClusters({})
    _, first = join_problem(fresh, shocked, group, customer="c1", ticket_id=1, at=at)  # type: ignore[arg-type]
    assert first.key == "kettle|electric_shock"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # a shock: Indian English, Cantonese, a start, a tingle at the feet, shocks in the plural
        ("I got current from the geyser while bathing", "water_heater|electric_shock"),
        ("個熱水爐漏電，沖涼俾電親", "water_heater|electric_shock"),
        ("电饭锅外壳带电，我老婆碰了一下被电得一激灵", "rice_cooker|electric_shock"),
        ("the foot spa gave me a tingle when I put my feet in", "massager|electric_shock"),
        ("my hair straightener gives off little electric shocks", "hair_styler|electric_shock"),
        # overheating: Taiwan's 著火, a battery that 膨胀, a lead that trips the electrics, a vented battery
        ("電暖爐著火了，還好人在家", "space_heater|overheating"),
        ("充电宝充着充着就膨胀了，把手机壳都顶开了", "power_bank|overheating"),
        ("the extension reel melted and tripped the electrics", "power_strip|overheating"),
        ("my e-cig battery vented and burned a hole in my pocket", "e_cigarette|overheating"),
        ("酸奶机插上电就冒烟了", "yogurt_maker|overheating"),
        ("there is gas leakage from the new gas stove knob", "gas_stove|gas_leak"),
        # illness after eating: Indian English, Cantonese, a baby's 米粉 (rice cereal, not rice noodles)
        ("I had loose motions after eating the paneer", "dairy|illness_after_eating"),
        ("食咗呢盒曲奇之後成家人屙嘔", "snacks|illness_after_eating"),
        ("宝宝6个月大，吃了这个米粉以后一直拉肚子", "baby_food|illness_after_eating"),
        ("八宝粥里吃出一片指甲大小的铁片", "canned_food|foreign_object"),
        ("my son cracked his tooth on a stone in the rice", "rice|foreign_object"),
        ("婴儿推车折叠时夹到宝宝手指，夹出血了", "stroller|cut_or_burn_injury"),
        ("the pram hinge trapped my daughter's finger", "stroller|cut_or_burn_injury"),
        # a skin reaction: Hong Kong's 块面 (the face) and 痕 (itch), earlobes, a nappy area
        ("塊面膜敷完成塊面好痕又紅", "beauty|skin_reaction"),
        ("the earrings made my ears swollen and itchy", "jewellery|skin_reaction"),
        ("纸尿裤用了两天宝宝屁屁红了一大片", "diaper|skin_reaction"),
        # a swallowed part: magnet balls and water beads a small child swallowed
        ("孩子把巴克球吞进了肚子，送医院拍片", "toy|choking"),
        ("the water beads were swallowed by my toddler", "toy|choking"),
        # loss of control: Taiwan's 煞车, a stuck throttle
        ("電動車煞車失靈差點撞車", "e_bike|loss_of_control"),
        ("the throttle stuck on my electric scooter", "e_bike|loss_of_control"),
        # fumes: Hong Kong's 攻鼻, Taiwan's 塑膠味
        ("爬行墊好臭，啲味好攻鼻", "rug|fumes"),
        ("新買的瑜伽墊塑膠味很重，聞到頭暈", "fitness_equipment|fumes"),
        # stop 32: seats and poles that give way under a load (under my weight, lean on them, 一撑就缩回去),
        # a bath seat that tips a baby into the water, a stool that only wobbles
        ("the counter stool broke under my son and he fell", "furniture|breaks_in_use"),
        ("my barstool collapsed under my weight", "furniture|breaks_in_use"),
        ("the walking poles telescope shut when I lean on them and I fell", "camping_gear|breaks_in_use"),
        ("登山杖一撑就缩回去，我直接摔倒了", "camping_gear|breaks_in_use"),
        ("婴儿浴座一碰就倒了，宝宝呛了水", "baby_bath|breaks_in_use"),
        ("the bar stool wobbles a bit under my weight", None),
        # a camping chair is a chair, a foam topper bedding, a coffee travel cup a cup (its family cookware,
        # not the coffee), a toy's eye dug out of a baby's mouth; a glass roof is no glass in food
        ("the folding camp chair collapsed under me and I fell on my back", "furniture|breaks_in_use"),
        ("露营椅才坐第二次，椅脚直接断掉，整个人往后摔在地上", "furniture|breaks_in_use"),
        ("the foam topper stinks of chemicals, we both got headaches and sore eyes", "bedding|fumes"),
        ("咖啡随身杯盖子松脱，热咖啡烫伤了我的手", "cookware|cut_or_burn_injury"),
        ("兔子玩偶的眼睛就掉了，还好我及时从她嘴巴里挖出来", "toy|choking"),
        ("酒店走廊没有玻璃顶，吃饭要跑去另一栋楼，杯子也不提供", None),
        # look-alikes: a crush, laughter, a melted heart, a rash cream, a mind that short-circuits, a warning
        ("这本书让人心里暖暖的，像被电了一下", None),
        ("这家外卖好吃到爆，笑到肚子疼", None),
        ("my heart melted when I saw the teddy", None),
        ("用了这个面霜脸上再也不泛红了", None),
        ("the nappy rash cream for my baby arrived late", None),
        ("脑子短路了，把充电器落在酒店", None),
        ("小心火烛，电暖器别放在床边", None),
    ],
)
def test_more_ways_to_name_a_product_and_tell_its_failure_meet_in_one_key(text: str, key: str | None) -> None:
    # GIVEN a product named and a failure told in words the lexicon has by meaning (Taiwan and Hong Kong
    # words, Cantonese, British and Indian English, compounds and new products), or a look-alike of them
    # WHEN its problem is read
    problems = READER.problems_of(text)
    # THEN it is the product's family failing that way, and a look-alike is no problem at all
    if key is None:
        assert problems == []
    else:
        assert problems and problems[0].key == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("drill batt puffed up like a pillow after 3 charges", "power_tool|overheating"),
        ("The 20V battery pack that came with my cordless drill has swollen up", "power_tool|overheating"),
        ("插電的那種毯子，控制器先冒火花，接著邊邊就冒出小火苗", "electric_blanket|overheating"),
    ],
)
def test_the_failures_product_is_one_of_the_kinds_it_happens_to(text: str, key: str) -> None:
    # GIVEN a text naming a product the failure cannot happen to (a pillow in a simile) or a name
    # whose sense the words beside it tell (a battery pack beside a drill, a blanket that plugs in)
    problem = READER.problem_of(text)
    # WHEN its problem is read THEN the product is the one that can fail that way
    assert problem is not None and problem.key == key


def test_a_product_of_another_kind_still_counts_when_it_is_the_only_one() -> None:
    # GIVEN a shock told about the only product named, of no powered kind (a ranking, not a filter)
    problem = READER.problem_of("这个不锈钢保温杯摸着漏电，手被电了一下")
    # THEN the product named is still the problem's product
    assert problem is not None and problem.key.endswith("|electric_shock")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["failures"][0].update(happens_to=["levitating"]), "levitating"),
        (lambda d: d["product_kinds"].update(powered=["warp_drive"]), "warp_drive"),
    ],
)
def test_product_kinds_must_name_known_families_and_kinds(edit, message: str) -> None:
    # GIVEN a failure that happens to an undefined kind, or a kind naming an unknown family
    from pydantic import ValidationError

    from policies.problems import ProblemPolicy

    data = POLICY.problems.model_dump(by_alias=True)
    edit(data)
    # WHEN the policy is loaded THEN it stops, naming what is unknown
    with pytest.raises(ValidationError, match=message):
        ProblemPolicy.model_validate(data)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("彈力帶拉到一半直接斷掉，回彈打在臉上，眼角腫一大塊", "fitness_equipment|breaks_in_use"),
        ("婴儿澡椅质量太差，吸盘一松整个往前翻，孩子脸直接扎进水里", "baby_bath|breaks_in_use"),
        ("My resistance band snapped and whipped me in the face, welt across my cheek", None),
        # a chair or a stool that gave way while someone sat on it, hurt or not
        ("凳子刚坐上去就垮了，幸好没摔着", "furniture|breaks_in_use"),
        ("The bar stool snapped under me the second week", "furniture|breaks_in_use"),
        ("折叠椅坐着坐着椅腿就断掉了", "furniture|breaks_in_use"),
    ],
)
def test_a_product_that_breaks_in_use_and_hurts_is_one_failure(text: str, key: str | None) -> None:
    # GIVEN a product that snapped, burst or tipped over and struck, dropped or half-drowned someone,
    # or a seat that gave way under its user
    # WHEN its problems are read
    keys = [p.key for p in READER.problems_of(text)]
    # THEN the failure is the breakage that hurt, under the product's family
    assert key is None or keys[0] == key
    assert any(k.endswith("|breaks_in_use") for k in keys)


@pytest.mark.parametrize(
    "text", ["手机屏幕摔碎了，换屏要三百", "The phone screen cracked in the box, arrived shattered"]
)
def test_a_breakage_that_hurt_no_one_is_no_failure(text: str) -> None:
    # GIVEN a product that broke without hurting anyone (a cracked screen)
    # WHEN the failures it shows are read THEN breaking in use is not among them
    assert "breaks_in_use" not in READER.failures_in(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Made a smoothie in the new blender and spat out a sliver of metal from the blade", "blender|"),
        ("用电饭煲煮的饭里吃出一块铁片", "rice_cooker|"),
        ("Found a staple in my soup, the takeaway didn't even apologise", "soup|"),
    ],
)
def test_a_foreign_object_belongs_to_the_appliance_that_made_the_food(text: str, key: str) -> None:
    # GIVEN an object found in food beside the appliance it came from (or no appliance at all)
    problems = READER.problems_of(text)
    # WHEN its problems are read THEN the first is the appliance's foreign object, else the food's
    assert problems and problems[0].key == f"{key}foreign_object"


def test_a_failure_only_the_grader_read_is_named_by_the_signal_it_fired() -> None:
    # GIVEN a burn in words the problem lexicon lacks, which the grader read as an injury
    text = "My heated vest gave me a burn the size of a coin"
    assert READER.failures_in(text, fired=set()) == []
    # WHEN the problems are read with the grader's fired signal
    problems = READER.problems_of(text, fired={"injury"})
    # THEN the failure is the one the signal shows, under the product named
    assert problems and problems[0].key == "heated_clothing|cut_or_burn_injury"
    # AND without the signal there is no problem at all: a bare complaint never groups
    assert READER.problems_of(text, fired=set()) == []


def test_a_failure_fired_by_an_unknown_signal_is_refused(tmp_path) -> None:
    # GIVEN a problems.yaml whose failure names a signal grading.yaml lacks
    from policies.loader import PolicyError, load_policy
    from tests.policy_copy import copy_policies_editing

    root = copy_policies_editing(tmp_path, "problems.yaml", "fired_by: [choking]", "fired_by: [levitation]")
    # WHEN the policy is loaded THEN it stops, naming the signal
    with pytest.raises(PolicyError, match="levitation"):
        load_policy(root)


@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("The salon dryer I ordered shot sparks out of the back", "hair_dryer"),
        ("My travel dryer started smoking after two uses", "hair_dryer"),
        ("The dryer sparked and tripped the breaker halfway through a load of towels", "laundry_machine"),
    ],
)
def test_a_dryer_is_a_hair_dryer_beside_hair(text: str, product: str) -> None:
    # GIVEN "dryer" beside hair words, or beside laundry words
    problem = READER.problem_of(text)
    # WHEN its problem is read THEN the words beside it tell which dryer it is
    assert problem is not None and problem.product == product


def test_a_failure_only_the_grader_read_is_not_told_of_a_place() -> None:
    # GIVEN an illness the grader read in words the problem lexicon lacks, naming only a place
    text = "The restaurant made my whole family sick, two of us ended up at urgent care"
    assert READER.failures_in(text, fired=set()) == []
    # WHEN its problems are read with the grader's fired signal
    problems = READER.problems_of(text, fired={"illness_after_eating"})
    # THEN no product key is made of the place: a signal alone says nothing of a restaurant
    assert all(not p.key.startswith("restaurant|") for p in problems)
