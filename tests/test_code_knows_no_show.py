"""Code under bot/ names no show: names, places, lore and a show's words live in its data."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.core.factbase import read_library
from bot.core.names import english_words
from bot.core.text import CONCEPT_OF, GENERIC, STOPWORDS, compact
from bot.settings import PROJECT_ROOT
from tests.helpers import DATA_DIR

BOT = PROJECT_ROOT / "bot"


def code_words(path: Path) -> set[str]:
    """Return the words of a module's identifiers and string literals, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.update(GENERIC.words(node.value))
        elif isinstance(node, ast.Name):
            found.update(GENERIC.words(node.id.replace("_", " ")))
    return found


def show_words() -> dict[str, set[str]]:
    """Return, per show, the words that belong to it: its people, titles and own vocabulary."""
    generic = {w for path in (BOT / "core" / "lang").glob("*.yaml") for w in words_of(path)}
    generic |= set(CONCEPT_OF) | STOPWORDS
    shows: dict[str, set[str]] = {}
    for show_file in read_library(DATA_DIR):
        show = show_file.show
        names = [show.title, *show.aliases, *(n for c in show_file.characters for n in c.names)]
        vocabulary = show.vocabulary
        lore = [*vocabulary.phrases.values(), *vocabulary.translations]
        lore += [w for ws in vocabulary.concepts.values() for w in ws]
        # Descriptions ("the archer", "best friend") and concept words ("bitten") are plain
        # English; what counts is the show's own: its names and coined words.
        # "Nam-ra" is one name, "namra": its syllables alone are anyone's.
        parts = [compact(part) for text in [*names, *lore] for part in text.split()]
        own = {w for w in parts if len(w) >= 4 and w not in english_words()}
        own |= {GENERIC.words(word)[0] for word in vocabulary.phrases.values()}
        shows[show.slug] = own - generic
    return shows


def words_of(path: Path) -> set[str]:
    return set(GENERIC.words(path.read_text(encoding="utf-8")))


def test_no_module_under_bot_names_anything_of_a_show() -> None:
    modules = sorted(BOT.rglob("*.py"))
    assert modules
    for slug, words in show_words().items():
        assert words, slug
        for module in modules:
            named = code_words(module) & words
            assert not named, f"{module.relative_to(PROJECT_ROOT)} names {sorted(named)} of {slug}"


def test_language_files_hold_no_show_either() -> None:
    for slug, words in show_words().items():
        for path in sorted((BOT / "core" / "lang").glob("*.yaml")):
            named = words_of(path) & words
            assert not named, f"{path.name} names {sorted(named)} of {slug}"
