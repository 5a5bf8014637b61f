"""Rewrites every listing's search fields (after `search_dictionary` or a change to what search reads)."""

from django.core.management.base import BaseCommand

from catalog.models import Product
from catalog.search_index import reindex


class Command(BaseCommand):
    help = "Rewrites every product's search document and weighted search vector."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, **options):
        done = reindex(Product.objects.all(), batch=options["batch"], out=self.stderr)
        self.stdout.write(f"{done} products reindexed")
