"""Small builders shared by the core tests."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "data" / "shows"
AOUAD = DATA_DIR / "all-of-us-are-dead" / "show.yaml"

MINI_SHOW = {
    "show": {
        "slug": "mini-show",
        "title": "Mini Show",
        "aliases": ["The Mini"],
        "seasons": [{"number": 1, "episodes": 3}],
        "recaps": [
            {"episode": "S1E1", "summary": "Ada opens the lighthouse.", "source": "test"},
        ],
    },
    "characters": [
        {
            "id": "ada",
            "name": "Ada Park",
            "aliases": ["Ada"],
            "first_seen": "S1E1",
            "role": "The lighthouse keeper.",
        },
        {
            "id": "bo-ram",
            "name": "Bo-ram",
            "aliases": ["Boram"],
            "first_seen": "S1E2",
            "role": "A sailor who washes ashore.",
        },
    ],
    "facts": [
        {
            "id": "ada-keeper",
            "episode": "S1E1",
            "about": ["ada"],
            "topics": ["fate"],
            "answer": "Ada keeps the lighthouse and is alive.",
            "questions": ["is ada alive"],
            "source": "test",
        },
        {
            "id": "bo-ram-rescued",
            "episode": "S1E2",
            "about": ["ada", "bo-ram"],
            "topics": ["rescue"],
            "answer": "Ada pulls Bo-ram out of the sea.",
            "questions": ["who rescued bo-ram"],
            "source": "test",
        },
        {
            "id": "ada-leaves",
            "episode": "S1E3",
            "about": ["ada"],
            "topics": ["fate"],
            "answer": "Ada sails away with the sailor at the end.",
            "questions": ["what happens to ada at the end"],
            "source": "test",
        },
    ],
}


def mini_show() -> dict:
    """Return a fresh, valid show dict that a test may break."""
    return copy.deepcopy(MINI_SHOW)


def write_show(folder: Path, data: dict, name: str = "show.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def split_spoilers(text: str) -> tuple[str, str, bool]:
    """Split Discord text into what is inside and outside spoiler bars, as Discord parses it.

    A backslash escapes the next character, so an escaped bar neither opens nor closes.
    Returns (inside, outside, balanced).
    """
    inside: list[str] = []
    outside: list[str] = []
    hidden = False
    i = 0
    while i < len(text):
        if text[i] == "\\":
            (inside if hidden else outside).append(text[i : i + 2])
            i += 2
        elif text.startswith("||", i):
            hidden = not hidden
            (inside if hidden else outside).append(" ")
            i += 2
        else:
            (inside if hidden else outside).append(text[i])
            i += 1
    return "".join(inside), "".join(outside), not hidden


def _episode(ref: str) -> tuple[int, int]:
    season, episode = ref.upper().removeprefix("S").split("E")
    return int(season), int(episode)


def cut_raw(data: dict, point: tuple[int, int]) -> dict:
    """Cut a raw show dict at a progress point, as the README's rule says, independently of bot/.

    Everything stamped with a later episode goes (facts, recaps, identity reveals), and so does
    every character first seen later. S0E0 is known before watching.
    """

    def seen(ref: str) -> bool:
        stamp = _episode(ref)
        return stamp[0] == 0 or (point[0] > 0 and stamp <= point)

    cut = copy.deepcopy(data)
    cut["show"]["recaps"] = [r for r in cut["show"].get("recaps", []) if seen(r["episode"])]
    characters = []
    for character in cut.get("characters", []):
        if seen(character["first_seen"]):
            reveals = [r for r in character.get("reveals", []) if seen(r["episode"])]
            if "reveals" in character:
                character["reveals"] = reveals
            characters.append(character)
    cut["characters"] = characters
    cut["facts"] = [f for f in cut.get("facts", []) if seen(f["episode"])]
    return cut
