"""Authoring rows as plain text, and back: one line per option, pair or item, parts split by `` | ``. Pure."""

from __future__ import annotations

SEPARATOR = " | "
LINE_HINT = "One per line, parts separated by a bar with spaces: "
SPELLING_CHOICES = (("", "Lenient (the default): one typo forgiven in answers of 8+ letters"),
                    ("lenient", "Lenient"), ("strict", "Strict: a typo scores 0, with a spelling hint"))


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parts(line: str, count: int) -> list[str]:
    found = [part.strip() for part in line.split(SEPARATOR.strip(), count - 1)]
    return found + [""] * (count - len(found))


def number(text: str | None):
    """A number if the text is one; otherwise the text itself, so the checker names the problem."""
    value = (text or "").strip()
    try:
        found = float(value)
    except ValueError:
        return value
    return int(found) if found.is_integer() and "." not in value else found


def fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def labelled(text: str | None, keys: tuple[str, ...]) -> list[dict]:
    rows = []
    for line in lines(text):
        values = parts(line, len(keys))
        rows.append({key: value for key, value in zip(keys, values, strict=True) if value != ""})
    return rows


def labelled_lines(rows: list[dict], keys: tuple[str, ...]) -> str:
    return "\n".join(SEPARATOR.join(row[key] for key in keys) for row in rows)


def known(text: str | None, with_credit: bool) -> list[dict]:
    """``answer | feedback`` lines (``answer | credit | feedback`` with credit) as bank entries."""
    entries = []
    for line in lines(text):
        if with_credit:
            answer, credit, feedback = parts(line, 3)
            entry = {"text": answer, "credit": number(credit) if credit else 1}
        else:
            answer, feedback = parts(line, 2)
            entry = {"text": answer}
        if feedback:
            entry["feedback"] = feedback
        entries.append(entry)
    return entries


def known_lines(entries: list[dict], with_credit: bool) -> str:
    return "\n".join(SEPARATOR.join([e["text"]] + ([fmt(e["credit"])] if with_credit else [])
                                    + ([e["feedback"]] if e.get("feedback") else [])) for e in entries)
