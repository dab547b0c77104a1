"""Draw the texts of the project's own labelled set from ../shared/corpus/ (issue 13).

    python eval/sample.py [--corpus DIR] [--out eval/work] [--batches 8]

Deterministic (seed below): keyword passes over every corpus file (the kinds of text that make a
level 1 or 2, and their look-alikes: traps come from the same hits), seeded random draws of
negative *and* positive reviews per source category (routine complaints, praise, mixed reviews),
and random plus keyword draws of inbound support tweets. Texts already in ../shared/dev-set/ and
duplicate texts are left out. The frozen evaluation split is a function of the id alone
(`eval/split.py`), fixed before a single label existed.

Writes `<out>/batch-NN.jsonl` ({"id", "text", "domain"}) for the labellers and
`<out>/drawn.jsonl` (id, origin) for `eval/build.py`.
"""

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261203
HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"

sys.path.insert(0, str(HERE.parent))
# What counts as the same text is training's definition: a drawn sample and the model's data agree.
from training.dataset import canonical_text  # noqa: E402

# Keyword passes: (group, pattern, how many hits to draw). The safety and regulator groups are
# drawn heavily because level 1 is rare in the natural mix and recall on it is what matters.
ZH_GROUPS: list[tuple[str, str, int]] = [
    ("elec", r"漏电|触电|电到|电击|电了一下|麻手|被电|有电|带电|发麻|短路|火花|跳闸", 60),
    ("fire", r"起火|着火|失火|冒烟|烧焦|烧坏|烧了|烧黑|火花|焦味|糊味|烧毁|冒火|明火|火灾|自燃", 60),
    ("boom", r"爆炸|炸了|爆了|炸裂|爆裂|鼓包|膨胀|发烫|烫手|过热|烫得", 60),
    (
        "injury",
        r"受伤|划伤|割伤|烫伤|划破|割破|扎伤|扎手|刺伤|伤到|弄伤|碰伤|摔伤|流血|出血|伤口|"
        r"扎破|夹伤|砸伤|烧伤|灼伤|摔倒|滑倒|摔了一跤|跌倒|烫到|割手|划手",
        70,
    ),
    (
        "illness",
        r"中毒|拉肚子|腹泻|拉稀|闹肚子|肚子疼|肚子痛|胃疼|胃痛|呕吐|吐了|上吐下泻|吃坏|"
        r"肠胃炎|急性|医院|看医生|急诊|打针|吊瓶|输液|挂水|点滴|发烧|头晕|恶心|不舒服|坏肚子|麻",
        90,
    ),
    ("skin", r"过敏|红疹|起疹|疹子|瘙痒|红肿|起包|红点|疙瘩|脱皮|起泡|刺痛|烂脸|长痘", 50),
    ("object", r"钢丝|铁丝|别针|订书钉|碎片|玻璃|刀片|铁片|螺丝|石子|异物|针|铁钉|钉子|瓷片|金属|渣", 60),
    (
        "hazard",
        r"燃气|煤气|漏气|一氧化碳|天然气|危险|安全隐患|安全|生命|出人命|伤人|甲醛|油漆味|刺鼻|"
        r"窒息|噎|卡喉|呛",
        70,
    ),
    (
        "regulator",
        r"12315|315|工商|质监|质检|市场监管|监管|媒体|记者|电视台|报社|报纸|曝光|举报|"
        r"物价局|食药监|卫生局|卫生部门|旅游局|有关部门|相关部门|主管部门|质量监督|技术监督|政府|"
        r"投诉到|新闻|央视|微博",
        90,
    ),
    ("legal", r"消协|消费者协会|律师|起诉|法院|诉讼|打官司|法律|维权|索赔|双倍|仲裁", 40),
    ("fake", r"假货|假的|是假|正品|山寨|高仿|冒牌|仿冒|假冒|盗版|水货|翻新", 40),
    ("invoice", r"发票", 30),
    ("repair", r"返修|修了|三包|保修|拒保|送修|又坏|定制|定做|重复扣|扣了两次|多扣|扣款|多收|售后", 40),
    ("logistics", r"物流|快递|送货|发货|配送|到货|派送|丢件|丢了|少发|漏发|发错|送错|破损|压坏|摔坏", 30),
    ("service", r"客服|态度|服务员|前台|骂|推卸|不理|不回复|敷衍|投诉", 30),
]
EN_GROUPS: list[tuple[str, str, int]] = [
    (
        "safety",
        r"poison|allerg|injur|hurt|burn|fire|smoke|explo|shock|chok|hospital|\bER\b|emergency|"
        r"sick|vomit|bleed|blood|melt|overheat|swell|danger|unsafe|safety|gas|carbon|crash|accident|"
        r"assault|kill|dying|\bdie\b|\bdied\b|\bdead\b|glass|cut my|rash|diarr|nause|throw(ing)? up|"
        r"threw up|scald|electr|spark|too hot|harass|threat",
        80,
    ),
    (
        "regulator",
        r"\bFTC\b|\bFCC\b|attorney general|trading standards|ofcom|regulator|ombudsman|\bCFPB\b|"
        r"\bDOT\b|\bFAA\b|reporter|journalist|\bnews\b|media|press|watchdog|government|\bBBC\b|\bCNN\b|"
        r"\bfda\b|congress|senator|\bMP\b|police|public|viral|report(ed|ing)? (you|this)",
        60,
    ),
    (
        "level2",
        r"\bsue\b|suing|lawsuit|lawyer|attorney|legal|court|\bBBB\b|better business|chargeback|"
        r"fraud|scam|counterfeit|fake|twice|double|overcharg|unauthori[sz]ed|billed|invoice|receipt|"
        r"warranty|repair",
        60,
    ),
    ("billing", r"charg|debit|deduct|refund|money back|took my money|bill(ed|ing)?\b|subscription", 40),
]
# Round 2, drawn after round 1 was labelled and held too few level-1 texts: every remaining text
# with a strong safety or regulator word, and a seeded sample of those with a weaker one.
ZH_STRONG = (
    r"拉肚子|腹泻|拉稀|闹肚子|上吐下泻|呕吐|食物中毒|吃坏|肠胃炎|急性肠|挂水|输液|打点滴|吊瓶|过敏|"
    r"红疹|疹子|烫伤|割伤|划伤|割破|划破|流血|摔倒|滑倒|摔伤|漏电|触电|着火|起火|冒烟|自燃|爆炸|"
    r"玻璃渣|钢丝|铁丝|订书钉|钉子|12315|工商局|市场监管|质监|卫生局|食药监|曝光|媒体|记者|电视台|甲醛"
)
ZH_WEAK = (
    r"中毒|肚子疼|肚子痛|胃疼|胃痛|吐了|医院|急诊|看医生|头晕|头疼|头痛|恶心想吐|发烧|红肿|起包|红点|痒|"
    r"刺痛|脱皮|烧焦|烧黑|焦味|火花|短路|跳闸|漏气|煤气|燃气|危险|隐患|受伤|伤到|碰伤|出血|伤口|烫到|"
    r"玻璃|金属|异物|工商|315|投诉到|举报|有关部门|相关部门|政府|新闻|央视"
)
EN_STRONG = (
    r"poison|sick|vomit|diarr|injur|hurt|burn|fire|smoke|explo|shock|allerg|rash|hospital|bleed|"
    r"cut my|glass|assault|harass|FTC|FCC|CFPB|attorney general|news|reporter|journalist"
)
ROUND_2_WEAK = 460
ROUND_2_BATCHES = 4
# Round 3, drawn after the first figures on the frozen split: the rest of round 2's weak hits and
# the texts with a body, symptom or hazard word that no round drew (level 1 is what the set lacks).
ZH_ROUND_3 = (
    r"过敏|痒|疙瘩|红疹|起包|红肿|医院|医生|看病|吃药|打针|输液|头晕|恶心|呕吐|腹泻|拉肚子|发烧|中毒|"
    r"受伤|流血|伤口|烫|摔|割|划|扎|刺|咬|安全|危险|隐患|事故|着火|冒烟|爆|电到|漏电|甲醛|异味|刺鼻|"
    r"玻璃|钉|针|铁丝|异物|投诉|举报|工商|315|媒体|曝光|记者|部门|政府"
)
ROUND_3_COUNT = 800
ROUND_3_BATCHES = 5
# Round 4, drawn after the out-of-domain probes (eval/probes/) showed praise, neutral reviews and
# questions called complaints: seeded random reviews per source category, mostly positive (the
# non-complaints the set lacks), some negative, none drawn before.
ROUND_4_POSITIVE_PER_STRATUM = 40
ROUND_4_NEGATIVE_PER_STRATUM = 12
ROUND_4_BATCHES = 4
ZH_NEGATIVE_PER_STRATUM = 25
ZH_POSITIVE_PER_STRATUM = 15
ZH_RANDOM_MAXLEN = 300
EN_RANDOM = 280
# Share of a Chinese keyword group drawn from the source's positive reviews: a "positive" hotel
# review often reports an incident in passing.
POSITIVE_SHARE = 0.25


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def dev_set_texts(dev_set: Path) -> set[str]:
    return {canonical_text(case["text"]) for case in read_jsonl(dev_set / "cases.jsonl")}


