"""A deterministic synthetic corpus built from the seeds, for scale benchmarks.

``write_corpus(n, folder, seed=...)`` writes ``n`` documents (``.txt``) plus a
``sources.yml`` and a copy of ``seeds/entities.yml`` into ``folder``: a corpus
folder ``presslens.corpus.load_corpus`` reads like the real one. The five seeds
come first, as they are; the rest mimic what the seeds are:

* **stories** (30%): new text from a word-bigram chain trained on the seed
  bodies, in the story's own voice (:class:`_Voice`: each document swaps its
  own words and redraws any sentence that retraces a seed sentence, so
  unrelated documents do not share sentences by chance), with stated figures
  in the story's own words (:func:`_fact`: its place, time, event and source,
  one of many phrasings, its own numbers: "In Mosul, at least 12,400 civilians
  were killed in March 2017, according to Airwars.") and entity mentions;
* **reprints** (30%): one of the ``NEWS_CYCLE`` latest stories (or, 1 in 50,
  a seed body, ``SEED_COPIES`` times at most), condensed, with word edits
  (British spellings, a word swapped, a clause cut);
* **op-eds** (20%): sentences of two of the latest stories mixed with
  sentences of their own, sometimes one seed sentence (``SEED_COPIES`` op-eds
  at most), a figure of their own and entity mentions;
* **comment threads** (20%): a short piece of its own with a figure, followed
  by a comment section in seed 000's threaded layout (``N Comments``, author
  twice, ``  parent`` for a reply, date, text), comments drawn from the seeds'
  comments and sentences.

Reuse is thus spread like a news ecosystem's (many stories, a few copies of
each, made while the story is news), not every document copying the same five seeds or the same template
sentences, which would make the number of similar pairs (and of LSH candidate
pairs) grow with the square of the corpus: only copies of a story share its
sentences, figures included.

Everything is drawn from one ``random.Random(seed)``: the same ``n`` and seed
give byte-identical files. Run as a script to write a corpus::

    .venv/bin/python -m benchmarks.synthetic 1000 /tmp/syn1000
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from presslens.corpus import load_corpus

from .bench_reuse import MarkovText, reprint
from presslens.paths import seeds_dir
from presslens.text import sentence_spans

SPELLINGS = {
    "neighbor": "neighbour", "favor": "favour", "labor": "labour", "center": "centre", "defense": "defence",
    "organized": "organised", "recognized": "recognised", "program": "programme", "honor": "honour",
    "Persian": "Arabian",
}
SWAPS = ["officials", "leaders", "agents", "documents", "reports", "cables", "forces", "militias", "diplomats", "spies"]
WHO = [
    "the Pentagon", "Brown University", "the Iraq Body Count project", "the United Nations", "a congressional report",
    "the Red Crescent", "local officials", "Airwars", "the provincial council", "Human Rights Watch", "hospital records",
    "the Iraqi Health Ministry", "the International Organization for Migration", "the inspector general", "Amnesty International",
]
PLACES = [
    "Mosul", "Fallujah", "Ramadi", "Basra", "Tikrit", "Samarra", "Baqubah", "Kirkuk", "Najaf", "Karbala", "Anbar province",
    "Diyala", "Nineveh", "Sadr City", "Haditha", "Tal Afar", "Hillah", "Kut", "Amarah", "Nasiriyah", "Sinjar", "Jurf al-Sakhar",
    "Abu Ghraib", "Balad", "Baiji", "Qaim", "Sulaymaniyah", "Erbil", "Dohuk", "Khanaqin", "Muqdadiyah", "Tuz Khurmatu",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
EVENTS = ["offensive", "siege", "campaign", "bombings", "raids", "insurgency", "militia attacks", "occupation", "battle", "airstrikes", "uprising", "purge"]
#: casualty and cost statements, composed per document (kind -> populations, verb phrases); see :func:`_fact`
POPULATIONS = {
    "deaths": ["civilians", "Iraqi civilians", "American soldiers", "U.S. troops", "Iraqi policemen", "militia fighters",
               "residents", "people", "Iraqi soldiers", "British troops", "contractors", "pilgrims", "villagers"],
    "wounded": ["civilians", "American soldiers", "U.S. troops", "Iraqi policemen", "residents", "people", "Iraqi soldiers"],
    "displaced": ["Iraqis", "residents", "families", "people", "villagers", "civilians"],
}
VERBS = {
    "deaths": ["were killed", "died", "lost their lives", "were killed in the fighting", "were reported dead", "were slain"],
    "wounded": ["were wounded", "were injured", "were hurt", "were left wounded"],
    "displaced": ["were displaced", "fled their homes", "were driven from their homes", "were forced to flee", "lost their homes"],
}
QUALIFIERS = ["at least", "nearly", "some", "more than", "about", "an estimated", "roughly", "almost", "over", "up to", ""]
ENTITY_NAMES = [
    "Qassem Suleimani", "General Soleimani", "the Quds Force", "The Intercept", "The New York Times", "Adel Abdul Mahdi",
    "Iran's Ministry of Intelligence and Security", "the Revolutionary Guard", "the CIA", "Haider al-Abadi", "Nuri al-Maliki",
    "Ibrahim al-Jaafari", "Saddam Hussein", "the Islamic State", "Tehran", "Baghdad", "Mike Pompeo",
]
OUTLETS = ["The Daily Ledger", "Gulf Monitor", "Capitol Watch", "Open Wire", "Eastern Courier", "The Free Forum", "Newsdesk Online"]
AUTHORS = ["Sam Carter", "Lena Haddad", "Omar Rahimi", "Julia Brooks", "Peter Lang", "Nadia Karimi"]
RETRACE_SHARE = 0.4  # a sentence of the document's own sharing more of its word pairs with one seed sentence is drawn again
RETRACE_TRIES = 20
NEWS_CYCLE = 50  # reprints and op-eds draw on the 50 latest stories: each story gets a few copies at any corpus size
SEED_COPIES = 20  # at most 20 reprints of a seed body and 20 op-eds quoting a seed sentence (the seeds are one story)
USERS = ["starfcker", "gilberts", "Pequiste", "CCRider", "TN Patriot", "Anonymous", "Hollow man", "Jai Seli", "rhs", "Gayle"]


def _sentences(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in sentence_spans(text)]


def _paragraphs(sentences: list[str], rng: random.Random) -> list[str]:
    out, k = [], 0
    while k < len(sentences):
        n = rng.randint(1, 4)
        out.append(" ".join(sentences[k : k + n]))
        k += n
    return out


def _edit(sentence: str, rng: random.Random) -> str:
    words = [SPELLINGS.get(w, w) for w in sentence.split(" ")]
    if rng.random() < 0.2 and len(words) > 6:
        words[rng.randrange(1, len(words) - 1)] = rng.choice(SWAPS)
    text = " ".join(words)
    if rng.random() < 0.1 and "," in text:
        text = text.split(",")[0].rstrip() + "."
    return text


def _number(kind: str, rng: random.Random) -> str:
    if kind == "cost":
        return f"${rng.randint(11, 990) / 10:g} {rng.choice(['million', 'billion'])}"
    scale = {"deaths": 2, "wounded": 2, "displaced": 3}[kind]
    value = rng.randint(12, 999) * 10 ** rng.randint(0, scale)
    return f"{value:,}"


def _when(rng: random.Random) -> str:
    year = rng.randint(2003, 2019)
    return rng.choice([
        f"in {rng.choice(MONTHS)} {year}", f"between {year} and {year + rng.randint(1, 4)}", f"during the {year} {rng.choice(EVENTS)}",
        f"over {rng.randint(2, 30)} months", f"in the spring of {year}", f"by the end of {year}", f"since {rng.choice(MONTHS)} {year}",
    ])


@dataclass
class _Context:
    """What a story is about: the place, time, event and source its figures are stated with."""

    place: str
    when: str
    event: str
    who: str

    @classmethod
    def draw(cls, rng: random.Random) -> "_Context":
        return cls(rng.choice(PLACES), _when(rng), rng.choice(EVENTS), rng.choice(WHO))


def _fact(context: _Context, rng: random.Random) -> str:
    """A stated casualty or cost figure, in one of many phrasings, with the story's own place, time, event and numbers.

    Only copies of the story (reprints, op-eds quoting it) repeat it: two
    unrelated documents share at most a few stock words ("were killed"), never
    the sentence, so they do not look like copies of each other.
    """
    kind = rng.choice(["deaths", "deaths", "wounded", "displaced", "cost"])
    place, when, event, who = context.place, context.when, context.event, context.who
    attribution = rng.choice([f"according to {who}", f"{who} estimated", f"{who} said", f"{who} reported", f"by the count of {who}"])
    if kind == "cost":
        text = rng.choice([
            "The {event} in {place} cost American taxpayers {q} {n} {when}, {a}.",
            "Rebuilding {place} after the {event} cost {q} {n}, {a}.",
            "{When}, the {event} around {place} had cost {q} {n}, {a}.",
            "The United States spent {q} {n} on the {place} {event} {when}, {a}.",
        ])
    else:
        text = rng.choice([
            "{Q} {n} {pop} {verb} in {place} {when}, {a}.",
            "In {place}, {q} {n} {pop} {verb} {when}, {a}.",
            "{When}, {q} {n} {pop} {verb} in the {event} in {place}, {a}.",
            "The {event} in {place} left {q} {n} {pop} dead, {a}." if kind == "deaths" else "{Q} {n} {pop} {verb} around {place} {when}.",
            "{A_cap} that {q} {n} {pop} {verb} in the {place} {event} {when}.",
        ])
    qualifier = rng.choice(QUALIFIERS)
    pop = rng.choice(POPULATIONS.get(kind, ["people"]))
    verb = rng.choice(VERBS.get(kind, ["died"]))
    filled = text.format(
        q=qualifier, Q=qualifier.capitalize(), n=_number(kind, rng), pop=pop, verb=verb, place=place, when=when,
        When=when[:1].upper() + when[1:], event=event, a=attribution, A_cap=f"{who[:1].upper()}{who[1:]} {rng.choice(['estimated', 'said', 'reported'])}",
    )
    return " ".join(filled.split()).replace(" ,", ",")


_TOKEN = re.compile(r"\S+")


def _pairs(sentence: str) -> set[tuple[str, str]]:
    tokens = [t.strip(".,;:!?\u201c\u201d\"'()").lower() for t in _TOKEN.findall(sentence)]
    return set(zip(tokens, tokens[1:]))


class _Seeds:
    def __init__(self) -> None:
        corpus = load_corpus(seeds_dir())
        self.corpus = corpus
        self.bodies = {d.doc_id[:3]: _sentences(d.body) for d in corpus}
        self.pool = [s for sents in self.bodies.values() for s in sents if len(s.split()) >= 5]
        self.comments = [" ".join(c.text.split()) for d in corpus for c in d.comments if len(c.text.split()) >= 3]
        self.where: dict[tuple[str, str], set[int]] = {}  # word pair -> seed body sentences holding it
        for k, sentence in enumerate(s for sents in self.bodies.values() for s in sents):
            for pair in _pairs(sentence):
                self.where.setdefault(pair, set()).add(k)

    def retraces(self, sentence: str, *, most: float = RETRACE_SHARE) -> bool:
        """Whether more than ``most`` of the sentence's word pairs are in one seed sentence (a near copy of it)."""
        pairs = _pairs(sentence)
        counts = collections.Counter(k for pair in pairs for k in self.where.get(pair, ()))
        return bool(counts) and max(counts.values()) > most * len(pairs)


