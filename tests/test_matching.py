"""What the core treats as answerable: questions outside the fact base get "unknown"."""

from __future__ import annotations

import pytest

from bot.core.characters import best_described, describe_by_role
from bot.core.engine import ShowEngine
from bot.core.library import Library
from bot.core.progress import Progress
from bot.core.render import render_answer
from bot.core.results import Status
from tests.helpers import DATA_DIR, split_spoilers

FINISHED = Progress(1, 12)  # the last episode: "finished"


@pytest.fixture(scope="module")
def engine() -> ShowEngine:
    return Library.load(DATA_DIR).get("all-of-us-are-dead")


@pytest.mark.parametrize(
    "question",
    [
        # Seasons and episodes the show lacks.
        "what happens in season 3",
        "how does the walking dead season 11 end",
        "what happens in episode 13",
        "recap s1e14 pls",
        # The making of the show, which the story's facts do not answer.
        "how much did the actor who plays cheongsan get paid",
        "how old is the actress who plays onjo in real life",
        "where was hyosan high actually filmed",
        "who directed the show",
        "who plays namra",
        "where did they film the school scenes",
        "what real school did they film hyosan high at",
        "is there a release date for season 2",
        "any date for season 2 yet",
        "where'd they shoot it",
        "was the school real or just a set",
    ],
)
def test_questions_outside_the_fact_base_are_unknown(engine, question) -> None:
    assert engine.answer(question, FINISHED).status is Status.UNKNOWN


def test_filming_inside_the_story_is_still_the_story(engine) -> None:
    answer = engine.answer("who filmed gwinam killing the principal", Progress(1, 4))
    assert answer.status is Status.ANSWERED
    assert "gwi-nam-kills-principal" in [f.id for f in answer.facts]


def test_a_name_alone_does_not_make_an_unrelated_question_answerable(engine) -> None:
    assert engine.answer("what's namra's blood type", FINISHED).status is Status.UNKNOWN
    about = engine.answer("tell me about namra", FINISHED)
    assert about.status is Status.ANSWERED
    assert about.facts[0].id == "who-is-nam-ra"


def test_a_known_meaning_outweighs_an_unknown_spelling(engine) -> None:
    # "govt" is not a word any fact uses, but it means the government, which the facts know.
    answer = engine.answer("did the govt bomb the school", Progress(1, 11))
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].id == "bombing-of-hyosan"


def test_chat_filler_does_not_sink_a_question(engine) -> None:
    answer = engine.answer("yo who started the zombie thing fr", FINISHED)
    assert answer.status is Status.ANSWERED
    assert "byeong-chan-confesses" in [f.id for f in answer.facts]


def test_character_view_is_a_timeline_without_repeating_the_role(engine) -> None:
    gwi_nam = engine.find_character("gwinam", Progress(1, 3))
    early = engine.describe_character(gwi_nam, Progress(1, 3))
    assert early.timeline, "what a viewer has seen of him by episode 3"
    assert all(gwi_nam.role not in fact.answer for fact in early.timeline)
    assert all(fact.episode <= Progress(1, 3) for fact in early.timeline)
    late = engine.describe_character(gwi_nam, Progress(1, 12))
    assert {"fate"} <= set(late.timeline[-1].topics)
    assert [f.episode for f in late.timeline] == sorted(f.episode for f in late.timeline)


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        (
            "im on ep 5, does the zombie virus have an official name or nah",
            "does the virus have a name",
        ),
        ("just finished ep 3, is the class president gonna be ok", "is nam-ra ok"),
        ("남라 살아? 지금 3화 보는 중이야", "남라 살아?"),
    ],
)
def test_saying_how_far_you_are_is_not_part_of_the_question(engine, question, plain) -> None:
    at = Progress(1, 6)
    said = engine.answer(question, at)
    assert said.status is Status.ANSWERED
    assert said.facts[0] == engine.answer(plain, at).facts[0]


def test_a_korean_episode_number_still_names_the_episode(engine) -> None:
    answer = engine.answer("12화에서 무슨 일이 있었어?", FINISHED)
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].id == "recap-s1e12"


def test_a_fate_question_about_several_people_answers_for_each(engine) -> None:
    answer = engine.answer("which of onjo, suhyeok, namra and cheongsan live", FINISHED)
    latest = {f.id for f in answer.facts if "fate" in f.topics}
    assert {"on-jo", "su-hyeok", "nam-ra", "cheong-san"} <= {
        ref for f in answer.facts if f.id in latest for ref in f.about
    }


