"""The room in Debian's Chromium (phone-sized) while ffmpeg streams to the project's nginx: the video plays
(hls.js over MediaSource: Chromium here reports H.264/AAC as supported), chat arrives live from a second
context, a muted viewer is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import browser_login, screenshot, wait_until
from live.models import Show
from live.services.room import room_mute
from live.tests.conftest import publish
from tests.factories import PASSWORD, UserFactory, make_show

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_watches_the_stream_and_chats_live_a_muted_viewer_is_refused(live_stack, new_page, tmp_path):
    show = make_show(title="腌萝卜直播")
    UserFactory(username="viewer-a")
    muted = UserFactory(username="viewer-m")
    room_mute(show=show, by=show.shop.owner, user_id=muted.pk, minutes=30)
    base = live_stack.server.url
    stream = publish(live_stack, show.stream_key, seconds=22, log=tmp_path / "ffmpeg.log")
    try:
        wait_until(lambda: Show.objects.get(pk=show.pk).status == "live", 10, "the show to go live")

        watcher = new_page(language="zh-CN")
        console = []
        watcher.on("console", lambda m: console.append(m.text))
        watcher.on("requestfailed", lambda r: console.append(f"failed {r.url} {r.failure}"))
        watcher.goto(f"{base}/live/{show.pk}/")
        assert watcher.evaluate("""MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"')""")
        expect(watcher.locator(".live-room")).to_have_attribute("data-status", "live")
        try:
            watcher.wait_for_function("() => document.getElementById('live-video').currentTime > 1", timeout=15_000)
        except Exception:
            print(console[-10:], (tmp_path / "ffmpeg.log").read_text()[-2000:])
            print((live_stack.nginx.work_dir / "error.log").read_text()[-4000:])
            raise
        first = watcher.evaluate("document.getElementById('live-video').currentTime")
        watcher.wait_for_function(
            "(t) => document.getElementById('live-video').currentTime > t", arg=first + 1, timeout=10_000
        )
        # The player's latency behind live, as hls.js estimates it: the live edge (the newest segment's end,
        # advanced by the time since the playlist was loaded) minus the playhead. Sampled over 3 s of play.
        samples = []
        for _ in range(6):
            samples.append(
                watcher.evaluate(
                    """() => { const h = document.querySelector('.live-room').liveHls;
                               return h ? [h.latency, h.targetLatency, h.liveSyncPosition] : null; }"""
                )
            )
            watcher.wait_for_timeout(500)
        latencies = [s[0] for s in samples if s and s[0]]
        print(f"\nhls.js latency behind live: {', '.join(f'{x:.2f}' for x in latencies)} s (target {samples[-1][1]} s)")
        assert latencies and max(latencies) < 8, samples  # 1 s fragments, liveSyncDurationCount 2

        viewer = new_page(language="en")
        browser_login(viewer, base, "viewer-a", PASSWORD)
        viewer.goto(f"{base}/live/{show.pk}/")
        viewer.fill("#live-text", "多少钱一罐？")
        viewer.click("#live-send button[type=submit]")
        expect(watcher.locator("#live-messages")).to_contain_text("多少钱一罐？")

        silenced = new_page(language="en")
        browser_login(silenced, base, "viewer-m", PASSWORD)
        silenced.goto(f"{base}/live/{show.pk}/")
        silenced.fill("#live-text", "spam spam")
        silenced.click("#live-send button[type=submit]")
        expect(silenced.locator("#live-notice")).to_contain_text("muted")
        screenshot(watcher, "live-room-zh")
        expect(watcher.locator("#live-messages")).not_to_contain_text("spam spam")
    finally:
        stream.kill()
        stream.wait()
