"""The payout batch's set-based SQL (payouts_fast_path) writes exactly what its plain-ORM reference
(payouts_reference) writes, on the same ledger; SQLite's side of it is run by test_payouts.py's demo test."""

import pytest
from django.db import connection

from payments.models import LedgerAccount, Payout
from payments.services import payouts_fast_path
from payments.tests.payout_parity import MINIMUM_FEN, parity_check

pytestmark = pytest.mark.django_db


def test_the_fast_path_writes_what_the_orm_reference_writes():
    # given / when: the same ledger, each version run twice (a rerun writes nothing new), rolled back between
    written = parity_check()

    # then: the comparison covered every case (not two empty snapshots)
    paid = {amount for _shop, amount, *_rest in written["payouts"]}
    assert paid == {9500, 23000, 4000}  # due; partly settled: available before + the new remainder; half of mixed
    assert all(amount >= MINIMUM_FEN for amount in paid)
    assert len(written["transactions"]) == 6 + 3  # 1 earlier + 5 settlements (not "recent"), 3 payouts started
    assert (LedgerAccount.Kind.SHOP_IN_TRANSIT, None, "CNY") not in written["accounts"]
    assert not Payout.objects.exists()  # both runs were rolled back


def test_table_names_come_from_the_models():
    for table in (
        payouts_fast_path._ENTRY,
        payouts_fast_path._ACCOUNT,
        payouts_fast_path._TX,
        payouts_fast_path._PAYOUT,
        payouts_fast_path._SHOP,
    ):
        assert table in connection.introspection.table_names()
