"""Realistic copies of a wire story, made the way newsrooms make them, for the reuse tests.

A wire story (headline on the first line, then one paragraph a line or blank-line
separated paragraphs, the first one maybe opening with a dateline such as
``WASHINGTON (AP) —``) becomes five kinds of document, each a :class:`Copy`
that says what it carries of the source so a test can check a verdict against it:

* ``captioned reprint`` (METER *wholly derived*): every body sentence verbatim;
  the dateline loses its agency tag and a ``By The Associated Press`` byline
  is added; photo captions with credits (``(AP Photo/...)``), ``Related:``
  lines and a copyright line are added, so the copy is longer than its source.
* ``trimmed reprint`` (*wholly derived*): the first paragraphs verbatim, the last
  ones cut (as a page with little room does), an editor's credit line added.
* ``condensed rewrite`` (*partially derived*): a share of the paragraphs dropped
  (never the lead); in the kept ones most sentences reworded (synonyms, the
  attribution moved, a subordinate clause put first or last) and the rest
  verbatim; sentences carrying a quotation are kept verbatim, marks included.
* ``shared quotes`` (*non-derived*): an article of its own that quotes only the
  source's most quoted named speaker, those quotations verbatim: same event,
  same official, own text.
* ``independent`` (*non-derived*): an article of its own on the same event
  (the source's names, places and figures in template sentences of its own, plus
  sentences of ``background`` text when given), no sentence or quotation of the source.

Everything is drawn from ``random.Random(seed)``: the same text and seed give the
same copies. :func:`make_copies` makes all five.
"""

from __future__ import annotations

import collections
import random
import re
from dataclasses import dataclass, field

from presslens.reuse.quotes import extract_quotes
from presslens.text import sentence_spans

