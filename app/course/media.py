"""Images in questions: what an uploaded or imported file is, read from its bytes. Pure.

A file is accepted only as a PNG, JPEG, GIF or WebP image, decided by its content (the name and
the type a browser claims are never asked): the magic number, then the structure that carries the
dimensions, walked to the image's end. It is refused, with the reason, when it is anything else
(SVG among them: it can hold scripts), larger than :data:`MAX_IMAGE_BYTES`, wider or taller than
:data:`MAX_SIDE` pixels, cut short, or followed or filled by something else (a polyglot: an image
that is also an HTML page, a script or a zip). Pillow is not a dependency; the headers are read here.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from app.course.words import _

MAX_IMAGE_BYTES = 2_000_000  # 2 MB: under the 2 MiB request limit, with room for the question form posted with it
MAX_SIDE = 4096  # pixels, each way: a browser decodes width x height x 4 bytes (64 MB at most)
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}  # in serving addresses
SHA256 = re.compile(r"[0-9a-f]{64}")
# Markup a browser would run if it ever read the file as a page: no honest image carries it, even in a comment.
_ACTIVE_MARKUP = re.compile(rb"<(?:script|html|body|iframe|svg|object|embed)[\s>/]|javascript:", re.IGNORECASE)
_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG frame headers (SOF0-SOF15 but DHT C4, JPG C8 and DAC CC): they hold the height and width.
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


class ImageRefused(ValueError):
    """The file is not an image this site stores; the message says why, for the author."""


@dataclass(frozen=True)
class Image:
    """What a checked image is: its media type and size in pixels."""

    media_type: str
    width: int
    height: int


def content_hash(data: bytes) -> str:
    """The SHA-256 of the bytes, in hex: the image's name everywhere (storage, Markdown, address)."""
    return hashlib.sha256(data).hexdigest()


def read_image(data: bytes) -> Image:
    """The image ``data`` is, or :class:`ImageRefused` with the reason.

    The format is chosen by the first bytes alone; its reader then walks the file's structure to
    its end marker, so the dimensions are the ones a browser will use and nothing follows the image.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(_("the file is %(count)s bytes; an image may have at most %(most)s (2 MB)",
                             count=format(len(data), ","), most=format(MAX_IMAGE_BYTES, ",")))
    if not data:
        raise ImageRefused(_("the file is empty"))
    reader = next((read for magic, read in _READERS if data.startswith(magic)), None)
    if reader is None:
        raise ImageRefused(_what_else(data))
    try:
        media_type, width, height = reader(data)
    except (struct.error, IndexError) as error:
        raise ImageRefused(_("the image is cut short or damaged (its structure ends before the image does)")) from error
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ImageRefused(_("the image is %(width)s × %(height)s pixels; at most %(most)s × %(most)s are accepted",
                             width=format(width, ","), height=format(height, ","), most=format(MAX_SIDE, ",")))
    if _ACTIVE_MARKUP.search(data):
        raise ImageRefused(_("the file holds HTML or script markup as well as an image (a polyglot); save the image "
                             "again from an image editor"))
    return Image(media_type, width, height)


def _what_else(data: bytes) -> str:
    """Why a file that starts like no accepted image is refused, naming what it looks like."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head:
        return _("SVG images are refused: they can carry scripts; export it as PNG")
    if head.startswith(b"<"):
        return _("this is an HTML or XML document, not an image (whatever its name says)")
    return _("this is not a PNG, JPEG, GIF or WebP image (the content is read, not the name)")


def _png(data: bytes) -> tuple[str, int, int]:
    """A PNG: the IHDR chunk first (its dimensions), every chunk's CRC right, IEND last and nothing after it."""
    position, first, has_data = len(_PNG), True, False
    while True:
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 8 + length + 4
        if end > len(data):
            raise IndexError("chunk runs past the end")
        body = data[position + 8:end - 4]
        if zlib.crc32(kind + body) != struct.unpack_from(">I", data, end - 4)[0]:
            raise ImageRefused(_("the PNG's %(chunk)s chunk is damaged (its checksum is wrong)",
                                 chunk=repr(kind.decode('latin-1'))))
        if first:
            if kind != b"IHDR" or length != 13:
                raise ImageRefused(_("the PNG does not start with its header chunk (IHDR)"))
            width, height = struct.unpack_from(">II", body)
            first = False
        has_data |= kind == b"IDAT"
        position = end
        if kind == b"IEND":
            break
    if not has_data:
        raise ImageRefused(_("the PNG holds no image data (IDAT)"))
    _nothing_after(data, position)
    return "image/png", width, height


