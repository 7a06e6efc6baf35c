"""Settings read from the environment as operators write them."""

from __future__ import annotations

import pytest

from bot.settings import Settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", [0]), ("3", [3]), ("0,1", [0, 1]), ("0 1", [0, 1]), ("[2, 3]", [2, 3]), ("", None)],
)
def test_shard_ids_from_the_environment(monkeypatch, value: str, expected) -> None:
    # A single id used to be read as JSON (an int) and refused, so one shard per process failed.
    monkeypatch.setenv("SHARD_IDS", value)
    assert Settings(_env_file=None).shard_ids == expected
