"""The fact-base file format: one YAML file per show, validated by these models."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

from bot.core.progress import Progress

MAX_ANSWER_CHARS = 450
MAX_SUMMARY_CHARS = 600

_EPISODE_REF = re.compile(r"[sS](\d{1,3})[eE](\d{1,3})")


def _parse_episode_ref(value: object) -> Progress:
    if isinstance(value, Progress):
        return value
    match = _EPISODE_REF.fullmatch(str(value).strip())
    if not match:
        raise ValueError(f"expected an episode like S1E7, got {value!r}")
    season, episode = (int(g) for g in match.groups())
    if (season, episode) != (0, 0) and (season < 1 or episode < 1):
        raise ValueError(
            f"seasons and episodes count from 1 (S0E0: before watching), got {value!r}"
        )
    return Progress(season, episode)


EpisodeRef = Annotated[Progress, BeforeValidator(_parse_episode_ref), PlainSerializer(str)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Season(_Strict):
    number: int = Field(ge=1)
    episodes: int = Field(ge=1, le=200)


class EpisodeRecap(_Strict):
    """A short summary of one episode, shown to viewers who have seen it."""

    episode: EpisodeRef
    summary: Text
    source: Text
    # The episode's own title, which may name people before they appear ("Chapter Three:
    # Holly, Jolly"), so it is exempt from the character-mention check.
    title: Text | None = None


class Vocabulary(_Strict):
    """How fans of one show talk about it: its own words, phrases and states."""

    # concept -> words that mean it, merged with the language's own concepts ("fate": the
    # show's word for dying; "zombie": its monsters).
    concepts: dict[Slug, list[Text]] = {}
    # A phrase fans use -> the one word it stands for ("upside down" -> "upsidedown").
    phrases: dict[Text, Text] = {}
    # Concepts that make "is X <word>?" a question about X's state ("is Nam-ra a zombie?").
    states: list[Slug] = []
    # Words of another language -> an English word; a Hangul entry matches as a word stem.
    translations: dict[Text, Text] = {}
    # How names are spelt in Latin letters: "korean" folds romanisation variants
    # (Su-hyeok = Soo-hyuk); "none" compares names as written.
    name_folding: Literal["none", "korean"] = "none"
    # Whether "who plays X" and "who directed it" are questions about the making of the
    # show (the default), or words the story itself uses (a show about games and players).
    offscreen_questions: bool = True


class ShowInfo(_Strict):
    slug: Slug
    title: Text
    aliases: list[Text] = []
    seasons: list[Season] = Field(min_length=1)
    recaps: list[EpisodeRecap] = []
    vocabulary: Vocabulary = Vocabulary()

    @property
    def episode_counts(self) -> dict[int, int]:
        return {season.number: season.episodes for season in self.seasons}

    @model_validator(mode="after")
    def _distinct_seasons(self) -> ShowInfo:
        numbers = [season.number for season in self.seasons]
        if len(numbers) != len(set(numbers)):
            raise ValueError("season numbers must be distinct")
        return self


class CharacterReveal(_Strict):
    """Who a character turns out to be, from the episode that reveals it (a twist identity)."""

    episode: EpisodeRef
    name: Text | None = None  # the name shown from this episode on
    aliases: list[Text] = []  # names that only now mean this character
    role: Text | None = None  # replaces the role from this episode on


class Character(_Strict):
    id: Slug
    name: Text
    aliases: list[Text] = []
    first_seen: EpisodeRef
    role: Text = Field(description="Who they are, as a viewer knows at first_seen.")
    # How fans refer to them ("is she ok?"): picks which of two people a pronoun means.
    pronoun: Literal["she", "he", "they", "it"] | None = None
    reveals: list[CharacterReveal] = []

    @property
    def names(self) -> list[str]:
        """Every name of the character, the ones revealed later included."""
        return [self.name, *self.aliases, *self.revealed_names]

    @property
    def revealed_names(self) -> list[str]:
        return [n for r in self.reveals for n in ([r.name] if r.name else []) + r.aliases]


# What kind of answer a fact gives, so a question's intent can prefer the fact that answers it.
FactKind = Literal[
    "event", "state", "reason", "quote", "relationship", "time", "count", "definition", "making"
]


class Fact(_Strict):
    id: Slug
    episode: EpisodeRef = Field(
        description="The episode that reveals this fact; S0E0 for what is known before watching."
    )
    about: list[Slug] = []
    # Whose state a fate fact describes, apart from the people it merely mentions; when left
    # out, everyone in `about`.
    subject: list[Slug] | None = None
    kind: FactKind | None = None
    topics: list[Slug] = []
    answer: Text
    questions: list[Text] = Field(min_length=1)
    source: Text

    @property
    def subjects(self) -> list[str]:
        return self.about if self.subject is None else self.subject


class ShowFile(_Strict):
    show: ShowInfo
    characters: list[Character] = []
    facts: list[Fact] = []
