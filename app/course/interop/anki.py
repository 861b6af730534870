"""Anki decks (.apkg, written with genanki): a question on the front, the answer and why on the back.

Most types make a basic note from their ``anki_card``; a type whose package has an ``anki.py`` (cloze)
makes an Anki cloze note from its ``cloze_text`` instead, so one deck holds both note types. Note ids
(GUIDs) come from the question id, so importing a newer deck updates the notes a learner already has
instead of adding copies. The note types and each deck have fixed ids too.
Choices and items on the front are shuffled per note by a keyed seed: a rebuilt deck is the same,
and nobody can undo the shuffle to the bank's order (where a key may sit first).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import os
import random
import re
import tempfile
from collections.abc import Mapping

import genanki

from app.course import qtypes
from app.course.media import EXTENSIONS
from app.course.passages import passage_caption
from app.course.quiz import choice_order

MODEL_ID = 1_738_450_221  # fixed: Anki recognises the note type across exports
MODEL = genanki.Model(
    MODEL_ID, "Backchannel question",
    fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Question}}",
        "afmt": "{{FrontSide}}<hr id=answer><div class=answer>{{Answer}}</div><div class=why>{{Explanation}}</div>"
                "<p class=source>{{Source}}</p>",
    }],
    css=".card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; } .answer { font-weight: bold; }"
        " .source, figcaption { color: #666; font-size: 14px; } figure { margin: 0 0 1em; } blockquote { margin: 0;"
        " padding-left: .8em; border-left: 4px solid #999; }",
)

CLOZE_MODEL_ID = 1_738_450_222
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID, "Backchannel cloze",
    fields=[{"name": "Text"}, {"name": "Explanation"}, {"name": "Source"}],
    templates=[{
        "name": "Cloze",
        "qfmt": "{{cloze:Text}}",
        "afmt": "{{cloze:Text}}<hr id=answer><div class=why>{{Explanation}}</div><p class=source>{{Source}}</p>",
    }],
    css=MODEL.css + " .cloze { font-weight: bold; color: #1a4f8b; }",
    model_type=genanki.Model.CLOZE,
)

DECK_NAME_CHARS = 100
_MARKUP = re.compile(r"<[^<>]*>")
_SITE_IMAGE = re.compile(r'src="/media/([0-9a-f]{64}\.[a-z]+)"')  # a stored image as the site shows it
_NOT_IN_NAMES = re.compile(r"[<>\x00-\x1f\x7f]|::")  # markup brackets, control characters, Anki's sub-deck separator


def deck_name(title: str) -> str:
    """A deck's name as plain text: a title without tags, angle brackets or "::", at most 100 characters."""
    text = " ".join(_NOT_IN_NAMES.sub(" ", html.unescape(_MARKUP.sub("", title))).split())
    return text[:DECK_NAME_CHARS].rstrip() or "Backchannel"


def deck_id(name: str) -> int:
    """A deck's fixed id, from its name."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % (1 << 31)


def front_and_back(data: dict, rendered: dict, rng: random.Random) -> tuple[str, str]:
    """HTML for both sides of a card from a question's data and its sanitised HTML; ``rng`` shuffles the front."""
    front = rendered["prompt"]
    if "passage" in data:  # a source-criticism question asks about this quotation: it heads the front
        front = (f"<figure><blockquote>{rendered['passage']}</blockquote>"
                 f"<figcaption>{passage_caption(data['passage']['lines'], english=True)}</figcaption></figure>{front}")
    qtype = qtypes.of(data)
    added, back = qtype.anki_card(data, rendered, choice_order(data, rng))
    return front + added, back


def build_deck(name: str, cards: list[tuple[dict, dict, str]], shuffle_key: bytes,
               images: Mapping[str, tuple[str, bytes]] | None = None) -> bytes:
    """An .apkg holding one note per (data, rendered HTML, source link) with stable ids.

    ``shuffle_key`` (secret) seeds each note's shuffle together with its question id. ``images`` (SHA-256 to
    media type and bytes) are the stored images the cards show: they travel in the package as Anki media
    files, and the cards name them as Anki does, by file name (a site address would show nothing in Anki).
    """
    images = images or {}
    name = deck_name(name)
    deck = genanki.Deck(deck_id(name), name)
    for data, rendered, source in cards:
        rng = random.Random(hmac.new(shuffle_key, data["id"].encode("utf-8"), hashlib.sha256).digest())
        cloze = qtypes.mapping(data["type"], "anki")
        if cloze is not None:
            model, fields = CLOZE_MODEL, [cloze.cloze_text(data, rendered, choice_order(data, rng)), rendered["explanation"], source]
        else:
            model, fields = MODEL, [*front_and_back(data, rendered, rng), rendered["explanation"], source]
        fields = [_SITE_IMAGE.sub(r'src="\1"', field) for field in fields]
        deck.add_note(genanki.Note(model=model, fields=fields, guid=genanki.guid_for("backchannel", data["id"]),
                                   tags=[t.replace(" ", "_") for t in data["tags"]]))
    with tempfile.TemporaryDirectory() as folder:
        media = []
        for sha256, (media_type, content) in images.items():
            media.append(os.path.join(folder, f"{sha256}.{EXTENSIONS[media_type]}"))
            with open(media[-1], "wb") as handle:
                handle.write(content)
        path = os.path.join(folder, "deck.apkg")
        genanki.Package(deck, media_files=media).write_to_file(path)
        with open(path, "rb") as handle:
            return handle.read()
