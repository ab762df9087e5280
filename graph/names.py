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
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.gazetteer import Gazetteer, fold

# Words before a name that say what someone is, not who: stripped from the front of a name. The gazetteer's title
# words for leaders and spokespeople, plus honorifics and ranks.
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "gen", "general", "col", "colonel", "lt",
               "lieutenant", "maj", "major", "capt", "captain", "sgt", "sergeant", "adm", "admiral", "sheikh", "sheik",
               "shaykh", "imam", "ayatollah", "mullah", "rev", "reverend", "father", "pope", "prince", "princess",
               "senator", "sen", "rep", "representative", "gov", "judge", "justice", "minister", "secretary",
               "former", "late"}
_PARTICLES = {"al", "el"}  # "al-Assad", "el-Sisi": written with and without the article
_ACRONYM_SKIP = {"of", "the", "and", "for", "in", "on", "de", "du", "la", "al", "el", "a"}
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


@lru_cache(maxsize=1)
def _titles() -> tuple[tuple[str, ...], ...]:
    """Title word sequences, longest first (``prime minister`` before ``minister``)."""
    g = Gazetteer.load()
    words = {fold(w) for w, predicate in g.titles.items() if predicate in ("leaderOf", "spokespersonOf")}
    words |= _HONORIFICS
    return tuple(sorted((tuple(w.split()) for w in words if w), key=lambda t: (-len(t), t)))


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
    """Initials of a name of several words, without "of", "the", …; empty for a single word."""
    words = [w for w in name_key(name).split() if w not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def is_acronym(label: str) -> bool:
    """True for a name written as capitals of two to six letters ("FSA", "AP", "U.S.")."""
    letters = label.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _strip_titles(words: list[str]) -> list[str]:
    changed = True
    while changed and len(words) > 1:
        changed = False
        for title in _titles():
            if len(words) > len(title) and tuple(words[: len(title)]) == title:
                words = words[len(title):]
                changed = True
                break
    return words
