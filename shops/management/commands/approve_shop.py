from django.core.management.base import BaseCommand, CommandError

from shops.models import Shop
from shops.services import shop_approve


class Command(BaseCommand):
    help = "Approves a pending (or suspended) shop so its products go public."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", default="")

    def handle(self, *args, slug, reason, **options):
        shop = Shop.objects.filter(slug=slug).first()
        if shop is None:
            raise CommandError(f"No shop with slug {slug!r}.")
        shop = shop_approve(shop_id=shop.id, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"{shop.slug}: {shop.status}"))