def test_a_bare_name_says_who_they_are_then_where_they_stand(engine) -> None:
    answer = engine.answer("minjae?", Progress(1, 11))
    ids = [f.id for f in answer.facts]
    assert ids[0] == "who-is-min-jae"
    assert "min-jae-fate-e11" in ids  # bitten and turned, the newest state at episode 11


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # The next season and the show's real episodes stay fair questions.
        ("will there be a 2nd season", "season-2-setup"),
        ("what happens in episode 12", "recap-s1e12"),
        ("who does namra like", "su-hyeok-nam-ra-kiss"),
        ("onjo nearly got eaten in the lunch hall, who pulled her out", "cafeteria-rescue"),
        ("who wouldnt unlock the roof door when the heli showed up", "cheol-su-locks-roof"),
        # What the two are to each other by the end: love interests who kissed, then apart.
        ("namra x suhyeok??", "su-hyeok-nam-ra-ending"),
        ("whose name tag was in the rubble", "cheong-san-fate-e12"),
        ("who's alive at the end, no spoilers pls jk spoil me", "six-survivors"),
        # Irregular past tenses meet the present-tense answers ("gives birth", "lights").
        ("who gave birth in the bathroom", "hee-su-birth"),
        ("who lit the flares", "so-ju-sacrifice"),
        # No paraphrase says it, but the answer holds the whole question.
        ("who fell into the elevator shaft", "gwi-nam-fate-e11"),
        ("are the zombies attracted to sound?", "speaker-feedback-lure"),
        ("when did netflix drop the show", "show-release"),
        ("who came up w the word hambie lol", "half-zombie-names"),
        # "On-jo's bestie" is I-sak, as "On-jo's dad" is So-ju: a nickname, not On-jo.
        ("on-jo's bestie... what happened to her", "i-sak-turns"),
    ],
)
def test_everyday_wording_finds_the_fact(engine, question, fact) -> None:
    answer = engine.answer(question, FINISHED)
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].id == fact


def test_when_questions_are_answered_with_the_episode_inside_the_spoiler(engine) -> None:
    answer = engine.answer("what episode does cheongsan die", FINISHED)
    assert answer.dated
    assert answer.facts[0].id == "cheong-san-fate-e11"  # the event, not his latest state
    text = render_answer(answer)
    inside, outside, balanced = split_spoilers(text)
    assert balanced
    assert "S1E11: Cheong-san sacrifices himself" in inside  # his death is only implied
    assert "S1E11" not in outside
    # Before episode 11 the same question dates only what the viewer has seen.
    early = engine.answer("what episode does cheongsan die", Progress(1, 9))
    assert all(f.episode <= Progress(1, 9) for f in early.facts)
    assert "S1E11" not in render_answer(early)


@pytest.mark.parametrize("question", ["which teachers died so far", "are the kids ok"])
def test_ordinary_words_are_not_mistaken_for_names(engine, question) -> None:
    # "teachers" is a few letters from "the archer" (Ha-ri); reading it as her would answer
    # about the wrong person, at any point of the season.
    for episode in range(13):
        view = engine.view(Progress(1, episode) if episode else Progress())
        assert view.index.analyse(question).entities == frozenset(), episode


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("what is the show about", "show-overview"),
        ("whats all of us are dead about", "show-overview"),
        ("is it scary?? 👀", "show-overview"),
        ("where does the show take place", "setting-hyosan-high"),
    ],
)
def test_someone_who_has_not_started_can_ask_about_the_premise(engine, question, fact) -> None:
    answer = engine.answer(question, Progress())
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].id == fact


def test_last_episode_means_the_viewers_last_one_and_the_last_episode_the_finale(engine) -> None:
    mine = engine.answer("remind me what happened last episode", Progress(1, 8))
    assert mine.facts[0].id == "recap-s1e8"
    finale = engine.answer("finale recap?", FINISHED)
    assert finale.facts[0].id == "recap-s1e12"
    # "The last episode" is the finale: hidden at episode 8, and not episode 8's recap either.
    early = engine.answer("what happens in the last episode", Progress(1, 8))
    assert not {"recap-s1e8", "recap-s1e12"} & {f.id for f in early.facts}


def test_a_long_message_is_answered_from_its_question_sentences(engine) -> None:
    message = (
        "I'm only on episode 4 and I've completely fallen for Su-hyeok, he's my favourite by a "
        "mile. I'm super nervous about him though. Could you please just tell me whether he "
        "makes it to the end of the season?"
    )
    answer = engine.answer(message, Progress(1, 4))
    assert answer.status is Status.ANSWERED
    assert "su-hyeok" in answer.facts[0].about  # "he" is the Su-hyeok the message is about
    assert all(f.episode <= Progress(1, 4) for f in answer.facts)
    parent = "Hi, parent here. My 12-year-old wants to binge this. How many episodes is it?"
    assert engine.answer(parent, Progress()).facts[0].id == "show-release"


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("좀비 바이러스 이름이 뭐야?", "jonas-virus-name"),
        ("이 드라마 총 몇 화야?", "show-release"),
    ],
)
def test_korean_words_carry_their_english_meaning(engine, question, fact) -> None:
    assert engine.answer(question, FINISHED).facts[0].id == fact


