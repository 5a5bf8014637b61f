from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from shops.models import Shop
from shops.services import shop_approve, shop_operator_approve


class Command(BaseCommand):
    help = (
        "Approves a pending (or suspended) shop so its products go public. With --operator, the approval is "
        "that operator's, in the audit log like an approval in admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--reason", default="")
        parser.add_argument("--operator", default="", help="the approving operator's username (staff)")

    def handle(self, *args, slug, reason, operator, **options):
        shop = Shop.objects.filter(slug=slug).first()
        if shop is None:
            raise CommandError(f"No shop with slug {slug!r}.")
        if operator:
            actor = User.objects.filter(username=operator, is_staff=True, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active operator {operator!r}.")
            shop = shop_operator_approve(shop_id=shop.id, operator=actor, reason=reason)
        else:
            # Whoever can run manage.py runs the site; the shop's own status history says when.
            shop = shop_approve(shop_id=shop.id, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"{shop.slug}: {shop.status}"))
