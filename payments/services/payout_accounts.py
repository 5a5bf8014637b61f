"""The bank account a shop's payouts go to: validated here, shown masked, every change e-mailed."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import ValidationFailed
from common.sweeps import overdue_enqueue
from common.tasks import enqueue_on_commit
from common.text import clean_text
from payments.models import PayoutAccount

CARD_LENGTHS = range(16, 20)  # UnionPay and international bank cards: 16–19 digits
COMPANY_LENGTHS = range(8, 31)  # Chinese company (对公) account numbers vary by bank


def luhn_valid(digits: str) -> bool:
    """The Luhn check digit (ISO/IEC 7812) that bank card numbers carry."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def parse_account_number(value: Any, *, kind: str) -> str:
    """Digits only: spaces and dashes as people write them are dropped, full-width digits accepted."""
    if not isinstance(value, str):
        raise ValidationFailed(fields={"account_number": [_("Enter the account number.")]})
    digits = unicodedata.normalize("NFKC", value).replace(" ", "").replace("-", "")
    if not digits:
        raise ValidationFailed(fields={"account_number": [_("Enter the account number.")]})
    if not digits.isascii() or not digits.isdigit():
        raise ValidationFailed(fields={"account_number": [_("An account number has digits only.")]})
    if kind == PayoutAccount.Kind.CARD:
        if len(digits) not in CARD_LENGTHS:
            raise ValidationFailed(
                fields={
                    "account_number": [
                        _("A bank card number has 16 to 19 digits; this one has %(n)d.") % {"n": len(digits)}
                    ]
                }
            )
        if not luhn_valid(digits):
            raise ValidationFailed(
                fields={"account_number": [_("This card number has a typo: please check every digit.")]}
            )
    elif len(digits) not in COMPANY_LENGTHS:
        raise ValidationFailed(
            fields={
                "account_number": [
                    _("A company account number has 8 to 30 digits; this one has %(n)d.") % {"n": len(digits)}
                ]
            }
        )
    return digits


def _name(value: Any, *, field: str, label: str) -> str:
    return clean_text(
        value,
        multiline=False,
        field=field,
        required=True,
        max_length=PayoutAccount._meta.get_field(field).max_length,
        required_message=_("Enter the %(what)s.") % {"what": label},
    )


@transaction.atomic
def payout_account_set(
    *, shop_id: int, actor, kind: Any, holder_name: Any, bank_name: Any, account_number: Any
) -> PayoutAccount:
    """Saves the shop's payout account (the owner's role is checked by the caller's access_* call). When
    anything changed, the owner is e-mailed after commit; nothing changed: nothing is sent."""
    errors: dict[str, list[str]] = {}
    if kind not in PayoutAccount.Kind.values:
        errors["kind"] = [_("Choose a personal bank card or a company account.")]
    values: dict[str, str] = {}
    parsers = {
        "holder_name": lambda: _name(holder_name, field="holder_name", label=_("account holder's name")),
        "bank_name": lambda: _name(bank_name, field="bank_name", label=_("bank")),
        "account_number": lambda: parse_account_number(account_number, kind=kind),
    }
    for field, parse in parsers.items():
        try:
            values[field] = parse()
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    account = PayoutAccount.objects.select_for_update().filter(shop_id=shop_id).first()
    if account is None:
        account = PayoutAccount(shop_id=shop_id)
    elif (account.kind, account.holder_name, account.bank_name, account.account_number) == (
        kind,
        values["holder_name"],
        values["bank_name"],
        values["account_number"],
    ):
        return account
    account.kind = kind
    account.holder_name = values["holder_name"]
    account.bank_name = values["bank_name"]
    account.account_number = values["account_number"]
    account.changed_by = actor
    account.notified_at = None
    account.save()
    from payments.tasks import payout_account_changed_email_task

    # A lost enqueue (broker down) is found again by payout_account_notices_sweep: notified_at is still None.
    enqueue_on_commit(payout_account_changed_email_task, account.pk)
    return account


def payout_account_change_email(*, account_id: int) -> bool:
    """E-mails the shop's owner that the payout account changed (in both languages: the owner's language
    is not stored), once per change: `notified_at` is set after the send. True when a message went out."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    account = PayoutAccount.objects.select_related("shop__owner", "changed_by").filter(pk=account_id).first()
    if account is None or account.notified_at is not None:
        return False
    owner = account.shop.owner
    if owner.email:
        when = timezone.localtime(account.updated_at).strftime("%Y-%m-%d %H:%M")
        zone = timezone.get_current_timezone_name()
        who = account.changed_by.username if account.changed_by else "-"
        parts = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                parts.append(
                    _(
                        "The bank account that payouts of your shop %(shop)s go to was changed on %(when)s (%(zone)s)"
                        " by %(who)s. Payouts now go to: %(holder)s, %(bank)s, %(number)s. If you did not make this"
                        " change, contact the platform at once."
                    )
                    % {
                        "shop": account.shop.name,
                        "when": when,
                        "zone": zone,
                        "who": who,
                        "holder": account.holder_name,
                        "bank": account.bank_name,
                        "number": account.masked_number,
                    }
                )
        with translation.override("zh-hans"):
            subject_zh = _("Your payout bank account was changed")
        with translation.override("en"):
            subject_en = _("Your payout bank account was changed")
        send_mail(
            subject=f"{subject_zh} / {subject_en}",
            message="\n\n".join(parts) + f"\n\n{settings.SITE_URL}/seller/money/",
            from_email=None,
            recipient_list=[owner.email],
        )
    PayoutAccount.objects.filter(pk=account.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return bool(owner.email)


def payout_account_notices_sweep(*, older_than: timedelta = timedelta(minutes=5), limit: int = 200) -> int:
    """Queues the change e-mail again for accounts changed more than `older_than` ago whose owner was not
    told yet (the first enqueue was lost, or every retry failed). Returns how many were queued."""
    from payments.tasks import payout_account_changed_email_task

    due = PayoutAccount.objects.filter(notified_at__isnull=True, updated_at__lte=timezone.now() - older_than)
    return overdue_enqueue(due, payout_account_changed_email_task, order_by="updated_at", limit=limit)
