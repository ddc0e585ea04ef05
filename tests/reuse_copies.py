"""Realistic copies of a wire story, made the way newsrooms make them, for the reuse tests.

A wire story is a headline on the first line, then paragraphs (blank-line separated or one a line;
page chrome, bylines and captions may come first), one of the first paragraphs opening with a
dateline such as ``WASHINGTON (AP) —``, ``NARA, Japan, July 8 (Reuters) –`` or ``(CNN) --``
(:func:`parse_story`). It becomes five kinds of document, each a :class:`Copy` that says what it
carries of the source, so a test can check a verdict against it:

* ``captioned reprint`` (METER *wholly derived*): every body sentence verbatim; the dateline loses
  its agency tag (``SEATTLE —``) and a ``By The Associated Press`` byline is added; photo captions
  with credits (``(AP Photo/...)``, describing sentences of the top of the story), ``Related:`` lines
  and a copyright line are added, so the copy is longer than its source.
* ``trimmed reprint`` (*wholly derived*): the top verbatim, the end cut (the last paragraphs, or
  the last sentences of a one-paragraph story), an editor's line added.
* ``condensed rewrite`` (*partially derived*): a share of the paragraphs and some sentences dropped
  (never the lead); of the kept sentences without quotations a fixed share reworded (:func:`reword`:
  the attribution moved, a subordinate clause or fronted phrase moved, synonyms), the rest verbatim;
  sentences carrying a quotation are kept verbatim, marks included; a staff byline and an
  "Information from ... was used" credit added.
* ``shared quotes`` (*non-derived*): an article of its own that quotes only the source's most
  quoted named speaker, those quotations verbatim: same event, same official, own text.
* ``independent`` (*non-derived*): an article of its own on the same event (the source's names,
  place, figures and most frequent words in template sentences of its own, plus sentences of
  ``background`` text when given), no sentence or quotation of the source.

Everything is drawn from ``random.Random(seed)``: the same text and seed give the same copies.
:func:`make_copies` makes all five.
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
_AGENCY = r"\((?P<agency>AP|Reuters|AFP|Bloomberg|CNN|PA|QNA|Xinhua)\)"
_WHEN = r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
#: ``WASHINGTON (AP) —``, ``NARA, Japan, July 8 (Reuters) –``, ``Doha, September 14 (QNA) -``, ``(CNN) --``, ``SEATTLE –``
_DATELINE = re.compile(
    rf"^(?:(?P<place>[A-Z][A-Za-z.'\- ]{{1,30}}?(?:,\s+[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?){_WHEN}\s*)?{_AGENCY}\s*[\u2014\u2013-]+\s*"
    rf"|^(?P<caps>(?!FILE\b)[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*(?:,\s+[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?){_WHEN}\s+[\u2014\u2013-]+\s+"
)
_ANY_AGENCY = re.compile(_AGENCY)
#: a line ending like this ends its paragraph even without a blank line after it (pages put one paragraph a line)
_PARAGRAPH_END = re.compile("[.!?:\"\u201d\u2019)\\]]\\s*$")
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
    "wanted": ["sought"], "want": ["seek"], "need": ["require"], "needed": ["required"],
    "asked": ["requested"], "get": ["obtain"],
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
    "seen": ["viewed"], "politician": ["lawmaker"], "verified": ["confirmed"],
    "confirmed": ["verified"], "determines": ["sets"], "version": ["equivalent"], "reputation": ["name"],
    "control": ["command"], "invaded": ["attacked"], "communicated": ["corresponded"], "reporter": ["journalist"],
    "journalist": ["reporter"], "pushback": ["resistance"], "face": ["confront"], "facing": ["confronting"],
    "month": ["four weeks"], "increased": ["grew"], "grew": ["increased"], "decided": ["chose"],
    "killing": ["slaying"], "police": ["officers"], "crash": ["accident"], "players": ["athletes"], "rough": ["rocky"],
    "designed": ["intended"], "innovative": ["novel"], "promote": ["encourage"], "hesitant": ["reluctant"],
    "industry": ["sector"], "shops": ["stores"], "stores": ["shops"], "statement": ["announcement"], "world": ["globe"],
    "fame": ["renown"], "famous": ["renowned"], "suffered": ["sustained"], "destroyed": ["wrecked"],
    "buildings": ["structures"], "quake": ["tremor"], "struck": ["hit"], "witnesses": ["onlookers"], "across": ["throughout"],
    "ongoing": ["continuing"], "crisis": ["emergency"], "queues": ["lines"], "interview": ["conversation"],
    "relations": ["ties"], "cooperation": ["collaboration"], "fields": ["areas"], "countries": ["nations"],
    "pivotal": ["central"], "highlighted": ["underlined"], "strategy": ["plan"], "investors": ["traders"],
    "severity": ["gravity"], "growth": ["expansion"], "taxes": ["levies"], "reported": ["said"], "career": ["working life"], "wounded": ["injured"], "injured": ["hurt"], "hospital": ["medical centre"], "several": ["a number of"],
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

_COMMON_WORDS = {"because", "before", "during", "should", "through", "without", "between", "against", "another", "however",
                 "people", "officials", "according", "including", "around", "whether", "already", "second", "little"}
_TRAILING = {"and", "but", "or", "the", "a", "an", "of", "to", "in", "on", "at", "for", "with", "is", "was", "that", "as", "by", "from"}
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
    lead: int = 0  #: the paragraph that carries the dateline (the first one of twelve words or more when there is none)

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
    """Headline (first non-empty line), dateline and sentences of each paragraph: blank-line separated, or one a
    line (a line that ends a sentence ends its paragraph; a line that stops mid-sentence joins the next)."""
    lines = [line.strip() for line in text.strip().splitlines()]
    blocks: list[str] = []
    current: list[str] = []
    for line in lines[1:] + [""]:
        if line:
            current.append(line)
        if current and (not line or _PARAGRAPH_END.search(line)):  # a blank line, or a line that ends a sentence
            blocks.append(" ".join(current))
            current = []
    headline = lines[0] if lines else ""
    dateline = place = agency = ""
    lead = next((i for i, b in enumerate(blocks) if len(b.split()) >= 12), 0)
    for i, block in enumerate(blocks[:8]):
        match = _DATELINE.match(block)
        if match:
            dateline, place = match.group(0), (match.group("place") or match.group("caps") or "").strip()
            agency, lead = match.group("agency") or "", i
            blocks[i] = block[match.end():]
            break
    if not agency and (found := _ANY_AGENCY.search(" ".join(blocks[:8]))):
        agency = found.group("agency")
    paragraphs, lead_paragraph = [], 0
    for i, block in enumerate(blocks):
        sentences = tuple(" ".join(block[a:b].split()) for a, b in sentence_spans(block))
        if sentences:
            if i == lead:
                lead_paragraph = len(paragraphs)
            paragraphs.append(sentences)
    return WireStory(headline, dateline, place, agency, tuple(paragraphs), lead_paragraph)


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


def _caption(story: WireStory, sentence: str, rng: random.Random) -> str:
    """A photo caption with its credit, describing what ``sentence`` says (its first clause or first words)."""
    clause = sentence.split(", ")[0]
    words = (clause if len(clause.split()) >= 5 else sentence).rstrip(".").split()
    words = words[: max(3, min(len(words) - 1, rng.randint(10, 18)))]  # never the whole sentence
    while len(words) > 3 and words[-1].lower().strip(",;:") in _TRAILING:
        words.pop()
    return rng.choice(CAPTION_TEMPLATES).format(
        lead=" ".join(words).rstrip(",;:") + ".", agency=story.credit, agency_short=story.agency_short,
        photographer=rng.choice(PHOTOGRAPHERS),
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
    top = [x for p in story.paragraphs[story.lead : story.lead + 4] for x in p if len(x.split()) >= 6] or [story.headline]
    captions = [_caption(story, x, rng) for x in rng.sample(top, k=min(len(top), rng.randint(1, 3)))]
    related = rng.sample(RELATED, k=rng.randint(1, 2))
    copyright_line = f"Copyright {rng.randint(2019, 2026)} {story.credit}. All rights reserved."
    blocks = [byline, captions[0]]
    spots = sorted(rng.sample(range(1, max(2, len(story.paragraphs))), k=min(len(story.paragraphs) - 1, len(captions) - 1 + len(related)))) if len(story.paragraphs) > 1 else []
    inserts = dict(zip(spots, captions[1:] + related))
    leftovers = (captions[1:] + related)[len(spots):]
    for i, paragraph in enumerate(story.paragraphs):
        if i in inserts:
            blocks.append(inserts[i])
        blocks.append(_paragraph_text(paragraph, i == story.lead, new_dateline))
    blocks.extend(leftovers)
    blocks.append(copyright_line)
    added = tuple([byline, *captions, *related, copyright_line])
    return Copy(
        "captioned reprint", LABELS["captioned reprint"], _join(story.headline, blocks), len(story.sentences),
        kept=tuple(range(len(story.sentences))), quotes=_quotes_of(story, range(len(story.sentences))), added=added,
    )


def trimmed_reprint(text: str, *, seed: int = 0, keep: float | None = None) -> Copy:
    """The top of the story verbatim, the end cut: a share ``keep`` (drawn in [0.5, 0.8] by default) of the
    paragraphs, or of the sentences when the story is one paragraph; an editor's line added."""
    rng = random.Random(seed)
    story = parse_story(text)
    keep = rng.uniform(0.5, 0.8) if keep is None else keep
    paragraphs = list(story.paragraphs)
    if len(paragraphs) == 1 and len(paragraphs[0]) > 1:  # a one-paragraph story is cut by sentences
        n = max(1, min(len(paragraphs[0]) - 1, round(len(paragraphs[0]) * keep)))
        paragraphs = [paragraphs[0][:n]]
    elif len(paragraphs) > 1:
        paragraphs = paragraphs[: max(story.lead + 1, min(len(paragraphs) - 1, round(len(paragraphs) * keep)))]
    blocks = [_paragraph_text(p, i == story.lead, story.dateline) for i, p in enumerate(paragraphs)]
    editor = rng.choice(EDITOR_LINES)
    blocks.append(editor)
    count = sum(len(p) for p in paragraphs)
    return Copy(
        "trimmed reprint", LABELS["trimmed reprint"], _join(story.headline, blocks), len(story.sentences),
        kept=tuple(range(count)), quotes=_quotes_of(story, range(count)), added=(editor,),
    )


