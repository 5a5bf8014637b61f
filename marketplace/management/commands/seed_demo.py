"""`manage.py seed_demo`: the demo world, idempotent; `--shops/--products` add bulk data at scale."""

from django.core.management.base import BaseCommand
from django.db import connection

from marketplace import demo


class Command(BaseCommand):
    help = "Creates the demo users, shops, products, chats and orders (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--shops", type=int, default=0, help="extra generated shops, in bulk")
        parser.add_argument("--products", type=int, default=0, help="extra generated products, in bulk")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")
        parser.add_argument(
            "--redraw", action="store_true", help="replace the demo shops' logos, banners and product pictures"
        )

    def handle(self, *args, **options):
        if connection.vendor == "sqlite":
            # The demo's SQLite file is rebuilt by seeding again: skip the disk flush after each of the
            # seed's few hundred commits (a crash of the program still loses nothing committed).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")
        steps = demo.seed_steps(redraw=options["redraw"])
        for number, (label, step) in enumerate(steps, start=1):
            self.stdout.write(f"[{number}/{len(steps)}] {label}")
            step()
        from live.demo import demo_shows_ensure

        self.stdout.write("[live] a scheduled show and a replay for the farm shop")
        demo_shows_ensure()
        if options["shops"] or options["products"]:
            demo.seed_scale(shops=options["shops"], products=options["products"], out=self.stderr)
        if not options["quiet_logins"]:
            self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})"))
            for login in demo.LOGINS:
                self.stdout.write(f"  {login.username:<10} {login.role}")
