"""How each platform's incoming bot checks that a message comes from whoever holds its secret.

- DingTalk custom robot: `sign` = base64(HMAC-SHA256(key=secret, msg="<timestamp ms>\\n<secret>")),
  URL-encoded, sent as `timestamp` and `sign` query parameters (DingTalk refuses an hour-old stamp).
- Feishu/Lark custom bot: `sign` = base64(HMAC-SHA256(key="<timestamp s>\\n<secret>", msg="")),
  sent in the JSON body beside `timestamp` (refused beyond an hour, code 19021).
- WeCom group robot and Slack incoming webhooks carry their credential in the URL: nothing to sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    message = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