@pytest.mark.parametrize(
    ("question", "person"),
    [
        # A relation under another name of the person it hangs on ("Ha-ri's brother").
        ("the archer girl's brother, what happened to him", "wu-jin"),
        ("what happened to onjo's bff", "i-sak"),
        # A description by what someone did resolves to the one the matching fact is about.
        ("the rich girl who infected gyeongsu what happened to her", "na-yeon"),
        ("the guy who wouldn't open the roof door, what happened to him", "cheol-su"),
    ],
)
def test_a_description_through_another_person_lands_on_the_person_described(
    engine, question, person
) -> None:
    answer = engine.answer(question, FINISHED)
    assert answer.status is Status.ANSWERED
    assert person in answer.facts[0].subjects, [f.id for f in answer.facts]


def test_a_relation_means_nobody_before_the_person_is_met(engine) -> None:
    # Wu-jin is first seen in episode 10: before that "Ha-ri's brother" is no name at all.
    early = engine.view(Progress(1, 9)).names
    late = engine.view(Progress(1, 10)).names
    assert early.entity_for("the archer girl's brother") is None
    assert late.entity_for("the archer girl's brother") == "wu-jin"


@pytest.mark.parametrize(
    ("question", "first", "alone"),
    [
        # What was said: the card that quotes him, not his state.
        ("what did cheong-san yell before he died", "happiest", True),
        # How someone died: the event, without their other states as padding.
        ("how did chung-san die", "elevator shaft", True),
        # Two people together: what passed between them, not a card each.
        ("are namra and suhyeok a thing", "kiss", False),
        ("onjo and cheongsan, what happened between them", "Cheong-san", False),
    ],
)
def test_the_answer_fits_what_was_asked(engine, question, first, alone) -> None:
    answer = engine.answer(question, FINISHED)
    assert answer.status is Status.ANSWERED
    assert first in answer.facts[0].answer, [f.id for f in answer.facts]
    if alone:
        assert len(answer.facts) == 1, [f.id for f in answer.facts]
    if "between" in question or "thing" in question:
        assert all(len(set(f.about)) > 1 for f in answer.facts), [f.id for f in answer.facts]


def test_an_arc_is_the_timeline_dated(engine) -> None:
    answer = engine.answer("eun ji... what was her whole arc", FINISHED)
    assert answer.dated and len(answer.facts) >= 3
    assert [f.episode for f in answer.facts] == sorted(f.episode for f in answer.facts)


def test_a_pair_with_nothing_between_them_yet_is_not_two_profiles(engine) -> None:
    answer = engine.answer("namra and suhyeok, anything going on there?", Progress(1, 6))
    assert answer.status is Status.UNKNOWN


@pytest.mark.parametrize(
    ("question", "progress", "person"),
    [
        ("청산이 엄마 괜찮아?", Progress(1, 4), "cheong-san-mother"),  # a name of two words
        ("온조 아빠 죽었어?", FINISHED, "so-ju"),
        ("is the firefighter dad really dead", FINISHED, "so-ju"),
    ],
)
def test_korean_and_described_names_of_more_than_one_word(
    engine, question, progress, person
) -> None:
    answer = engine.answer(question, progress)
    assert answer.status is Status.ANSWERED
    assert person in answer.facts[0].subjects


@pytest.mark.parametrize(
    "question", ["when is season 2 out", "I loved the ending. When is season 2 out?"]
)
def test_a_season_the_base_does_not_tell_gets_no_card_of_another_season(engine, question) -> None:
    # Before the finale the only card about season 2 is hidden: the season-1 release card
    # must not stand in for it, in a long message either.
    assert engine.answer(question, Progress(1, 7)).status is Status.UNKNOWN
    # At the finale a card speaks of a season 2, but of what it might hold, not when.
    assert engine.answer(question, FINISHED).status is Status.UNKNOWN


def test_a_description_whose_head_is_a_name_is_that_person(engine) -> None:
    answer = engine.answer(
        "the rich girl who infected her classmate, does she get what she deserves?", FINISHED
    )
    assert answer.facts and "na-yeon" in answer.facts[0].subjects


def test_a_possessive_pronoun_after_a_name_is_that_persons_relation(engine) -> None:
    answer = engine.answer("ha-ri and her brother ugh what happened to them", FINISHED)
    assert "wu-jin" in {s for f in answer.facts for s in f.subjects}


def test_more_than_who_someone_is_gets_where_they_stand_first(engine) -> None:
    answer = engine.answer("does namra stay with the group", Progress(1, 11))
    assert answer.facts and "fate" in answer.facts[0].topics


def test_a_state_told_episodes_ago_is_dated(engine) -> None:
    assert engine.answer("is daesu ok", Progress(1, 9)).dated  # last told in E8
    assert not engine.answer("is onjo alive", Progress(1, 3)).dated  # told this episode


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("did the funny guy survive", "dae-su"),  # the joker, by the words of his profile
        ("what happened to onjo's childhood friend", "cheong-san"),  # a role owned by a name
        ("detective guy make it or nah", "jae-ik"),  # no article at the start of a message
    ],
)
def test_a_description_by_role_is_the_one_person_it_fits(engine, question, person) -> None:
    answer = engine.answer(question, FINISHED)
    assert answer.facts and answer.facts[0].subjects == [person]
    assert "fate" in answer.facts[0].topics  # the question's own ask, about that person


