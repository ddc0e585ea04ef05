"""Casualty, displacement and war-cost figures: every number a source states, with its bounds, hedge and population.

Sources disagree most on numbers, and they hedge them: "nearly 4,500 U.S.
troops", "an estimated 300,000 Iraqis", "estimates range from 80 thousand to
almost 600 thousand deaths". Casualty recorders such as Iraq Body Count keep a
minimum and a maximum for every claim and never drop the hedge; this module does
the same, per source, with rules a reader can check:

1. **Numbers in every form** are parsed per sentence from its tokens: digits
   with any separator habit ("300,000", "4, 500", "1 000", "4.484", "230000"),
   words ("Eight thousand one hundred and seventy five"), mixed ("80 thousand",
   "$6.4 trillion", "13 billion dollars"), abbreviations ("$80bn", "4.5 mn",
   "1.2m" for money or people), fractions ("half a million"), vague magnitudes
   ("tens of thousands") and ranges ("from X to Y", "X-Y", "a trillion or two
   or six", "no lower than X and no higher than Y"). A change over time ("rose
   from 1,778 to 3,149") is two readings marked ``trend``, not one range; shares
   ("43%", "one in 40", "two-thirds of") and rates ("5.5 deaths per 1,000") are
   read with their ``shape`` and never counted.
2. **Hedges become bounds**: "nearly"/"up to" keep only ``high``, "at least"/
   "more than"/"could exceed" only ``low``; "an estimated"/"about" keep both,
   equal. The hedge is kept as written in ``qualifier``.
3. **What is counted** comes from the number's syntactic context: a list label
   ("Killed: 45"), the predicate it is the subject of ("three others were
   injured"), the casualty word nearest to it, or its table column (``kind``);
   the population (``who``, as written, plus a normalised ``group``: the seeds'
   populations, else civilians, children, women, military, fighters, refugees,
   people, and ``war`` for costs) and the conflict. Claims without a named
   conflict join the corpus's one named claim of their population.
4. **Not figures**: years, dates, times, identifiers, list numbers, durations,
   percentages, rates and shares, counts of things (pages, reports, tanks),
   payments (salaries, bonuses, bribes, expenses, arms contracts) and budgets,
   population sizes, arrests and the missing, soldiers as actors, people saved,
   numbers standing for people who say ("four have estimated") and people
   counted without a casualty word (troop deployments). Every rejected number
   keeps its reason (:func:`numbers_table`), so the rules can be audited.

The output is the ``figures`` table of DESIGN.md (:func:`figures_table`), charts
(:func:`figures_chart`, :func:`who_says_what`) and an evaluation against a
hand-checked gold file (:func:`load_gold`, :func:`evaluate`; :func:`evaluate_set` for gold
files of a corpus folder): precision and recall matched in the same sentence, bounds and hedge
accuracy, per kind, trap hits per reason, every miss and false figure with its sentence. The charts take any
figures table (bounds of zero, negative, missing or open; one source; one kind); where a
chart would be empty or compare a source with itself, :func:`nothing_to_draw` gives the
sentence a report shows instead, saying what the corpus holds.

Vague magnitudes are read literally as "at least two of the unit, fewer than ten":
"tens of thousands" is 20,000-100,000, "hundreds" 200-1,000, "dozens" 24-120.

Modules, each importing only those before it: :mod:`.lexicon` (word lists and
compiled patterns: data), :mod:`.tokens` (a sentence cut into tokens),
:mod:`.numbers` (the number-phrase parser over tokens: value, bounds, shape,
trend), :mod:`.readings` (number phrases and their hedges), :mod:`.decide`
(figure or not, kind, population, group, claim; :func:`read_numbers`),
:mod:`.tables`, :mod:`.claims` (bounds as said, claims across sources),
:mod:`.gold` (the gold file), :mod:`.evaluation` (scores against it) and :mod:`.charts`, the only one that
imports plotly, loaded on first use of a chart name.
"""

from __future__ import annotations

from .claims import (
    FiguresError,
    claim_label,
    claims_table,
    figures_for_display,
    format_bounds,
    headline_claims,
    log_bounds,
    nothing_to_draw,
    set_aside,
    shared_claims,
    spread_sources,
    top_sources,
    who_says_what,
)
from .decide import extract_figures, read_numbers
from .evaluation import Evaluation, evaluate, evaluate_set, evaluate_sets, gold_split, uncovered_numbers
from .gold import Gold, load_gold
from .lexicon import CONFLICT_LABELS, GROUP_LABELS, KINDS
from .numbers import number_bounds, parse_number
from .readings import Figure, NumberReading
from .tables import FIGURE_COLUMNS, NUMBER_COLUMNS, READ_LANGUAGES, document_figures, figures_table, join_open_claims, numbers_table, reads_language
from ..lazy import lazy_names

__all__ = [
    "FIGURE_COLUMNS", "NUMBER_COLUMNS", "READ_LANGUAGES", "reads_language", "KINDS", "FiguresError", "Figure", "NumberReading", "Gold", "Evaluation",
    "parse_number", "number_bounds", "read_numbers", "extract_figures", "figures_table", "document_figures", "join_open_claims", "numbers_table",
    "format_bounds", "claim_label", "log_bounds", "nothing_to_draw", "set_aside", "claims_table", "figures_for_display", "who_says_what", "headline_claims", "shared_claims", "figures_chart", "who_says_what_chart", "spread_sources", "top_sources",
    "load_gold", "evaluate", "evaluate_set", "evaluate_sets", "gold_split", "uncovered_numbers", "GROUP_LABELS", "CONFLICT_LABELS",
]

#: chart builders, imported from :mod:`.charts` (and plotly) on first use
_CHARTS = frozenset({"figures_chart", "who_says_what_chart"})


__getattr__, __dir__ = lazy_names(__name__, ".charts", _CHARTS, globals())
