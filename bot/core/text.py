"""Text normalisation shared by indexing, matching and validation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import snowballstemmer

# With PyStemmer installed (a dependency) snowballstemmer hands out its C stemmer, the same
# algorithm about 200 times faster: every new word is stemmed, and junk is all new words.
_STEMMER = snowballstemmer.stemmer("english")
# PyStemmer's own cache costs more per new word than the stemming; stem() has a bounded one.
_STEMMER.maxCacheSize = 0
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_POSSESSIVE = re.compile(r"(\w)'s\b|(\w)s'(?=\s|$)")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")
_WORD = re.compile(r"[0-9a-z\u00c0-\u024f\u3130-\u318f\uac00-\ud7a3]+")

# Fans write the same thing in many ways; these phrases are folded into one word before
# tokenising so that the single-word synonym table below can handle them.
# Each entry: substrings that must occur for the pattern to match (a cheap test that keeps
# indexing fast), the pattern, and its replacement.
_PHRASES = [
    (("half",), r"\bhalf[\s-]*(?:zombie|zombies|human)s?\b", " halfbie "),
    ((" it",), r"\b(?:make|made|makes) it(?: out)?\b", " survive "),
    (("alive",), r"\b(?:get|got|gets) out alive\b", " survive "),
    (("alive",), r"\b(?:still|stay|stays) alive\b", " alive "),
    (("away",), r"\bpass(?:ed|es)? away\b", " die "),
    (("zombie",), r"\b(?:turn(?:s|ed|ing)? into|bec(?:o|a)mes?) (?:a )?zombies?\b", " turn "),
    (("patient",), r"\bpatient zero\b", " patientzero "),
    (("martial",), r"\bmartial law\b", " martiallaw "),
    (("safe zone",), r"\bsafe zone\b", " camp "),
    (("fire",), r"\bcamp ?fire\b|\bbonfire\b", " campfire "),
    (("tag",), r"\bname ?tag\b", " nametag "),
    (("light", "torch"), r"\bflash ?light\b|\btorch\b", " flashlight "),
    # "What is the show about?": the show itself, as its title would say.
    (("show", "series"), r"\b(?:the|this|that) (?:show|series)\b", " thisshow "),
    # "What happened last episode?" means the one the viewer watched last; "the last
    # episode" (the finale) is left to the ending rule below.
    (
        ("last ep", "previous ep", "latest ep"),
        r"(?<!the )\b(?:last|previous|latest) ep(?:isode)?\b",
        " lastwatched ",
    ),
    # "What episode does Cheong-san die?" asks when.
    (("episode", " ep"), r"\b(?:what|which) ep(?:isode)?\b(?!s)", " when "),
    (("heli", "chopper"), r"\bheli(?:copter)?s?\b|\bchoppers?\b", " helicopter "),
    (("show",), r"\bshow(?:s|ed|ing)? up\b", " arrive "),
    # Shipping talk: "namra x suhyeok endgame?"
    ((" x ",), r"(?<=\w) x (?=\w)", " and romance "),
    (("endgame",), r"\bendgame\b", " romance ending "),
    (("deal",), r"\bwhats? (?:is )?the deal (?:with|w)\b", " "),
    (("spoil",), r"\b(?:no |dont |don't )?spoil(?:er|ers)?(?: me)?\b", " "),
    (
        ("end", "finale", "last ep"),
        r"\b(?:in|at|by) the end\b|\bthe ending\b|\bfinale\b|\blast ep(?:isode)?\b",
        " ending ",
    ),
    (
        ("with", "together"),
        r"\b(?:end|ends|ended|ending|get|gets|got) (?:up )?(?:with|together)\b",
        " romance ",
    ),
    ((" up",), r"\b(?:end|ends|ended|ending) up\b", " fate "),
    (("hook",), r"\bhook(?:s|ed|ing)? up\b", " romance "),
    (
        (" up w",),
        r"\b(?:come|comes|came|coming) up with\b|\b(?:come|comes|came) up w\b",
        " invent ",
    ),
    (("out",), r"\b(?:come|comes|came) out\b", " release "),
    # "like" is filler ("like a bunch"), except as the verb of "who does Nam-ra like".
    (
        ("like",),
        r"\b((?:do|does|did)(?: [\w-]+){1,2}) like\b(?! (?:a|an|the|it|that|this)\b)",
        r"\1 likes",
    ),
    (("rid of",), r"\b(?:get|gets|got|getting) rid of\b", " kill "),
    # "I'm on ep 5, ..." tells how far the asker is, which their stored progress already
    # says; left in, it reads as a question about episode 5.
    (
        ("im ", "i am", "finished", "watched", "saw ", "seen", "done with", "got to", "up to"),
        r"\b(?:(?:im|i am)\s+(?:currently\s+|only\s+|now\s+|just\s+)?"
        r"(?:on|at|up to|watching|halfway through|through|done with)"
        r"|(?:i\s+)?(?:just\s+)?(?:finished|watched|saw|seen|done with|got to))"
        r"\s+(?:the\s+)?(?:ep(?:isode)?s?|e)?\s*\d+\b",
        " ",
    ),
    (
        ("화",),
        r"(?:지금\s*)?\d+\s*화\s*(?:까지\s*)?(?:다\s*)?(?:봤는데|봤어|보는\s*중\w*|보는데|보고\s*있\w*)"
        r"|지금\s*\d+\s*화\w*",
        " ",
    ),
    (("화",), r"(\d+)\s*화", r" ep \1 "),  # "12화에서" = in episode 12
    # The making of the show, not its story ("where was it filmed", "the actress who plays").
    (("real life",), r"\bin real life\b", " irl "),
    (("play",), r"\bwho plays\b|\bplayed by\b", " who irl "),
    (("lunch", "dining"), r"\blunch ?(?:hall|room)\b|\bdining (?:hall|room)\b", " cafeteria "),
    (("film",), r"\bwhere\b[^?.!]*\bfilm(?:ed)?\b|\bfilming locations?\b", r" \g<0> irl "),
]
_PHRASE_RULES = [(set(triggers), re.compile(pattern), sub) for triggers, pattern, sub in _PHRASES]
# Tested one by one: one regex over all of them finds no trigger that overlaps another
# (" up" would hide " up w").
_TRIGGERS = frozenset(t for ts, _, _ in _PHRASES for t in ts)

# Words that mean the same thing to a fan asking about a plot. Each maps to a concept token
# (prefixed with "~") that is indexed beside the word's own stem.
_CONCEPT_WORDS = {
    "~fate": """
        survive survives survived surviving survival survivor survivors alive live lives
        lived living die dies died dying dead death deaths fate fates perish perished ok
        okay safe happen happens happened happening
    """,
    "~kill": "kill kills killed killing killer murder murders murdered slay slays slain execute",
    "~bite": """
        bite bites bit bitten biting infect infects infected infection scratch scratched
        scratches turn turns turned turning zombified zombify
    """,
    "~halfbie": """
        halfbie halfbies hambie hambies hybrid hybrids evolved evolve immune carrier
        carriers asymptomatic symptomless
    """,
    "~shout": "yell yells yelled yelling shout shouts shouted shouting scream screams screamed",
    "~romance": """
        kiss kisses kissed kissing love loves loved crush crushes romance romantic confess
        confesses confessed confession feelings dating date girlfriend boyfriend couple likes liked
    """,
    "~father": "dad dads father fathers papa appa daddy",
    "~mother": "mom moms mum mother mothers mama eomma mommy",
    "~sibling": "brother brothers sister sisters sibling siblings bro sis",
    "~military": "military army soldier soldiers troops government govt martiallaw marines forces",
    "~offscreen": """
        irl actor actors actress actresses director directed directing
        screenwriter soundtrack ost salary salaries paid
    """,
    "~camp": "camp camps quarantine quarantined shelter",
    "~bomb": """
        bomb bombs bombed bombing bombings airstrike airstrikes explosion explosions explode
        exploded blast blown nuke nuked
    """,
    "~virus": """
        virus viruses outbreak pathogen jonas disease cause caused origin originate started
        start starts begin began
    """,
    "~make": "create creates created make makes made invent invented engineer engineered develop",
    "~ending": "ending end endings conclusion",
    "~escape": "escape escapes escaped flee fled flees leave leaves left rescue rescued rescues",
    "~help": "save saves saved saving help helps helped protect protects protected",
    "~teacher": "teacher teachers sir professor",
    "~student": "student students kid kids teen teens teenager teenagers classmate classmates",
    "~sound": "sound sounds noise noises noisy loud audio feedback",
    "~lure": "lure lures lured luring attract attracts attracted attracting",
    "~release": "release releases released premiere premiered drop dropped air aired",
    "~friend": "friend friends bestie bff pal",
    "~school": "school schools hyosan",
    "~find": "find finds found discover discovers discovered",
    "~sacrifice": "sacrifice sacrifices sacrificed sacrificing",
    "~zombie": "zombie zombies undead",
    "~roof": "roof rooftop rooftops",
    "~gym": "gym gymnasium",
    "~ruins": "ruins rubble wreckage debris ashes",
    "~cafeteria": "cafeteria cafeterias canteen lunchroom",
    "~episodes": "episodes season seasons eps",
    "~film": "film films filmed filming record records recorded recording video videos",
    "~tone": "scary scare scared scares horror gory gore tense intense violent creepy",
    "~show": "thisshow",
    "~who": "who whom whose whos",
    "~why": "why reason",
    "~how": "how hows",
    "~where": "where wheres",
    "~when": "when",
}
# Korean: a word stem as a prefix stands for an English word ("살았어" = lived, "이름이" =
# name), which then gets its stem and concept like any English word.
_KOREAN_PREFIXES = {
    "살": "alive",
    "죽": "die",
    "생존": "survive",
    "반좀비": "halfbie",
    "좀비": "zombie",
    "물렸": "bitten",
    "물려": "bitten",
    "누가": "who",
    "누구": "who",
    "왜": "why",
    "어떻게": "how",
    "어디": "where",
    "결국": "ending",
    "마지막": "ending",
    "돼": "fate",
    "됐": "fate",
    "아빠": "dad",
    "아버지": "dad",
    "엄마": "mom",
    "어머니": "mom",
    "동생": "sibling",
    "오빠": "sibling",
    "누나": "sibling",
    "언니": "sibling",
    "이름": "name",
    "바이러스": "virus",
    "드라마": "thisshow",
    "학교": "school",
    "옥상": "roof",
    "체육관": "gym",
    "도서관": "library",
    "화장실": "bathroom",
    "방송실": "broadcasting",
    "군인": "soldiers",
    "군대": "army",
    "헬기": "helicopter",
    "키스": "kiss",
    "고백": "confess",
    "좋아": "likes",
}
# Short words that would be too greedy as prefixes ("화" starts 화장실, bathroom).
_KOREAN_WORDS = {"화": "episodes", "화야": "episodes", "몇": "many"}
# Korean chatter around a question: "really", "now", "spoilers", "so sad", "ㅠㅠ".
_KOREAN_STOPWORDS = frozenset(
    """진짜 정말 지금 스포 조심해줘 조심 맞지 맞아 거 거야 근데 너무 슬퍼
    ㅠㅠ ㅠ ㅋㅋ ㅋㅋㅋ 혹시 그럼 다 무슨 일 일이 에서 있어 있었어 있었어요 총 이 뭐야 뭐""".split()
)
_KOREAN_PARTICLES = sorted(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "도",
        "에게",
        "한테",
        "랑",
        "이랑",
        "와",
        "과",
        "아",
        "야",
        "이는",
    ],
    key=len,
    reverse=True,
)

STOPWORDS = frozenset(
    """a an the is are was were be been being am do does did doing done has have had having to of
    in on at for with and or but it its it's this that these those there their they them he him
    his she her hers i me my we our you your yours what which whats whatre go goes going went
    gone get gets got really actually ever anyone anybody someone somebody everyone everybody
    tell know about please can could would should will shall just so as by from into onto than
    then too very also any some all show series netflix episode ep here now still if not no yes
    isnt doesnt didnt wasnt arent does did hey bot pls plz lol omg wait like one s
    yet lmao ppl r u ur ya yeah guys thing things stuff whole kinda gonna wanna im ive
    finally finished watched watching seen saw out something anything up tmrw tomorrow
    yo fr bruh ngl tbh smh idk btw tho lowkey highkey istg dude literally theres thats
    again anymore somehow nah fav cant dont wont wouldnt couldnt shouldnt jk w getting
    scene quiz q hi hello""".split()
)

# Answers are written in the present ("Hee-su gives birth") and fans ask in the past ("who
# gave birth"); the stemmer folds -ed but not irregular verbs.
_IRREGULAR_VERBS = {
    form: base
    for base, forms in {
        "give": "gave given",
        "take": "took taken",
        "run": "ran",
        "come": "came",
        "eat": "ate eaten",
        "bite": "bit bitten",
        "throw": "threw thrown",
        "fall": "fell fallen",
        "hide": "hid hidden",
        "tell": "told",
        "know": "knew known",
        "meet": "met",
        "keep": "kept",
        "bring": "brought",
        "think": "thought",
        "catch": "caught",
        "fight": "fought",
        "shoot": "shot",
        "steal": "stole stolen",
        "break": "broke broken",
        "choose": "chose chosen",
        "drive": "drove driven",
        "fly": "flew flown",
        "forget": "forgot forgotten",
        "grow": "grew grown",
        "hold": "held",
        "lead": "led",
        "lose": "lost",
        "say": "said",
        "send": "sent",
        "sit": "sat",
        "speak": "spoke spoken",
        "stand": "stood",
        "strike": "struck",
        "teach": "taught",
        "tear": "tore torn",
        "wake": "woke woken",
        "write": "wrote written",
        "win": "won",
        "begin": "began begun",
        "become": "became",
        "find": "found",
        "make": "made",
        "leave": "left",
        "flee": "fled",
        "feel": "felt",
        "hear": "heard",
        "light": "lit",
        "hang": "hung",
        "shake": "shook shaken",
        "stick": "stuck",
        "bleed": "bled",
        "build": "built",
        "burn": "burnt",
        "seek": "sought",
        "slay": "slew slain",
    }.items()
    for form in forms.split()
}

CONCEPT_OF: dict[str, str] = {
    word: concept for concept, words in _CONCEPT_WORDS.items() for word in words.split()
}
QUESTION_WORDS = frozenset({"~who", "~why", "~how", "~where", "~when"})
SHOW_CONCEPT = "~show"  # the show itself: its title, or "the show"
# Put in place of "last episode" by normalisation; the engine reads it as the viewer's own.
LAST_WATCHED = "lastwatched"


def normalize(text: str) -> str:
    """Lower-case, fold Unicode and apostrophes, drop possessives and phrase variants."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    if "'" in text:
        text = _POSSESSIVE.sub(lambda m: m.group(1) or m.group(2), text).replace("'", "")
    found = {trigger for trigger in _TRIGGERS if trigger in text}
    if found:
        for triggers, pattern, replacement in _PHRASE_RULES:
            if triggers & found:
                text = pattern.sub(replacement, text)
    return text