@pytest.mark.parametrize(
    "question",
    [
        "who was the first person infected",  # "first" qualifies an event, not a role
        "what were the special forces guys after",  # a group, not one character
    ],
)
def test_a_description_no_role_tells_names_no_one(engine, question) -> None:
    answer = engine.answer(question, Progress(1, 9))
    assert not any("profile" in f.id or f.id.startswith("who-is-") for f in answer.facts[:1])


def test_a_role_fits_only_when_no_rival_comes_close() -> None:
    roles = {
        "joker": frozenset({"funni", "student"}),
        "archer": frozenset({"archer", "student"}),
        "twin": frozenset({"archer", "student", "sister"}),
    }
    assert best_described({"funni"}, roles, {"funni"}, 0.5, 0.75) == "joker"
    assert best_described({"archer"}, roles, {"archer"}, 0.5, 0.75) is None  # two archers
    assert best_described({"guy"}, roles, {"guy"}, 0.5, 0.75) is None  # no role holds the word


def test_a_description_is_split_from_the_question_around_it() -> None:
    assert describe_by_role("did the funny guy survive".split(), frozenset()) == (
        ["the", "funny", "guy"],
        ["did", "survive"],
    )
    words = "what happened to onjo childhood friend".split()
    assert describe_by_role(words, frozenset({3})) == (
        ["onjo", "childhood", "friend"],
        ["what", "happened", "to"],
    )
    assert describe_by_role("who is the guy".split(), frozenset()) is None  # nothing qualifies


def test_who_is_a_name_gets_who_they_are_not_a_scene_naming_them() -> None:
    engine = Library.load(DATA_DIR).get("stranger-things")
    answer = engine.answer("who is jane", Progress(1, 8))  # a paraphrase "who is eleanor" too
    assert [f.id for f in answer.facts] == ["who-is-eleven"]


def test_who_someone_is_does_not_answer_what_an_episode_has_not_told(engine) -> None:
    # His profile says nothing of a daughter; before an episode tells of her, nothing does.
    # (Joyce first mentions his daughter in S1E2, so S1E1 is the point before it.)
    question = "did hopper ever have a daughter"
    st = Library.load(DATA_DIR).get("stranger-things")
    assert st.answer(question, Progress(1, 1)).status is Status.UNKNOWN
    assert "hopper-daughter-sara" in {f.id for f in st.answer(question, Progress(1, 8)).facts}


def test_two_names_and_nothing_else_ask_what_they_are_to_each_other(engine) -> None:
    answer = engine.answer("onjo and cheongsan, what's the deal with them", FINISHED)
    assert answer.facts and {"on-jo", "cheong-san"} <= set(answer.facts[0].about)
    assert {"relationship", "romance"} & set(answer.facts[0].topics)


def test_a_profile_that_holds_what_is_asked_answers_it_first() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("how old is will", Progress(1, 8))
    assert answer.facts[0].id == "will-age"  # not his latest state before it


def test_what_someone_looks_like_is_not_whom_they_like(engine) -> None:
    answer = engine.answer("what does namra look like", FINISHED)
    assert not any("romance" in f.topics for f in answer.facts)


def test_the_making_of_the_show_is_not_in_my_notes_at_any_episode(engine) -> None:
    # No episode tells who plays On-jo: "later episodes may or may not" would be untrue.
    early = render_answer(engine.answer("who plays onjo", Progress(1, 3)))
    assert "Later episodes" not in early and "nothing in my notes" in early
    late_story = render_answer(engine.answer("who won the school football match", Progress(1, 3)))
    assert "Later episodes may or may not" in late_story  # a story question still says so


def test_when_a_season_comes_out_is_answered_only_by_a_date(engine) -> None:
    assert engine.answer("when does season 2 drop", FINISHED).status is Status.UNKNOWN
    assert engine.answer("what happens in season 2", FINISHED).status is Status.ANSWERED


def test_what_happened_to_someones_thing_is_not_their_fate() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("what happened to will's bike", Progress(1, 8))
    assert answer.facts and "bike" in answer.facts[0].answer
    assert "fate" not in answer.facts[0].topics


def test_a_leading_ok_is_an_opener_not_a_state() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("ok so how did they get will back??", Progress(1, 8))
    assert answer.facts and answer.facts[0].id == "will-rescued"


def test_a_later_stage_of_the_same_story_supersedes_the_earlier() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("steve n nancy still together?", Progress(1, 8))
    assert [f.id for f in answer.facts] == ["nancy-steve-end"]  # not the fight, not the drift
    earlier = st.answer("steve n nancy still together?", Progress(1, 6))
    assert earlier.facts and all(f.episode <= Progress(1, 6) for f in earlier.facts)


def test_what_a_season_the_base_does_not_tell_holds_is_not_someones_state() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    assert st.answer("what happens to el in season 2", Progress(1, 8)).status is Status.UNKNOWN


