"""Settings as operators write them in the environment."""

from __future__ import annotations

import pytest

from bot.settings import Settings


@pytest.mark.parametrize(
    ("shard_ids", "expected"),
    [("0", [0]), ("3", [3]), ("0,1", [0, 1]), ("0 1", [0, 1]), ("[0, 1]", [0, 1]), ("", None)],
)
def test_shard_ids_from_the_environment(monkeypatch, shard_ids: str, expected) -> None:
    monkeypatch.setenv("SHARD_IDS", shard_ids)
    monkeypatch.setenv("SHARD_COUNT", "4")
    assert Settings(_env_file=None).shard_ids == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_IDS": "4", "SHARD_COUNT": "4"}, "outside SHARD_COUNT 4"),
        ({"SHARD_IDS": "a,b", "SHARD_COUNT": "4"}, "expected shard numbers"),
    ],
)
def test_unusable_shard_settings_are_refused_by_name(monkeypatch, env, message) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValueError, match=message):
        Settings(_env_file=None)
