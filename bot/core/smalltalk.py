"""Tell chatter (thanks, greetings, reactions) from questions, by the words of a message alone."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict

LANGUAGE_FILE = Path(__file__).parent / "lang" / "smalltalk.yaml"
# Past this many words a message says something, even if it opens with "thanks".
MAX_CHATTER_WORDS = 12
MAX_CHATTER_CHARS = 200
_WORD = re.compile(r"\w+")
_REPEATS = re.compile(r"(.)\1+")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
EMPTY = "empty"
_LIGHT_KINDS = frozenset({"reaction", "okay"})

Language = Literal["en", "ko"]


class Chatter(NamedTuple):
    """A message that asks nothing: what kind of chatter it is, and its language."""

    kind: str
    language: Language


class _Localised(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str
    ko: str


class _Kind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[str]
    reply: _Localised


class _Smalltalk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fillers: list[str]
    kinds: dict[str, _Kind]
    hint: _Localised


class _Table(NamedTuple):
    phrases: dict[tuple[str, ...], str]  # squeezed words -> kind
    longest: int
    fillers: frozenset[str]
    openers: frozenset[str]  # words a chatter message can start with
    data: _Smalltalk


def _squeeze(word: str) -> str:
    # "thanksss", "noooo" and "ㅋㅋㅋㅋ" are "thanks", "no" and "ㅋ"; the phrases get the same.
    return _REPEATS.sub(r"\1", word)


def _raw_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("’", "")
    return _WORD.findall(text)


def _words(text: str) -> list[str]:
    return [_squeeze(word) for word in _raw_words(text)]


@cache
def _table() -> _Table:
    data = _Smalltalk.model_validate(yaml.safe_load(LANGUAGE_FILE.read_text(encoding="utf-8")))
    phrases: dict[tuple[str, ...], str] = {}
    for kind, entry in data.kinds.items():
        for phrase in entry.phrases:
            phrases.setdefault(tuple(_words(phrase)), kind)
    fillers = frozenset(word for line in data.fillers for word in _words(line))
    openers = fillers | {phrase[0] for phrase in phrases}
    return _Table(phrases, max(map(len, phrases)), fillers, openers, data)


def chatter_in(text: str) -> Chatter | None:
    """Return what kind of chatter a message is, or None when it may ask something."""
    if not text.strip() or len(text) > MAX_CHATTER_CHARS:
        return None
    table = _table()
    raw = _raw_words(text)
    # Most questions give themselves away at their first word ("did", "who", a name).
    if len(raw) > MAX_CHATTER_WORDS or (raw and _squeeze(raw[0]) not in table.openers):
        return None
    language: Language = "ko" if _HANGUL.search(text) else "en"
    if not raw:  # only emoji or punctuation
        return Chatter(EMPTY, language)
    words = [_squeeze(word) for word in raw]
    kinds: list[str] = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + table.longest), start, -1):
            kind = table.phrases.get(tuple(words[start:end]))
            if kind is not None:
                kinds.append(kind)
                start = end
                break
        else:
            if words[start] not in table.fillers:
                return None  # a word that is no chatter: the message may ask something
            start += 1
    if not kinds:
        return None
    # "ok thanks" is thanks: a mere reaction or "ok" names the message only when alone.
    weighty = [kind for kind in kinds if kind not in _LIGHT_KINDS]
    return Chatter((weighty or kinds)[0], language)


def chatter_reply(chatter: Chatter) -> tuple[str, str]:
    """Return the reply to chatter and the hint of what to ask, in the chatter's language."""
    data = _table().data
    kind = data.kinds.get(chatter.kind) or data.kinds[EMPTY]
    return getattr(kind.reply, chatter.language), getattr(data.hint, chatter.language)
