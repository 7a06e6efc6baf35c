"""The command line, run as users and the scorer run it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.settings import PROJECT_ROOT


def run(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
        env=env,
    )


def test_ask_json_has_the_documented_shape() -> None:
    result = run("ask", "who saved On-jo in the cafeteria", "--progress", "S1E2", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert set(record) == {"status", "content", "facts", "progress", "show"}
    assert record["status"] == "answered"
    assert record["progress"] == "S1E2" and record["show"] == "all-of-us-are-dead"
    assert record["facts"] and "||" in record["content"]


def test_ask_plain_prints_the_reply() -> None:
    result = run("ask", "did Nam-ra survive", "--progress", "finished")
    assert result.returncode == 0
    assert result.stdout.startswith("||") and "S1E12" in result.stdout


def test_jsonl_answers_every_line_in_order_and_survives_bad_lines() -> None:
    lines = [
        {"question": "is Ha-ri alive", "progress": "S1E12"},
        "not json",
        {"question": "is Ha-ri alive", "progress": "S1E99"},
        {"question": "who is the class president"},
        {"question": "", "progress": "S1E3"},
        {"question": "what is the capital of France", "progress": "finished", "show": "nope"},
    ]
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    result = run("ask", "--jsonl", stdin=stdin + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in records] == [
        "answered",
        "error",
        "error",
        "unknown",
        "error",
        "error",
    ]
    assert "S1E1-S1E12" in records[2]["content"]
    assert records[3]["progress"] == "not started"
    assert "Unknown show" in records[5]["content"]


def test_invalid_progress_is_a_clear_error() -> None:
    result = run("ask", "is Ha-ri alive", "--progress", "S3E1", "--json")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["status"] == "error" and "S1E1-S1E12" in record["content"]


def test_chat_session_keeps_progress_and_gates_answers() -> None:
    script = (
        "\n".join(
            [
                "/help",
                "did nam-ra survive",
                "/progress S1E99",
                "/progress S1E2",
                "/ask did nam-ra survive",
                "/character class president",
                "/character Wu-jin",
                "/recap",
                "/progress finished",
                "/ask did nam-ra survive",
                "/quit",
                "/ask never reached",
            ]
        )
        + "\n"
    )
    result = run("chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "/progress S1E7" in out
    assert "That episode is not in the show" in out
    assert "Progress set: S1E2." in out
    before_finish = out.split("Progress set: S1E12.")[0]
    for spoiler_word in ("half-zombie", "halfbie", "roof", "camp"):
        assert spoiler_word not in before_finish.lower()
    assert "I don't know anyone by that name that you've met so far." in before_finish
    assert "never reached" not in out


def test_plain_module_without_token_names_the_variable_and_chat() -> None:
    env = {"PATH": "/usr/bin:/bin", "DISCORD_TOKEN": ""}
    result = run(env=env)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "python -m bot chat" in result.stderr
