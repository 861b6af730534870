"""Storing images and finding the stored ones a question shows (the database side of ``app.course.media``)."""

from collections.abc import Mapping

import sqlalchemy as sa

from app.course.markup import media_hashes
from app.course.media import content_hash, read_image
from app.extensions import db
from app.models import Media


def stored_images(value: object, also: Mapping[str, str] | None = None) -> dict[str, str]:
    """The stored images among those ``value`` (question data, or one text) shows: SHA-256 to media type.

    ``also`` adds images about to be stored with it (an import's), which the database does not hold yet.
    """
    hashes = media_hashes(value) - set(also or ())
    found = dict(db.session.execute(sa.select(Media.sha256, Media.media_type).where(Media.sha256.in_(hashes))).all()) if hashes else {}
    return {**found, **(also or {})}


def image_files(value: object) -> dict[str, tuple[str, bytes]]:
    """The stored images ``value`` (question data) shows, with their bytes, for an export: SHA-256 to (media type, bytes)."""
    hashes = media_hashes(value)
    rows = db.session.execute(sa.select(Media.sha256, Media.media_type, Media.content).where(Media.sha256.in_(hashes))) if hashes else []
    return {sha256: (media_type, content) for sha256, media_type, content in rows}


def store_image(content: bytes, uploaded_by_id: int | None) -> Media:
    """The stored image of ``content``: checked by :func:`read_image` (ImageRefused says why not), added
    once, or the row already holding the same bytes. Not committed: the caller commits with its own work."""
    image = read_image(content)
    sha256 = content_hash(content)
    existing = db.session.scalar(sa.select(Media).where(Media.sha256 == sha256))
    if existing is not None:
        return existing
    row = Media(sha256=sha256, media_type=image.media_type, width=image.width, height=image.height,
                size=len(content), content=content, uploaded_by_id=uploaded_by_id)
    try:
        with db.session.begin_nested():  # the same image uploaded twice at once: the other request's row is the one
            db.session.add(row)
    except sa.exc.IntegrityError:
        return db.session.scalar(sa.select(Media).where(Media.sha256 == sha256))
    return row