def load_corpus(corpus: Path) -> tuple[list[dict], list[dict]]:
    chinese: list[dict] = []
    for name in ("htl", "os10", "waimai"):
        chinese.extend(read_jsonl(corpus / f"{name}.jsonl"))
    return chinese, read_jsonl(corpus / "twcs.jsonl")


def unique(rows: list[dict], taken: set[str]) -> list[dict]:
    out = []
    for row in rows:
        key = canonical_text(row["text"])
        if row["text"].strip() and key not in taken:
            taken.add(key)
            out.append(row)
    return out


def draw(
    rng: random.Random, pool: list[dict], count: int, origin: str, picked: dict[str, dict], seen: set[str]
) -> None:
    candidates = [r for r in pool if r["id"] not in picked and canonical_text(r["text"]) not in seen]
    for row in rng.sample(candidates, min(count, len(candidates))):
        seen.add(canonical_text(row["text"]))
        picked[row["id"]] = {**row, "origin": origin}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--dev-set", type=Path, default=SHARED / "dev-set")
    parser.add_argument("--out", type=Path, default=HERE / "work")
    parser.add_argument("--batches", type=int, default=8)
    args = parser.parse_args()

    rng = random.Random(SEED)
    seen = dev_set_texts(args.dev_set)
    chinese, english = load_corpus(args.corpus)
    chinese = unique(chinese, set(seen))
    english = unique([t for t in english if re.search(r"[A-Za-z]{3,}", t["text"])], set(seen))
    picked: dict[str, dict] = {}

    for group, pattern, count in ZH_GROUPS:
        regex = re.compile(pattern)
        hits = [r for r in chinese if regex.search(r["text"])]
        positive = [r for r in hits if r.get("sentiment") == "positive"]
        negative = [r for r in hits if r.get("sentiment") != "positive"]
        share = round(count * POSITIVE_SHARE)
        draw(rng, negative, count - share, f"keyword:{group}", picked, seen)
        draw(rng, positive, share, f"keyword:{group}", picked, seen)

    strata: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in chinese:
        if len(row["text"]) <= ZH_RANDOM_MAXLEN:
            strata[(row["category"], row["sentiment"])].append(row)
    for (_category, sentiment), pool in sorted(strata.items()):
        count = ZH_POSITIVE_PER_STRATUM if sentiment == "positive" else ZH_NEGATIVE_PER_STRATUM
        draw(rng, pool, count, f"random:{sentiment}", picked, seen)

    for group, pattern, count in EN_GROUPS:
        regex = re.compile(pattern, re.IGNORECASE)
        draw(rng, [r for r in english if regex.search(r["text"])], count, f"keyword:{group}", picked, seen)
    draw(rng, english, EN_RANDOM, "random:tweet", picked, seen)

    rows = list(picked.values())
    rng.shuffle(rows)

    second = random.Random(SEED + 2)
    round_1 = set(picked)
    strong, weak, en_strong = re.compile(ZH_STRONG), re.compile(ZH_WEAK), re.compile(EN_STRONG, re.IGNORECASE)
    fresh = [r for r in chinese if r["id"] not in round_1 and canonical_text(r["text"]) not in seen]
    for row in fresh:
        if strong.search(row["text"]):
            picked[row["id"]] = {**row, "origin": "keyword:strong"}
    draw(
        second,
        [r for r in fresh if r["id"] not in picked and weak.search(r["text"])],
        ROUND_2_WEAK,
        "keyword:weak",
        picked,
        seen,
    )
    for row in english:
        if (
            row["id"] not in picked
            and canonical_text(row["text"]) not in seen
            and en_strong.search(row["text"])
        ):
            picked[row["id"]] = {**row, "origin": "keyword:strong"}
    later = [r for r in picked.values() if r["id"] not in round_1]
    second.shuffle(later)

    third = random.Random(SEED + 3)
    round_2 = set(picked)
    round_3_pattern = re.compile(ZH_ROUND_3)
    pool = [
        r
        for r in chinese
        if r["id"] not in round_2
        and canonical_text(r["text"]) not in seen
        and round_3_pattern.search(r["text"])
    ]
    draw(third, pool, ROUND_3_COUNT, "keyword:round3", picked, seen)
    last = [r for r in picked.values() if r["id"] not in round_2]
    third.shuffle(last)

    fourth = random.Random(SEED + 4)
    round_3 = set(picked)
    for (_category, sentiment), stratum in sorted(strata.items()):
        count = ROUND_4_POSITIVE_PER_STRATUM if sentiment == "positive" else ROUND_4_NEGATIVE_PER_STRATUM
        fresh_stratum = [r for r in stratum if r["id"] not in round_3]
        draw(fourth, fresh_stratum, count, f"random4:{sentiment}", picked, seen)
    fourth_rows = [r for r in picked.values() if r["id"] not in round_3]
    fourth.shuffle(fourth_rows)

    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "drawn.jsonl").open("w", encoding="utf-8") as handle:
        for row in (*rows, *later, *last, *fourth_rows):
            handle.write(json.dumps({"id": row["id"], "origin": row["origin"]}, ensure_ascii=False) + "\n")
    batches = [rows[index :: args.batches] for index in range(args.batches)]
    batches += [later[index::ROUND_2_BATCHES] for index in range(ROUND_2_BATCHES)]
    batches += [last[index::ROUND_3_BATCHES] for index in range(ROUND_3_BATCHES)]
    batches += [fourth_rows[index::ROUND_4_BATCHES] for index in range(ROUND_4_BATCHES)]
    for number, batch in enumerate(batches, 1):
        with (args.out / f"batch-{number:02d}.jsonl").open("w", encoding="utf-8") as handle:
            for row in batch:
                domain = row.get("category", "support tweet")
                handle.write(
                    json.dumps({"id": row["id"], "text": row["text"], "domain": domain}, ensure_ascii=False)
                    + "\n"
                )
    rows = [*rows, *later, *last, *fourth_rows]
    by_origin: dict[str, int] = defaultdict(int)
    for row in rows:
        by_origin[row["origin"]] += 1
    print(f"{len(rows)} texts drawn into {len(batches)} batches under {args.out}")
    for origin, count in sorted(by_origin.items()):
        print(f"  {origin:24} {count}")


if __name__ == "__main__":
    main()
