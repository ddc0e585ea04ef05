"""The patterns of HTML pages' main text, as data: what a line of trafilatura's output is besides body.

trafilatura (:mod:`.webpage`) already drops navigation, sidebars and footers; what
it keeps around the article are short lines a reader would not call the story: the
date line, the byline, "Share this article", "Tags:", copyright notices, comment
policy notes, "X contributed to this report". Each pattern is generic (seen on
several sites of the Article Extraction Benchmark's development half, never one
page's own wording), and the first match in :data:`PAGE_LINE_RULES` wins.
A new outlet's clutter usually costs one entry here.
"""

from __future__ import annotations

import re

#: month names (English, German, Spanish, Portuguese, French) as date lines write them
MONTH = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember|enero|"
    r"febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|"
    r"junho|julho|setembro|outubro|novembro|dezembro|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre)[a-zäéû]*\.?"
)
#: a token a date line may consist of: numbers, month and day names, time words, zones
DATE_TOKEN = re.compile(
    rf"^(?:\d{{1,4}}(?:[:./-]\d{{1,4}}){{0,3}}(?:st|nd|rd|th|h)?|{MONTH}|a\.?m\.?|p\.?m\.?|am|pm|gmt|utc|[ecmp][sd]t|bst|"
    r"cet|cest|updated|published|posted|last|modified|on|at|um|uhr|às|de|del|le|stand|aktualisiert|veröffentlicht|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tue|wed|thu|fri|sat|sun)|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|sábado|domingo|lunes|"
    r"martes|miércoles|jueves|viernes|ago|hours?|minutes?|days?|mins?)$",
    re.I,
)
#: a word naming a date (a month, a weekday, "updated"): a date line needs one besides its numbers
DATE_NAMED = re.compile(
    rf"(?i)\b(?:{MONTH}|updated|published|posted|aktualisiert|veröffentlicht|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|feira|sábado|domingo|lunes|martes|miércoles|jueves|"
    r"viernes|ago)\b"
)
DATE_WORDS = re.compile(r"[\w:./-]+")
#: at most this many tokens in a date line, and at least this share of them date tokens
DATE_MAX_TOKENS = 12
DATE_MIN_SHARE = 0.75

#: "By Jane Doe", "Von Max Muster": a byline of at most :data:`BYLINE_MAX_WORDS` words
BYLINE = re.compile(r"^(?:by|von|por|par|door|di)\s+[\w.'’ -]{2,60}$", re.I)
BYLINE_MAX_WORDS = 8

#: page chrome trafilatura keeps: share and print buttons, related-links heads, copyright, comment policies
CHROME = re.compile(
    r"""^(?:
    tags?:?|text\ size|print(?:\ article)?|order\ reprints|share(?:\ this)?(?:\ article|\ story)?:?
  | (?:don['’]t\ miss|see\ more|read\ more|related(?:\ articles|\ stories)?|more\ on\ this|advertisement|anzeige|werbung
     |most\ popular|recommended|ähnliche\ (?:beiträge|artikel)|weitere\ artikel|you\ (?:might|may)\ (?:also\ )?(?:be\ interested|like|enjoy))\b.{0,80}
  | (?:copyright|©|\(c\)).{0,200} | .{0,120}all\ rights\ reserved\.? | write\ to\ .{2,80}\ at\ \S+@\S+
  | this\ copy\ is\ for\ your\ personal,\ non-commercial\ use\ only.*
  | .{5,140}\[(?:insight|video|pictures|poll|reaction|latest|live|watch|gallery)\]\|?
  | .{0,200}\b(?:comments?|kommentare?|comentários?|comentarios?|commentaires?)\b.{0,200}
      \b(?:moderat\w*|approved|aprovados|freigeschaltet|guidelines|policy|richtlinien|log\ ?in|sign\ in|anmelden)\b.{0,200}
  | follow\ .{2,80}\ on\ (?:facebook|twitter|instagram|youtube|linkedin|tiktok|x)\b.{0,80}
  | (?:listen|download|subscribe|itunes|spotify|apple\ podcasts|watch)(?:\ \w+){0,3}:\ *(?:https?://|www\.)\S+
)$""",
    re.I | re.X,
)
#: the head of a tag list ("Tags:"); the comma-separated line after it is the list
TAG_HEAD = re.compile(r"(?i)tags?:?|keywords:?|schlagworte:?|etiquetas:?")
#: "Jane Doe in Paris contributed to this report.": a credit kept beside the body
CREDIT = re.compile(r"^.{3,300}\b(?:contributed\ to\ this\ (?:report|story|article)|contributed\ reporting)\.?$", re.I | re.X)

#: the first this many lines of the main text may be the headline repeated
HEADLINE_WINDOW = 4
#: rapidfuzz ratio (0-100) from which a line is the page's headline
HEADLINE_SIMILARITY = 90
#: separators of a title's parts ("Headline | Site", "Headline - Site")
TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+::\s+")
TITLE_PART_MIN_WORDS = 3
