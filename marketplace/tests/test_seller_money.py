"""The money page in a farmer's words: each order's sale, commission and payout; only this shop's orders;
the site's zone; the bank account payouts go to (validated, masked, every change e-mailed)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail

from orders.services.lifecycle import order_confirm_receipt, order_ship
from orders.tests.helpers import pay, place
from payments.models import LedgerAccount, LedgerEntry, PayoutAccount
from shops.models import ShopMember
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shop_checkout():
    """One payment for two shops' orders (the capture's ledger reference names both)."""
    farm = ShopFactory(commission_rate=Decimal("0.05"))
    other = ShopFactory()
    buyer = UserFactory()
    mine, theirs = place(buyer, {sku_in_shop(farm, price="28.00"): 3, sku_in_shop(other, price="9.90"): 1})
    pay(mine)
    return {"farm": farm, "mine": mine, "theirs": theirs, "buyer": buyer}


def test_the_statement_names_only_this_shops_orders(client, two_shop_checkout):
    farm, mine, theirs = two_shop_checkout["farm"], two_shop_checkout["mine"], two_shop_checkout["theirs"]
    client.login(username=farm.owner.username, password=PASSWORD)

    page = client.get("/seller/money/").content.decode()
    csv_text = client.get("/seller/money/?format=csv").content.decode("utf-8-sig")
    api = client.get("/api/v1/seller/statement/").json()["results"]

    assert mine.number in page and theirs.number not in page
    assert mine.number in csv_text and theirs.number not in csv_text
    assert [line["reference"] for line in api] == [mine.number]


def test_statement_times_are_in_the_site_zone(client, two_shop_checkout):
    farm = two_shop_checkout["farm"]
    client.login(username=farm.owner.username, password=PASSWORD)

    csv_text = client.get("/seller/money/?format=csv").content.decode("utf-8-sig")
    page = client.get("/seller/money/").content.decode()

    assert "+08:00" in csv_text.splitlines()[1]
    note = re.search(r'data-testid="zone-note">([^<]*)<', page).group(1)
    assert "Asia/Shanghai" in note and "UTC+08:00" in note


def test_each_order_shows_the_sale_the_commission_and_what_the_seller_receives(client, two_shop_checkout):
    farm, mine, buyer = two_shop_checkout["farm"], two_shop_checkout["mine"], two_shop_checkout["buyer"]
    client.login(username=farm.owner.username, password=PASSWORD)

    in_escrow = client.get("/seller/money/").content.decode()
    order_ship(order_id=mine.pk, actor=farm.owner, carrier="顺丰速运 SF Express", tracking_number="SF123456789")
    order_confirm_receipt(order_id=mine.pk, actor=buyer)
    completed = client.get("/seller/money/").content.decode()

    card = re.search(rf'data-number="{mine.number}".*?</article>', completed, re.S).group(0)
    assert "¥84.00" in card  # 3 × 28.00
    assert 'data-testid="commission-rate">5%' in card
    assert 'data-testid="commission">−¥4.20' in card
    assert 'data-testid="receive">¥79.80' in card
    # what the page promises is what the ledger paid into the shop's pending balance
    pending = LedgerEntry.objects.get(account__shop=farm, account__kind=LedgerAccount.Kind.SHOP_PENDING)
    assert pending.amount_fen == 7980
    assert "担保中" in re.search(rf'data-number="{mine.number}".*?</article>', in_escrow, re.S).group(0)


GOOD_CARD = "6228 4804 0256 4890 018"  # a Luhn-valid 19-digit UnionPay number, written in groups


def _bank_form(**changes) -> dict:
    return {"kind": "card", "holder_name": "王小明", "bank_name": "中国农业银行", "account_number": GOOD_CARD} | changes


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("6228 4804 0256 4890 019", "有误"),  # one digit wrong: the check digit catches it
        ("6228-4804-0256", "16"),  # too short for a card
        ("6228a480402564890018", "只能"),  # not digits
        ("", ""),
    ],
)
def test_a_bad_account_number_is_refused_in_the_page_language_and_nothing_is_saved(client, number, message):
    shop = ShopFactory()
    client.login(username=shop.owner.username, password=PASSWORD)

    response = client.post(
        "/seller/money/bank-account/", _bank_form(account_number=number), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="errorlist"' in response.content.decode()
    assert not PayoutAccount.objects.exists()
    assert not mail.outbox


def test_the_bank_account_is_saved_masked_and_the_owner_is_emailed(client, django_capture_on_commit_callbacks):
    shop = ShopFactory(owner=UserFactory(email="farmer@example.com"))
    client.login(username=shop.owner.username, password=PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/seller/money/bank-account/", _bank_form())
    page = client.get("/seller/money/").content.decode()
    form_page = client.get("/seller/money/bank-account/").content.decode()

    assert response.status_code == 302
    account = PayoutAccount.objects.get(shop=shop)
    assert account.account_number == "6228480402564890018"
    assert "**** 0018" in page and "6228480402564890018" not in page and "6228480402564890018" not in form_page
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["farmer@example.com"]
    assert "**** 0018" in mail.outbox[0].body and "6228480402564890018" not in mail.outbox[0].body
    account.refresh_from_db()
    assert account.notified_at is not None

    # the same account again: nothing changed, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/seller/money/bank-account/", _bank_form())
    assert len(mail.outbox) == 1


def test_a_company_account_needs_no_check_digit():
    from payments.services.payout_accounts import parse_account_number

    assert parse_account_number("1234 5678 9012", kind="company") == "123456789012"
    assert parse_account_number("６２２８４８０４０２５６４８９００１８", kind="card") == "6228480402564890018"


def test_staff_cannot_see_or_change_the_bank_account(client):
    shop = ShopFactory()
    helper = UserFactory()
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.STAFF)
    client.login(username=helper.username, password=PASSWORD)

    assert client.get("/seller/money/bank-account/").status_code == 403
    assert client.post("/seller/money/bank-account/", _bank_form()).status_code == 403
    assert not PayoutAccount.objects.exists()


def test_a_lost_change_email_is_sent_by_the_sweep(client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from payments.services.payout_accounts import payout_account_notices_sweep

    shop = ShopFactory(owner=UserFactory(email="farmer@example.com"))
    client.login(username=shop.owner.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happens (broker down)
        client.post("/seller/money/bank-account/", _bank_form())
    assert not mail.outbox and PayoutAccount.objects.get().notified_at is None

    assert payout_account_notices_sweep(older_than=timedelta(0)) == 1

    assert len(mail.outbox) == 1 and "**** 0018" in mail.outbox[0].body
    assert payout_account_notices_sweep(older_than=timedelta(0)) == 0  # told once


def test_the_bank_file_carries_the_account_the_owner_entered():
    import csv
    import io

    from payments.models import PayoutBatch
    from payments.services.payout_accounts import payout_account_set
    from payments.services.payouts import payout_batch_csv, payout_batch_run
    from payments.tests.money import confirmed_sale

    shop, other = ShopFactory(), ShopFactory()
    payout_account_set(
        shop_id=shop.pk,
        actor=shop.owner,
        kind="card",
        holder_name="王小明",
        bank_name="农业银行",
        account_number=GOOD_CARD,
    )
    confirmed_sale(shop, "100.00")
    confirmed_sale(other, "50.00")
    payout_batch_run()

    rows = {r["shop_slug"]: r for r in csv.DictReader(io.StringIO(payout_batch_csv(batch=PayoutBatch.objects.get())))}

    assert (rows[shop.slug]["account_holder"], rows[shop.slug]["account_number"]) == ("王小明", "6228480402564890018")
    assert rows[other.slug]["account_number"] == ""