class _Voice:
    """A document's own Markov text: its own word swaps, and no sentence that retraces a seed sentence.

    A bigram chain trained on ~8,000 words retraces long stretches of the
    seeds, so two unrelated documents drawing plain chain sentences share
    sentences by chance (each pair of them with a probability that does not
    shrink as the corpus grows: candidate pairs grow with its square). Each
    document swaps its own ``substitute`` share of word types for other seed
    words (as each real story has its own names and facts,
    ``benchmarks.bench_reuse.original``), and a sentence sharing more than
    ``RETRACE_SHARE`` of its word pairs with one seed sentence is drawn again.
    """

    def __init__(self, gen: MarkovText, seeds: _Seeds, rng: random.Random, *, substitute: float = 0.6) -> None:
        self.gen, self.seeds, self.rng, self.substitute = gen, seeds, rng, substitute
        self.swaps: dict[str, str] = {}

    def _swap(self, word: str) -> str:
        core = word.strip(".,;:!?\u201c\u201d\"'()")
        if not core.isalpha():
            return word
        if core not in self.swaps:
            self.swaps[core] = self.rng.choice(self.gen.vocabulary) if self.rng.random() < self.substitute else core
        return word.replace(core, self.swaps[core], 1)

    def sentence(self, *, min_words: int = 8) -> str:
        for _ in range(RETRACE_TRIES):
            text = " ".join(self._swap(w) for w in self.gen.sentence(self.rng, min_words=min_words).split(" "))
            text = text[:1].upper() + text[1:]
            if not self.seeds.retraces(text):
                break
        return text