# Every cache is bounded, so new words (a spammer's or a bored fan's) cannot grow memory
# without end. No word is longer than MAX_WORD_CHARS (a longer run of letters is junk, cut
# there), and texts longer than CACHED_TEXT_CHARS are worked out each time, never kept: the
# largest entry of each cache is known, and so is its worst case in bytes.
MAX_WORD_CHARS = 40
CACHED_TEXT_CHARS = 500
# Texts: the facts' questions and answers (looked at again when suggesting) and recent
# questions; at most about 5 KB each (a key and its tokens), so about 10 MB in all.
TEXT_CACHE_ENTRIES = 2048
# Single words (and names of up to six words): at most about 500 bytes each, typically 150.
WORD_CACHE_ENTRIES = 16384


def _tokenise(text: str) -> tuple[str, ...]:
    tokens = _WORD.findall(normalize(text))
    return tuple(t if len(t) <= MAX_WORD_CHARS else t[:MAX_WORD_CHARS] for t in tokens)


_cached_tokenise = lru_cache(maxsize=TEXT_CACHE_ENTRIES)(_tokenise)
# While a fact base is validated or indexed, each of its texts is tokenised several times:
# they are all kept until the work is done (memory in proportion to the base, not to what
# users type), then forgotten.
_building: dict[str, tuple[str, ...]] | None = None


