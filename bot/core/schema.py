"""The fact-base file format: one YAML file per show, validated by these models."""

from __future__ import annotations

import re
from typing import Annotated

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


class ShowInfo(_Strict):
    slug: Slug
    title: Text
    aliases: list[Text] = []
    seasons: list[Season] = Field(min_length=1)
    recaps: list[EpisodeRecap] = []

    @property
    def episode_counts(self) -> dict[int, int]:
        return {season.number: season.episodes for season in self.seasons}

    @model_validator(mode="after")
    def _distinct_seasons(self) -> ShowInfo:
        numbers = [season.number for season in self.seasons]
        if len(numbers) != len(set(numbers)):
            raise ValueError("season numbers must be distinct")
        return self


class Character(_Strict):
    id: Slug
    name: Text
    aliases: list[Text] = []
    first_seen: EpisodeRef
    role: Text = Field(description="Who they are, as a viewer knows at first_seen.")

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Fact(_Strict):
    id: Slug
    episode: EpisodeRef = Field(
        description="The episode that reveals this fact; S0E0 for what is known before watching."
    )
    about: list[Slug] = []
    topics: list[Slug] = []
    answer: Text
    questions: list[Text] = Field(min_length=1)
    source: Text


class ShowFile(_Strict):
    show: ShowInfo
    characters: list[Character] = []
    facts: list[Fact] = []
