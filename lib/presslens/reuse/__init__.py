"""Source comparison: who copied whom, what each copy changed or left out, and who is quoted where.

**Alignment.** Every body is split into sentences (:func:`presslens.text.sentence_spans`).
Two documents are compared sentence by sentence with RapidFuzz: the edit
similarity of the two sentences (``fuzz.ratio``), and, where most words are
shared but the lengths differ, how much of the one sentence is found inside the
other (``fuzz.partial_ratio`` scaled by the length ratio), so that a sentence
quoted with an attribution ("..., the report stated.") or a sentence cut short
still counts (a sentence of fewer than 8 words only when it is found nearly
verbatim, partial_ratio >= 95: short sentences otherwise match by chance inside
long ones). A sentence of *a* is **shared** with *b* when its best score is at
least ``threshold`` (80 of 100). Consecutive shared sentences that follow each
other in both documents (allowing ``max_gap`` skipped sentences) are merged into
**passages** with character offsets into both bodies.

A sentence that is not shared but has at least ``paraphrase_min_phrases`` (4)
two-word phrases in common with one sentence of the other document ("safe
houses", "message from his boss": pairs of two stopwords and pairs with a
number do not count) is counted as **paraphrased**: a lexical signal, good at
"this op-ed retells that article", blind to paraphrase in other words. (Shared
single words were tried and rejected: on the seeds, topical overlap between
unrelated sentences reached the same level as real paraphrase.) The count is
shown in the tables but decides no type: on real news it fired on any two
reports of the same event.

**Candidates.** Small corpora compare every pair. From ``lsh_min_documents``
documents on, only pairs that share at least one near-identical sentence by
MinHash LSH (datasketch's MinHash and bands, on the word pairs of each sentence
of 8 words or more) are compared, so the cost grows with the number of
documents plus the number of pairs that share text, not with all pairs. A band
bucket holding more than ``max_bucket_documents`` (100) documents proposes no
pairs: a sentence in that many documents (boilerplate such as "Click here to
subscribe to our newsletter.", a stock phrase) says nothing about who copies
whom and would make the candidates grow with the square of the corpus
(passim's ``--max-series`` does the same).

**At scale.** Each document's sentences are prepared once (keys, word and
phrase ids, MinHash rows: :func:`.units._units`) and each pair compared once
(:func:`.compare._compare`); with a cache folder both are kept on disk, keyed by the
document's doc_id and body (:func:`unit_key`) and the options, so a run after
adding a document prepares that document and compares only the pairs it is
part of. Both steps run in chunks through a mapper (the run's worker processes
or Dask cluster); the result is the same for any mapper and cache state.

**Article text and containment.** Lines that are not article text (photo
captions and credits, bylines, "Related:" links, copyright lines, datelines
cut off the first sentence: :mod:`.boilerplate`) are left out of the compared
sentences on both sides. Each document's word 3-grams (lower-cased, no
punctuation, within sentences) are kept as ids; a pair's containment is the
share of each side's 3-grams found in the other, so a reworded sentence, a
clause lifted into a longer sentence and a trimmed paragraph all count, in
both directions. 3-grams inside quotation marks in both documents are a
quotation they share, not reuse of each other.

**Direction and type.** :func:`relations_frame`: direction from published
dates, else wire signatures ("(AP) —", "The Associated Press contributed to
this report", an agency credit line), else containment asymmetry; types
(:func:`classify_reuse`) from the derived document's containment against the
corpus baseline (a fitted quantile of the unquoted containments of all compared pairs), with
thresholds fitted on labelled development data by ``benchmarks/fit_reuse.py``
and stored in :mod:`.fitted`. Every row carries the numbers it rests on.

Offsets (``start``/``end``) always index into ``Document.body``.

**Modules.** :mod:`.options` (settings, the error), :mod:`.quotes` (quotations
and speakers), :mod:`.boilerplate` (article text, datelines, wire signatures),
:mod:`.units` (sentence keys, sentence units, 3-grams, MinHash), :mod:`.fitted` (thresholds, as data),
:mod:`.candidates` (LSH), :mod:`.compare` (two documents), :mod:`.alignment`
(:class:`Alignment`, :func:`align_texts`, :func:`align_corpus`), :mod:`.cache`
(the on-disk reuse cache), :mod:`.tables` (pairs, passages, sentence matches),
:mod:`.classify` (direction and type), :mod:`.edits`, :mod:`.omissions`,
:mod:`.quotematrix` (quotations across documents), :mod:`.framing`
(distinctive words), :mod:`.summary` (what a comparison found, in a sentence),
:mod:`.words` (word lists, as data) and :mod:`.charts`
(the only one that imports plotly: its names are loaded on first use).
"""

from __future__ import annotations

from .alignment import Alignment, Mapper, align_corpus, align_texts
from .classify import (
    PARTIAL_MIN, PARTIAL_MIN_SHINGLES, QUOTES_MIN_SHINGLES, RELATION_COLUMNS, REPRINT_BACK_MIN, REUSE_TYPES, VIA_OVERLAP, WHOLLY_MIN, classify_reuse,
    main_relation, relations_frame, reprint_partners, reuse_relations_table,
)
from .compare import Passage, SideMatch
from .edits import EDIT_COLUMNS, EDIT_KINDS, Edit, edits_frame, passage_edits_table, word_diff
from .omissions import (
    LOST_ENTITY_COLUMNS, OMISSION_COLUMNS, OMITTED_RUN_COLUMNS, lost_entities_table, omissions_table, omitted_runs,
)
from .options import ReuseError, ReuseOptions
from .quotematrix import QUOTE_COLUMNS, most_reused, quote_matrix, quotes_table
from .quotes import Quote, extract_quotes, quote_spans
from .summary import direction_evidence, findings, findings_text
from .tables import (
    PAIR_COLUMNS, PASSAGE_COLUMNS, pairs_frame, passages_frame, reuse_pairs_table, sentence_matches_table,
    shared_passages_table,
)
from .units import REUSE_CACHE_FORMAT, Sentence, sentence_key, unit_key
from .words import STOPWORDS
from ..lazy import lazy_names

#: names of :mod:`.charts`, imported on first use so that computing tables never loads plotly
_CHARTS = frozenset({"TYPE_COLOURS", "quote_matrix_chart", "reuse_graph", "side_by_side", "side_by_side_html", "similarity_heatmap"})


__getattr__, __dir__ = lazy_names(__name__, ".charts", _CHARTS, globals())


__all__ = [
    "Alignment", "Edit", "Passage", "Quote", "REUSE_TYPES", "ReuseError", "ReuseOptions", "Sentence", "SideMatch",
    "align_corpus", "align_texts", "classify_reuse", "edits_frame", "extract_quotes", "direction_evidence", "findings", "findings_text", "lost_entities_table", "main_relation", "most_reused", "omitted_runs",
    "omissions_table", "pairs_frame", "passage_edits_table", "passages_frame", "quote_matrix", "quote_matrix_chart",
    "quote_spans", "quotes_table", "relations_frame", "reprint_partners", "reuse_graph", "reuse_pairs_table", "reuse_relations_table",
    "sentence_key", "sentence_matches_table", "shared_passages_table", "side_by_side", "side_by_side_html",
    "similarity_heatmap", "word_diff",
]