@contextmanager
def remembering_texts() -> Iterator[None]:
    """Keep every text tokenised inside the block, and forget them all at its end."""
    global _building
    outer = _building
    _building = {} if outer is None else outer
    try:
        yield
    finally:
        _building = outer


def words(text: str) -> list[str]:
    """Split normalised text into word tokens (Latin letters, digits, Hangul)."""
    if _building is not None:
        found = _building.get(text)
        if found is None:
            found = _building[text] = _tokenise(text)
        return list(found)
    if len(text) > CACHED_TEXT_CHARS:
        return list(_tokenise(text))
    return list(_cached_tokenise(text))


def compact(text: str) -> str:
    """Return the letters of a name with spaces, hyphens and apostrophes removed."""
    return "".join(words(text))


def is_hangul(word: str) -> bool:
    # Tokens are Latin letters and digits or Hangul, so the first character decides.
    return bool(word) and word[0] >= "\u3130"


def strip_particle(word: str) -> str:
    """Drop a trailing Korean particle ("온조는" -> "온조")."""
    for particle in _KOREAN_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 1:
            return word[: -len(particle)]
    return word


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def stem(word: str) -> str:
    return word if is_hangul(word) else _STEMMER.stemWord(word)


@lru_cache(maxsize=WORD_CACHE_ENTRIES)
def terms_of_word(word: str) -> tuple[str, ...]:
    """Return the index terms of one word: its stem and any concept it belongs to."""
    if is_hangul(word):
        base = strip_particle(word)
        if word in _KOREAN_STOPWORDS or base in _KOREAN_STOPWORDS:
            return ()
        english = _KOREAN_WORDS.get(base) or next(
            (en for prefix, en in _KOREAN_PREFIXES.items() if base.startswith(prefix)), None
        )
        return (base, *terms_of_word(english)) if english else (base,)
    if word in _CONCEPT_ONLY_WORDS:
        return (_CONCEPT_ONLY_WORDS[word],)
    if word in STOPWORDS:
        return ()
    if word[0].isdigit():
        return (_ORDINAL_SUFFIX.sub("", word),)  # "2nd" season is season "2"
    word = _IRREGULAR_VERBS.get(word, word)
    concept = CONCEPT_OF.get(word)
    term = stem(word)
    return (term, concept) if concept else (term,)


# Words that stand only for their concept, with no stem of their own: question words, and
# "the show", which means the show itself.
_CONCEPT_ONLY_WORDS = {
    word: concept
    for word, concept in CONCEPT_OF.items()
    if concept in QUESTION_WORDS or concept == SHOW_CONCEPT
}


def escape_markdown(text: str) -> str:
    """Make text inert in Discord: markdown, spoiler bars, mentions, masked links, line breaks."""
    text = " ".join(text.split())
    text = re.sub(r"([\\*_`~|>#\[\]<])", r"\\\1", text)
    return text.replace("@", "@\u200b")


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return "1 problem", "2 problems": the count with the noun in the right number."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"
