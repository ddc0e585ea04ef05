"""The word lists of the entities stage, as data in one place.

Titles recorded before a person's name (matching), name particles, function
words and months, titles, nationality adjectives and the head nouns that hint
at an organisation, a place or an event (discovery).
"""

from __future__ import annotations

#: Titles before a person ("Maj. Gen.", "Prime Minister"): the alternation of a regular expression.
TITLE_WORDS = (
    r"(?:Maj|Gen|Lt|Col|Brig|Capt|Adm|Sgt|Cpl|Pres|Sen|Rep|Gov|Amb|Dr|Mr|Mrs|Ms|Prof|Rev)\.?"
    r"|Major|Lieutenant|General|Colonel|Brigadier|Captain|Admiral|Commander|Marshal"
    r"|President|Vice President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Ambassador|Speaker"
    r"|Senator|Secretary of State|Secretary|Grand Ayatollah|Ayatollah|Hojatoleslam|Sayyid|Sayed|Sheikh|Shaikh|Mullah"
    r"|King|Prince|Emir|Imam"
)

#: The word right before a name when a title precedes it (the last word of each title above).
TITLE_LAST_WORDS = frozenset(
    """
    Maj Gen Lt Col Brig Capt Adm Sgt Cpl Pres Sen Rep Gov Amb Dr Mr Mrs Ms Prof Rev Major Lieutenant General Colonel
    Brigadier Captain Admiral Commander Marshal President Minister Ambassador Speaker Senator State Secretary Ayatollah
    Hojatoleslam Sayyid Sayed Sheikh Shaikh Mullah King Prince Emir Imam
    """.split()
)

PARTICLES = frozenset("al el ad ar as ash at az an bin ibn bint abu abd abdul e".split())
STOPWORDS = frozenset(
    """
    a an the and or but nor if in on at of for to from by with as after before since until when while where what who whom
    whose why how which this that these those it its he she we they i you his her their our my your him them us me there here
    then so not no yes all any some many most much more one two three four five six seven eight nine ten also even just only
    still yet both each every other another such per via about over under between among against during through without within
    into onto upon like unlike is was are were be been do does did have has had will would can could should may might must
    shall let thanks thank please ok okay yea yeah pfft oh nice well now today yesterday tomorrow meanwhile however although
    though because unless whether across around along near above below again ever never always sometimes perhaps maybe
    according said says say off out up down away back
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
TITLES = frozenset(
    """
    president vice prime minister foreign defense defence gen general maj major lt lieutenant col colonel brig brigadier capt
    captain adm admiral commander ambassador ayatollah grand sayyid sayed sheikh shaikh hojatoleslam mullah speaker senator
    secretary king prince emir mr mrs ms dr prof former late
    """.split()
)
DEMONYMS = frozenset(
    """
    american british iranian iraqi syrian russian kurdish persian arab arabic israeli saudi lebanese afghan european western
    eastern northern southern shiite sunni muslim islamic christian jewish english farsi german french chinese turkish asian
    african iranians iraqis americans arabs europeans westerners
    """.split()
)
PREFIX_WORDS = STOPWORDS | TITLES | DEMONYMS
DERIVED_SUFFIXES = ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese", "ish", "ites", "ite", "ists", "ist", "s")
ORG_WORDS = frozenset(
    """
    ministry council organization organisation force forces party agency department university army corps guard guards group
    company committee embassy consulate foundation institute bank times news network office service mission parliament
    administration commission court police brigade brigades militia movement front union alliance list tv
    """.split()
)
PLACE_WORDS = frozenset(
    "city river valley gulf sea province zone base mountains island street square airport governorate lake desert strait region "
    "tower towers building palace".split()
)
EVENT_WORDS = frozenset("war operation attack attacks revolution crisis massacre deal agreement treaty conference election elections uprising".split())
