import pytest

from safety.contact import (
    BANK_CARD,
    EMAIL,
    PAYMENT,
    PHONE,
    QQ,
    URL,
    WECHAT,
    contact_details_find,
    contact_details_mask,
)
from safety.corpus import FALSE_POSITIVE_TARGET, RECALL_TARGET, corpus_samples, corpus_score


def kinds(text: str, **context) -> list[str]:
    return [finding.kind for finding in contact_details_find(text, **context)]


def masked(text: str, **context) -> str:
    return contact_details_mask(text, contact_details_find(text, **context))


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("我电话13800138000，直接打给我", PHONE, "我电话***，直接打给我"),
        ("一三八零零一三八零零零", PHONE, "***"),
        ("１３８ ００１３ ８０００ 晚上打", PHONE, "*** 晚上打"),
        ("1\u200b3\u200b8\u200b0\u200b0\u200b1\u200b3\u200b8\u200b0\u200b0\u200b0", PHONE, "***"),
        ("手机号：13８OO13８OOO", PHONE, "手机号：***"),
        ("call +44 20 7946 0958", PHONE, "call ***"),
        ("座机 010-62345678", PHONE, "座机 ***"),
        ("加我微信 zhang_san88 聊", WECHAT, "加我微信 *** 聊"),
        ("zhang_san88 是我微信", WECHAT, "*** 是我微信"),
        ("扣扣 八七六五四三二一", QQ, "扣扣 ***"),
        ("abc123 艾特 163 点 com", EMAIL, "***"),
        ("去 taobao.com 搜我家", URL, "去 *** 搜我家"),
        ("支付宝转账给我吧", PAYMENT, "支付宝***给我吧"),
        ("卡号 6222 0202 0000 0000 006", BANK_CARD, "卡号 ***"),
    ],
)
def test_contact_details_are_found_and_masked_in_place(text, kind, expected):
    assert kind in kinds(text)
    assert masked(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "28元一斤，5斤125元",
        "¥128.00",
        "500g一罐，保质期180天",
        "12月1日发货",
        "2026-12-01 18:00 开始预售",
        "13:00-15:00 17:00-19:00 都可以",
        "价格128.00, 138.00, 99.00",
        "订单号 202612050123456789",
        "2026年的新货",
        "138 元一套，139 元包邮",
        "手机壳有 iPhone 14 15 16 的",
        "iOS17 看不了视频",
        "支付宝付款可以吗",
    ],
)
def test_ordinary_chat_is_never_masked(text):
    assert kinds(text) == []


def test_a_number_split_over_the_senders_messages_is_found_in_the_last_one():
    assert masked("8000", earlier=["138", "0013"]) == "***"
    assert masked("5678", earlier=["电话 139", "1234"]) == "***"
    # Quantities sent one by one never add up to a phone number.
    assert kinds("3", earlier=["2", "5"]) == []
    # The digits of an earlier message that went on with words do not join.
    assert kinds("0013 8000", earlier=["138 元的那款"]) == []


def test_an_id_right_after_a_message_that_asked_to_add_me_is_masked():
    assert masked("liming_1990", earlier=["加我微信"]) == "***"
    assert kinds("liming_1990", earlier=["好的"]) == []


def test_the_conversations_own_tracking_and_order_numbers_and_the_sites_links_stay():
    assert kinds("快递单号 73100012345678", allowed_numbers=["73100012345678"]) == []
    assert kinds("看 http://shop.example.org/products/12/", own_hosts=["shop.example.org"]) == []
    assert kinds("看 http://other.example.org/products/12/", own_hosts=["shop.example.org"]) == [URL]


def test_a_luhn_invalid_number_is_not_a_bank_card():
    assert kinds("卡号 6222 0202 0000 0000 001") == []


def test_the_labelled_corpus_meets_the_targets():
    samples = corpus_samples()
    assert sum(s.has_contact for s in samples) >= 150
    assert sum(not s.has_contact for s in samples) >= 150

    score = corpus_score(samples)

    assert score.recall >= RECALL_TARGET, [s.text for s in score.missed]
    assert score.false_positive_rate <= FALSE_POSITIVE_TARGET, [s.text for s in score.false_positives]
