"""Replays: nginx's FLV recording remuxed to MP4 (no re-encoding) with Debian's ffmpeg, attached to the show."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import transaction

from live.models import Show

logger = logging.getLogger(__name__)

FFMPEG_TIMEOUT = 600


class ReplayFailed(Exception):
    pass


def media_duration(path: Path) -> float | None:
    """Seconds, from ffprobe; None when it cannot read the file."""
    ffprobe = str(Path(settings.LIVE_FFMPEG).with_name("ffprobe")) if "/" in settings.LIVE_FFMPEG else "ffprobe"
    try:
        out = subprocess.run(  # noqa: S603 - fixed program, a path the project wrote
            [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
            capture_output=True,
            timeout=60,
            check=True,
        ).stdout
        return float(json.loads(out)["format"]["duration"])
    except (OSError, subprocess.SubprocessError, KeyError, ValueError):
        return None


def replay_make(*, show_id: int, recording: str) -> Show:
    """Idempotent: a show that has its replay is left alone; the MP4's name comes from the show's public id,
    so a second run overwrites the same file."""
    show = Show.objects.get(pk=show_id)
    if show.replay:
        return show
    source = Path(recording)
    if not source.is_file():
        raise ReplayFailed(f"recording {source} is missing")
    name = f"live/replays/{show.public_id}.mp4"
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.mp4")
    result = subprocess.run(  # noqa: S603 - fixed program, a path under LIVE_RECORD_DIR
        [
            settings.LIVE_FFMPEG,
            "-v",
            "error",
            "-y",
            "-i",
            str(source),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(partial),
        ],
        capture_output=True,
        timeout=FFMPEG_TIMEOUT,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ReplayFailed(result.stderr.decode(errors="replace")[-400:])
    os.replace(partial, target)
    duration = media_duration(target)
    with transaction.atomic():
        show = Show.objects.select_for_update().get(pk=show_id)
        if not show.replay:
            show.replay.name = name
            show.replay_duration = duration
            show.replay_error = ""
            show.save(update_fields=["replay", "replay_duration", "replay_error", "updated_at"])
            from live.services.broadcast import show_changed_on_commit

            show_changed_on_commit(show)
    return show
