"""What the core hands the faces: an answer, a character as known, recaps as watched."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.progress import Progress
from bot.core.schema import Character, EpisodeRecap, Fact, ShowInfo
from bot.core.smalltalk import Chatter

# The most choices one autocomplete reply holds (Discord's limit).
MAX_CHOICES = 25


class Status(StrEnum):
    ANSWERED = "answered"
    # Nothing the viewer may be told answers it; for a viewer who hasn't finished, the reply
    # reads the same whether or not a later episode would.
    UNKNOWN = "unknown"
    CHATTER = "chatter"  # thanks, greetings, reactions: a friendly reply, never facts


@dataclass(frozen=True, slots=True)
class Answer:
    """What the core found for one question, already gated by the viewer's progress."""

    status: Status
    show: ShowInfo
    progress: Progress
    facts: tuple[Fact, ...] = ()
    revealed: bool = False
    suggestions: tuple[str, ...] = ()
    # "When does X die?": each fact is shown with the episode that reveals it.
    dated: bool = False
    chatter: Chatter | None = None
    # Asked about what no episode tells (the making of the show, a season it lacks): the
    # same "not in my notes" at every progress point, never "later episodes may".
    beyond_episodes: bool = False


@dataclass(frozen=True, slots=True)
class CharacterView:
    """What a viewer knows of one character as of their progress."""

    character: Character
    show: ShowInfo
    progress: Progress
    timeline: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class RecapView:
    show: ShowInfo
    progress: Progress
    recaps: tuple[EpisodeRecap, ...] = field(default_factory=tuple)
    locked: bool = False  # the episode asked for is past the viewer's progress