COPY_KINDS = ("captioned reprint", "trimmed reprint", "condensed rewrite", "shared quotes", "independent")
#: METER's label for each kind (wholly / partially / non-derived)
LABELS = {
    "captioned reprint": "wholly",
    "trimmed reprint": "wholly",
    "condensed rewrite": "partially",
    "shared quotes": "non",
    "independent": "non",
}
AGENCIES = {
    "AP": "The Associated Press", "Reuters": "Reuters", "AFP": "Agence France-Presse", "Bloomberg": "Bloomberg",
    "CNN": "CNN", "PA": "PA Media", "QNA": "Qatar News Agency", "Xinhua": "Xinhua",
}
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\- ]+(?:,\s+[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?"
    r"(?:,\s+[A-Z][a-z]{2,4}\.?\s+\d{1,2})?)\s*(?:\((?P<agency>AP|Reuters|AFP|Bloomberg|CNN|PA|QNA|Xinhua)\))?\s*[\u2014\u2013-]+\s*"
)
_QUOTE_MARK = re.compile("[\"\u201c\u201d]")
_WORD = re.compile(r"[A-Za-z0-9\u2019']+")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+)+\b")
_PLACE = re.compile(r"\b(?:in|from|near) ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
_NUMBER = re.compile(r"\$?\b\d[\d,.]*\d%?|\b\d%?")

#: word -> replacements a copy editor would use (outside quotations only)
SYNONYMS = {
    "said": ["stated"], "says": ["states"], "told": ["informed"], "announced": ["unveiled"], "began": ["started"],
    "begin": ["start"], "started": ["began"], "help": ["assist"], "helped": ["assisted"], "show": ["reveal"],
    "showed": ["revealed"], "shows": ["reveals"], "big": ["large"], "large": ["big"],
    "buy": ["purchase"], "bought": ["purchased"], "however": ["but"], "also": ["additionally"], "people": ["residents"], "officials": ["authorities"], "official": ["spokesperson"], "government": ["administration"],
    "because": ["as"], "before": ["prior to"], "after": ["following"], "during": ["amid"], "nearly": ["almost"],
    "almost": ["nearly"], "roughly": ["about"], "approximately": ["about"], "rose": ["climbed"], "fell": ["dropped"],
    "increase": ["rise"], "decrease": ["fall"], "quickly": ["rapidly"], "warned": ["cautioned"], "criticised": ["faulted"],
    "criticized": ["faulted"], "plan": ["proposal"], "plans": ["proposals"], "week": ["seven days"],
    "died": ["passed away"], "killed": ["left dead"], "attack": ["assault"], "country": ["nation"], "city": ["town"],
    "important": ["significant"], "major": ["key"], "key": ["major"], "record": ["all-time high"], "despite": ["in spite of"],
    "enough": ["sufficient"], "wanted": ["sought"], "want": ["seek"], "need": ["require"], "needed": ["required"],
    "asked": ["requested"], "used": ["employed"], "use": ["employ"], "get": ["obtain"],
    "got": ["received"], "received": ["got"], "expected": ["anticipated"], "called": ["urged"], "allowed": ["permitted"],
    "percent": ["per cent"], "program": ["programme"], "programs": ["programmes"], "center": ["centre"],
    "meeting": ["session"], "secret": ["classified"], "leaked": ["disclosed"], "documents": ["papers"],
    "reports": ["accounts"], "protesters": ["demonstrators"], "demanding": ["calling for"], "ouster": ["removal"],
    "influence": ["sway"], "quietly": ["discreetly"], "familiar": ["well-known"], "dispatched": ["sent"],
    "persuade": ["convince"], "ally": ["partner"], "powerful": ["influential"], "detailed": ["thorough"],
    "largely": ["mostly"], "mainly": ["chiefly"], "often": ["frequently"], "tried": ["attempted"], "try": ["attempt"],
    "biggest": ["largest"], "largest": ["biggest"], "senior": ["high-ranking"], "recently": ["lately"],
    "currently": ["now"], "earlier": ["previously"], "strong": ["robust"],
    "decision": ["choice"], "issue": ["matter"], "problem": ["difficulty"], "groups": ["organisations"],
    "fears": ["concerns"], "concerns": ["worries"], "worried": ["concerned"], "prices": ["costs"],
    "shortage": ["lack"], "drivers": ["motorists"], "officers": ["agents"], "leaders": ["chiefs"],
    "weeks": ["several weeks"], "capital": ["capital city"], "agents": ["operatives"],
    "worked": ["laboured"], "efforts": ["attempts"], "campaign": ["drive"], "intelligence": ["spy"],
    "but": ["yet"], "handed": ["gave"], "broad": ["wide"], "support": ["backing"], "declined": ["refused"],
    "source": ["informant"], "seen": ["viewed"], "politician": ["lawmaker"], "verified": ["confirmed"],
    "confirmed": ["verified"], "determines": ["sets"], "version": ["equivalent"], "reputation": ["name"],
    "control": ["command"], "invaded": ["attacked"], "communicated": ["corresponded"], "reporter": ["journalist"],
    "journalist": ["reporter"], "pushback": ["resistance"], "face": ["confront"], "facing": ["confronting"],
    "month": ["four weeks"], "increased": ["grew"], "grew": ["increased"], "decided": ["chose"],
    "killing": ["slaying"], "wounded": ["injured"], "injured": ["hurt"], "hospital": ["medical centre"], "several": ["a number of"], "few": ["a handful of"],
}
_ATTRIBUTION_FIRST = re.compile(
    r"^(?P<who>(?:[A-Z][\w.'\u2019-]*\s+){0,5}?[\w.'\u2019-]+)\s+(?P<verb>said|says|told reporters|told the [A-Z]\w+)"
    r"(?P<when>\s+on\s+[A-Z][a-z]+(?:day)?)?\s+(?:that\s+)?(?P<what>[a-z].+?)[.]$"
)
_ATTRIBUTION_LAST = re.compile(r"^(?P<what>[A-Z].+?),\s+(?P<who>[^,]{2,60}?)\s+(?P<verb>said|says)(?P<when>\s+on\s+[A-Z][a-z]+day)?[.]$")
_SUBORDINATE_LAST = re.compile(r"^(?P<main>[A-Z][^,;:]+?)\s+(?P<conj>because|after|when|while|although|before|until)\s+(?P<sub>[^,;:]+)[.]$")
_SUBORDINATE_FIRST = re.compile(r"^(?P<conj>Because|After|When|While|Although|Before|Until)\s+(?P<sub>[^,;:]+),\s+(?P<main>[a-z][^;:]+)[.]$")
_FRONTED_PHRASE = re.compile(r"^(?P<intro>(?:In|On|With|For|By|Over|During|At|Since|Under|Within|Across|Earlier|Later|Last|This)\s[^,;:\"\u201c]{2,40}),\s+(?P<main>[^;:]{12,})[.]$")
_LOWER_FIRST = {"The", "A", "An", "It", "He", "She", "They", "We", "This", "That", "There", "Its", "His", "Her", "Their", "Some", "Many"}

CAPTION_TEMPLATES = [
    "FILE - {lead} ({agency_short} Photo/{photographer}, File)",
    "{lead} (Photo: {photographer}/{agency_short})",
    "Photo: {lead} Credit: {photographer} / {agency}",
]
PHOTOGRAPHERS = ["Jane Hartley", "Omar Saleh", "Ted Warren", "Lina Moreau", "Evan Vucci", "Maya Okafor", "Pavel Golov"]
RELATED = [
    "Related: What to know about the week ahead", "Related: Five takeaways from the latest figures",
    "Related: Opinion: Lessons we keep failing to learn", "Related: Local officials respond",
    "Related: Photos: The scene on Tuesday", "Related: How we report on breaking news",
]
EDITOR_LINES = [
    "This story has been edited for length.", "Staff writer Dana Kim contributed to this report.",
    "This is a developing story and will be updated.", "Copy editing by the night desk.",
]
#: sentences of a same-event article of its own; {name}, {place}, {number} and {topic} come from the source
OWN_TEMPLATES = [
    "Reaction came quickly in {place}, where the news led local broadcasts for much of the day.",
    "{name} has been at the heart of the dispute for months, supporters and critics agree.",
    "Figures released so far put the total at {number}, though analysts cautioned that the count may change.",
    "For residents of {place}, the developments are far from abstract.",
    "Neither side has signalled what comes next, and several questions remain open.",
    "Observers in {place} pointed to {name} as the person most likely to shape the outcome.",
    "The number most often cited, {number}, has itself become a point of argument.",
    "Our reporters spoke with people across {place} who described mixed feelings about the outcome.",
    "Earlier coverage in these pages traced how {topic} became a national question.",
    "Independent experts contacted for this article urged caution in reading too much into early numbers.",
    "A spokesperson for {name} did not respond to several requests for comment by the time of publication.",
    "The episode has revived an older debate about {topic} that many thought was settled.",
    "Those interviewed were divided on whether {name} had handled the matter well.",
    "Local businesses in {place} reported that customers were talking of little else.",
    "What happens in the coming weeks will depend in part on decisions not yet taken.",
    "Records reviewed by this newspaper show the issue has come up before.",
]


@dataclass(frozen=True)
class WireStory:
    """A parsed wire story: headline, dateline (``"WASHINGTON (AP) — "`` or ``""``), its agency and paragraphs.

    ``paragraphs[i]`` is the list of sentences of paragraph ``i``; the dateline is
    not part of the first sentence. ``sentences`` numbers them all in order.
    """

    headline: str
    dateline: str
    place: str
    agency: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def sentences(self) -> list[str]:
        return [s for p in self.paragraphs for s in p]

    @property
    def credit(self) -> str:
        return AGENCIES.get(self.agency, "The Associated Press")

    @property
    def agency_short(self) -> str:
        return self.agency or "AP"


@dataclass(frozen=True)
class Copy:
    """One copy of a wire story and what it carries of the source.

    Attributes:
        kind: one of :data:`COPY_KINDS`; label: METER's label (:data:`LABELS`).
        text: the copy, headline on the first line, blank lines between paragraphs.
        source_sentences: how many body sentences the source has.
        kept: indices (into :attr:`WireStory.sentences`) of source sentences carried verbatim.
        reworded: indices of source sentences carried reworded (with the reworded text in ``rewordings``).
        quotes: source quotations the copy carries verbatim.
        added: lines the copy adds that are not article text (captions, credits, bylines, Related: lines).
    """

    kind: str
    label: str
    text: str
    source_sentences: int
    kept: tuple[int, ...] = ()
    reworded: tuple[int, ...] = ()
    rewordings: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    added: tuple[str, ...] = field(default=())

    @property
    def kept_share(self) -> float:
        """Share of the source's sentences carried verbatim."""
        return len(self.kept) / self.source_sentences if self.source_sentences else 0.0

    @property
    def derived(self) -> bool:
        return self.label != "non"


def parse_story(text: str) -> WireStory:
    """Headline (first non-empty line), dateline and sentences of each further non-empty line or paragraph."""
    lines = [line.strip() for line in text.strip().splitlines()]
    blocks: list[str] = []
    current: list[str] = []
    blank_separated = any(not line for line in lines[1:])
    for line in lines[1:]:
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
        elif blank_separated:
            current.append(line)
        else:
            blocks.append(line)
    if current:
        blocks.append(" ".join(current))
    headline = lines[0] if lines else ""
    dateline = place = agency = ""
    if blocks:
        match = _DATELINE.match(blocks[0])
        if match and len(match.group("place")) <= 60:
            dateline, place, agency = match.group(0), match.group("place").strip(), match.group("agency") or ""
            blocks[0] = blocks[0][match.end():]
    paragraphs = []
    for block in blocks:
        sentences = tuple(" ".join(block[a:b].split()) for a, b in sentence_spans(block))
        if sentences:
            paragraphs.append(sentences)
    return WireStory(headline, dateline, place, agency, tuple(paragraphs))


def _has_quote(sentence: str) -> bool:
    return bool(_QUOTE_MARK.search(sentence))


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in _LOWER_FIRST else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _synonyms(sentence: str, rng: random.Random, share: float) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(0)
        options = SYNONYMS.get(word.lower())
        if not options or rng.random() > share:
            return word
        new = rng.choice(options)
        return _upper_first(new) if word[0].isupper() else new

    return _WORD.sub(swap, sentence)


def reword(sentence: str, rng: random.Random) -> str:
    """``sentence`` reworded as a copy editor would: attribution moved, clause order swapped, synonyms.

    Returns the sentence unchanged when it carries a quotation (quotations are kept
    verbatim) or when none of the rewordings applies.
    """
    if _has_quote(sentence):
        return sentence
    text = sentence
    m = _ATTRIBUTION_FIRST.match(text)
    if m and not m.group("what").startswith(("to ", "in ", "on ")):
        text = f"{_upper_first(m.group('what'))}, {_lower_first(m.group('who'))} said{m.group('when') or ''}."
    elif (m := _ATTRIBUTION_LAST.match(text)):
        text = f"{m.group('who')[0].upper()}{m.group('who')[1:]} said{m.group('when') or ''} that {_lower_first(m.group('what'))}."
    elif (m := _SUBORDINATE_LAST.match(text)):
        text = f"{m.group('conj').capitalize()} {m.group('sub')}, {_lower_first(m.group('main'))}."
    elif (m := _SUBORDINATE_FIRST.match(text)):
        text = f"{_upper_first(m.group('main'))} {m.group('conj').lower()} {m.group('sub')}."
    elif (m := _FRONTED_PHRASE.match(text)) and m.group("intro") != "In particular":
        text = f"{_upper_first(m.group('main'))} {m.group('intro')[0].lower()}{m.group('intro')[1:]}."
    moved = text != sentence
    text = _synonyms(text, rng, 0.35 if moved else 0.7)
    return text if text != sentence else _synonyms(text, rng, 1.0)


def _paragraph_text(paragraph: tuple[str, ...], first: bool, dateline: str) -> str:
    return (dateline if first else "") + " ".join(paragraph)


def _join(headline: str, blocks: list[str]) -> str:
    return "\n\n".join([headline, *[b for b in blocks if b]]) + "\n"


def _caption(story: WireStory, rng: random.Random) -> str:
    lead = story.paragraphs[0][0] if story.paragraphs else story.headline
    words = lead.rstrip(".").split()
    lead = " ".join(words[: min(len(words), rng.randint(12, 22))]).rstrip(",;:") + "."
    return rng.choice(CAPTION_TEMPLATES).format(
        lead=lead, agency=story.credit, agency_short=story.agency_short, photographer=rng.choice(PHOTOGRAPHERS)
    )


def captioned_reprint(text: str, *, seed: int = 0, place: str | None = None) -> Copy:
    """A full reprint: every sentence verbatim, captions, credits, Related: lines, dateline without the agency tag.

    ``place`` replaces the dateline's place (default: the source's place, or
    ``WASHINGTON`` when the source has no dateline).
    """
    rng = random.Random(seed)
    story = parse_story(text)
    new_dateline = f"{place or story.place or 'WASHINGTON'} \u2014 "
    byline = f"By {story.credit}"
    captions = [_caption(story, rng) for _ in range(rng.randint(1, 3))]
    related = rng.sample(RELATED, k=rng.randint(1, 2))
    copyright_line = f"Copyright {rng.randint(2019, 2026)} {story.credit}. All rights reserved."
    blocks = [byline, captions[0]]
    spots = sorted(rng.sample(range(1, max(2, len(story.paragraphs))), k=min(len(story.paragraphs) - 1, len(captions) - 1 + len(related)))) if len(story.paragraphs) > 1 else []
    inserts = dict(zip(spots, captions[1:] + related))
    leftovers = (captions[1:] + related)[len(spots):]
    for i, paragraph in enumerate(story.paragraphs):
        if i in inserts:
            blocks.append(inserts[i])
        blocks.append(_paragraph_text(paragraph, i == 0, new_dateline))
    blocks.extend(leftovers)
    blocks.append(copyright_line)
    added = tuple([byline, *captions, *related, copyright_line])
    return Copy(
        "captioned reprint", LABELS["captioned reprint"], _join(story.headline, blocks), len(story.sentences),
        kept=tuple(range(len(story.sentences))), quotes=_quotes_of(story, range(len(story.sentences))), added=added,
    )


def trimmed_reprint(text: str, *, seed: int = 0, keep: float | None = None) -> Copy:
    """The first paragraphs verbatim (a share ``keep`` of them, drawn in [0.5, 0.8] by default), the rest cut."""
    rng = random.Random(seed)
    story = parse_story(text)
    keep = rng.uniform(0.5, 0.8) if keep is None else keep
    n = max(1, min(len(story.paragraphs) - 1, round(len(story.paragraphs) * keep))) if len(story.paragraphs) > 1 else 1
    blocks = [_paragraph_text(p, i == 0, story.dateline) for i, p in enumerate(story.paragraphs[:n])]
    editor = rng.choice(EDITOR_LINES)
    blocks.append(editor)
    count = sum(len(p) for p in story.paragraphs[:n])
    return Copy(
        "trimmed reprint", LABELS["trimmed reprint"], _join(story.headline, blocks), len(story.sentences),
        kept=tuple(range(count)), quotes=_quotes_of(story, range(count)), added=(editor,),
    )


def condensed_rewrite(text: str, *, seed: int = 0, keep: float = 0.6, reword_share: float = 0.8) -> Copy:
    """A condensed rewrite: the lead and a share ``keep`` of the other paragraphs; in them a share
    ``reword_share`` of the sentences without quotations reworded (:func:`reword`), the rest verbatim."""
    rng = random.Random(seed)
    story = parse_story(text)
    kept, reworded, rewordings, blocks = [], [], [], []
    index = 0
    for i, paragraph in enumerate(story.paragraphs):
        if i and rng.random() > keep:
            index += len(paragraph)
            continue
        out = []
        for sentence in paragraph:
            new = reword(sentence, rng) if rng.random() < reword_share else sentence
            if new == sentence:
                kept.append(index)
            else:
                reworded.append(index)
                rewordings.append(new)
            out.append(new)
            index += 1
        blocks.append(" ".join(out))
    headline = reword(story.headline, rng)
    if headline == story.headline:
        headline = f"{story.headline.rstrip('.')}: what we know"
    credit = f"Information from {story.credit} was used in this report."
    byline = "By Staff Writer"
    return Copy(
        "condensed rewrite", LABELS["condensed rewrite"], _join(headline, [byline, *blocks, credit]), len(story.sentences),
        kept=tuple(kept), reworded=tuple(reworded), rewordings=tuple(rewordings), quotes=_quotes_of(story, kept), added=(byline, credit),
    )


def _quotes_of(story: WireStory, indices) -> tuple[str, ...]:
    sentences = story.sentences
    return tuple(q.text for i in indices for q in extract_quotes(sentences[i]))


def _speaker_quotes(story: WireStory) -> tuple[str, list[str]]:
    """The most quoted named speaker of the story and their quotations (in order)."""
    body = "\n\n".join(" ".join(p) for p in story.paragraphs)
    by_speaker: dict[str, list[str]] = {}
    for quote in extract_quotes(body, min_words=3):
        if quote.basis == "named" and quote.speaker[:1].isupper() and quote.speaker.split()[0] not in _LOWER_FIRST:
            by_speaker.setdefault(quote.speaker, []).append(quote.text)
    if not by_speaker:
        return "", []
    speaker = max(by_speaker, key=lambda s: (len(by_speaker[s]), -list(by_speaker).index(s)))
    return speaker, by_speaker[speaker]


def _slots(story: WireStory) -> dict[str, list[str]]:
    body = " ".join(story.sentences)
    names = [n for n in dict.fromkeys(_NAME.findall(body)) if n.split()[0] not in _LOWER_FIRST]
    numbers = list(dict.fromkeys(_NUMBER.findall(body)))
    words = [w.lower() for w in _WORD.findall(story.headline) if len(w) > 4]
    places = collections.Counter(_PLACE.findall(body)).most_common(1)
    return {
        "name": names or ["the officials involved"],
        "place": [story.place.title()] if story.place else ([places[0][0]] if places else ["the capital"]),
        "number": numbers or ["several hundred"],
        "topic": [" ".join(words[:2])] if words else ["the matter"],
    }


def _own_sentences(story: WireStory, rng: random.Random, n: int, background: str | None) -> list[str]:
    slots = _slots(story)
    templates = rng.sample(OWN_TEMPLATES, k=min(n, len(OWN_TEMPLATES)))
    own = [t.format(**{k: rng.choice(v) for k, v in slots.items()}) for t in templates]
    if background:
        pool = [" ".join(background[a:b].split()) for a, b in sentence_spans(background)]
        pool = [s for s in pool if not _has_quote(s) and 8 <= len(s.split()) <= 40 and not s.startswith(("Photo", "Image", "FILE"))]
        for sentence in rng.sample(pool, k=min(len(pool), max(1, n // 2))):
            own.insert(rng.randrange(len(own) + 1), sentence)
    return own


def _headline(story: WireStory, rng: random.Random) -> str:
    slots = _slots(story)
    name, place = rng.choice(slots["name"]), slots["place"][0]
    return rng.choice([f"In {place}, questions follow {name}", f"{name} at centre of a week of scrutiny", f"What the {slots['topic'][0]} row means for {place}"])


def shared_quotes(text: str, *, seed: int = 0, background: str | None = None) -> Copy:
    """An article of its own quoting only the source's most quoted named speaker, those quotations verbatim."""
    rng = random.Random(seed)
    story = parse_story(text)
    speaker, quotes = _speaker_quotes(story)
    quotes = sorted(quotes, key=lambda q: not q[:1].isupper())  # whole quotations before fragments
    chosen = quotes[: rng.randint(1, min(3, len(quotes)))] if quotes else []
    own = _own_sentences(story, rng, rng.randint(6, 10), background)
    for quote in chosen:
        q = quote.strip()
        line = f"\u201c{q}\u201d {speaker} said." if q.endswith(",") else f"{speaker} said: \u201c{q.rstrip(',')}\u201d"
        own.insert(rng.randrange(1, len(own) + 1), line)
    blocks = _paragraphs(own, rng)
    return Copy(
        "shared quotes", LABELS["shared quotes"], _join(_headline(story, rng), blocks), len(story.sentences),
        quotes=tuple(chosen),
    )


def independent_story(text: str, *, seed: int = 0, background: str | None = None) -> Copy:
    """An article of its own on the same event: the source's names, place and figures, none of its sentences or quotes."""
    rng = random.Random(seed)
    story = parse_story(text)
    own = _own_sentences(story, rng, rng.randint(6, 10), background)
    return Copy("independent", LABELS["independent"], _join(_headline(story, rng), _paragraphs(own, rng)), len(story.sentences))


def _paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    """News paragraphs: the lead alone, then one to three sentences each."""
    cuts = [0, 1]
    while cuts[-1] < len(sentences):
        cuts.append(cuts[-1] + rng.choice((1, 2, 2, 3)))
    return [" ".join(sentences[a:b]) for a, b in zip(cuts, cuts[1:]) if sentences[a:b]]


def make_copies(text: str, *, seed: int = 0, background: str | None = None) -> dict[str, Copy]:
    """All five kinds of copy of ``text`` (:data:`COPY_KINDS` order), each from its own seed derived from ``seed``."""
    makers = {
        "captioned reprint": lambda s: captioned_reprint(text, seed=s),
        "trimmed reprint": lambda s: trimmed_reprint(text, seed=s),
        "condensed rewrite": lambda s: condensed_rewrite(text, seed=s),
        "shared quotes": lambda s: shared_quotes(text, seed=s, background=background),
        "independent": lambda s: independent_story(text, seed=s, background=background),
    }
    return {kind: makers[kind](seed * 10 + k) for k, kind in enumerate(COPY_KINDS)}