def _with_extras(paragraphs: list[str], voice: _Voice, context: _Context, rng: random.Random, *, figures: int, names: int) -> list[str]:
    """Add stated figures and entity mentions, each inside a sentence of the document's own.

    A fixed template sentence repeated across hundreds of documents would make
    them all look like reprints of each other to the reuse stage (and its cost
    quadratic); real documents state figures and names in their own words: the
    figures are the story's (:func:`_fact`), half of them joined to a sentence
    of its own.
    """
    out = list(paragraphs)
    for _ in range(figures):
        fact = _fact(context, rng)
        if rng.random() < 0.5:
            own = voice.sentence(min_words=10).rstrip(".!?")
            fact = f"{own}, while {fact[0].lower()}{fact[1:]}" if not fact.startswith(("The ", "Rebuilding ")) else f"{own}. {fact}"
        out.insert(rng.randrange(len(out) + 1), fact)
    for _ in range(names):
        words = voice.sentence(min_words=10).split(" ")
        name = rng.choice(ENTITY_NAMES)
        words.insert(rng.randrange(1, len(words)), f"{name},")
        out.insert(rng.randrange(len(out) + 1), " ".join(words))
    return out


def _split(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _story(voice: _Voice, rng: random.Random) -> str:
    """A new story's text: 15 to 60 sentences in the story's own voice."""
    return "\n\n".join(_paragraphs([voice.sentence() for _ in range(rng.randint(15, 60))], rng))


def _thread(seeds: _Seeds, voice: _Voice, rng: random.Random) -> tuple[list[str], list[str]]:
    body = _paragraphs([voice.sentence() for _ in range(rng.randint(4, 12))] + [_fact(_Context.draw(rng), rng)], rng)
    n = rng.randint(2, 14)
    lines = ["Subscribe", "Notify of", "guest", f"{n} Comments"]
    authors: list[str] = []
    for k in range(n):
        author = rng.choice(USERS)
        lines += [author, author]
        if authors and rng.random() < 0.4:
            lines.append(f"  {rng.choice(authors)}")
        day, hour, minute = 30 if k < n // 2 else 1, rng.randint(1, 11), rng.randint(0, 59)
        month = "November" if day == 30 else "December"
        lines += [f"{month} {day}, 2019 {hour}:{minute:02d} pm", ""]
        text = rng.choice(seeds.comments) if rng.random() < 0.6 else " ".join(rng.sample(seeds.pool, k=rng.randint(1, 3)))
        lines += [text, ""]
        authors.append(author)
    return body, lines


def synthetic_documents(n: int, *, seed: int = 9) -> list[tuple[str, str, dict]]:
    """``(file name, text, sources.yml entry)`` for ``n`` synthetic documents (after the five seeds)."""
    seeds = _Seeds()
    gen = MarkovText([d.body for d in seeds.corpus])
    seed_bodies = [d.body for d in seeds.corpus if d.doc_id[:3] in ("000", "001", "002", "004")]
    rng = random.Random(seed)
    stories: list[str] = []
    seed_copies = seed_quotes = 0
    docs = []
    for k in range(n):
        roll = rng.random()
        outlet = rng.choice(OUTLETS)
        author = rng.choice(AUTHORS)
        comments: list[str] = []
        voice = _Voice(gen, seeds, rng)
        if roll < 0.30 or len(stories) < 2:
            genre, paragraphs = "news", _with_extras(
                _split(_story(voice, rng)), voice, _Context.draw(rng), rng, figures=rng.randint(0, 2), names=rng.randint(1, 3)
            )
            stories.append("\n\n".join(paragraphs))
        elif roll < 0.60:
            if seed_copies < SEED_COPIES and rng.random() < 0.02:
                source, seed_copies = rng.choice(seed_bodies), seed_copies + 1
            else:
                source = rng.choice(stories[-NEWS_CYCLE:])
            genre, paragraphs = "reprint", _split(reprint(gen, source, rng))
        elif roll < 0.80:
            mixed = [voice.sentence() for _ in range(rng.randint(4, 10))]
            for story in rng.sample(stories[-NEWS_CYCLE:], k=2):
                pool = [" ".join(s.split()) for s in _sentences(story)]
                mixed += [_edit(s, rng) for s in rng.sample(pool, k=min(len(pool), rng.randint(2, 6)))]
            if seed_quotes < SEED_COPIES and rng.random() < 0.3:
                mixed.append(rng.choice(seeds.pool))
                seed_quotes += 1
            rng.shuffle(mixed)
            genre, paragraphs = "op-ed", _with_extras(
                _paragraphs(mixed, rng), voice, _Context.draw(rng), rng, figures=rng.randint(1, 2), names=rng.randint(0, 2)
            )
        else:
            genre, (paragraphs, comments) = "op-ed", _thread(seeds, voice, rng)
        title = " ".join(paragraphs[0].split()[:8]).rstrip(",;:.") or "Untitled"
        lines = [title, "", f"By {author}", ""]
        for p in paragraphs:
            lines += [p, ""]
        lines += comments
        doc_id = f"{k + 100:05d}_syn{seed:02d}{k:06d}"
        entry = {
            "file": f"{doc_id}.txt",
            "outlet": {"value": outlet, "basis": "stated", "evidence": "synthetic"},
            "title": {"value": title, "basis": "stated", "evidence": "line 1"},
            "author": {"value": author, "basis": "stated", "evidence": "line 3"},
            "published": {"value": f"2019-{rng.randint(11, 12)}-{rng.randint(1, 28):02d}", "basis": "stated", "evidence": "synthetic"},
            "genre": {"value": genre, "basis": "inferred", "evidence": "synthetic"},
        }
        docs.append((f"{doc_id}.txt", "\n".join(lines).rstrip() + "\n", entry))
    return docs


def write_corpus(n: int, folder: str | Path, *, seed: int = 9, with_seeds: bool = True) -> Path:
    """Write a corpus of ``n`` documents (the five seeds first, when ``with_seeds``) into ``folder`` (emptied first)."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    src = seeds_dir()
    sources = yaml.safe_load((src / "sources.yml").read_text(encoding="utf-8"))
    entries = dict(sources["documents"]) if with_seeds else {}
    if with_seeds:
        for file in sorted(src.glob("*.txt"))[:n]:
            shutil.copyfile(file, folder / file.name)
        entries = {k: v for k, v in entries.items() if (folder / v["file"]).exists()}
    for name, text, entry in synthetic_documents(max(0, n - len(entries)), seed=seed):
        (folder / name).write_text(text, encoding="utf-8")
        entries[name.removesuffix(".txt")] = entry
    (folder / "sources.yml").write_text(
        yaml.safe_dump({"version": sources.get("version", 1), "documents": entries}, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )
    shutil.copyfile(src / "entities.yml", folder / "entities.yml")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    write_corpus(args.n, args.folder, seed=args.seed)
    print(f"wrote {args.n} documents to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
