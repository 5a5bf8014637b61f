"""Notifications store a template's name and its values instead of a Chinese and an English text.

Existing rows are read back into template and values: each template's old Chinese wording (frozen here, as
it was written before this migration) is matched against the row's text. A row that matches none keeps
its text, shown as is. Backwards, the Chinese text is written again from template and values.
"""

import re

from django.db import migrations, models

# template → its wording before this migration (Simplified Chinese); more specific ones first.
OLD_WORDING = [
    ("order_new", "新订单 {number}：¥{total}，等待买家付款"),
    ("order_paid", "订单 {number} 已付款 ¥{total}，请尽快发货"),
    ("order_shipped", "你的订单 {number} 已发货：{carrier} {tracking}"),
    ("order_completed", "订单 {number} 已确认收货，货款进入待结算"),
    ("auto_confirm_soon", "订单 {number} 将在 24 小时内自动确认收货；如有问题请尽快申请售后"),
    ("refund_requested", "订单 {number} 的买家申请退款，请及时处理"),
    ("refund_accepted", "卖家同意了订单 {number} 的退款"),
    ("refund_rejected", "卖家拒绝了订单 {number} 的退款，平台将介入处理"),
    ("refund_escalated", "订单 {number} 的退款已交由平台处理"),
    ("refund_denied", "平台驳回了订单 {number} 的退款申请"),
    ("refunded", "订单 {number} 的退款已退回你的账户"),
    ("review_received", "订单 {number} 收到了新的评价（{rating} 星）"),
    ("shop_approved", "你的店铺「{shop}」已通过审核，商品已上线"),
    ("shop_suspended_reason", "你的店铺「{shop}」已被暂停：{reason}"),
    ("shop_suspended", "你的店铺「{shop}」已被暂停"),
    ("product_delisted_reason", "商品「{product}」已被平台下架：{reason}。修改后可申请复审。"),
    ("product_delisted", "商品「{product}」已被平台下架。修改后可申请复审。"),
    ("product_review_approved", "商品「{product}」已通过复审，重新上架"),
    ("product_review_rejected_reason", "商品「{product}」的复审未通过：{reason}"),
    ("product_review_rejected", "商品「{product}」的复审未通过"),
    ("payout_paid", "结算款 ¥{amount} 已打到你的银行账户"),
    ("payout_failed", "结算款 ¥{amount} 支付失败：{reason}"),
    ("staff_invited", "店铺「{shop}」邀请你成为子账号，协助经营店铺。7 天内可接受或拒绝。"),
    ("staff_removed", "你已不再是店铺「{shop}」的子账号。"),
    ("staff_left", "{username} 已退出你的店铺，不再是子账号。"),
    ("chat_waiting", "{name} 给你发来消息，正在等你回复：{previews}"),
    ("show_live", "「{shop}」正在直播：{title}"),
]


def _pattern(wording: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", wording)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)


PATTERNS = [(name, _pattern(wording)) for name, wording in OLD_WORDING]


def text_to_template(text: str) -> tuple[str, dict] | None:
    for name, pattern in PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return name, match.groupdict()
    return None


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    changed = []
    for notification in Notification.objects.filter(message="").only("id", "text").iterator(chunk_size=2000):
        found = text_to_template(notification.text)
        if found is None:
            continue  # not one of ours: its text stays, shown as is
        notification.message, notification.params = found
        notification.text = ""
        changed.append(notification)
        if len(changed) >= 1000:
            Notification.objects.bulk_update(changed, ["message", "params", "text"])
            changed = []
    Notification.objects.bulk_update(changed, ["message", "params", "text"])


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    wording = dict(OLD_WORDING)
    changed = []
    for notification in Notification.objects.exclude(message="").iterator(chunk_size=2000):
        if notification.message in wording:
            notification.text = wording[notification.message].format(**notification.params)[:500]
            changed.append(notification)
    Notification.objects.bulk_update(changed, ["text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_show_live_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message",
            field=models.CharField(blank=True, max_length=40, verbose_name="message"),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="values"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(blank=True, max_length=500, verbose_name="text"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="notification",
            name="text_en",
        ),
    ]
