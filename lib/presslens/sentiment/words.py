"""The sentiment stage's data in one place: bootstrap defaults, thresholds, default entity terms, sarcasm and profanity patterns.

Nothing here computes; the modules that do import these names.
"""

from __future__ import annotations

import re

#: Default bootstrap settings: enough resamples for stable 95% percentile bounds on groups of a few dozen.
DEFAULT_RESAMPLES = 2000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 20191118  # the day The Intercept and the NYT published the Iran Cables
#: Groups with fewer items than this are marked "small" in roll-ups.
SMALL_GROUP = 10
#: Comments with fewer words than this are flagged "short": their score rests on one or two lexicon words.
SHORT_COMMENT_WORDS = 15
#: A quoted passage needs at least this many words to count as quoting the article.
QUOTE_MIN_WORDS = 5

#: Entity terms used when neither ``presslens.entities`` nor the caller gives any.
DEFAULT_TERMS: tuple[str, ...] = (
    "Soleimani|Suleimani",
    "Mahdi",
    "CIA",
    "Iran",
    "Iraq",
    "United States|U.S.|US|USA|America",
)

#: What each word of an entity's own name becomes before its sentence is scored for that entity: a word VADER's
#: lexicon, negations and boosters lack, so "Ministry of Intelligence and Security" adds no valence of its own.
#: It takes the replaced word's case (``ENTITY`` for "MOIS", ``Entity`` for "Ministry"), keeping VADER's capitals rule.
MASK_WORD = "entity"

#: Sarcasm markers VADER cannot see: it scores the words at face value.
_SARCASM = re.compile(
    r"//\s*/?\s*sarc(?:asm)?(?:\s*off)?\s*//"  # //SARC OFF//, //sarc//
    r"|</?\s*sarc(?:asm)?\s*>"  # <sarc>, </sarcasm>
    r"|#sarcasm\b"
    r"|\(\s*sarc(?:asm)?\s*\)"  # (sarc)
    r"|\bsarc(?:asm)?\s+off\b"  # sarc off
    r"|(?<![\w/])/s\s*$",  # a trailing /s
    re.IGNORECASE | re.MULTILINE,
)
_OPENING_QUOTE = re.compile(r"^\s*[“\"‘«„>]")
_QUOTED = re.compile(r"[“\"«„]([^“”\"«»„]+)[”\"»“]")
#: A small list of profanity stems: VADER knows some ("fuck", "shit", "ass") and misses others ("asswipe", "shithole").
_PROFANE_WORD = re.compile(
    r"\w*fuck\w*|\w*f\*+k\w*|shit\w*|\w+shit(?:s|ty)?|bullshit|ass(?:es|hole|holes|wipe|wipes|hat|hats)?|"
    r"bastards?|damn(?:ed|it)?|crap(?:py)?|piss(?:ed)?|t[ue]rds?|hellholes?|bitch(?:es)?|dicks?|pricks?|scumbags?|"
    r"wankers?|twats?|bollocks",
    re.IGNORECASE,
)
#: Where a profane word may be: each hit is widened to its whole word, which must then match :data:`_PROFANE_WORD`.
#: Run on lower-cased text: a case-sensitive alternation is several times faster than an IGNORECASE one.
_PROFANITY_HINT = re.compile(r"fuck|f\*+k|shit|ass|bastard|damn|crap|piss|t[ue]rd|hellhole|bitch|dick|prick|scumbag|wanker|twat|bollocks")
#: A cheap pre-check: the full sarcasm pattern only runs on texts this finds something in.
_SARCASM_HINT = re.compile(r"(?i:sarc)|/s\s*$", re.MULTILINE)
#: The entity a term names: its first spelling ("Soleimani|Suleimani" -> "Soleimani").
_TERM_NAME = re.compile(r"^\s*([^|]+?)\s*(?:\||$)")