def condensed_rewrite(text: str, *, seed: int = 0, keep: float = 0.6, reword_share: float = 0.8) -> Copy:
    """A condensed rewrite: the lead paragraph and a share ``keep`` of the others, some further sentences
    of the kept paragraphs dropped (at least one sentence goes); of the kept sentences without quotations,
    a share ``reword_share`` reworded (:func:`reword`; fewer only when too few can be reworded), the rest verbatim."""
    rng = random.Random(seed)
    story = parse_story(text)
    sentences = story.sentences
    carried: list[list[int]] = []  # per kept paragraph, the indices of its kept sentences
    index = 0
    for i, paragraph in enumerate(story.paragraphs):
        if i != story.lead and rng.random() > keep:
            index += len(paragraph)
            continue
        carried.append([index + k for k in range(len(paragraph)) if not k or rng.random() <= (1 + keep) / 2])
        index += len(paragraph)
    if sum(map(len, carried)) == len(sentences) and len(sentences) > 1:  # nothing dropped: the last sentence goes
        carried[-1].pop()
    plain = [i for p in carried for i in p if not _has_quote(sentences[i])]
    target = round(reword_share * len(plain))
    rewordings: dict[int, str] = {}
    for i in rng.sample(plain, k=len(plain)):
        if len(rewordings) == target:
            break
        new = reword(sentences[i], rng)
        if new != sentences[i]:
            rewordings[i] = new
    blocks = [" ".join(rewordings.get(i, sentences[i]) for i in p) for p in carried if p]
    kept = [i for p in carried for i in p if i not in rewordings]
    reworded = sorted(rewordings)
    headline = reword(story.headline, rng)
    if headline == story.headline:
        headline = f"{story.headline.rstrip('.')}: what we know"
    credit = f"Information from {story.credit} was used in this report."
    byline = "By Staff Writer"
    return Copy(
        "condensed rewrite", LABELS["condensed rewrite"], _join(headline, [byline, *blocks, credit]), len(story.sentences),
        kept=tuple(kept), reworded=tuple(reworded), rewordings=tuple(rewordings[i] for i in reworded), quotes=_quotes_of(story, kept),
        added=(byline, credit),
    )


