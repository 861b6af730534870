"""The Urdu and Hindi catalogues in figures: messages, plural messages, words (English source and translation, split
on spaces, a plural message counted by its first form), the .po file's size, and the glossary's terms.

    .venv/bin/python bench/catalogue_stats.py
"""

import csv
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"


def first(value) -> str:
    return value[0] if isinstance(value, tuple) else value


def main() -> None:
    print("| | messages | of them plural | words (English source → translation) | .po size |")
    print("|---|---|---|---|---|")
    for code, name in (("ur", "Urdu"), ("hi", "Hindi")):
        path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
        with open(path, "rb") as po:
            messages = [message for message in read_po(po) if message.id]
        plural = sum(1 for message in messages if isinstance(message.id, tuple))
        source = sum(len(first(message.id).split()) for message in messages)
        translated = sum(len(first(message.string).split()) for message in messages)
        print(f"| {name} (`{code}`) | {len(messages):,} | {plural:,} | {source:,} → {translated:,} "
              f"| {path.stat().st_size / 1000:,.0f} KB |")
    with open(TRANSLATIONS / "glossary.tsv", encoding="utf-8") as tsv:
        rows = list(csv.DictReader((line for line in tsv if not line.startswith("#")), delimiter="\t"))
    print(f"\nglossary: {len(rows)} terms")


if __name__ == "__main__":
    main()
