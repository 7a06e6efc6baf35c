"""What a show file holds for a viewer at one progress point: the base cut at that point.

The cutting rule: everything stamped with an episode after the point is removed (facts,
recaps, identity reveals), and so is every character first seen after it. The bot answers a
viewer at a point only from the base cut there, so its reply is exactly the reply of a bot
that never knew the later episodes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import attrgetter
from typing import TypeVar

from bot.core.progress import Progress, last_episode
from bot.core.schema import Character, ShowFile

T = TypeVar("T")
_EPISODE = attrgetter("episode")
_FIRST_SEEN = attrgetter("first_seen")


def progress_points(show_file: ShowFile) -> list[Progress]:
    """Return every point a viewer can be at: not started, then each episode in order."""
    counts = show_file.show.episode_counts
    episodes = [Progress(s, e) for s in sorted(counts) for e in range(1, counts[s] + 1)]
    return [Progress(), *episodes]


def _visible(point: Progress, episode: Progress) -> bool:
    return point.covers(episode.season, episode.episode)


def cut_show(show_file: ShowFile, point: Progress) -> ShowFile:
    """Return the show file as a bot that knew only the episodes up to `point` would have it."""
    if point >= last_episode(show_file.show):
        return show_file
    show = show_file.show
    recaps = [r for r in show.recaps if _visible(point, r.episode)]
    characters = [
        _cut_character(c, point) for c in _visible_items(show_file.characters, _FIRST_SEEN, point)
    ]
    facts = _visible_items(show_file.facts, _EPISODE, point)
    return ShowFile(
        show=show.model_copy(update={"recaps": recaps}),
        characters=characters,
        facts=facts,
    )


class _Ranks:
    """Each item's episode as a number, so that cutting at a point is one pass in C.

    Season 0 is 0 (known before watching); the others are numbered from 1 in episode order.
    """

    def __init__(self, items: Sequence[object], get: Callable[[object], Progress]) -> None:
        self.items = items  # held, so its id is not reused while this is cached
        self.size = len(items)
        episodes = [get(item) for item in items]
        self.watched = sorted({(e.season, e.episode) for e in episodes if e.season != 0})
        number = {episode: rank for rank, episode in enumerate(self.watched, 1)}
        ranks = [0 if e.season == 0 else number[(e.season, e.episode)] for e in episodes]
        # As bytes (up to 255 episodes), a cut's mask is one bytes.translate.
        self.packed = bytes(ranks) if len(self.watched) < 256 else None
        self.ranks = ranks

    def mask(self, limit: int) -> Iterable[bool | int]:
        """Return, item by item, whether its rank is at most `limit`."""
        if self.packed is None:
            return map(limit.__ge__, self.ranks)
        return self.packed.translate(bytes(int(rank <= limit) for rank in range(256)))


# A show's cuts are taken at every progress point one after another (ShowEngine), and each
# compared every fact's episode with the point in Python: 10 million comparisons for 100,000
# facts over 100 episodes. The ranks are worked out once per list instead. A show file is
# not changed once loaded (views keep its lists), so the same list of the same length is
# taken to hold the same items.
_RANKS: dict[int, _Ranks] = {}
_MAX_RANKS = 8


def _visible_items(items: list[T], get: Callable[[object], Progress], point: Progress) -> list[T]:
    """Return the items stamped with an episode `point` covers, in their order."""
    ranks = _RANKS.get(id(items))
    if ranks is None or ranks.items is not items or ranks.size != len(items):
        ranks = _Ranks(items, get)
        _RANKS.pop(id(items), None)
        if len(_RANKS) >= _MAX_RANKS:
            del _RANKS[next(iter(_RANKS))]
        _RANKS[id(items)] = ranks
    limit = bisect_right(ranks.watched, (point.season, point.episode)) if point.started else 0
    return list(compress(items, ranks.mask(limit)))


def _cut_character(character: Character, point: Progress) -> Character:
    reveals = [r for r in character.reveals if _visible(point, r.episode)]
    if len(reveals) == len(character.reveals):
        return character
    return character.model_copy(update={"reveals": reveals})


def as_known(character: Character) -> Character:
    """Return a character with the reveals it carries applied: names, aliases and role."""
    if not character.reveals:
        return character
    name, aliases, role = character.name, list(character.aliases), character.role
    for reveal in sorted(character.reveals, key=lambda r: r.episode):
        if reveal.name and reveal.name != name:
            aliases.insert(0, name)  # the name fans knew first still means them
            name = reveal.name
        aliases.extend(a for a in reveal.aliases if a not in aliases)
        role = reveal.role or role
    return character.model_copy(
        update={"name": name, "aliases": aliases, "role": role, "reveals": []}
    )