def test_a_relation_no_alias_names_is_not_the_owners_state(engine) -> None:
    answer = engine.answer("what happened to cheongsan's mom", FINISHED)
    assert answer.facts and "cheong-san" not in answer.facts[0].subjects


def test_a_relation_neither_alias_nor_role_names_yet_is_not_the_owners_state(engine) -> None:
    # At S1E3 Cheong-san's mother is no character yet: nothing up to then answers it.
    answer = engine.answer("is cheongsan's mom ok, she's outside right", Progress(1, 3))
    assert answer.status is Status.UNKNOWN


def test_an_event_that_holds_more_of_a_state_question_comes_first(engine) -> None:
    # "died" asks after a state, but Na-yeon's state is not what "which teacher" asks.
    answer = engine.answer("which teacher died saving nayeon", Progress(1, 3))
    assert answer.facts[0].subjects == ["ms-park"]
    answer = engine.answer("what's the word dae su made up for half zombies", FINISHED)
    assert "fate" not in answer.facts[0].topics


def test_how_something_was_done_is_the_event_before_the_state_or_profile(engine) -> None:
    answer = engine.answer("how did namra get the zombies to go away", Progress(1, 6))
    assert "fate" not in answer.facts[0].topics
    answer = engine.answer("how did onjo know namra would be up there", FINISHED)
    assert "fate" not in answer.facts[0].topics and not answer.facts[0].id.startswith("who")
    # ... while "how did X die" is still answered by how X's story ends.
    answer = engine.answer("how did onjo's dad die", FINISHED)
    assert answer.facts[0].subjects == ["so-ju"]


def test_how_is_someone_asks_where_they_stand() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("how is el's mom", Progress(1, 6))
    assert answer.facts and answer.facts[0].id == "terry-state"


def test_a_word_for_seeing_finds_what_was_seen(engine) -> None:
    answer = engine.answer("what did onjo spot from up on the mountain", FINISHED)
    assert answer.facts[0].id == "fire-on-school-roof"


def test_a_description_in_korean_is_the_person_it_fits(engine) -> None:
    # "The girl who shoots a bow": her name "the girl with the bow" says what describes her.
    answer = engine.answer("활 쏘는 여자애 이름이 뭐야?", Progress(1, 5))
    assert answer.facts and "ha-ri" in answer.facts[0].subjects


def test_where_people_not_asked_about_stand_is_not_padding() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("what did they make the bath thing out of", Progress(1, 8))
    assert answer.facts and all(fact.kind != "state" for fact in answer.facts)
    # ... while "who" may be answered by where people stand.
    assert st.answer("does el die", Progress(1, 7)).facts[0].subjects == ["eleven"]
    assert len(st.answer("does el die", Progress(1, 7)).facts) == 1


@pytest.mark.parametrize(
    "question",
    ["where did they shoot season 1", "how much were the kid actors getting paid per episode"],
)
def test_the_making_of_is_not_answered_by_the_cast_list(question) -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    assert st.answer(question, Progress(1, 8)).status is Status.UNKNOWN


def test_fans_slang_for_killing_is_killing(engine) -> None:
    answer = engine.answer("who offed the principal and who got it on camera", Progress(1, 4))
    assert answer.facts[0].id == "gwi-nam-kills-principal"


def test_a_question_word_with_d_is_the_question_word_and_did(engine) -> None:
    # "how'd" is "how did": the trick she used, not where she stands.
    answer = engine.answer("how'd nam-ra lure the zombies away", Progress(1, 6))
    assert answer.facts[0].id == "speaker-feedback-lure"


def test_at_what_point_asks_when_and_is_dated(engine) -> None:
    answer = engine.answer("at what point does nam-ra get bitten", FINISHED)
    reply = render_answer(answer)
    assert answer.facts[0].id == "nam-ra-bitten-by-gwi-nam" and "S1E6" in reply


def test_going_on_a_date_is_no_release_date() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("did they ever go on a date", Progress(1, 8))
    assert "show-release" not in [fact.id for fact in answer.facts]


def test_when_something_happens_is_not_told_by_where_people_stand(engine) -> None:
    # At S1E5 Cheong-san has not confessed: where he and On-jo stand does not say when he does.
    answer = engine.answer("when does cheong-san tell on-jo how he feels", Progress(1, 5))
    assert answer.status is Status.UNKNOWN


def test_a_yes_no_question_gets_where_someone_stands_now(engine) -> None:
    # So-ju's episode-4 state holds "out" too; as of episode 10 he has reached the gym.
    question = "on-jo's dad showed up at last!! does he get out with them?"
    answer = engine.answer(question, Progress(1, 10))
    assert answer.facts[0].id == "so-ju-fate-e10"


def test_who_an_unnamed_relative_is_is_not_told_by_the_owners_cards() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    # At S1E5 no character is El's mother yet: nothing she has seen says who she is.
    assert st.answer("who is el's real mom", Progress(1, 5)).status is Status.UNKNOWN
    # "real" or "actual" before a relation is the relation itself, as her names say it.
    for question in ("who is el's real mom", "wait who is el's actual mom"):
        answer = st.answer(question, Progress(1, 8))
        assert answer.facts and "terry" in answer.facts[0].subjects


