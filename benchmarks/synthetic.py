"""A deterministic synthetic corpus built from the seeds, for scale benchmarks.

``write_corpus(n, folder, seed=...)`` writes ``n`` documents (``.txt``) plus a
``sources.yml`` and a copy of ``seeds/entities.yml`` into ``folder``: a corpus
folder ``presslens.corpus.load_corpus`` reads like the real one. The five seeds
come first, as they are; the rest mimic what the seeds are:

* **stories** (30%): new text from a word-bigram chain trained on the seed
  bodies (``benchmarks.bench_reuse.original``: each story swaps its own words,
  so unrelated stories do not share sentences by chance), with stated figures
  ("At least 4,500 American soldiers were killed ...") and entity mentions;
* **reprints** (30%): a story (or, 1 in 50, a seed body), condensed, with word
  edits (British spellings, a word swapped, a clause cut);
* **op-eds** (20%): sentences of two stories mixed with sentences of their own,
  sometimes one seed sentence, a figure and entity mentions;
* **comment threads** (20%): a short piece followed by a comment section in
  seed 000's threaded layout (``N Comments``, author twice, ``  parent`` for a
  reply, date, text), comments drawn from the seeds' comments and sentences.

Reuse is thus spread like a news ecosystem's (many stories, a few copies of
each), not every document copying the same five seeds, which would make the
number of truly similar pairs grow with the square of the corpus.

Everything is drawn from one ``random.Random(seed)``: the same ``n`` and seed
give byte-identical files. Run as a script to write a corpus::

    .venv/bin/python -m benchmarks.synthetic 1000 /tmp/syn1000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import yaml

from presslens.corpus import load_corpus

from .bench_reuse import MarkovText, original, reprint
from presslens.paths import seeds_dir
from presslens.text import sentence_spans

SPELLINGS = {
    "neighbor": "neighbour", "favor": "favour", "labor": "labour", "center": "centre", "defense": "defence",
    "organized": "organised", "recognized": "recognised", "program": "programme", "honor": "honour",
    "Persian": "Arabian",
}
SWAPS = ["officials", "leaders", "agents", "documents", "reports", "cables", "forces", "militias", "diplomats", "spies"]
FIGURES = [
    "At least {a:,} American soldiers were killed in Iraq, and {b:,} more were wounded.",
    "The war cost American taxpayers more than ${t} trillion, {who} estimated.",
    "Some {c:,} Iraqi civilians died in the fighting, according to {who}.",
    "Nearly {d:,} Iraqis were displaced from their homes by the conflict.",
    "Estimates of the Iraqi dead range from {c:,} to {e:,}, {who} said.",
]
WHO = ["the Pentagon", "Brown University", "the Iraq Body Count project", "the United Nations", "a congressional report"]
ENTITY_NAMES = [
    "Qassem Suleimani", "General Soleimani", "the Quds Force", "The Intercept", "The New York Times", "Adel Abdul Mahdi",
    "Iran's Ministry of Intelligence and Security", "the Revolutionary Guard", "the CIA", "Haider al-Abadi", "Nuri al-Maliki",
    "Ibrahim al-Jaafari", "Saddam Hussein", "the Islamic State", "Tehran", "Baghdad", "Mike Pompeo",
]
OUTLETS = ["The Daily Ledger", "Gulf Monitor", "Capitol Watch", "Open Wire", "Eastern Courier", "The Free Forum", "Newsdesk Online"]
AUTHORS = ["Sam Carter", "Lena Haddad", "Omar Rahimi", "Julia Brooks", "Peter Lang", "Nadia Karimi"]
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


def _figure(rng: random.Random) -> str:
    template = rng.choice(FIGURES)
    return template.format(
        a=rng.choice([4400, 4487, 4500, 4431]), b=rng.choice([32000, 31994, 32226]), t=rng.choice([1, 2, 3, 6]),
        c=rng.choice([100000, 150000, 200000, 500000]), d=rng.choice([1000000, 2000000, 4000000]),
        e=rng.choice([600000, 1000000, 2400000]), who=rng.choice(WHO),
    )


class _Seeds:
    def __init__(self) -> None:
        corpus = load_corpus(seeds_dir())
        self.corpus = corpus
        self.bodies = {d.doc_id[:3]: _sentences(d.body) for d in corpus}
        self.pool = [s for sents in self.bodies.values() for s in sents if len(s.split()) >= 5]
        self.comments = [" ".join(c.text.split()) for d in corpus for c in d.comments if len(c.text.split()) >= 3]


def _with_extras(paragraphs: list[str], gen: MarkovText, rng: random.Random, *, figures: int, names: int) -> list[str]:
    """Add stated figures and entity mentions, each inside a sentence of the document's own.

    A fixed template sentence repeated across hundreds of documents would make
    them all look like reprints of each other to the reuse stage (and its cost
    quadratic); real documents state figures and names in their own words.
    """
    out = list(paragraphs)
    for _ in range(figures):
        own = gen.sentence(rng, min_words=10).rstrip(".!?")
        fact = _figure(rng)
        out.insert(rng.randrange(len(out) + 1), f"{own}, while {fact[0].lower()}{fact[1:]}")
    for _ in range(names):
        words = gen.sentence(rng, min_words=10).split(" ")
        name = rng.choice(ENTITY_NAMES)
        words.insert(rng.randrange(1, len(words)), f"{name},")
        out.insert(rng.randrange(len(out) + 1), " ".join(words))
    return out


def _split(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _thread(seeds: _Seeds, gen: MarkovText, rng: random.Random) -> tuple[list[str], list[str]]:
    body = _paragraphs([gen.sentence(rng) for _ in range(rng.randint(4, 12))] + [_figure(rng)], rng)
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
    docs = []
    for k in range(n):
        roll = rng.random()
        outlet = rng.choice(OUTLETS)
        author = rng.choice(AUTHORS)
        comments: list[str] = []
        if roll < 0.30 or len(stories) < 2:
            story = original(gen, rng)
            stories.append(story)
            genre, paragraphs = "news", _with_extras(_split(story), gen, rng, figures=rng.randint(0, 2), names=rng.randint(1, 3))
        elif roll < 0.60:
            source = rng.choice(seed_bodies) if rng.random() < 0.02 else rng.choice(stories)
            genre, paragraphs = "reprint", _split(reprint(gen, source, rng))
        elif roll < 0.80:
            mixed = [gen.sentence(rng) for _ in range(rng.randint(4, 10))]
            for story in rng.sample(stories, k=2):
                pool = [" ".join(s.split()) for s in _sentences(story)]
                mixed += [_edit(s, rng) for s in rng.sample(pool, k=min(len(pool), rng.randint(2, 6)))]
            if rng.random() < 0.3:
                mixed.append(rng.choice(seeds.pool))
            rng.shuffle(mixed)
            genre, paragraphs = "op-ed", _with_extras(_paragraphs(mixed, rng), gen, rng, figures=rng.randint(1, 2), names=rng.randint(0, 2))
        else:
            genre, (paragraphs, comments) = "op-ed", _thread(seeds, gen, rng)
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
