"""Word lists and character tables of source comparison and framing, as data (one copy each).

Nothing here computes: :mod:`.framing` and :mod:`.units` read :data:`STOPWORDS`,
:mod:`.quotes` the speech verbs and the capitalised words that do not start a
name, :mod:`.units` and :mod:`.edits` the typography table.
"""

from __future__ import annotations

#: English function words (and contraction pieces) left out of framing terms and of content-word overlap.
#: Reporting verbs ("said", "told") are kept on purpose: how often a source attributes is part of its framing.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against ago all almost along already also although always am among an and another any
    anyone anything are aren around as at away back be became because become becomes been before being below between
    beyond both but by can cannot could couldn did didn do does doesn doing don done down during each either else
    enough even ever every few for from further get gets got had hadn has hasn have haven having he her here hers
    herself him himself his how however i if in into is isn it its itself just least less let like ll made make
    many may me might more most much must mustn my myself neither never no nor not now of off often on once one only
    onto or other others otherwise our ours ourselves out over own per perhaps put quite rather re really s same
    shall she should shouldn since so some something still such t than that the their theirs them themselves then
    there these they this those though through thus to too toward towards under until up upon us ve very via was
    wasn we well were weren what whatever when whenever where whether which while who whoever whom whose why will
    with within without won would wouldn yet you your yours yourself yourselves d m o y ain also etc
    """.split()
)

#: Typography that differs between outlets and says nothing about reuse: curly quotes, dashes, the ellipsis.
TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2026": "..."}
)

#: Speech verbs of an attribution ("..., Jabr told"), as one regular-expression alternation.
SPEECH_VERBS = (
    r"said|says|say|told|tells|wrote|writes|stated|states|added|adds|asked|noted|notes|reported|reports|explained|"
    r"declared|warned|cautioned|concluded|concludes|insisted|recalled|continued|argued|replied|remarked|acknowledged|"
    r"confirmed|observed|suggested|commented|complained|recounted|testified|announced|revealed|reveals|reveal|"
    r"showed|shows|show|read|reads"
)

#: Capitalised words that start a sentence but not a person's name ("The", "According"...).
NOT_A_PERSON_START = frozenset("The A An In On At When While After Before According But And If As".split())

#: Lines that are not article text (captions, credits, bylines, "Related:" links, navigation, legal lines):
#: regular expressions matched against one stripped line (a paragraph of the body). A line matching
#: ``BOILERPLATE_ANYWHERE`` (in its first or last 160 characters) or ``BOILERPLATE_START`` is left out whatever its length; one matching ``BOILERPLATE_SHORT`` only when it is
#: shorter than ``BOILERPLATE_SHORT_WORDS`` words (a long article sentence may well mention "photo"); no line of
#: more than ``BOILERPLATE_MAX_WORDS`` words is boilerplate.
BOILERPLATE_ANYWHERE = (
    r"\((?:AP|Reuters|AFP|Getty|EPA)?\s*Photo\b",
    r"\bAP Photo\b",
    r"\bcopyright (?:\u00a9 ?)?(?:\d{4}|by)\b|\u00a9|\(c\)\s*\d{4}",
    r"\ball rights reserved\b",
    r"\bcontributed (?:to )?this report\b",
    r"\bmay not be (?:published|reproduced|broadcast|rewritten|redistributed)\b",
)
#: a line is searched for ``BOILERPLATE_ANYWHERE`` only when its lower-cased text holds one of these
BOILERPLATE_KEYWORDS = ("photo", "copyright", "\u00a9", "(c)", "reserved", "contributed", "may not be")
#: matched at a line's start
BOILERPLATE_START = (
    r"copyright\b",
    r"(?:related|read more|see also|more|also read|recommended|watch|listen|advertisement|sign up|subscribe)\b\s*[:|-]",
    r"(?:related (?:stories|coverage|articles|content)|advertisement|share this|share on \w+)$",
    r"this (?:story|article) has been (?:corrected|updated)\b",
    r"follow (?:\w+ ){0,4}on (?:twitter|x|facebook|instagram)\b",
)
BOILERPLATE_SHORT = (
    r"\b(?:photo|photograph|image|picture|credit|illustration|file photo|courtesy|getty images|reuters|associated press|afp|epa)\b",
    r"\b(?:updated|published|posted)\b.*\d",
    r"^(?:home|news|world|politics|business|sports|opinion|menu|search|log ?in|sign in)\b",
    r"^(?:by|written by|reporting by|editing by|additional reporting by)\s",
    r"^[A-Z][A-Za-z'\- ]{1,40}$",  # a lone name or section title ("Jane Doe", "World News")
    r"^(?:[a-z]+day,?\s+)?[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}\b[^.!?]*$",  # a date line: "WEDNESDAY, SEPTEMBER 28, 2022"
)
BOILERPLATE_SHORT_WORDS = 20
BOILERPLATE_MAX_WORDS = 60  # no line longer than this is boilerplate (a long paragraph may mention a photo or copyright)

#: A dateline at the start of a paragraph: ``BEIRUT (AP) \u2014``, ``WASHINGTON (Reuters) -``, ``LONDON, June 3 (Reuters) -``.
DATELINE = r"^[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][a-z]+\.?\s*\d{0,2})?(?:,\s*[A-Z][A-Za-z.]+)?\s*(?:\((?P<agency>[A-Za-z ]{2,30})\))?\s*[\u2014\u2013-]{1,2}\s*(?=[A-Z\"\u201c])"

#: News agencies, as their copy and the copies of it name them (one regular-expression alternation).
AGENCY_NAMES = (
    r"The Associated Press|Associated Press|AP|Reuters|Thomson Reuters|AFP|Agence France-Presse|Bloomberg|CNN|"
    r"QNA|Qatar News Agency|PA|PA Media|Press Association|UPI|Xinhua|dpa|ANI|PTI|IANS|Kyodo|Yonhap|Bernama|WAM|SPA|"
    r"ANSA|EFE|TASS|Anadolu"
)

#: Wire signatures for the direction of reuse: name -> (pattern, what a document showing it is, a lower-case word
#: the text must contain for the pattern to be tried). ``source``: the wire's own copy signs this way;
#: ``derived``: a document that says it used another's material, or a later version of a story.
WIRE_SIGNATURES = {
    "AP dateline": (r"\(AP\)\s*[\u2014\u2013-]", "source", "(ap)"),
    "Reuters dateline": (r"\(Reuters\)\s*[\u2014\u2013-]", "source", "(reuters)"),
    "AFP dateline": (r"\(AFP\)\s*[\u2014\u2013-]", "source", "(afp)"),
    "agency dateline": (rf"(?m)^[A-Z][A-Za-z0-9 .,'\-]{{1,40}}\((?:{AGENCY_NAMES})\)\s*[\u2014\u2013:-]", "source", "("),
    "agency contributed": (
        r"\b(?:The Associated Press|Reuters|AFP|Agence France-Presse|the AP)\b[^.\n]{0,80}\bcontributed (?:to )?this report",
        "derived", "contributed",
    ),
    "corrected": (r"\bThis (?:story|article) has been (?:corrected|updated)\b", "derived", "has been"),
    "agency credit line": (rf"(?m)^[ \t]*(?:(?:By|Source|Credit|Via)[: ]+)?(?:{AGENCY_NAMES})[ \t.]*$", "derived", ""),
}