def test_the_person_asked_about_comes_before_cards_that_only_mention_them(engine) -> None:
    # The gym deaths mention Hyo-ryung; her own story is how she got through.
    answer = engine.answer(
        "hyo-ryung made it right? how did she get through the gym mess", FINISHED
    )
    assert answer.facts and answer.facts[0].subjects == ["hyo-ryung"]


@pytest.mark.parametrize(
    "question",
    [
        "how old was millie bobby brown when they filmed season 1",
        "how old was the girl who plays eleven during filming",
    ],
)
def test_the_time_of_filming_and_the_source_are_the_making_of(question) -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    assert st.answer(question, Progress(1, 8)).status is Status.UNKNOWN


def test_korean_how_became_and_first_are_read(engine) -> None:
    answer = engine.answer("귀남 어쩌다 반좀비 된 거임?", FINISHED)
    assert answer.facts and answer.facts[0].id == "gwi-nam-fate-e5"
    # "I'm watching episode 1" is how far the fan is, not part of what is asked.
    answer = engine.answer("1화 보는 중인데 맨 처음 감염된 애가 누구야?", Progress(1, 1))
    assert answer.facts and answer.facts[0].id == "patient-zero-jin-su"


def test_what_a_name_means_answers_nothing_else_asked_of_that_person() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    # At S1E5 the gate's opening is untold: the Demogorgon's name and the Upside Down's
    # meaning do not say whose fault it is.
    assert (
        st.answer("is it el's fault the monster got out", Progress(1, 5)).status is Status.UNKNOWN
    )
    answer = st.answer("is it el's fault the monster got out", Progress(1, 8))
    assert answer.facts and {"eleven-opened-gate", "eleven-im-the-monster"} >= {
        fact.id for fact in answer.facts
    }


def test_where_a_story_comes_from_is_the_making_of(engine) -> None:
    answer = engine.answer("is this show based on a webtoon or something", Progress(1, 4))
    assert answer.status is Status.UNKNOWN and answer.beyond_episodes


def test_the_music_of_the_show_is_the_making_of(engine) -> None:
    answer = engine.answer("what song plays when cheongsan dies? need it for my playlist", FINISHED)
    assert answer.status is Status.UNKNOWN and answer.beyond_episodes
    # ... while a song inside the story is still the story.
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("what's the song jonathan plays for will", Progress(1, 8))
    assert answer.status is Status.ANSWERED


def test_an_episode_recap_is_no_padding_beside_the_card_asked_for(engine) -> None:
    answer = engine.answer(
        "What's the name of the high school where it all happens?", Progress(1, 1)
    )
    assert answer.facts and all("recap" not in fact.topics for fact in answer.facts)
    # ... while a question about an episode still gets its recap.
    answer = engine.answer("remind me what happened last episode", Progress(1, 8))
    assert answer.facts and "recap" in answer.facts[0].topics


def test_korean_eyes_turning_red_is_read(engine) -> None:
    answer = engine.answer("마지막화에서 남라 눈이 왜 빨개져?", FINISHED)
    assert answer.facts and "red" in answer.facts[0].answer


def test_who_a_clause_describes_is_who_did_it_even_in_anothers_fate_card() -> None:
    # "Who shot Benny" matches Benny's death card; the lady described is the one who shot him.
    st = Library.load(DATA_DIR).get("stranger-things")
    question = "does that fake social services lady who shot benny ever get whats coming to her"
    answer = st.answer(question, Progress(1, 8))
    assert answer.facts and "connie" in answer.facts[0].subjects
    assert "benny" not in answer.facts[0].subjects


def test_who_else_asks_after_the_others(engine) -> None:
    question = "i know on-jo makes it but who else is actually alive at the camp at the end??"
    answer = engine.answer(question, FINISHED)
    assert answer.facts and answer.facts[0].id == "six-survivors"
    # "with everybody else" is still about her.
    answer = engine.answer("namra goes to the quarantine camp with everybody else right", FINISHED)
    assert answer.facts and "nam-ra" in answer.facts[0].subjects


def test_someones_baby_is_not_their_own_story(engine) -> None:
    answer = engine.answer("does heesu's baby make it?", FINISHED)
    assert answer.facts and answer.facts[0].id == "hee-su-baby-survives"
    # ... but where she stands, carrying her newborn, is all there is to say at S1E3.
    answer = engine.answer("heesu's baby gonna be ok?", Progress(1, 3))
    assert answer.facts and answer.facts[0].id == "hee-su-birth"


def test_a_korean_name_with_its_suffix_is_the_name(engine) -> None:
    # "나연이가": 나연 with the suffix said after a name ending in a consonant, then a particle.
    answer = engine.answer("나연이가 경수한테 무슨 짓을 한 거야?", Progress(1, 3))
    assert answer.facts and "na-yeon" in answer.facts[0].about
    answer = engine.answer("체육관 문 누가 열어줬어?", Progress(1, 10))
    assert answer.facts and "so-ju" in answer.facts[0].about


