"""Synthetic but realistic complaint records for the throughput benchmark.

Records are sampled from a fixed list of sentences customers write (simplified and traditional
Chinese, English), joined to the 50-300 characters a typical ticket has, with a seeded random
generator so two runs grade the same text and their figures can be compared.
"""

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

CHINESE_SENTENCES: tuple[str, ...] = (
    "订单说好三天内发货，现在已经过去一个星期了还没有物流信息。",
    "快递员没打电话就把包裹放在了门口，结果丢了，你们必须给个说法。",
    "收到的衣服颜色和图片完全不一样，尺码也偏小两个码。",
    "刚用了两天的吹风机就不转了，插上电一点反应都没有。",
    "客服态度非常差，问了三遍才回复，还说这是公司规定。",
    "我申请退款已经十天了，钱到现在还没有退回来。",
    "你们的热水器漏电，洗澡的时候被电了一下，太危险了！",
    "吃了你们家的牛肉干以后拉肚子一整晚，孩子也吐了。",
    "这个手机壳明显是假货，防伪码根本查不到。",
    "再不给我处理，我就去12315投诉你们。",
    "同样的问题已经修了三次，每次回来用几天又坏了。",
    "赠品没有收到，下单的时候明明写着送的。",
    "外包装破损严重，里面的杯子碎了两个。",
    "我真的非常不满，希望你们尽快解决。",
    "页面上写的是纯棉，收到的却是化纤面料。",
    "发票开错了抬头，财务那边没法报销。",
    "你們的客服一直推卸責任，問題到現在都沒解決。",
    "熱水器漏電，差點電到我家小孩，請馬上處理！",
    "收到的耳機有雜音，左邊完全沒有聲音。",
    "物流三天都沒有更新，到底寄出了沒有？",
    "這件外套洗了一次就嚴重縮水，品質太差了。",
    "充电器用的时候发烫冒烟，我吓得赶紧拔了插头。",
    "说好的次日达，结果第四天才送到，蛋糕都化了。",
    "这服务真是差到爆炸，排队等了一个小时。",
)

ENGLISH_SENTENCES: tuple[str, ...] = (
    "My order was supposed to arrive on Monday and it is still not here.",
    "The package arrived crushed and the glass bowl inside was broken.",
    "I was charged twice for the same order, please refund the duplicate payment.",
    "The blender stopped working after two days and now it smells of burning plastic.",
    "Your support agent was rude and hung up on me.",
    "The jacket is a completely different colour from the photos on your site.",
    "I have been waiting three weeks for my refund.",
    "My daughter had an allergic reaction to the face cream and we had to see a doctor.",
    "These headphones are fake, the serial number does not exist on the brand's website.",
    "If this is not fixed by Friday I will report you to the Better Business Bureau.",
    "The fire stick keeps freezing every time I open an app.",
    "Nobody answers the phone and the chat bot just loops.",
    "The size chart is wrong, the shoes are two sizes too small.",
    "I found a piece of metal wire in the cereal box.",
    "Please send a replacement as soon as possible.",
    "This is the third time I am writing about the same problem!!!",
)

CHANNELS: tuple[str, ...] = ("web", "email", "chat", "phone", "social_public", "social_private")
_OFFSET = dt.timezone(dt.timedelta(hours=8))
# Received times stay inside 2026 with room for "3 working days later": the library knows 2026.
_FIRST = dt.datetime(2026, 1, 5, tzinfo=_OFFSET)
_SPAN_MINUTES = 320 * 24 * 60


def complaint_text(rng: random.Random, min_chars: int = 50, max_chars: int = 300) -> str:
    """One ticket's text: sentences of one language appended until it is long enough."""
    pool = ENGLISH_SENTENCES if rng.random() < 0.3 else CHINESE_SENTENCES
    separator = " " if pool is ENGLISH_SENTENCES else ""
    target = rng.randint(min_chars, max_chars)
    parts: list[str] = []
    length = 0
    while length < target:
        sentence = rng.choice(pool)
        if parts and length + len(sentence) > max_chars:
            break
        parts.append(sentence)
        length += len(sentence) + len(separator)
    return separator.join(parts)


def grade_records(count: int, seed: int = 20260506) -> Iterator[dict[str, Any]]:
    """`count` records in the input shape of `triage grade`, every one with received_at and channel."""
    rng = random.Random(seed)
    for number in range(count):
        received = _FIRST + dt.timedelta(minutes=rng.randrange(_SPAN_MINUTES))
        yield {
            "id": f"bench-{number}",
            "text": complaint_text(rng),
            "received_at": received.isoformat(),
            "channel": rng.choice(CHANNELS),
        }
