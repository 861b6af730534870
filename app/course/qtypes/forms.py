"""Reading a learner's response from a form: opaque choice tokens and the checks every type shares. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field as dataclass_field
from typing import Callable

MAX_TEXT_ANSWER = 300
TOKEN_BYTES = 9  # 72 bits, 12 url-safe characters: no two ids of one question share a token in practice


class ForgedResponse(ValueError):
    """A submitted value no honest form could produce (an unknown option id, a huge text)."""


def opaque_token(key: bytes, scope: str, field: str, kind: str, ident: str) -> str:
    """The stand-in a form shows for a real option, item or pair id: HMAC-SHA256 over
    (scope, field, kind, id) under ``key``, truncated to 12 url-safe characters.

    ``scope`` is the attempt (or review, or API quiz), so the same option has unrelated tokens in
    two attempts; ``field`` is the question's place in it; ``kind`` separates a matching pair's
    left item from its answer, which share one id. Without ``key`` a token says nothing of its id.
    """
    message = json.dumps([scope, field, kind, ident]).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


@dataclass(frozen=True)
class AnswerForm:
    """How one question's answer fields appear in a learner's form, and how to read them back.

    ``choices``: (value sent, real id) of each option, ordering item or matching answer, in the
    order shown. ``selects``: (field name, label key) of each ordering place (the key is the place
    number) or matching left item (the key is the pair id). Real ids never reach the form: values
    and matching field names are opaque tokens (:func:`opaque_token`).
    """

    field: str
    choices: tuple[tuple[str, str], ...] = ()
    selects: tuple[tuple[str, str], ...] = ()
    tokens: dict[str, str] = dataclass_field(default_factory=dict)  # real id -> token
    names: dict[str, str] = dataclass_field(default_factory=dict)  # real field name -> name shown

    def part(self, name: str) -> str:
        """What follows the question's field in a select's name: the API's id of a left item."""
        return name.removeprefix(f"{self.field}-")

    def shown_values(self, values: dict[str, list[str]]) -> dict[str, list[str]]:
        """Form values in real ids (from ``form_values``) as this form shows them."""
        return {self.names.get(name, name): [self.tokens.get(value, value) for value in sent]
                for name, sent in values.items()}

    def reader(self, get_all: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
        """``get_all`` of the submitted form, answering in real names and ids for ``parse_response``.

        A value that is no token of this form is forged (a real id included) and raises ForgedResponse.
        """
        real = {token: ident for ident, token in self.tokens.items()}

        def get_real(name: str) -> list[str]:
            sent = get_all(self.names.get(name, name))
            if not real:  # typed answers and true/false: nothing to translate
                return sent
            unknown = next((value for value in sent if value and value not in real), None)
            if unknown is not None:
                raise ForgedResponse(f"“{unknown[:40]}” is not one of the choices of {self.field}.")
            return [real.get(value, "") for value in sent]
        return get_real


def one(values: list[str], name: str) -> str | None:
    """The single value sent under ``name``, or None; sent twice is forged."""
    if len(values) > 1:
        raise ForgedResponse(f"Field {name} was sent {len(values)} times; it takes one answer.")
    return values[0] if values else None


def typed_text(values: list[str], name: str, limit: int = MAX_TEXT_ANSWER) -> str | None:
    """A typed answer, stripped; None when empty; longer than ``limit`` is forged (the input has a maxlength)."""
    text = (one(values, name) or "").strip()
    if len(text) > limit:
        raise ForgedResponse(f"The answer in {name} is {len(text)} characters long; the limit is {limit}.")
    return text or None


def chosen(value: str | None, allowed: set[str], name: str) -> str | None:
    """A chosen id, or None for no choice; an id the question lacks is forged."""
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ForgedResponse(f"“{value}” is not one of the choices of {name}.")
    return value
