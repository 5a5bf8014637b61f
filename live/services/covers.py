"""A show's cover: checked by content and re-encoded (common.images), with a square thumbnail for the
cards on the home, shop and live pages. Files are stored before the transaction opens and deleted if it
fails (common.files); the cover they replace is deleted once the change commits."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationFailed
from common.files import files_written_first, storage_file_delete_on_commit
from common.images import image_field_file_from_upload, make_thumbnail
from live.models import Show
from live.services.broadcast import show_changed_on_commit

COVER_MAX_SIDE = 1600
COVER_THUMB_SIDE = 480


def show_cover_set(*, show: Show, upload) -> Show:
    """A bad image is refused with the `cover` field named (invalid_image / too_large); nothing is kept."""
    if upload is None:
        raise ValidationFailed(fields={"cover": [_("Choose an image for the cover.")]})
    content = image_field_file_from_upload(upload, field="cover", max_side=COVER_MAX_SIDE)
    content.seek(0)
    thumb = make_thumbnail(content.read(), side=COVER_THUMB_SIDE)
    content.seek(0)
    with files_written_first() as files:
        fresh = Show(pk=show.pk)
        files.write(fresh, "cover", content)
        files.write(fresh, "cover_thumb", thumb)
        return _show_cover_record(show_id=show.pk, cover=fresh.cover.name, thumb=fresh.cover_thumb.name)


@transaction.atomic
def _show_cover_record(*, show_id: int, cover: str, thumb: str) -> Show:
    show = Show.objects.select_for_update().get(pk=show_id)
    for field_file in (show.cover, show.cover_thumb):
        if field_file:
            storage_file_delete_on_commit(field_file.storage, field_file.name)
    show.cover, show.cover_thumb = cover, thumb
    show.save(update_fields=["cover", "cover_thumb", "updated_at"])
    show_changed_on_commit(show)
    return show
