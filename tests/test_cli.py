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


def test_chatter_has_its_own_status_and_no_facts() -> None:
    result = run("ask", "thanks!", "--progress", "finished", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "chatter" and record["facts"] == []
    assert "||" not in record["content"]


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


def run_jsonl(stdin: bytes) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Feed raw bytes to `ask --jsonl`; return the process and its records."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=stdin, capture_output=True, cwd=PROJECT_ROOT, timeout=60,
    )  # fmt: skip
    return result, [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


FINALE = {"question": "did nam-ra survive", "progress": "S1E1"}


NOT_BOOLEANS = ["false", "no", "0", "off", "true", "", 1, 0, None, [], {}]


def test_jsonl_reveals_only_for_json_true() -> None:
    lines = [{**FINALE, "reveal": value} for value in NOT_BOOLEANS]
    lines += [{**FINALE, "reveal": True}, {**FINALE, "reveal": False}, FINALE]
    result, records = run_jsonl(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    assert result.returncode == 0, result.stderr
    *bad, revealed, gated, default = records
    for value, record in zip(NOT_BOOLEANS, bad, strict=True):
        assert record["status"] == "error", value
        assert record["content"] == "'reveal' must be true or false.", value
    assert "may spoil" in revealed["content"] and "evolved" in revealed["content"]
    for record in (gated, default):
        assert "may spoil" not in record["content"] and "evolved" not in record["content"]


def test_jsonl_gives_each_bad_line_its_own_error_and_goes_on() -> None:
    good = json.dumps({"question": "is Ha-ri alive", "progress": "S1E12"}).encode()
    bad_lines = [
        *(
            json.dumps({"question": "is Ha-ri alive", "show": v}).encode()
            for v in (5, [1], {}, True)
        ),
        *(json.dumps({"question": v}).encode() for v in (5, ["q"], {"q": 1}, False)),
        *(json.dumps({"question": "q", "progress": v}).encode() for v in (7, ["S1E2"], True)),
        b'{"question": "is Ha-ri alive", "progress": "\\ud800"}',
        b'{"question": "is Ha-ri \\udfff alive"}',
        b'{"question": "is Ha-ri alive", "show": "\\ud83d"}',
        b'{"question": "is Ha-ri \xff\xfe alive"}',
        b"\xc3\x28",
        b"[" * 100_000,
        b"[1, 2]",
        b'"just a string"',
    ]
    stdin = b"\n".join(line for bad in bad_lines for line in (bad, good)) + b"\n"
    result, records = run_jsonl(stdin)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr.decode()
    assert len(records) == 2 * len(bad_lines)
    for bad, (error, answer) in zip(
        bad_lines, zip(records[::2], records[1::2], strict=True), strict=True
    ):
        assert error["status"] == "error", (bad[:80], error)
        assert error["content"] and error["facts"] == []
        assert answer["status"] == "answered", answer
    invalid_utf8 = records[2 * bad_lines.index(b"\xc3\x28")]
    assert "not valid UTF-8" in invalid_utf8["content"] and "byte 0" in invalid_utf8["content"]
    assert "'show' must be a string" in records[0]["content"]


def test_jsonl_output_is_utf8_json_whatever_the_locale() -> None:
    line = json.dumps({"question": "남라 살았어?", "progress": "S1E12"}, ensure_ascii=False)
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        input=line.encode() + b"\n", capture_output=True, cwd=PROJECT_ROOT, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [record] = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert record["status"] == "answered"


# -- routing between the shows (both loaded, All of Us Are Dead the default) ---------------------

AOUAD, ST = "all-of-us-are-dead", "stranger-things"


def ask_json(question: str, *progress: str, show: str | None = None) -> dict:
    args = ["ask", question, "--json", *(a for p in progress for a in ("--progress", p))]
    result = run(*args, *(["--show", show] if show else []))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_question_naming_people_met_in_one_show_is_answered_from_it() -> None:
    record = ask_json("did eleven survive", f"{ST}=S1E3", f"{AOUAD}=S1E5")
    assert record["show"] == ST and record["status"] == "answered", record
    assert record["progress"] == "S1E3"
    assert record["content"].endswith("-# Stranger Things, answered for a viewer up to S1E3.")
    # A viewer far into the default show is still answered about its people there.
    namra = ask_json("did nam-ra survive", f"{ST}=S1E3", f"{AOUAD}=S1E5")
    assert namra["show"] == AOUAD and namra["status"] == "answered"
    assert "-# AOUAD, answered for a viewer up to S1E5." in namra["content"]


def test_a_question_naming_a_show_is_answered_from_it_as_if_the_title_were_not_there() -> None:
    titled = ask_json("in stranger things, who is hopper", f"{AOUAD}=S1E5", f"{ST}=S1E2")
    plain = ask_json("who is hopper", f"{ST}=S1E2", show="ST")
    assert titled["show"] == ST and titled["status"] == "answered", titled
    assert titled["facts"] == plain["facts"] and titled["content"] == plain["content"]
    korean = ask_json("지금 우리 학교는 남라 살았어?", f"{AOUAD}=S1E12", f"{ST}=S1E8")
    assert korean["show"] == AOUAD and korean["status"] == "answered"


def test_a_question_that_could_be_about_either_show_asks_which() -> None:
    for question in ("did eleven bite nam-ra", "who is the bully", "stranger things or aouad?"):
        record = ask_json(question, f"{ST}=S1E3", f"{AOUAD}=S1E5")
        assert record["status"] == "ambiguous", (question, record)
        assert sorted(record["candidates"]) == [AOUAD, ST]
        assert record["facts"] == [] and "||" not in record["content"]
        assert "AOUAD or Stranger Things" in record["content"]
    # The command's show always wins.
    chosen = ask_json("did eleven bite nam-ra", f"{ST}=S1E3", f"{AOUAD}=S1E5", show=ST)
    assert chosen["show"] == ST and chosen["status"] != "ambiguous"


def test_routing_never_tells_a_viewer_of_people_they_have_not_met() -> None:
    """Not started (or early) in a show, its later people are words the bot never heard."""
    nobody = ask_json("did zorblax survive", "S1E5")
    for question, progress in [
        ("did eleven survive", ("S1E5",)),  # Stranger Things not started
        ("did eleven survive", (f"{AOUAD}=S1E5", f"{ST}=none")),
    ]:
        record = ask_json(question, *progress)
        assert record["show"] == AOUAD, record
        assert record["content"] == nobody["content"], record
    # Terry first appears in S1E6: for a viewer at S1E1 her name routes nowhere.
    early = ask_json("is terry ives alive", f"{ST}=S1E1", f"{AOUAD}=S1E5")
    made_up = ask_json("is zorblax ives alive", f"{ST}=S1E1", f"{AOUAD}=S1E5")
    assert early["show"] == AOUAD and early["content"] == made_up["content"]
    # A typo of a met name does not route either: only exact names do.
    typo = ask_json("did elevven survive", f"{ST}=S1E3", f"{AOUAD}=S1E5")
    assert typo["show"] == AOUAD


def test_jsonl_takes_progress_by_show() -> None:
    lines = [
        {"question": "did eleven survive", "progress": {"stranger-things": "S1E3"}},
        {
            "question": "did eleven survive",
            "progress": {"Stranger Things": "S1E3"},
            "show": "aouad",
        },
        {"question": "did eleven survive", "progress": {"nope": "S1E3"}},
        {"question": "did eleven survive", "progress": {"ST": "S1E12"}},
    ]
    result = run("ask", "--jsonl", stdin="".join(json.dumps(line) + "\n" for line in lines))
    assert result.returncode == 0, result.stderr
    routed, explicit, unknown_show, bad_episode = map(json.loads, result.stdout.splitlines())
    assert routed["show"] == ST and routed["status"] == "answered"
    assert explicit["show"] == AOUAD
    assert unknown_show["status"] == "error" and "Unknown show" in unknown_show["content"]
    assert bad_episode["status"] == "error" and "S1E1-S1E8" in bad_episode["content"]


def test_chat_routes_questions_and_lists_the_shows_when_it_cannot_tell() -> None:
    script = [
        "/progress S1E5",
        "/show st",
        "/progress S1E3",
        "/show aouad",
        "did eleven survive",
        "did eleven bite nam-ra",
        "did nam-ra survive",
    ]
    result = run("chat", stdin="\n".join(script) + "\n")
    assert result.returncode == 0, result.stderr
    after = result.stdout.split("Now asking about All of Us Are Dead.")[1]
    eleven, rest = after.split("-# Stranger Things, answered for a viewer up to S1E3.", 1)
    assert "||" in eleven
    assert "more than one show: AOUAD or Stranger Things" in rest
    assert rest.rstrip().endswith("-# AOUAD, answered for a viewer up to S1E5.")


def test_progress_by_show_must_be_well_formed() -> None:
    lines = [{"question": "x", "progress": {"ST": 5}}, {"question": "x", "progress": ["S1E2"]}]
    result = run("ask", "--jsonl", stdin="".join(json.dumps(line) + "\n" for line in lines))
    for record in map(json.loads, result.stdout.splitlines()):
        assert record["status"] == "error" and "an object of them by show" in record["content"]
    mixed = run("ask", "x", "--progress", "S1E2", "--progress", "ST=S1E3")
    assert mixed.returncode == 2 and "SHOW=EPISODE" in mixed.stderr


def test_check_says_a_spoiler_is_not_safe_and_lists_what_it_found() -> None:
    result = run("check", "||Nam-ra throws Gwi-nam off the roof||", "--progress", "S1E7", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "spoiler" and record["latest"] == "S1E9"
    assert record["show"] == "all-of-us-are-dead" and record["progress"] == "S1E7"
    assert {"id": "nam-ra-throws-gwi-nam", "episode": "S1E9"}.items() <= record["facts"][0].items()
    assert "S1E9" not in record["content"]  # the text for people never says which episode

    seen = run("check", "Nam-ra throws Gwi-nam off the roof", "--progress", "S1E9")
    assert seen.returncode == 0 and seen.stdout.startswith("Safe to read"), seen.stdout


def test_check_reads_the_show_from_the_message_or_the_option() -> None:
    named = run("check", "Stranger Things: barb dies", "--progress", "S1E2", "--json")
    record = json.loads(named.stdout)
    assert record["show"] == "stranger-things" and record["status"] == "spoiler"
    chosen = run("check", "barb dies", "--progress", "finished", "--show", "stranger-things")
    assert chosen.returncode == 0 and chosen.stdout.startswith("Safe to read")
    question = run("check", "does barb die?", "--progress", "none", "--show", "stranger-things")
    assert question.stdout.startswith("Safe to read"), question.stdout


def test_check_refuses_a_bad_episode_or_show() -> None:
    bad = run("check", "hello", "--progress", "S9E9", "--json")
    record = json.loads(bad.stdout)
    assert bad.returncode == 1 and record["status"] == "error"
    assert set(record) == {"status", "content", "show", "progress", "latest", "confidence", "facts"}
    unknown = run("check", "hello", "--show", "no such show")
    assert unknown.returncode == 1 and "Unknown show" in unknown.stdout
