"""What a show file holds for a viewer at one progress point: the base cut at that point.

The cutting rule: everything stamped with an episode after the point is removed (facts,
recaps, identity reveals), and so is every character first seen after it. The bot answers a
viewer at a point only from the base cut there, so its reply is exactly the reply of a bot
that never knew the later episodes.
"""

from __future__ import annotations

from bot.core.progress import Progress, last_episode
from bot.core.schema import Character, ShowFile


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
        _cut_character(c, point) for c in show_file.characters if _visible(point, c.first_seen)
    ]
    facts = [f for f in show_file.facts if _visible(point, f.episode)]
    return ShowFile(
        show=show.model_copy(update={"recaps": recaps}),
        characters=characters,
        facts=facts,
    )


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