def test_what_someone_was_screaming_asks_for_the_words(engine) -> None:
    question = (
        "what was cheong-san screaming when he ran off to pull the zombies away from everyone"
    )
    answer = engine.answer(question, FINISHED)
    assert answer.facts and "happiest" in answer.facts[0].answer


def test_explaining_like_a_five_year_old_names_no_episode(engine) -> None:
    answer = engine.answer("explain the final rooftop scene to me like im 5", FINISHED)
    assert answer.status is Status.ANSWERED and "roof" in answer.facts[0].answer


def test_a_fate_asked_of_one_of_a_pair_gets_where_she_stands(engine) -> None:
    question = "namra and suhyeok just kissed omg pls tell me she makes it to the end"
    answer = engine.answer(question, Progress(1, 7))
    assert any(f.subjects == ["nam-ra"] and f.kind == "state" for f in answer.facts)


def test_a_card_on_only_one_of_two_named_is_not_put_first_as_theirs() -> None:
    # The monster and Will are named; the card on Will's fort is about neither pair.
    st = Library.load(DATA_DIR).get("stranger-things")
    question = (
        "the monster just broke into castle byers where will is hiding. noooo is he gonna die"
    )
    answer = st.answer(question, Progress(1, 7))
    assert answer.facts and answer.facts[0].kind == "state" and answer.facts[0].subjects == ["will"]


def test_a_fate_asked_with_he_of_two_named_is_asked_of_the_one_it_fits(engine) -> None:
    # Both are named; "he" is the one bitten, whose state holds what is said of him.
    answer = engine.answer("minjae got bit by gwinam... is he gonna be ok", Progress(1, 11))
    assert answer.facts[0].subjects == ["min-jae"]
    assert all("gwi-nam" not in f.subjects for f in answer.facts)
    # "he" cannot be Hyeon-ju: the teacher's state, not hers.
    question = "the science teacher tied up hyunju after the bite.. is he behind all this?"
    answer = engine.answer(question, Progress(1, 1))
    assert answer.facts[0].subjects == ["byeong-chan"]
    # Named where the question asks: him, not the one he fell with.
    answer = engine.answer(
        "he fell down the shaft with gwinam... is cheongsan dead?", Progress(1, 11)
    )
    assert [f.subjects for f in answer.facts] == [["cheong-san"]]


def test_staying_with_the_group_asks_where_she_stands(engine) -> None:
    # Nothing is worded like "stick with the group": where she stands so far answers it.
    answer = engine.answer(
        "is the class president gonna stick with the group till the end?", Progress(1, 7)
    )
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].kind == "state" and answer.facts[0].subjects == ["nam-ra"]


def test_where_someone_is_after_the_scene_told_is_their_state() -> None:
    # The radio scene is what the fan just saw; where Will stands is what is asked.
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("el got will singing on the radio. so where IS he", Progress(1, 4))
    assert [(f.subjects, "fate" in f.topics) for f in answer.facts] == [(["will"], True)]
    assert "sing" not in answer.facts[0].answer


def test_a_description_by_what_someone_kept_done_names_the_doer(engine) -> None:
    # "kept them locked out" is the locking, not "does Su-hyeok keep it a secret".
    question = "what happened to that kid who kept them locked out on the roof"
    answer = engine.answer(question, Progress(1, 12))
    assert answer.facts[0].subjects == ["cheol-su"]


def test_whens_asks_when(engine) -> None:
    # No date of a season 2 is known; what the ending sets up is no date.
    answer = engine.answer("whens season 2 dropping", Progress(1, 12))
    assert answer.status is Status.UNKNOWN


def test_a_clause_saying_when_is_not_what_is_asked(engine) -> None:
    # The rescue is what the fan just saw; where they hide next is asked.
    question = "after soohyuk pulls cheongsan up off the fire hose where do they all hide"
    answer = engine.answer(question, Progress(1, 3))
    assert "broadcasting room" in answer.facts[0].answer
    assert all("hose" not in f.answer for f in answer.facts)


def test_a_bare_fate_question_after_the_scene_gets_only_where_he_stands() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    # "noooo" says nothing; "die" asks where he stands: the fort's card is padding.
    question = (
        "the monster just broke into castle byers where will is hiding. noooo is he gonna die"
    )
    answer = st.answer(question, Progress(1, 7))
    assert [f.subjects for f in answer.facts] == [["will"]]
    # A question after a comma counts too.
    question = "el threw lucas and ran off into the woods, where does she go"
    answer = st.answer(question, Progress(1, 5))
    assert [f.subjects for f in answer.facts] == [["eleven"]]
    assert "where she has gone" in answer.facts[0].answer
    # Two people asked after: not one of them.
    answer = st.answer("they were beefing. lucas and el ok now?", Progress(1, 7))
    assert {"lucas", "eleven"} <= set(answer.facts[0].about)


