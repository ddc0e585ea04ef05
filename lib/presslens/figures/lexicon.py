"""The words and patterns figures are read with: number words, hedges, traps, cue words, populations, conflicts, labels.

Data in one place, compiled once when the module is imported: the number
words and scales, the hedge lists (read as upper, lower or approximate bounds),
the patterns of the traps (dates, identifiers, durations, things counted,
payments, deployments), the casualty and cost cue words, the noun phrases of
populations, the named conflicts and periods, the rules from a population as
written to a group, and the labels charts and tables show. The month names
are written once (:data:`_MONTHS`).
"""

from __future__ import annotations

import re

#: what a figure counts: the ``kind`` column of the figures table
KINDS = ("deaths", "wounded", "displaced", "cost")


# --------------------------------------------------------------------------------------------------------------
# Number words and the atoms of a number phrase
# --------------------------------------------------------------------------------------------------------------

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
#: The scale words spelled out (read inside a run of number words), and "dozen", read only after a number or "a".
_SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12.0}
#: Abbreviated scales after digits, spaced or glued ("$80bn", "4.5 mn", "3trn").
_SCALE_ABBREVIATIONS = {"bn": 1e9, "mn": 1e6, "tn": 1e12, "trn": 1e12, "mln": 1e6, "bln": 1e9,
                        "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}  # South Asian scales, after digits
#: One-letter scales, read only glued to digits ("1.2m", "10k", "$5b") and only for money or a count of people:
#: "a 100m race" is metres.
_SCALE_LETTERS = {"k": 1e3, "m": 1e6, "b": 1e9}
#: Plural magnitude words read as ranges [2 x unit, 10 x unit]: "hundreds" is 200-1,000.
_VAGUE_UNITS = {"dozens": 12, "scores": 20, "tens": 10, "hundreds": 1e2, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
#: "tens of thousands", "hundreds of millions": the second word multiplies the first.
_VAGUE_OF = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "third": 1 / 3, "halves": 0.5, "quarters": 0.25, "thirds": 1 / 3,
              "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}
#: Words of a share of a whole, read after a number ("43 percent", "a 9-percent rise"); "%" is its own token.
_PERCENT_WORDS = frozenset({"percent", "pc", "pct", "percentage"})
_NUMBER_WORD_SET_ALL = frozenset([*_SMALL, *_TENS, *_SCALE_WORDS])
#: Singular nouns of a person: "a woman was killed", "injuring one person" count one (read as numbers only after
#: "a", "an" or "one", with up to two modifiers between).
_PERSON_NOUNS = (
    "person man woman child girl boy baby infant toddler teenager civilian soldier policeman policewoman officer journalist "
    "student worker doctor nurse pilot fighter militant guard farmer resident citizen passenger driver mother father son "
    "daughter brother sister wife husband member volunteer refugee protester demonstrator photographer reporter cameraman "
    "marine sailor airman contractor teacher priest official employee diplomat patient pedestrian bystander villager hostage"
).split()

_WORD_ALT = "|".join(sorted([*_SMALL, *_TENS, "hundred", "thousand", "million", "billion", "trillion"], key=len, reverse=True))
_CURRENCY_WORD_RE = re.compile(r"\s+(?:US\s+)?(?P<w>dollars|euros|pounds|USD|EUR|GBP)\b", re.IGNORECASE)
_CURRENCY_UNITS = {"$": "USD", "us$": "USD", "us $": "USD", "€": "EUR", "£": "GBP", "dollars": "USD", "usd": "USD",
                   "euros": "EUR", "eur": "EUR", "pounds": "GBP", "gbp": "GBP",
                   "a$": "AUD", "au$": "AUD", "nz$": "NZD", "c$": "CAD", "ca$": "CAD", "hk$": "HKD", "s$": "SGD"}
#: A quick test that a sentence holds anything number-like; most sentences do not.
_NUMBER_WORDS = [*_WORD_ALT.split("|"), "tens", "hundreds", "thousands", "millions", "billions", "dozens", "scores", "dozen",
                 "half", "quarter", "third", "halves", "quarters", "thirds", "fifths", "tenths", *_PERSON_NOUNS]
_HAS_NUMBER = re.compile(rf"\d|\b(?:{'|'.join(_NUMBER_WORDS)})\b", re.IGNORECASE)
_NUMBER_WORD_SET = frozenset(_NUMBER_WORDS)
_DIGIT_RE = re.compile(r"\d")
_WORD_RUN_RE = re.compile(r"\w+")


# --------------------------------------------------------------------------------------------------------------
# Hedges, ranges and traps
# --------------------------------------------------------------------------------------------------------------

_UPPER = ["nearly", "almost", "up to", "as many as", "as much as", "as high as", "at most", "no more than", "not more than",
          "fewer than", "less than", "just under", "under", "close to", "approaching", "short of", "nears", "nearing", "neared",
          "a maximum of", "a high of", "no higher than", "not higher than", "not exceeding", "just shy of", "shy of",
          "below", "just below", "well below", "well under", "a little under", "a little less than", "slightly less than",
          "slightly under", "slightly fewer than", "at the most", "at the very most", "climbing towards", "climbing toward",
          "heading towards", "heading toward"]
_LOWER = ["at least", "more than", "well over", "over", "in excess of", "upwards of", "no fewer than", "no less than",
          "exceeding", "exceeds", "exceeded", "exceed", "above", "topping", "surpassing", "tops", "topped", "top", "surpassed",
          "surpasses", "surpass", "a minimum of", "no lower than", "not lower than", "just over", "upward of", "passed", "passes",
          "north of", "as few as", "at the very least", "at the least", "at a minimum", "at minimum", "not less than",
          "not fewer than", "a little over", "a little more than", "slightly more than", "slightly over", "just above",
          "well above", "far more than", "many more than", "well in excess of", "considerably more than", "significantly more than",
          "crossed", "crosses", "climbed past", "rose past", "risen past", "pushed past", "went past", "gone past"]
_APPROX = ["an estimated", "estimated", "an approximate", "approximately", "about", "around", "roughly", "some", "circa",
           "perhaps", "possibly", "maybe", "probably", "reportedly", "an average of", "in the region of", "in the order of",
           "on the order of", "of the order of", "something like", "a reported", "an alleged", "an unconfirmed", "nigh on",
           "a projected", "a forecast"]
_HEDGE_KIND = {**{h: "upper" for h in _UPPER}, **{h: "lower" for h in _LOWER}, **{h: "approx" for h in _APPROX}}
_HEDGE_ALT = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in sorted(_HEDGE_KIND, key=len, reverse=True))
#: Words before a hedge that keep its kind ("could exceed", "likely to top"); "top" is a hedge only after one of them.
_MODAL_ALT = r"(?:could|may|might|would|will|can|(?:is\s+|are\s+|was\s+)?(?:likely|expected|set|poised|feared|projected|forecast)\s+to)"
_MODAL_PREFIX = re.compile(rf"^{_MODAL_ALT}\s+", re.IGNORECASE)
_HEDGE_LEFT = re.compile(rf"(?:^|(?<=[\s(\"“'‘]))(?P<h>(?:{_MODAL_ALT}\s+)?(?:{_HEDGE_ALT}))\s+$", re.IGNORECASE)
_HEDGE_SUFFIX = re.compile(
    r"(?P<h>\s*(?:or\s+more|or\s+so|more\s+or\s+less|-odd|\s+odd|or\s+fewer|or\s+less|or\s+above|or\s+higher|or\s+over|and\s+upwards?|or\s+thereabouts|plus|"
    r"and\s+(?:still\s+)?counting)\b|\+(?![\d+]))",
    re.IGNORECASE,
)
_SUFFIX_KIND = {"or more": "lower", "plus": "lower", "+": "lower", "or fewer": "upper", "or less": "upper", "or so": "approx",
                "or above": "lower", "or higher": "lower", "or over": "lower", "and upwards": "lower", "and upward": "lower",
                "or thereabouts": "approx", "-odd": "lower", "odd": "lower"}
#: Verbs after which "over"/"under" is a preposition ("niggle over a trillion"), not a hedge.
_PREPOSITION_OVER = re.compile(
    r"\b(?:niggle|niggling|quibble|quibbling|argue|arguing|argued|fight|fighting|fought|worry|worrying|fret|debate|debating|squabble|"
    r"haggle|haggling|bicker|clash|clashed|dispute|disputed|control|spread|took|handed|all|cry|crying|sweat)\s+$",
    re.IGNORECASE,
)
#: "reportedly killed 40", "allegedly executed some": a hedge of the claim a word or two before its number.
_REPORTED_LEFT = re.compile(r"\b(?P<m>reportedly|allegedly|reported\s+to\s+have)\s+(?:[a-z][\w-]*\s+){1,2}$", re.IGNORECASE)
_MODAL_LEFT = re.compile(r"\b(?P<m>(?:may|might|could|would)\s+have)\s+(?:\w+ly\s+)?(?:been\s+)?\w+\s+$", re.IGNORECASE)
_RANGE_GAP = re.compile(rf"^\s*(?P<c>to|through|[-–—]|or|and)\s*(?:(?P<h>{_HEDGE_ALT})\s+)?$", re.IGNORECASE)
_RANGE_PREFIX = re.compile(r"\b(?P<p>from|between)\s+$", re.IGNORECASE)

_MONTHS = r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?$")
_DATE_AFTER = re.compile(rf"^(?:st|nd|rd|th)\b|^\s*(?:a\.?m\.?|p\.?m\.?)(?!\w)|^\s+(?-i:{_MONTHS})\b|^,?\s+(?:19|20)\d\d\b", re.IGNORECASE)
_ID_BEFORE = re.compile(r"\b(?:Source|No\.?|Nos\.?|number|#|Box|ID|code|Flight|Resolution|Article|Section|Chapter|page|pp?\.|Vol\.?|Room|Route|Highway|Camp|Unit)\s*$", re.IGNORECASE)
_LIST_AFTER = re.compile(r"^[.)](?:\s|$)")
#: "$3,000 per month", "$720 million a day": a rate is not a total, whatever it pays for.
_RATE_AFTER = re.compile(r"^\s*(?:per|a|an|each|every)\s+(?:month|year|week|day|hour|night|head|person|capita)\b"
                         r"(?!\s+(?:earlier|later|after|before|ago)\b)", re.IGNORECASE)
#: "an earthquake of 7.6 on the Richter scale", "a 7.8-magnitude quake": a measurement, not a count.
_MAGNITUDE_AFTER = re.compile(r"^(?:\s+on\s+the\s+Richter|\s*-?\s*magnitude\b|\s+(?:degrees|metres|meters|feet|kilometres|kilometers|miles)\b)", re.IGNORECASE)
_PERCENT_AFTER = re.compile(r"^\s*(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
_DURATION_AFTER = re.compile(
    r"^[\s-]+(?:(?:more|other|additional|long|full|straight|consecutive|straight)\s+)?"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centur(?:y|ies)|nights?|year-old|years-old)\b",
    re.IGNORECASE,
)
_DURATION_BEFORE = re.compile(r"\b(?:last|past|next|first|previous)\s+$", re.IGNORECASE)
_THINGS = (
    "pages?|documents?|reports?|cables?|files?|e-?mails?|letters?|messages?|words?|volumes?|votes?|views?|replies|comments?|posts?|"
    "guests?|tanks?|jets?|aircraft|planes?|airplanes?|helicopters?|missiles?|bombs?|weapons?|rockets?|ships?|vehicles?|"
    "F-\\d+s?|M-\\d+|miles?|kilometers?|kilometres?|km|acres?|barrels?|tons?|tonnes?|times|points?|items?|questions?|"
    "articles?|books?|chapters?|countries|nations|states|cities|towns|villages|provinces|ministries|ministers|parties|"
    "meetings?|visits?|trips?|flights?|calls?|steps?|phases?|rounds?|copies|videos?|photos?|pictures?|images?|hotels?|"
    "houses?|homes?|buildings?|units?|battalions?|brigades?|divisions?|bases?|sites?|facilities|programs?|projects?|"
    "contracts?|snakes?|heads?|rivals?|enemies|sides?|households?|respondents?|interviews?|samples?|clusters?|(?:mass\\s+)?graves?"
)
_THINGS_AFTER = re.compile(rf"^\s+(?:of\s+)?(?:[\w-]+\s+){{0,2}}?(?:{_THINGS})\b", re.IGNORECASE)
_PAYMENT = re.compile(
    r"\b(?:salar(?:y|ies)|wages?|bonus(?:es)?|bribes?|gifts?|expenses?|reward|fees?|"
    r"ransom|contracts?|programs?|programmes?|deals?|sales?|paid|paying|payments?|worth\s+of|loans?|grants?|aid\s+package|budget\s+request)\b",
    re.IGNORECASE,
)
_DEPLOYMENT = re.compile(
    r"\b(?:shipped|ship|sent|send|sending|deploy(?:ed|ing|ment)?|pouring|withdraw(?:al|n|ing)?|leave|left|stationed|based|surge|"
    r"reinforcements?|strength|garrison|heading|arrived?)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------------------
# Cue words, populations, conflicts and groups
# --------------------------------------------------------------------------------------------------------------

_CUES = {
    "deaths": r"killed|killing|kills?|died|dies|die|dead|lives|deaths?(?!\s+squads?)|death\s+toll|toll|fatalities|fatality|lives\s+lost|"
              r"lost\s+their\s+lives|slain|murdered|massacred|executed|perished|tortured\s+to\s+death|shot\s+dead|casualties|casualty|"
              r"bodies|corpses|buried|beheaded|massacre|hanged|losses|murders?|killings|slaughtered|butchered|assassinated|martyred|"
              r"slaughtering|massacring|butchering|murdering|"
              r"martyrs|drowned|succumbed|succumbing|gunned\s+down|eliminated|eliminating|neutrali[sz]ed|liquidated|(?:took|taken|taking)\s+out(?!\s+of\b)|"
              r"never\s+(?:came|come|comes|made\s+it)\s+(?:back\s+)?home|remains(?=\s+of\b)|"
              r"mass\s+graves?(?=\s+(?:holding|containing|with|of)\s+(?:(?:at\s+least|some|about|around|more\s+than|over|nearly|up\s+to)\s+)?"
              r"(?:\d|dozens|hundreds|thousands|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+(?:teen|ty)\b))",
    "wounded": r"wounded|wounding|wounds|injured|injuries|injuring|injures?|maimed|hurt|hospitali[sz]ed|"
               r"(?:suffered|sustained|suffering|sustaining)\s+(?:[\w-]+\s+){0,2}?(?:wounds|burns)",
    "displaced": r"displaced|displacement|exodus|refugees|IDPs|fled|flee|fleeing|driven\s+(?:from|out|away)|homeless|evacuated|evacuees|expelled|uprooted|"
                 r"hosts|hosting|hosted|taken\s+in|took\s+in|welcomed|refuge|sheltering\s+in|(?:sought|seeking|seek|seeks|took|taking|find|found|finding)\s+(?:shelter|sanctuary)|(?:forced|driven)\s+(?:\w+\s+){0,3}(?:from|out\s+of|to\s+(?:leave|flee|abandon))\s+their\s+homes|(?:leave|left|leaving|abandon(?:ed)?|lost|lose|losing)\s+their\s+homes|"
                 # a population moving between two countries: "7,249,000 Hindus and Sikhs moved to India from Pakistan"
                 r"(?:moved|went|migrated|relocated)\s+(?:in\s+each\s+direction\s+)?(?:to\s+and\s+from|(?:to|from)\s+(?-i:[A-Z])\w+(?:\s+(?-i:[A-Z])\w+)?\s+(?:to|from)\s+(?-i:[A-Z])\w*)",
    "cost": r"cost|costs|costing|spent|spend|spends|spending|price|price\s+tag|expenditures?|outlays?|bill|tab|damages?|reconstruction|rebuilding",
}
_CUE_RE = re.compile("|".join(rf"(?P<{k}>\b(?:{v})\b)" for k, v in _CUES.items()), re.IGNORECASE)
#: The first three letters of every word written in the cue patterns: a token starting otherwise cannot start a cue
#: (a quick test before the whole pattern is tried at a token).
_CUE_PREFIXES = frozenset(w[:3].lower() for v in _CUES.values() for w in re.findall(r"[A-Za-z]{3,}", v))
#: A list label ending in a casualty or cost word, then a colon, right before the number ("Killed: 45").
_LABEL_BEFORE = re.compile("|".join(rf"(?P<{k}>\b(?:{v})\s*:\s*$)" for k, v in _CUES.items()), re.IGNORECASE)
#: An active verb of killing between a noun phrase and the number makes the noun phrase the killer, not the dead.
_ACTIVE_KILL = re.compile(r"(?<!were )(?<!was )(?<!been )(?<!be )\b(?:killed|shot|massacred|murdered|executed|eliminated|neutrali[sz]ed|"
                          r"liquidated|slaughtered|assassinated|beheaded|taken\s+out|took\s+out|gunned\s+down|wounded|injured|displaced|buried|found|recovered|exhumed|counted|recorded|registered)\b", re.IGNORECASE)
#: "The death toll nears 2,000 and is likely to top 2,500": a second number the same subject reaches takes its kind.
_INHERIT_REACH = re.compile(
    r"^[\s,]+(?:and|but|or)\s+(?:(?:[\w'’]+\s+){0,4}?(?:top|reach|exceed|surpass|pass|hit|rise\s+to|climb\s+to|grow\s+to|double\s+to)\s+)?$",
    re.IGNORECASE,
)
#: "France lost only a few thousand soldiers": lost with people as its object counts deaths.
_LOST_BEFORE = re.compile(r"\b(?:lost|lose|loses|losing)\s+(?:only\s+|just\s+)?$", re.IGNORECASE)
#: "... of which at least 335,000 were civilians": the second number takes the first one's kind.
_INHERIT_LEFT = re.compile(r"^(?:\s+[A-Za-z'’-]+){0,3}?[\s,;]*(?:of\s+(?:which|whom|those|them|these)|including|among\s+(?:them|whom)|as\s+well\s+as|plus)\s+$", re.IGNORECASE)

_MOD = (
    r"(?:(?:American|U\.S\.|(?-i:US)|Iraqi|Iranian|Afghan|Syrian|Kurdish|Sunni|Shiite|Shia|Shi['’]ite|Muslim|Christian|civilian|"
    r"military|coalition|British|foreign|innocent|local|allied|enemy|Western|NATO|Pakistani|Yemeni|Israeli|Palestinian|Lebanese|"
    r"Saudi|unarmed|young|Jewish|Arab|Turkish|Russian|Ukrainian|other|more|armed|government|opposition|rebel|regime|pro-government|"
    r"girl|boy|baby|"
    r"homeless|wounded|injured|displaced|(?-i:[A-Z][A-Za-z.-]+))\s+)"
)
_HEAD = (
    r"(?:people|persons|civilians|soldiers|troops|service\s?members|servicemen|servicewomen|marines|sailors|airmen|contractors|"
    r"Iraqis|Americans|Afghans|Afghanis|Iranians|Syrians|Kurds|Sunnis|Shiites|Shias|Muslims|Christians|protesters|protestors|"
    r"demonstrators|prisoners|detainees|residents|refugees|children|women|men|militants|fighters|insurgents|policemen|police|"
    r"officers|journalists|citizens|military|GIs|GI['’]s|G\.I\.['’]?s|pilgrims|workers|combatants|taxpayers|veterans|vets|victims|"
    r"Palestinians|Israelis|inhabitants|villagers|Yemenis|Syrians|Jews|Arabs|Kurds|persons|students|pupils|schoolchildren|teachers|"
    r"boys|girls|babies|infants|brothers|sisters|patients|doctors|nurses|evacuees|peacekeepers|gunmen|terrorists|extremists|rebels|"
    r"jihadists|mercenaries|noncombatants|non-combatants|Tutsis|Hutus|passengers|worshippers|migrants|activists|volunteers|personnel|"
    r"commanders|guards|recruits|others|members|relatives|families|family\s+members|individuals|souls|person|child|woman|man|girl|boy|baby|infant|"
    r"soldier|civilian|policeman|officer|fighter|militant|journalist|worker|student|teacher|doctor|nurse|patient|resident|refugee|"
    r"member|brother|sister|son|daughter|wife|husband|mother|father|pilgrim|protester|prisoner|(?-i:[A-Z][a-z]{2,}(?:ians|ans|ese|ites))|Pakistanis|Yemenis|Somalis|Kuwaitis|Saudis|Omanis|Bangladeshis|Israelis|Rohingyas?|Tutsis?|Hutus?|Yazidis?|Uighurs|Uyghurs|security\s+forces|forces|army|troop)"
)
_DET = r"(?:\b(?:the|its|their|our|his|her|these|those)\s+)?(?:[A-Za-z-]+['’]s\s+)?"
_NP = (
    rf"(?<![\w-]){_DET}{_MOD}{{0,3}}{_HEAD}\b(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+){_MOD}{{0,2}}{_HEAD}\b){{0,4}}"
    r"(?:\s+on\s+(?:each|both|either)\s+sides?)?"
)
_NP_RE = re.compile(_NP, re.IGNORECASE)
_NP_AFTER = re.compile(rf"^\s+(?:of\s+(?:them|whom|those|these)\s+|of\s+)?(?P<np>{_NP})", re.IGNORECASE)
_NP_PREDICATE = re.compile(rf"^\s+(?:were|was|are|is|being)\s+(?:(?:mostly|mainly|largely|all)\s+)?(?P<np>{_NP})", re.IGNORECASE)
_NP_APPOSITION = re.compile(
    rf"^\s*[,;(–—-]\s*(?P<np>(?:(?:overwhelmingly|mostly|mainly|largely|predominantly|primarily|almost\s+all|most\s+of\s+them)\s+)?{_NP})",
    re.IGNORECASE,
)
_NP_RELATIVE = re.compile(rf"(?P<np>{_NP})(?:\s+(?:that|who)\s+(?:have|has|had)\s+(?:been\s+)?\w+(?:\s+\w+ly)?\s+in\s+[A-Z][\w-]+)?", re.IGNORECASE)

#: Named conflicts and periods, first match wins (looked for in the sentence, then in the one before).
_CONFLICTS = [
    ("war_on_terror", re.compile(r"war\s+on\s+terror", re.IGNORECASE)),
    ("afghanistan_iraq_wars", re.compile(r"wars?\s+in\s+Afghanistan\s+and\s+Iraq|Afghanistan\s+and\s+Iraq\s+wars", re.IGNORECASE)),
    ("iran_iraq_war", re.compile(r"Iran[-–]Iraq\s+war|\b1980\s*[-–]\s*(?:19)?88\b", re.IGNORECASE)),
    ("protests", re.compile(r"\bprotests?\b", re.IGNORECASE)),
    ("iraq_war", re.compile(
        r"\bIraq\s+war\b|\bwar\s+in\s+Iraq\b|(?:invasion|occupation)\s+of\s+Iraq|\bin\s+Iraq\b.{0,40}\b(?:since|by)\s+20\d\d\b|"
        r"\b(?:since|by)\s+20\d\d\b.{0,80}\bin\s+Iraq\b", re.IGNORECASE)),
]
_PERIOD_RE = re.compile(
    r"\b(?:since|by|in|from|between|through|until|during|throughout)\s+(?:the\s+)?(?:(?:late|early|mid)[-\s]+)?"
    r"(?:\d{4}s?|\d{4}\s*[-–]\s*\d{2,4})(?:\s+(?:to|and|through)\s+\d{4})?|[“\"]?(?:global\s+)?war\s+on\s+terror[”\"]?|"
    r"wars?\s+in\s+Afghanistan\s+and\s+Iraq|\bIraq\s+war\b|\bIran[-–]Iraq\s+war\b|\b1980\s*[-–]\s*(?:19)?88\b",
    re.IGNORECASE,
)
_INDIRECT = re.compile(r"\b(?:collateral|indirect(?:ly)?|disease|starvation|excess\s+deaths|malnutrition)\b", re.IGNORECASE)
_COUNTRY_DEMONYM = [("Iran", "iranians"), ("Iraq", "iraqis"), ("Afghanistan", "afghans"), ("Syria", "syrians"),
                    ("United States", "americans"), ("America", "americans"), ("Israel", "israelis"), ("Yemen", "yemenis")]
#: who (as written) -> group, first match wins.
_GROUP_RULES = [
    ("us_military_and_contractors", re.compile(
        r"\b(?:American|U\.S\.|(?-i:US))\s+(?:\w+\s+)?(?:soldiers|troops?|service\s?members|servicemen|military|marines|GIs|personnel)"
        r".*\b(?:contractors|civilians)\b", re.IGNORECASE)),
    ("us_military", re.compile(
        r"\b(?:American|U\.S\.|(?-i:US))\s+(?:\w+\s+)?(?:soldiers|troops?|service\s?members|servicemen|military|marines|GIs|personnel)|"
        r"\bGI['’]?s\b", re.IGNORECASE)),
    ("americans", re.compile(r"\bAmericans?\b|\bU\.S\.\s+(?:citizens|civilians)", re.IGNORECASE)),
    ("iraqis", re.compile(r"\bIraqis?\b|\bpeople\b.*\bin\s+Iraq\b", re.IGNORECASE)),
    ("iranians", re.compile(r"\bIranians?\b", re.IGNORECASE)),
    ("afghans", re.compile(r"\bAfghans?\b|\bAfghanis\b", re.IGNORECASE)),
    ("protesters", re.compile(r"\bprotest[eo]rs\b|\bdemonstrators\b", re.IGNORECASE)),
    ("civilians", re.compile(r"\bcivilians\b", re.IGNORECASE)),
    ("prisoners", re.compile(r"\bprisoners\b|\bdetainees\b", re.IGNORECASE)),
    ("sunnis", re.compile(r"\bSunnis?\b", re.IGNORECASE)),
    ("shiites", re.compile(r"\bShi(?:['’]?ites|as?)\b", re.IGNORECASE)),
    ("muslims", re.compile(r"\bMuslims\b", re.IGNORECASE)),
]
_PER_SIDE = re.compile(r"\b(?:each|both|either|per)\s+sides?\b", re.IGNORECASE)
#: When no population is written, the conflict names the group.
_CONFLICT_GROUP = {"protests": "protesters"}
#: Groups that are the same population for comparing claims across sources.
_FAMILY = {"us_military": "us", "us_military_and_contractors": "us", "americans": "us"}


# --------------------------------------------------------------------------------------------------------------
# The predicate a number attaches to, and the generic groups of any story
# --------------------------------------------------------------------------------------------------------------

#: One token of the words after a number: a word, a number, or punctuation that ends a noun phrase.
_TOKEN_RE = re.compile(r"[A-Za-z][\w'’.-]*|\d[\d,.]*|[,;:()\"“”]")
#: Words a number's own noun phrase may hold before its predicate ("14 people, including two children, were killed").
_NP_WORDS = frozenset(
    "of the them whom its their his her a an and including among mostly mainly many most some all both more other others "
    "over than nearly almost about around least at estimated approximately roughly mostly".split()
)
#: Auxiliaries and adverbs between a subject and its casualty word ("were reportedly killed", "were among the dead").
_AUX_WORDS = frozenset(
    "were was are is have has had been being be got get also all later reportedly reported confirmed believed feared total "
    "remain remained remains "
    "thought said now already since subsequently among the those either either still then so far allegedly left".split()
)
#: A head noun of people (the people counted).
_PERSON_HEAD_RE = re.compile(rf"(?:{_HEAD})", re.IGNORECASE)
#: A word that modifies a head noun of people ("other", "Syrian", "innocent").
_MOD_WORD_RE = re.compile(r"(?:civilian|military|coalition|foreign|innocent|local|allied|enemy|unarmed|young|"
                          r"other|more|armed|government|opposition|rebel|regime|pro-government|elderly|security|family)", re.IGNORECASE)
#: Verbs of which a bare number is the subject when it stands for people who say or count ("four have estimated").
_REPORT_VERB_RE = re.compile(
    r"(?:say|says|said|estimate|estimates|estimated|put|puts|believe|believes|believed|claim|claims|claimed|argue|argued|argues|"
    r"report|reports|found|find|agree|agreed|think|suggest|suggested|suggests|count|counted|conclude|concluded|calculate|calculated|"
    r"told|wrote|write|signed|voted|testified|stated)",
    re.IGNORECASE,
)
#: Other counts of people: arrested, detained, kidnapped, missing (a kind of their own, never a figure).
_ARREST_RE = re.compile(
    r"\b(?:arrested|arresting|arrests?|detained|detaining|detention|kidnapped|kidnapping|kidnaps?|abducted|abducting|abductions?|"
    r"captured|capturing|jailed|imprisoned|missing|disappeared|disappearance|hostages?|taken\s+hostage|rounded\s+up)\b",
    re.IGNORECASE,
)
#: Heads of people who act (soldiers, fighters): a number of them with an active verb counts the actors, not the dead.
_ACTOR_HEAD_RE = re.compile(
    r"\b(?:soldiers|troops|servicemen|marines|forces|army|police|policemen|officers|militants|fighters|insurgents|rebels|terrorists|"
    r"extremists|jihadists|gunmen|mercenaries|militiamen|militias|bombers|jets|planes|aircraft|airstrikes|strikes|attacks|"
    r"bombs|shells|rockets|missiles|explosions|blasts)\b",
    re.IGNORECASE,
)
#: Active verbs of harm: "soldiers killed 50" makes the soldiers the killers.
_HARM_VERB_RE = re.compile(r"(?:killed|kill|kills|killing|wounded|wounding|injured|injuring|massacred|executed|shot|slew|caused)", re.IGNORECASE)
#: "a country of some 26 million", "its pre-war population was over 20 million": the size of a population.
_POPULATION_BEFORE = re.compile(
    r"\b(?:population|populations|inhabitants|country|nation|city|town|region|province|state|community|metropolis|capital)\s+"
    r"(?:(?:of|was|is|stood\s+at|stands\s+at|numbers?|numbered|totals?|totall?ed|had|has|with)\s+)(?:(?!(?:and|or)\s)[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "saved 1,200 Tutsis from death": people saved are not casualties.
_SAVED_BEFORE = re.compile(r"\b(?:saved|saving|saves|rescued|rescuing|spared|sheltered|sheltering|protected|hid)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
#: "interviewed several thousand Rohingya refugees", "a survey of 893 displaced families": a sample, not a count of victims;
#: "all but three of these deaths": the rest of a count.
_SAMPLE_BEFORE = re.compile(
    r"\b(?:interviewed|interviewing|surveyed|surveying|polled|questioned|sampled|(?:a\s+)?(?:survey|poll|sample|study)\s+of|"
    r"interviews\s+with|all\s+but)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
#: "£25,000 will have been spent for every one of Helmand's 1.5 million inhabitants": an amount per person.
_PER_PERSON_AFTER = re.compile(r"^\s+(?:[\w’'-]+\s+){0,5}?(?:for|per)\s+(?:every|each)\s+(?:[\w-]+\s+)?(?:one|person|inhabitant|resident|head|citizen|man|"
                               r"household|family|taxpayer|american|briton|child|adult|soldier)",
                               re.IGNORECASE)
#: The cost of violence in general, crime or a natural disaster: not a war's cost (unless a war is named beside it).
_OTHER_COST_RE = re.compile(r"\bcost\s+of\s+(?:[\w-]+\s+){0,3}?(?:violence|crime|disasters?|earthquakes?|floods?|hurricanes?|storms?)\b",
                            re.IGNORECASE)
#: Budgets that are not a war's cost: "$481.4 billion for Pentagon spending", "the defence budget".
_BUDGET_RE = re.compile(
    r"\b(?:budgets?|budgeted|base\s+budget|(?:for|on)\s+(?:the\s+)?(?:Pentagon|Defen[cs]e\s+Department|Department\s+of\s+Defen[cs]e|"
    r"defen[cs]e|national\s+defen[cs]e)\b)",
    re.IGNORECASE,
)
#: What money is for when it is a war's cost: "for Operation Enduring Freedom", "on the wars", "for reconstruction".
_WAR_PURPOSE_RE = re.compile(
    r"\b(?:Operations?\s+[A-Z]\w+|wars?|warfare|occupation|invasion|military\s+operations|reconstruction|rebuilding|"
    r"counter-?insurgency|overseas\s+contingency)\b"
)
#: A war named in the words around a cost ("the cost of the war"): the group ``war`` for unseen stories.
_WAR_WORD_RE = re.compile(r"\b(?:wars?|warfare|conflict|occupation|invasion|Operations?\s+[A-Z]\w+|military\s+operations|fighting)\b")

#: The seeds' groups named by nationality or faith alone: a generic head noun beside them wins ("Afghan civilians" are
#: civilians, "Iraqi soldiers" military), bare "Iraqis" stay iraqis.
_NATION_GROUPS = frozenset({"americans", "iraqis", "iranians", "afghans", "sunnis", "shiites", "muslims"})
#: "2,412 civilian deaths": the population is the modifier of the casualty noun.
_NP_MODIFIER_OF_CUE = re.compile(rf"^\s+(?P<np>{_MOD}{{1,2}})(?=(?:deaths|casualties|fatalities|dead|death\s+toll|killings)\b)", re.IGNORECASE)
#: Whom a displacement figure counts when the text names only a nationality or nobody: refugees; "people" stays people.
_PLAIN_PEOPLE_RE = re.compile(r"\b(?:people|persons|others|individuals)\b", re.IGNORECASE)

#: The generic groups of any story, from the head nouns of the population as written (first match of each).
_GENERIC_GROUPS = [
    ("children", re.compile(r"\b(?:children|child|kids|schoolchildren|pupils|students?|boys?|girls?|baby|babies|infants|minors|toddlers|sons|daughters)\b", re.IGNORECASE)),
    ("women", re.compile(r"\b(?:women|woman|mothers|wives)\b", re.IGNORECASE)),
    ("military", re.compile(
        r"\b(?:soldiers?|troops?|service\s?members|servicemen|servicewomen|marines|sailors|airmen|army|police|policemen|officers|"
        r"security\s+forces|government\s+forces|forces|peacekeepers|guards|personnel|military|GIs|commanders|recruits|conscripts)\b",
        re.IGNORECASE)),
    ("fighters", re.compile(
        r"\b(?:rebels?|militants?|terrorists?|extremists?|insurgents?|jihadists?|fighters?|gunmen|mercenaries|militiamen|militias?|"
        r"combatants|bombers|(?:Daesh|ISIS|ISIL|IS|Nusra|Qaeda|Taliban)\s+members)\b", re.IGNORECASE)),
    ("refugees", re.compile(r"\b(?:refugees|displaced|evacuees|asylum[- ]seekers|migrants|homeless|IDPs)\b", re.IGNORECASE)),
    ("civilians", re.compile(r"\b(?:civilians?|non-?combatants|villagers|inhabitants|locals|innocent|unarmed|teachers|doctors|"
                             r"nurses|medics|paramedics|journalists|reporters|workers|staff|patients|volunteers|worshippers|passengers)\b",
                             re.IGNORECASE)),
]


# --------------------------------------------------------------------------------------------------------------
# Years, counts and the words after a number
# --------------------------------------------------------------------------------------------------------------

_YEAR_PREP = re.compile(r"\b(?:in|since|by|from|until|till|of|between|through|during|throughout|after|before|around|circa|c\.)\s+(?:(?:late|early|mid|the)[-\s]+)?$", re.IGNORECASE)
#: "2003 deaths", "1500 civilians": a year-like number directly followed by what it counts is a count.
_COUNTED_AFTER = re.compile(rf"^\s+(?:{_MOD}{{0,2}}{_HEAD}\b|(?:deaths|dead|casualties|fatalities)\b)", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+(?:of\s+)?(?P<w>[A-Za-z][\w’'-]*)")
#: Words that may follow a casualty number without being what it counts ("300 were", "4,000 more", "$2 trillion on").
_FUNCTION_WORDS = frozenset(
    """
    a an the its their his her our these those this that which who whom whose and or but nor so yet of in on at to from by for with
    without since during over under above below into onto across through throughout among between after before until till as than
    about around per more fewer less other others additional further extra were was are is be been being have has had will would
    could can may might must shall should do does did not also already now then still reportedly say says said according each
    every all both some many most several last next this today yesterday tomorrow annually apiece overall altogether alone
    """.split()
)


# --------------------------------------------------------------------------------------------------------------
# Labels for charts and tables
# --------------------------------------------------------------------------------------------------------------

GROUP_LABELS = {
    "us_military": "US troops", "us_military_and_contractors": "US troops, contractors and civilians", "americans": "Americans",
    "iraqis": "Iraqis", "iranians": "Iranians", "civilians": "civilians", "protesters": "protesters", "prisoners": "prisoners",
    "sunnis": "Sunnis", "shiites": "Shiites", "muslims": "Muslims", "indirect_deaths": "indirect deaths (disease, starvation…)",
    "war_on_terror_total": "all deaths", "iran_iraq_war_per_side": "each side", "us": "US (troops, contractors)",
    "afghanistan_iraq_wars": "wars in Afghanistan and Iraq", "iraq_war": "Iraq war", "unspecified": "unspecified",
    # the generic groups of any story
    "children": "children", "women": "women", "military": "military (soldiers, police, security forces)",
    "fighters": "fighters (rebels, militants, insurgents)", "refugees": "refugees and displaced people",
    "people": "people (unspecified or mixed)", "war": "a war",
}
CONFLICT_LABELS = {
    "war_on_terror": "'war on terror'", "afghanistan_iraq_wars": "Afghanistan and Iraq wars", "iran_iraq_war": "Iran–Iraq war 1980–88",
    "protests": "protests", "iraq_war": "Iraq war", "": "",
}
