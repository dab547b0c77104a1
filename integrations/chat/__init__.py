"""Chat platforms' incoming bots (DingTalk, Feishu/Lark, WeCom, Slack): cards, signing, delivery."""
