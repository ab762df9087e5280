"""Name forms for entity resolution across articles: one comparable form per surface name, whatever the article wrote.

``name_key`` folds a name to what two spellings of one name share: ASCII without diacritics, lower case, without a
leading title ("-President Obama" -> ``obama``) or the Arabic article particles ("Bashar al-Assad" -> ``bashar assad``),
without a possessive. ``display_name`` cleans a surface form for a label the same way but keeps its case.

>>> name_key("-President Obama"), name_key("Bashar al-Assad"), name_key("Bashar Assad"), name_key("Trump's")
('obama', 'bashar assad', 'bashar assad', 'trump')
>>> display_name("-President Barack Obama"), display_name("Haider al-Abadi")
('Barack Obama', 'Haider al-Abadi')
>>> acronym("Free Syrian Army"), acronym("Associated Press"), acronym("Islamic State of Iraq")
('fsa', 'ap', 'isi')
>>> is_acronym("FSA"), is_acronym("Fsa"), is_acronym("U.S.")
(True, False, True)

What the titles say about who bears them, so that "Gen. Romero" is never taken for "Msgr Romero"; a name cut short by
the extractor has no initials; a given name alone is no surname:

>>> title_traits("Gen. Romero"), title_traits("Msgr Romero"), title_traits("Romero")
(frozenset({'secular'}), frozenset({'clergy'}), frozenset())
>>> titles_conflict(title_traits("Gen. Romero"), title_traits("Msgr Romero")), acronym("Revolutionary Armed Forces of")
(True, '')
>>> is_given_name("Elena"), is_given_name("Romero"), is_given_name("Jackson")
(True, False, False)
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from extract.gazetteer import Gazetteer, fold

# Words before a name that say what someone is, not who: stripped from the front of a name. The gazetteer's title
# words for leaders and spokespeople, plus honorifics and ranks.
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "gen", "general", "col", "colonel", "lt",
               "lieutenant", "maj", "major", "capt", "captain", "sgt", "sergeant", "adm", "admiral", "sheikh", "sheik",
               "shaykh", "imam", "ayatollah", "mullah", "rev", "reverend", "father", "pope", "prince", "princess",
               "senator", "sen", "rep", "representative", "gov", "judge", "justice", "minister", "secretary",
               "former", "late", "msgr", "monsignor", "archbishop", "bishop", "cardinal", "brother", "sister"}
# What a title says about its bearer: a cleric is no general or minister, a Mrs no Mr. Other titles say nothing.
_CLERGY = {"msgr", "monsignor", "archbishop", "bishop", "cardinal", "father", "rev", "reverend", "pope", "imam",
           "ayatollah", "mullah", "brother", "sister"}
_NEUTRAL = {"dr", "former", "late", "sheikh", "sheik", "shaykh"}
_MALE = {"mr", "sir", "lord", "prince"}
_FEMALE = {"mrs", "ms", "miss", "dame", "princess"}
_PARTICLES = {"al", "el"}  # "al-Assad", "el-Sisi": written with and without the article
_ACRONYM_SKIP = {"of", "the", "and", "for", "in", "on", "de", "du", "la", "al", "el", "a"}
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=1)
def _titles() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Title word sequences by their first word, longest first (``prime minister`` before ``prime``)."""
    g = Gazetteer.load()
    words = {fold(w) for w, predicate in g.titles.items() if predicate in ("leaderOf", "spokespersonOf")}
    words |= _HONORIFICS
    out: dict[str, list[tuple[str, ...]]] = {}
    for title in sorted((tuple(w.split()) for w in words if w), key=lambda t: (-len(t), t)):
        out.setdefault(title[0], []).append(title)
    return {first: tuple(titles) for first, titles in out.items()}


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparable form of a name (see the module doc); empty for a name that is only a title."""
    words = _NON_WORD.sub(" ", fold(name)).split()
    words = _strip_titles(words)
    if len(words) > 1 and words[-1] == "s":  # "Trump's": fold turned the apostrophe into a space
        words = words[:-1]
    return " ".join(w for w in words if w not in _PARTICLES) or " ".join(words)


def display_name(name: str) -> str:
    """A surface form without leading punctuation and titles, case kept ("-President Obama" -> "Obama")."""
    words = name.strip(" -–—,.;:\"'()").split()
    folded = [_NON_WORD.sub(" ", fold(w)).strip() for w in words]
    drop = len(folded) - len(_strip_titles(folded))
    return " ".join(words[drop:]) or name.strip()


def acronym(name: str) -> str:
    """Initials of a name of several words, without "of", "the", …; empty for a single word and for a name the
    extractor cut short ("Revolutionary Armed Forces of": its initials are not those of the whole name)."""
    folded = name_key(name).split()
    if folded and folded[-1] in _ACRONYM_SKIP:
        return ""
    words = [w for w in folded if w not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


@lru_cache(maxsize=65536)
def title_traits(name: str) -> frozenset[str]:
    """What the titles in front of a name say: ``clergy``, ``secular`` (a rank or office), ``male``, ``female``."""
    words = [_NON_WORD.sub(" ", fold(w)).strip() for w in name.strip(" -–—,.;:\"'()").split()]
    traits = set()
    for word in words[: len(words) - len(_strip_titles(words))]:
        if word in _CLERGY:
            traits.add("clergy")
        elif word in _MALE or word in _FEMALE:
            traits.add("male" if word in _MALE else "female")
        elif word not in _NEUTRAL:
            traits.add("secular")
    return frozenset(traits)


def titles_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of :func:`title_traits` cannot belong to one person (a cleric and a general, a Mr and a Mrs)."""
    return any(x in a and y in b or y in a and x in b for x, y in (("clergy", "secular"), ("male", "female")))


@lru_cache(maxsize=1)
def _name_frequencies() -> tuple[dict[str, float], dict[str, float]]:
    """Given-name and surname frequencies (% of people) of the US census tables shipped with the ``names`` package."""
    def table(*files: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for file in files:
            for line in resources.files("names").joinpath(file).read_text().splitlines():
                name, share = line.split()[:2]
                out[name.lower()] = max(out.get(name.lower(), 0.0), float(share))
        return out

    return table("dist.male.first", "dist.female.first"), table("dist.all.last")


def is_given_name(word: str) -> bool:
    """A word more common as a given name than as a surname ("Elena", "Pablo"; not "Romero", "Jackson")."""
    first, last = _name_frequencies()
    key = name_key(word)
    return first.get(key, 0.0) > last.get(key, 0.0)


def is_acronym(label: str) -> bool:
    """True for a name written as capitals of two to six letters ("FSA", "AP", "U.S.")."""
    letters = label.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _strip_titles(words: list[str]) -> list[str]:
    changed = True
    while changed and len(words) > 1:
        changed = False
        for title in _titles().get(words[0], ()):
            if len(words) > len(title) and tuple(words[: len(title)]) == title:
                words = words[len(title):]
                changed = True
                break
    return words
