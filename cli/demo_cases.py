"""The worked cases of the SOP (sop-rules.md §9) and a few more, as customers would write them.

Embedded as Python data rather than a .jsonl file so they ship inside the package without a
package-data entry. Received times are fixed 2026 dates in +08:00, some on a weekend or public
holiday, so the demo shows working-day deadlines moving past them. A case states only what a
customer sends; what the engine makes of it is the demo's output, never written down here.
"""

from typing import TypedDict

from policies.taxonomy import Channel


class DemoCase(TypedDict, total=False):
    """One message in the input shape of `triage grade`."""

    id: str
    text: str
    subject: str
    received_at: str
    channel: Channel
    customer_tier: str
    attachments: list[tuple[str, str]]  # files the customer attached: (file name, content type)
    note: str  # what the case shows, for people reading this file


DEMO_CASES: tuple[DemoCase, ...] = (
    {
        "id": "wardrobe",
        "note": "§9 custom wardrobe 7 days late, merchant's fault; return + lost wages",
        "subject": "定制衣柜延期7天",
        "text": "我在你们店定制的衣柜，合同写的是4月20号送货安装，结果拖了整整7天才到，"
        "客服自己也承认是工厂排产出了问题，不是物流的原因。为了等安装我前后请了3天假，现在我要求退货退款，并赔偿我的误工费。",
        "received_at": "2026-04-27T10:15:00+08:00",
        "channel": "web",
    },
    {
        "id": "smartwatch",
        "note": "§9 smart-watch screen flicker; refund + 10x compensation; a photo of the screen attached",
        "attachments": [("screen.jpg", "image/jpeg")],
        "text": "上个月买的智能手表，屏幕一直闪烁，连时间都看不清。我要求全额退款，另外按价格10倍赔偿我，"
        "不然这事没完！",
        "received_at": "2026-06-19T14:30:00+08:00",  # Dragon Boat Festival (a public holiday)
        "channel": "chat",
    },
    {
        "id": "wedding-dress",
        "note": "§9 wedding dress 3 days late because of rain, public Weibo post tagging the platform",
        "text": "@优选商城官方 婚礼就在后天，我订的婚纱因为下雨物流延误了3天还没送到！客服只会让我等，"
        "到底还能不能收到？？",
        "received_at": "2026-05-02T20:40:00+08:00",  # Saturday of the Labour Day holiday
        "channel": "social_public",
    },
    {
        "id": "robot-vacuum",
        "note": "§9 robot vacuum repaired many times, still failing; 'never buying from you again'",
        "text": "扫地机器人已经返修了三次，还是用不到十分钟就报错停机。售后每次都说修好了，我真的受够了，"
        "以后再也不会在你们这买东西了。",
        "received_at": "2026-03-13T16:05:00+08:00",  # Friday afternoon
        "channel": "email",
        "customer_tier": "high_value",
    },
    {
        "id": "site-outage",
        "note": "§9 site outage blocked an order, found it cheaper elsewhere, 9 pm via online chat",
        "text": "昨晚你们网站崩了，下单页面一直提交失败，今天再看别家同款便宜了80块。活动价没抢到，"
        "这个差价你们怎么说？",
        "received_at": "2026-09-18T21:00:00+08:00",  # Friday, before a make-up working Sunday
        "channel": "chat",
    },
    {
        "id": "heater-leak",
        "note": "electric leakage, written in traditional Chinese",
        "text": "你們賣的熱水器漏電，我洗澡的時候手碰到開關被電了一下，到現在還在發麻，請馬上派人來處理！",
        "received_at": "2026-02-17T08:20:00+08:00",  # Spring Festival holiday
        "channel": "phone",
    },
    {
        "id": "food-illness",
        "note": "English: illness after eating",
        "subject": "Sick after eating your dumplings",
        "text": "Our whole family got food poisoning after eating the frozen dumplings we ordered from you. "
        "My son was vomiting all night and we ended up at the hospital.",
        "received_at": "2026-07-04T09:30:00+08:00",  # Saturday
        "channel": "email",
    },
    {
        "id": "counterfeit",
        "note": "an assertion that the goods are fake, not a doubt",
        "text": "收到的耳机是假货，序列号在品牌官网根本查不到，包装和做工也跟专柜的正品不一样。",
        "received_at": "2026-09-30T17:45:00+08:00",  # eve of the National Day holiday
        "channel": "web",
    },
    {
        "id": "12315-threat",
        "note": "a threat to go to the regulator",
        "text": "退货都寄回去两个星期了，退款还没到账，每次问都说在处理。再不给我退，我就打12315投诉你们！",
        "received_at": "2026-11-10T11:00:00+08:00",
        "channel": "phone",
    },
    {
        "id": "double-charge",
        "note": "English: charged twice, a high-value member",
        "text": "I was charged twice for the same order #88231 - two identical payments on my card "
        "statement. Please refund the duplicate payment.",
        "received_at": "2026-10-10T15:20:00+08:00",  # Saturday, but a make-up working day
        "channel": "email",
        "customer_tier": "high_value",
    },
    {
        "id": "mattress-model",
        "note": "level 1 with no fumes or food named: acute symptoms and a hospital after using a product "
        "(R-GRADE-1a, symptoms_needing_care)",
        "text": "新买的床垫放在卧室一晚，全家人头晕、呼吸困难，早上去了医院。",
        "received_at": "2026-11-16T07:40:00+08:00",
        "channel": "web",
    },
    {
        "id": "flight-collapse",
        "note": "level 1 that only the learned reader sees (R-GRADE-1a): a collapse and an ambulance too far "
        "apart for a rule's window; the model reads the concepts of the whole text and says why",
        "text": "父亲在航班上突然晕倒，呼吸困难，乘务员十分钟后才来，一直没人管。落地后是我们自己叫的救护车"
        "送去急诊抢救，医生说再晚一点就危险了。",
        "received_at": "2026-11-21T18:05:00+08:00",
        "channel": "email",
    },
    {
        "id": "news-hearsay",
        "note": "someone else's fire from the news, then the customer's own routine fault: level 3 "
        "(R-GRADE-1a reads the customer's harm, not a news story's; grading.yaml `hearsay`)",
        "text": "看到新聞說有人的行動電源在捷運上起火。我跟你們買的這顆行動電源才用兩個禮拜就充不進電了，"
        "請幫我換一顆新的。",
        "received_at": "2026-11-24T12:30:00+08:00",
        "channel": "web",
    },
    {
        "id": "trap-zh",
        "note": "figurative '爆炸' is not a safety case: must stay level 3",
        "text": "你们家客服的态度真是差到爆炸，问个尺码等了半个小时才回一句。",
        "received_at": "2026-08-05T13:10:00+08:00",
        "channel": "chat",
    },
    {
        "id": "trap-en",
        "note": "a 'fire stick' freezing is not a fire: must stay level 3",
        "text": "This fire stick keeps freezing every time I open Netflix. Can you send me a replacement?",
        "received_at": "2026-08-08T22:50:00+08:00",  # Saturday night
        "channel": "web",
    },
)
