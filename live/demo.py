"""Demo shows for the farm shop: one scheduled (`make demo-stream` sends video to it) and one replay."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from live.models import Show, ShowStatus
from live.services.replays import ReplayFailed, replay_make
from live.services.shows import show_create
from shops.models import Shop

SCHEDULED_TITLE = "腌萝卜直播：看奶奶怎么腌萝卜"
REPLAY_TITLE = "腊肉熏制现场（回放）"
REPLAY_SECONDS = 8


def _farm_shop() -> Shop | None:
    return Shop.objects.filter(owner__username="farmer").first()


def demo_scheduled_show() -> Show | None:
    """The farm's next scheduled show (a new one when the last was streamed and ended)."""
    shop = _farm_shop()
    if shop is None:
        return None
    show = Show.objects.filter(shop=shop, title=SCHEDULED_TITLE).exclude(status=ShowStatus.ENDED).first()
    if show is None:
        tomorrow = timezone.localtime() + timedelta(days=1)
        starts = tomorrow.replace(hour=20, minute=0, second=0, microsecond=0)
        show = show_create(
            shop=shop,
            title=SCHEDULED_TITLE,
            starts_at=starts,
            products=list(shop.products.filter(status="active").values_list("pk", flat=True)[:3]),
            description="湘西老家的腌萝卜，从洗、晒到装坛，边看边问。",
        )
    return show


def demo_stream_key() -> str:
    show = demo_scheduled_show()
    if show is None:
        raise SystemExit("No demo shop: run `manage.py seed_demo` first.")
    return show.stream_key


def demo_shows_ensure() -> None:
    shop = _farm_shop()
    if shop is None:
        return
    demo_scheduled_show()
    replay = Show.objects.filter(shop=shop, title=REPLAY_TITLE).first()
    if replay is None:
        replay = Show.objects.create(
            shop=shop,
            title=REPLAY_TITLE,
            status=ShowStatus.ENDED,
            starts_at=timezone.now() - timedelta(days=2),
            started_at=timezone.now() - timedelta(days=2),
            ended_at=timezone.now() - timedelta(days=2) + timedelta(minutes=40),
            likes=1288,
            peak_viewers=136,
        )
    ffmpeg = shutil.which("ffmpeg")
    if not replay.replay and ffmpeg:
        with tempfile.TemporaryDirectory() as folder:
            recording = Path(folder) / "replay.flv"
            made = subprocess.run(  # noqa: S603 - fixed arguments, Debian's ffmpeg on PATH
                [ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc=size=360x640:rate=15",
                 "-f", "lavfi", "-i", "sine=frequency=330", "-t", str(REPLAY_SECONDS), "-c:v", "libx264",
                 "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "15", "-c:a", "aac", "-f", "flv",
                 str(recording)],
                capture_output=True,
                timeout=120,
            )  # fmt: skip
            if made.returncode == 0:
                with contextlib.suppress(ReplayFailed):
                    replay_make(show_id=replay.pk, recording=str(recording))
