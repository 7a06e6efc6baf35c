"""Loading and validating show files: every rule has a broken fixture and a precise message."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from bot.cli import main
from bot.core.factbase import FactBaseError, read_library, read_show_file
from bot.core.library import Library
from bot.core.progress import Progress
from tests.helpers import AOUAD, DATA_DIR, mini_show, write_show


def test_every_data_file_loads_and_indexes() -> None:
    shows = read_library(DATA_DIR)
    assert shows, "data/shows holds no show file"
    library = Library.load(DATA_DIR)
    for show_file in shows:
        engine = library.shows[show_file.show.slug]
        assert {f.id for f in show_file.facts} <= {f.id for f in engine.facts}


def test_real_fact_base_covers_every_episode_with_facts_and_recaps() -> None:
    for show_file in read_library(DATA_DIR):
        counts = show_file.show.episode_counts
        episodes = {Progress(s, e) for s, n in counts.items() for e in range(1, n + 1)}
        assert episodes <= {f.episode for f in show_file.facts}
        assert {r.episode for r in show_file.show.recaps} == episodes
        assert len(show_file.facts) >= 100
        assert all(f.source.strip() for f in show_file.facts)


def test_no_card_of_a_real_show_opens_with_yes_or_no() -> None:
    # One card answers many questions: "Yes:" before "does Nancy end up with Steve or
    # Jonathan" or "what happened between Steve and Jonathan" reads as nonsense. ("No
    # romance in season 1" says something; "No." answers one question.)
    for show_file in read_library(DATA_DIR):
        opening = [f.id for f in show_file.facts if re.match(r"(?i)(yes|no)[.,:;!]", f.answer)]
        assert not opening, f"{show_file.show.slug}: {opening}"


# Words that look past the card's own episode: "later Lucas uses his to warn the others" on an
# episode-4 card told a viewer at episode 4 of episode 7, "not yet made up" that they do, and
# "alive and still human" (said of one character only) that he will not stay so, and "the
# kiss never happens here" that it happens elsewhere.
_LOOKING_AHEAD = re.compile(
    r"(?i)\b(?:not yet|for now|eventually|later on|still human|never happens here)\b"
    r"|\blater \w+ (?:uses|finds|learns|becomes|turns|dies)\b|\byet[.,;]"
)


def test_no_card_of_a_real_show_looks_past_its_own_episode() -> None:
    for show_file in read_library(DATA_DIR):
        finale = max(show_file.show.recaps, key=lambda r: r.episode).episode
        ahead = [
            f.id for f in show_file.facts if f.episode < finale and _LOOKING_AHEAD.search(f.answer)
        ]
        assert not ahead, f"{show_file.show.slug}: {ahead}"


def test_mini_show_is_valid(tmp_path) -> None:
    show = read_show_file(write_show(tmp_path, mini_show()))
    assert [f.id for f in show.facts] == ["ada-keeper", "bo-ram-rescued", "ada-leaves"]


def _break(change: Callable[[dict], None]) -> dict:
    data = mini_show()
    change(data)
    return data


BROKEN = {
    "duplicate fact id": (
        lambda d: d["facts"][1].update(id="ada-keeper"),
        "fact 'ada-keeper': duplicate id (used 2 times)",
    ),
    "duplicate character id": (
        lambda d: d["characters"][1].update(id="ada", aliases=["Boram"]),
        "character 'ada': duplicate id",
    ),
    "unknown character reference": (
        lambda d: d["facts"][0].update(about=["ada", "ghost"]),
        "fact 'ada-keeper' field about: unknown character 'ghost'",
    ),
    "episode outside the season": (
        lambda d: d["facts"][2].update(episode="S1E9"),
        "fact 'ada-leaves' field episode: episode S1E9 is outside the show (S1E1-S1E3)",
    ),
    "episode of a missing season": (
        lambda d: d["facts"][2].update(episode="S2E1"),
        "fact 'ada-leaves' field episode: episode S2E1 is outside the show",
    ),
    "names a character before the viewer meets them (by alias)": (
        lambda d: d["facts"][0].update(answer="Ada keeps the lighthouse, waiting for Boram."),
        "fact 'ada-keeper' field answer: names 'bo-ram' in",
    ),
    "a question names a character too early": (
        lambda d: d["facts"][0].update(questions=["is ada alive", "does ada know bo ram"]),
        "fact 'ada-keeper' field questions: names 'bo-ram'",
    ),
    "about lists a character met later": (
        lambda d: d["facts"][0].update(about=["ada", "bo-ram"]),
        "fact 'ada-keeper' field about: is about 'bo-ram', whom viewers first meet in S1E2",
    ),
    "spoiler bars in an answer": (
        lambda d: d["facts"][0].update(answer="Ada is || alive."),
        "fact 'ada-keeper' field answer: contains '||'",
    ),
    "markdown in an answer": (
        lambda d: d["facts"][0].update(answer="Ada is **alive**."),
        "fact 'ada-keeper' field answer: contains '*'",
    ),
    "a mention in an answer": (
        lambda d: d["facts"][0].update(answer="Ada waves at @everyone."),
        "fact 'ada-keeper' field answer: contains '@'",
    ),
    "over-long answer": (
        lambda d: d["facts"][0].update(answer="Ada is alive. " * 40),
        "fact 'ada-keeper' field answer: is 559 characters long; keep it under 450",
    ),
    "a recap that names a character too early": (
        lambda d: d["show"]["recaps"][0].update(summary="Ada meets Bo-ram."),
        "recap S1E1 field summary: names 'bo-ram'",
    ),
    "a name shared by two characters": (
        lambda d: d["characters"][1]["aliases"].append("Ada"),
        "character 'bo-ram' field aliases: name 'Ada' is also a name of character 'ada'",
    ),
    "a twist name used before its reveal": (
        lambda d: (
            d["characters"][1].update(
                reveals=[{"episode": "S1E3", "aliases": ["the lost prince"], "role": "A prince."}]
            ),
            d["facts"][1].update(answer="Ada pulls the lost prince out of the sea."),
        ),
        "fact 'bo-ram-rescued' field answer: names 'bo-ram' in",
    ),
    "a reveal no later than first_seen": (
        lambda d: d["characters"][1].update(reveals=[{"episode": "S1E2", "aliases": ["Prince"]}]),
        "character 'bo-ram' field reveals: reveal at S1E2 is not after first_seen",
    ),
    "a subject the fact is not about": (
        lambda d: d["facts"][1].update(subject=["bo-ram", "ada-2"]),
        "fact 'bo-ram-rescued' field subject: 'ada-2' is not in the fact's about",
    ),
    "missing field (schema)": (
        lambda d: d["facts"][1].pop("source"),
        "fact 'bo-ram-rescued' field source: Field required",
    ),
    "unknown field (schema)": (
        lambda d: d["facts"][1].update(spoiler=True),
        "fact 'bo-ram-rescued' field spoiler: Extra inputs are not permitted",
    ),
    "badly written episode (schema)": (
        lambda d: d["facts"][1].update(episode="episode two"),
        "fact 'bo-ram-rescued' field episode: Value error, expected an episode like S1E7",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN), ids=sorted(BROKEN))
def test_each_rule_reports_file_item_and_field(tmp_path, case: str) -> None:
    change, expected = BROKEN[case]
    path = write_show(tmp_path, _break(change))
    with pytest.raises(FactBaseError) as caught:
        read_show_file(path)
    messages = [str(issue) for issue in caught.value.issues]
    assert any(m.startswith(f"{path}: {expected}") for m in messages), messages


def test_invalid_yaml_names_the_line(tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("show:\n  slug: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(FactBaseError) as caught:
        read_show_file(path)
    assert "invalid YAML" in str(caught.value) and "line 4" in str(caught.value)


def test_every_error_is_reported_not_just_the_first(tmp_path) -> None:
    def several(d: dict) -> None:
        d["facts"][0]["about"] = ["ghost"]
        d["facts"][1]["id"] = "ada-keeper"
        d["facts"][2]["episode"] = "S1E7"

    path = write_show(tmp_path, _break(several))
    with pytest.raises(FactBaseError) as caught:
        read_show_file(path)
    assert len(caught.value.issues) == 3


def test_two_files_with_one_slug_are_rejected(tmp_path) -> None:
    write_show(tmp_path, mini_show(), "a.yaml")
    write_show(tmp_path, mini_show(), "b.yaml")
    with pytest.raises(FactBaseError, match="slug used by more than one file"):
        read_library(tmp_path)


def test_validate_command_prints_every_error_and_fails(tmp_path, capsys) -> None:
    path = write_show(tmp_path, _break(lambda d: d["facts"][0].update(about=["ghost"])))
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "unknown character 'ghost'" in out and "1 problem found." in out


def test_validate_command_accepts_the_real_data(capsys) -> None:
    assert main(["validate", str(DATA_DIR)]) == 0
    assert "OK" in capsys.readouterr().out


def test_nothing_starts_on_an_invalid_fact_base(tmp_path, capsys) -> None:
    path = write_show(tmp_path, _break(lambda d: d["facts"][0].update(episode="S1E9")))
    assert main(["--data", str(path), "ask", "is ada alive", "--progress", "S1E3"]) == 1
    assert "is invalid" in capsys.readouterr().err


def test_a_second_show_is_one_more_file(tmp_path) -> None:
    write_show(tmp_path, mini_show(), "mini.yaml")
    (tmp_path / "aouad.yaml").write_text(AOUAD.read_text(encoding="utf-8"), encoding="utf-8")
    library = Library.load(tmp_path)
    assert set(library.shows) == {"mini-show", "all-of-us-are-dead"}
    assert library.get("The Mini").slug == "mini-show"
    assert library.get("all of us are dead").slug == "all-of-us-are-dead"


def test_a_twist_identity_is_known_only_from_its_reveal(tmp_path) -> None:
    data = mini_show()
    data["characters"][1]["reveals"] = [
        {"episode": "S1E3", "aliases": ["the lost prince"], "role": "The lost prince of the isle."}
    ]
    data["facts"][2]["answer"] = "Ada sails away with the lost prince at the end."
    engine = Library.load(write_show(tmp_path, data)).default
    before = engine.find_character("the lost prince", Progress(1, 2))
    assert before is None
    sailor = engine.find_character("bo-ram", Progress(1, 2))
    assert sailor is not None and sailor.role == "A sailor who washes ashore."
    after = engine.find_character("the lost prince", Progress(1, 3))
    assert after is not None and after.role == "The lost prince of the isle."


def test_a_file_that_is_not_utf8_is_one_issue_with_the_byte_offset(tmp_path, capsys) -> None:
    path = write_show(tmp_path, mini_show())
    data = path.read_bytes()
    offset = data.index(b"lighthouse keeper")
    path.write_bytes(data[:offset] + b"\xff" + data[offset + 1 :])
    with pytest.raises(FactBaseError) as caught:
        read_show_file(path)
    [issue] = caught.value.issues
    assert str(issue).startswith(f"{path}: byte {offset}: not valid UTF-8")

    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: byte {offset}: not valid UTF-8" in out and "1 problem found." in out
    assert main(["--data", str(path), "ask", "is ada alive"]) == 1
    err = capsys.readouterr().err
    assert "is invalid (1 problem)" in err and f"byte {offset}" in err


def test_schema_and_rule_errors_are_reported_in_one_run(tmp_path) -> None:
    def mixed(d: dict) -> None:
        d["facts"][0].pop("source")  # schema
        d["facts"][1]["episode"] = "S1E9"  # rule: outside the show
        d["facts"][2]["about"] = ["ghost"]  # rule: unknown character
        d["characters"][1].pop("role")  # schema; facts about bo-ram are not "unknown"
        d["show"]["recaps"][0]["episode"] = "S1E7"  # rule, in the show part

    path = write_show(tmp_path, _break(mixed))
    with pytest.raises(FactBaseError) as caught:
        read_show_file(path)
    messages = sorted(str(issue).removeprefix(f"{path}: ") for issue in caught.value.issues)
    assert messages == [
        "character 'bo-ram' field role: Field required",
        "fact 'ada-keeper' field source: Field required",
        "fact 'ada-leaves' field about: unknown character 'ghost'",
        "fact 'bo-ram-rescued' field episode: episode S1E9 is outside the show (S1E1-S1E3)",
        "recap S1E7: episode S1E7 is outside the show (S1E1-S1E3)",
    ], messages