def test_a_possessive_typed_without_its_apostrophe_names_them() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    view = st.full
    for text, entity in [("did mikes parents notice", "mike"), ("hoppers daughter", "hopper")]:
        assert [m.entity for m in view.names.find(view.lexicon.words(text))] == [entity]
    # The word itself is still a word when no name is in it.
    assert view.names.find(view.lexicon.words("the lights flicker")) == []


def test_korean_location_particle_and_forest_words() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    # "What did Hopper put in the box in the woods at the end?": 상자에 is 상자 (box) + 에.
    answer = st.answer("마지막에 호퍼가 숲속 상자에 뭘 넣어둔 거야?", Progress(1, 8))
    assert answer.facts and "Eggo" in answer.facts[0].answer


def test_a_card_on_the_making_answers_only_what_asks_about_the_making() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    for question in [
        "why did lucas and mike get in that fist fight on the train tracks",
        "why did lucas and mike fight on the train tracks",  # when the homage is all that is close
    ]:
        answer = st.answer(question, Progress(1, 8))
        assert answer.facts and all(f.kind != "making" for f in answer.facts)


def test_ok_opening_what_a_fan_says_asks_after_no_one() -> None:
    index = Library.load(DATA_DIR).get("stranger-things").full.index
    assert not index.analyse("ugh ok so steve was kind of a jerk today").asks_fate
    assert not index.analyse("why did he run off alone at the end?? im not ok").asks_fate
    assert index.analyse("is steve ok").asks_fate


def test_korean_questions_in_everyday_words(engine) -> None:
    # "Why on earth did the science teacher make such a virus?" at S1E4, when he tells why.
    answer = engine.answer("과학 선생님은 도대체 왜 그런 바이러스를 만든 거예요?", Progress(1, 4))
    assert answer.status is Status.ANSWERED and "byeong-chan" in answer.facts[0].about
    # "Who is on the memorial tree On-jo made on the mountain?"
    answer = engine.answer("온조가 산에 만든 추모 나무에는 누구누구 있어요?", Progress(1, 12))
    assert answer.status is Status.ANSWERED and "memorial" in answer.facts[0].answer


def test_who_someone_is_is_padding_beside_where_they_stand(engine) -> None:
    answer = engine.answer("is onjo's dad gonna make it?", Progress(1, 10))
    assert answer.facts[0].kind == "state"
    assert not any(f.id.startswith("who-is") or f.kind == "profile" for f in answer.facts)
    assert len(answer.facts) == 1
    # "What does she do for a living" asks her work, not whether she lives.
    answer = engine.answer("what does cheongsan's mom do for a living", Progress(1, 12))
    assert any("chicken" in f.answer for f in answer.facts)


def test_how_asked_after_a_scene_is_no_question_of_where_he_stands() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    answer = st.answer("how do they actualy get will back?? like who finds him", Progress(1, 8))
    assert "CPR" in answer.facts[0].answer


def test_korean_daughter_and_a_description_with_a_word_between() -> None:
    st = Library.load(DATA_DIR).get("stranger-things")
    # "What was Hopper's daughter's name, and why did she die?"
    answer = st.answer("호퍼 딸 이름이 뭐였고 왜 죽은 거야?", Progress(1, 8))
    assert "Sara" in answer.facts[0].answer
    answer = st.answer("what happened to the creepy lab doctor at the end", Progress(1, 8))
    assert answer.facts[0].subjects == ["brenner"]


def test_korean_what_became_of_her_asks_where_she_stands(engine) -> None:
    # 어떻게 된 거예요: "what happened to her", not "how was it done".
    answer = engine.answer("마지막 장면에서 남라 어떻게 된 거예요? 살아있는 거죠?", Progress(1, 12))
    assert answer.facts[0].kind == "state" and answer.facts[0].subjects == ["nam-ra"]


def test_who_lives_asks_who_survives(engine) -> None:
    answer = engine.answer("ok who actually lives in this show lol", Progress(1, 12))
    assert "Six students" in answer.facts[0].answer


def test_is_he_ok_till_the_end_after_a_scene_told_is_where_he_stands(engine) -> None:
    question = "하리 오빠 우진이 체육관에서 만났잖아요. 우진이는 끝까지 괜찮아요?"
    answer = engine.answer(question, Progress(1, 11))
    assert [(f.kind, f.subjects) for f in answer.facts] == [("state", ["wu-jin"])]


def test_gonna_be_fine_asks_where_she_stands(engine) -> None:
    answer = engine.answer("class prez is so brave lol she's gonna be fine right", Progress(1, 5))
    assert answer.status is Status.ANSWERED
    assert answer.facts[0].kind == "state" and answer.facts[0].subjects == ["nam-ra"]


def test_korean_special_forces_are_the_soldiers(engine) -> None:
    # "Why did the special forces come? Weren't they there to save the kids?" at S1E9.
    answer = engine.answer("특수부대 왜 온 거임? 애들 구하러 온 거 아니었어?", Progress(1, 9))
    assert answer.facts and "laptop" in answer.facts[0].answer