def _jpeg(data: bytes) -> tuple[str, int, int]:
    """A JPEG: the segments up to the scan, a frame header (SOF) among them, the scan ending at EOI with nothing after."""
    position, size = 2, None
    while True:
        if data[position] != 0xFF:
            raise ImageRefused(_("the JPEG's segments are damaged (a marker is missing)"))
        marker = data[position + 1]
        if marker == 0xFF:  # fill bytes before a marker
            position += 1
            continue
        if marker == 0xD9:
            raise ImageRefused(_("the JPEG ends before its image data"))
        length = struct.unpack_from(">H", data, position + 2)[0]
        if length < 2 or position + 2 + length > len(data):
            raise IndexError("segment runs past the end")
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack_from(">HH", data, position + 5)
            size = (width, height)
        position += 2 + length
        if marker == 0xDA:
            break
    if size is None:
        raise ImageRefused(_("the JPEG has no frame header (SOF), so it has no size"))
    end = data.find(b"\xff\xd9", position)  # in the scan's data 0xFF is always followed by 0x00 or a restart marker
    if end < 0:
        raise IndexError("no end of image")
    _nothing_after(data, end + 2)
    return "image/jpeg", *size


def _gif(data: bytes) -> tuple[str, int, int]:
    """A GIF: the logical screen's size, then every block (frames, extensions) to the trailer and nothing after."""
    width, height, packed = struct.unpack_from("<HHB", data, 6)
    position = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    while True:
        block = data[position]
        if block == 0x3B:  # trailer
            break
        if block == 0x2C:  # image descriptor, an optional local colour table, the LZW code size, then data
            frame_width, frame_height, frame_packed = struct.unpack_from("<HHB", data, position + 5)
            if frame_width > MAX_SIDE or frame_height > MAX_SIDE:
                raise ImageRefused(_("a frame of the GIF is %(width)s × %(height)s pixels; at most %(most)s × "
                                     "%(most)s are accepted",
                                     width=format(frame_width, ","), height=format(frame_height, ","), most=format(MAX_SIDE, ",")))
            position += 10 + (3 << ((frame_packed & 7) + 1) if frame_packed & 0x80 else 0) + 1
        elif block == 0x21:  # extension: its label, then data
            position += 2
        else:
            raise ImageRefused(_("the GIF's blocks are damaged (an unknown block)"))
        while (size := data[position]) != 0:  # sub-blocks, up to an empty one
            position += 1 + size
        position += 1
    _nothing_after(data, position + 1)
    return "image/gif", width, height


def _webp(data: bytes) -> tuple[str, int, int]:
    """A WebP: the RIFF length is the file's, its chunks fill it exactly, the first one (VP8, VP8L or VP8X) gives the size."""
    if data[8:12] != b"WEBP":
        raise ImageRefused(_("this RIFF file is not a WebP image (a sound or a video?)"))
    if struct.unpack_from("<I", data, 4)[0] + 8 != len(data):
        raise ImageRefused(_("the WebP's length does not match the file (cut short, or something follows it)"))
    kind, length = struct.unpack_from("<4sI", data, 12)
    body = data[20:20 + length]
    if kind == b"VP8 " and body[3:6] == b"\x9d\x01\x2a":
        width, height = (value & 0x3FFF for value in struct.unpack_from("<HH", body, 6))
    elif kind == b"VP8L" and body[:1] == b"\x2f":
        bits = struct.unpack_from("<I", body, 1)[0]
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif kind == b"VP8X":
        width = int.from_bytes(body[4:7], "little") + 1
        height = int.from_bytes(body[7:10], "little") + 1
    else:
        raise ImageRefused(_("the WebP does not start with an image chunk (VP8, VP8L or VP8X)"))
    position = 12
    while position < len(data):
        length = struct.unpack_from("<I", data, position + 4)[0]
        position += 8 + length + (length & 1)
    if position != len(data):
        raise IndexError("chunk runs past the end")
    return "image/webp", width, height


def _nothing_after(data: bytes, end: int) -> None:
    """Refuse bytes after an image's end marker: that is where polyglots keep their other file."""
    if end > len(data):
        raise IndexError("end marker past the end")
    if data[end:].strip(b"\x00"):
        raise ImageRefused(_("%(count)s bytes follow the end of the image: another file hidden behind it, or a "
                             "phone's second picture or video; save the image again from an image editor",
                             count=format(len(data) - end, ",")))


_READERS = ((_PNG, _png), (b"\xff\xd8\xff", _jpeg), (b"GIF87a", _gif), (b"GIF89a", _gif), (b"RIFF", _webp))
