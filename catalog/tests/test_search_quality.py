"""Search quality on the labelled query set (catalog/search_quality): recall@3 and nDCG@10 by query kind must
not drop below the committed floors. `make search-quality` runs this with SEARCH_QUALITY_REPORT=1 and prints
the table, with and without the dictionary."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from catalog import search_quality as quality

pytestmark = pytest.mark.django_db


def test_recall_and_ndcg_by_query_kind_stay_above_the_committed_floors():
    from marketplace.demo_shops import SHOPS

    catalogue = quality.listings(SHOPS)
    query_set = quality.queries(catalogue)
    assert len(query_set) >= 150
    ids = quality.catalogue_create(catalogue)
    scores = quality.evaluate(ids, query_set, verbose=bool(os.environ.get("SEARCH_QUALITY_VERBOSE")))
    if os.environ.get("SEARCH_QUALITY_REPORT"):
        quality.reindex_all(with_dictionary=False)
        without = quality.evaluate(ids, query_set, generation=1)
        print("\n" + quality.table(scores, without))
    floors = json.loads((Path(settings.BASE_DIR) / quality.FLOORS_PATH).read_text())
    low = {
        kind: (scores[kind], floor)
        for kind, floor in floors.items()
        if scores[kind]["recall@3"] < floor["recall@3"] or scores[kind]["ndcg@10"] < floor["ndcg@10"]
    }
    assert not low, low
    for kind in ("chinese", "pinyin", "english"):
        assert scores[kind]["recall@3"] >= 0.95, (kind, scores[kind])