def _quotes_of(story: WireStory, indices) -> tuple[str, ...]:
    sentences = story.sentences
    return tuple(q.text for i in indices for q in extract_quotes(sentences[i]))


def _speaker_quotes(story: WireStory) -> tuple[str, list[str]]:
    """The most quoted named speaker of the story and their quotations (in order)."""
    body = "\n\n".join(" ".join(p) for p in story.paragraphs)
    by_speaker: dict[str, list[str]] = {}
    for quote in extract_quotes(body, min_words=3):
        if quote.basis in ("named", "pronoun resolved") and quote.speaker[:1].isupper() and quote.speaker.split()[0] not in _LOWER_FIRST:
            by_speaker.setdefault(quote.speaker, []).append(quote.text)
    if not by_speaker:
        return "", []
    speaker = max(by_speaker, key=lambda s: (len(by_speaker[s]), -list(by_speaker).index(s)))
    return speaker, by_speaker[speaker]


def _slots(story: WireStory) -> dict[str, list[str]]:
    body = " ".join(story.sentences)
    names = [n for n in dict.fromkeys(_NAME.findall(body)) if n.split()[0] not in _LOWER_FIRST]
    numbers = [n for n in dict.fromkeys(_NUMBER.findall(body)) if not re.fullmatch(r"(?:19|20)\d\d", n)]
    common = collections.Counter(w for w in re.findall(r"\b[a-z]{6,}\b", body) if w not in _COMMON_WORDS).most_common(2)
    places = collections.Counter(_PLACE.findall(body)).most_common(1)
    return {
        "name": names or ["the officials involved"],
        "place": [story.place.title()] if story.place else ([places[0][0]] if places else ["the capital"]),
        "number": numbers or ["several hundred"],
        "topic": [" and ".join(w for w, _ in common)] if common else ["the matter"],
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
