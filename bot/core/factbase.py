"""Load and validate show files into a library of fact bases."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.core.names import NameMatcher
from bot.core.progress import Progress
from bot.core.schema import MAX_ANSWER_CHARS, MAX_SUMMARY_CHARS, ShowFile
from bot.core.text import words

# libyaml's loader parses a show file about ten times faster than the pure-Python one and
# builds the same values; PyYAML is sometimes built without it.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Characters that would open markup, break out of spoiler bars or ping someone on Discord.
_MARKUP = re.compile(r"\|\||[*_`~#>\[\]<@]|https?://|\n")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a show file, located precisely enough to fix it."""

    path: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}"


class FactBaseError(Exception):
    """A fact base that must not be served; carries every issue found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def read_show_file(path: Path) -> ShowFile:
    """Parse and fully validate one show file, raising FactBaseError with every issue."""
    where = str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except OSError as error:
        raise FactBaseError([Issue(where, "file", f"cannot read: {error.strerror}")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or str(error)
        raise FactBaseError([Issue(where, at, f"invalid YAML: {problem}")]) from None
    if not isinstance(raw, dict):
        raise FactBaseError(
            [Issue(where, "file", "expected a mapping with show, characters, facts")]
        )
    try:
        show_file = ShowFile.model_validate(raw)
    except ValidationError as error:
        raise FactBaseError(list(_schema_issues(where, raw, error))) from None
    issues = validate(show_file, where)
    if issues:
        raise FactBaseError(issues)
    return show_file


def _schema_issues(where: str, raw: dict, error: ValidationError) -> Iterator[Issue]:
    for detail in error.errors():
        loc = list(detail["loc"])
        label = _describe_location(raw, loc)
        yield Issue(where, label, detail["msg"])


def _describe_location(raw: dict, loc: list) -> str:
    """Turn a pydantic location into "fact 'some-id' field answer" where an id is known."""
    if len(loc) >= 2 and loc[0] in ("facts", "characters") and isinstance(loc[1], int):
        items = raw.get(loc[0]) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        kind = loc[0][:-1]
        name = f"{kind} {ident!r}" if ident else f"{kind} #{loc[1] + 1}"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{name} field {rest}" if rest else name
    return ".".join(str(part) for part in loc) or "file"


def validate(show_file: ShowFile, where: str = "<memory>") -> list[Issue]:
    """Return every rule the show file breaks beyond its schema."""
    issues: list[Issue] = []

    def add(location: str, message: str) -> None:
        issues.append(Issue(where, location, message))

    show = show_file.show
    counts = show.episode_counts
    characters = {c.id: c for c in show_file.characters}

    def check_episode(location: str, episode: Progress) -> None:
        if episode.episode > counts.get(episode.season, 0):
            add(location, f"episode {episode} is outside the show ({_range(counts)})")

    for kind, ids in (
        ("character", [c.id for c in show_file.characters]),
        ("fact", [f.id for f in show_file.facts]),
    ):
        for ident, count in Counter(ids).items():
            if count > 1:
                add(f"{kind} {ident!r}", f"duplicate id (used {count} times)")

    alias_owner: dict[str, str] = {}
    for character in show_file.characters:
        check_episode(f"character {character.id!r} field first_seen", character.first_seen)
        for name in character.names:
            key = "".join(words(name))
            owner = alias_owner.setdefault(key, character.id)
            if owner != character.id:
                add(
                    f"character {character.id!r} field aliases",
                    f"name {name!r} is also a name of character {owner!r}",
                )

    matcher = NameMatcher({c.id: c.names for c in show_file.characters})

    def check_names(location: str, episode: Progress, texts: Iterable[str]) -> None:
        for text in texts:
            for mention in matcher.find(words(text), fuzzy=False):
                met = characters[mention.entity].first_seen
                if met > episode:
                    add(
                        location,
                        f"names {mention.entity!r} in {text!r}, but viewers first meet "
                        f"them in {met}, after {episode}",
                    )

    def check_text(location: str, text: str, limit: int) -> None:
        bad = _MARKUP.search(text)
        if bad:
            add(
                location,
                f"contains {bad.group()!r}, which would break spoiler tags or ping "
                "someone; write plain text",
            )
        if len(text) > limit:
            add(location, f"is {len(text)} characters long; keep it under {limit}")

    for character in show_file.characters:
        location = f"character {character.id!r} field role"
        check_text(location, character.role, MAX_ANSWER_CHARS)
        check_names(location, character.first_seen, [character.role])

    for fact in show_file.facts:
        location = f"fact {fact.id!r}"
        check_episode(f"{location} field episode", fact.episode)
        for ref in fact.about:
            if ref not in characters:
                add(f"{location} field about", f"unknown character {ref!r}")
            elif characters[ref].first_seen > fact.episode:
                add(
                    f"{location} field about",
                    f"is about {ref!r}, whom viewers first meet in "
                    f"{characters[ref].first_seen}, after {fact.episode}",
                )
        check_text(f"{location} field answer", fact.answer, MAX_ANSWER_CHARS)
        for question in fact.questions:
            if "||" in question:
                add(f"{location} field questions", f"question {question!r} contains '||'")
        check_names(f"{location} field answer", fact.episode, [fact.answer])
        check_names(f"{location} field questions", fact.episode, fact.questions)

    seen_recaps: set[Progress] = set()
    for recap in show.recaps:
        location = f"recap {recap.episode}"
        check_episode(location, recap.episode)
        if recap.episode in seen_recaps:
            add(location, "duplicate recap for this episode")
        seen_recaps.add(recap.episode)
        check_text(f"{location} field summary", recap.summary, MAX_SUMMARY_CHARS)
        check_names(f"{location} field summary", recap.episode, [recap.summary])
    return issues


def _range(counts: dict[int, int]) -> str:
    return ", ".join(f"S{s}E1-S{s}E{n}" for s, n in sorted(counts.items()))


def show_files(path: Path) -> list[Path]:
    """Return the show files at a path: the file itself, or every YAML file in a folder."""
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    return [path]


def read_library(path: Path) -> list[ShowFile]:
    """Read every show file under a path, raising FactBaseError with all issues of all files."""
    files = show_files(path)
    if not files:
        raise FactBaseError([Issue(str(path), "folder", "no show files (*.yaml) found")])
    shows: list[ShowFile] = []
    issues: list[Issue] = []
    for file in files:
        try:
            shows.append(read_show_file(file))
        except FactBaseError as error:
            issues.extend(error.issues)
    slugs = Counter(show.show.slug for show in shows)
    issues.extend(
        Issue(str(path), f"show {slug!r}", "slug used by more than one file")
        for slug, n in slugs.items()
        if n > 1
    )
    if issues:
        raise FactBaseError(issues)
    return shows
