"""``GET /media/<sha256>.<ext>``: a stored image, as inert as an image can be served.

The address is the SHA-256 of the image's bytes, so it never changes meaning (cached for a year,
``immutable``), and it is served to anyone who has it, signed in or not, whatever question shows
it: a hash can only be learnt from a page that already shows the image (2^256 addresses cannot be
guessed), and a learner's page shows no image of an explanation or feedback before they answer.
"""

import sqlalchemy as sa
from flask import Response, abort, request
from flask_babel import gettext as _
from sqlalchemy.orm import undefer

from app.course.media import EXTENSIONS, SHA256
from app.extensions import db
from app.media import bp
from app.models import Media

# Only ever an image: no script runs in it, nothing loads from it, a browser never guesses another type.
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=31536000, immutable",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@bp.route("/media/<sha256>.<any(png, jpg, gif, webp):extension>")
def image(sha256: str, extension: str):
    """A stored image by its hash, with its stored type; 404 when no image has that hash and extension."""
    if not SHA256.fullmatch(sha256):
        abort(404, description=_("There is no image at this address."))
    row = db.session.scalar(sa.select(Media).options(undefer(Media.content)).where(Media.sha256 == sha256))
    if row is None or EXTENSIONS[row.media_type] != extension:
        abort(404, description=_("There is no image at this address."))
    response = Response(row.content, mimetype=row.media_type, headers={
        **IMAGE_HEADERS, "Content-Disposition": f'inline; filename="{sha256}.{extension}"'})
    response.set_etag(sha256)
    return response.make_conditional(request)
