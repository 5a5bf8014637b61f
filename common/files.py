"""Uploaded files and database transactions: no file is written or deleted while a transaction is open.

A rolled-back transaction takes its rows back, never its files. So:

- a new file is written to storage *before* the transaction that records it (`files_written_first`);
  if that transaction fails, the files written for it are deleted again;
- a file is deleted only *after* the transaction that dropped its row commits (`file_delete_on_commit`);
- whatever is still left over — an outer transaction that rolled back after the files were written, a
  process killed in between, a row deleted by a cascade — is an orphan: a file no row points to, which
  `media_orphans_sweep` (a daily Celery beat task) deletes once it is older than a grace period.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


class FileWrites:
    """The files written for rows that are not committed yet."""

    def __init__(self) -> None:
        self._written: list[tuple[Storage, str]] = []

    def write(self, instance: models.Model, field_name: str, content) -> str:
        """Stores `content` as the file of `instance.<field_name>` (the field's own naming and storage)
        and sets the field to it; the row is saved later, by the caller's transaction."""
        field_file = getattr(instance, field_name)
        field_file.save(content.name, content, save=False)
        self._written.append((field_file.storage, field_file.name))
        return field_file.name

    def discard(self) -> None:
        """The rows were not recorded: their files go too."""
        for storage, name in self._written:
            _delete(storage, name)
        self._written.clear()


@contextmanager
def files_written_first() -> Iterator[FileWrites]:
    """For a service that stores files and then records them in one transaction, opened inside the block:

        with files_written_first() as files:
            files.write(photo, "image", content)   # on disk now, no transaction open
            return _photo_record(photo)            # @transaction.atomic

    If the block raises, the files written in it are deleted before the exception goes on.
    """
    writes = FileWrites()
    try:
        yield writes
    except BaseException:
        writes.discard()
        raise


def file_delete_on_commit(field_file) -> None:
    """Deletes the file once the current transaction commits (at once outside one); never if it rolls back."""
    if field_file:
        storage_file_delete_on_commit(field_file.storage, field_file.name)


def storage_file_delete_on_commit(storage: Storage, name: str) -> None:
    """As file_delete_on_commit, for a name taken before the row's field was changed."""
    if name:
        transaction.on_commit(lambda: _delete(storage, name), robust=True)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # the orphan sweep will find it
        logger.warning("could not delete the file %s", name, exc_info=True)


# --- orphans --------------------------------------------------------------------------------------

# Longer than any transaction that records a file it has just written (the file exists before its row).
ORPHAN_GRACE = timedelta(hours=6)
SWEEP_BATCH = 500


@dataclass(frozen=True)
class _FileColumn:
    model: type[models.Model]
    field: str
    prefix: str  # the static start of upload_to, e.g. "products/" for "products/%Y/%m/"
    storage: Storage


def _file_columns() -> list[_FileColumn]:
    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.upload_to, str) and field.upload_to:
                prefix = field.upload_to.split("%", 1)[0]
                prefix = prefix[: prefix.rfind("/") + 1]
                if prefix:
                    columns.append(_FileColumn(model, field.name, prefix, field.storage))
    return columns


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}{name}"
    for sub in folders:
        yield from _walk(storage, f"{folder}{sub}/")


def media_orphans_sweep(*, grace: timedelta = ORPHAN_GRACE, now: datetime | None = None) -> int:
    """Deletes every file under a file field's folder that no row refers to and that is older than
    `grace`; returns how many. Idempotent. Reads the fields from the models, so a new file field is
    swept without being listed here."""
    cutoff = (now or timezone.now()) - grace
    columns = _file_columns()
    # Walk each top folder once ("products/" also holds "products/thumbs/"); a file may belong to any
    # column whose prefix it starts with.
    roots = sorted({(c.storage, c.prefix) for c in columns}, key=lambda root: root[1])
    roots = [r for r in roots if not any(o[0] is r[0] and r[1] != o[1] and r[1].startswith(o[1]) for o in roots)]
    deleted = 0
    for storage, root in roots:
        batch: list[str] = []
        for name in _walk(storage, root):
            try:
                if storage.get_modified_time(name) >= cutoff:
                    continue
            except (FileNotFoundError, NotImplementedError):
                continue
            batch.append(name)
            if len(batch) >= SWEEP_BATCH:
                deleted += _sweep_batch(storage, batch, columns)
                batch = []
        if batch:
            deleted += _sweep_batch(storage, batch, columns)
    return deleted


def _sweep_batch(storage: Storage, names: list[str], columns: list[_FileColumn]) -> int:
    referenced: set[str] = set()
    for column in columns:
        if column.storage is not storage:
            continue
        candidates = [name for name in names if name.startswith(column.prefix)]
        if candidates:
            referenced.update(
                column.model._base_manager.filter(**{f"{column.field}__in": candidates}).values_list(
                    column.field, flat=True
                )
            )
    orphans = [name for name in names if name not in referenced]
    for name in orphans:
        _delete(storage, name)
    if orphans:
        logger.info("deleted %d orphaned files under %s", len(orphans), orphans[0].split("/", 1)[0])
    return len(orphans)
