"""One search over procedures, answers and other pages, on either backend.

``run_search(params)`` is what the results page and ``/api/search/`` call.
It builds the query (folded, question words dropped, editor synonyms added,
fuzzy matching where the engine has it), pins exact procedure codes and
editors' promoted results first, counts facets by kind and by field of
activity, and returns plain data. Only live, public pages of the current
site ever reach a result, a facet count or a suggestion.
"""

import difflib
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import get_language

from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Boost, Or, Phrase, PlainText

from procedures import catalogues
from search import cache as search_cache
from search import kinds as search_kinds
from search.contacts import contact_places
from search.models import SearchSynonym
from search.query import AtLeast, expand
from search.referrals import match_referrals, not_published
from search.text import (
    FUNCTION_WORDS,
    clean_query,
    fold,
    phrase_at,
    phrase_in,
    query_codes,
    snippet,
    snippet_text,
    strip_stop_phrases,
    typed_words,
    words,
)

PER_PAGE = 10
AUTOCOMPLETE_SIZE = 8
# The first results are re-ordered by title match (see rerank).
RERANK_WINDOW = 50
MAX_PAGE = 100


@dataclass
class SearchParams:
    query: str = ""
    kind: str = ""
    field: str = ""
    page: int = 1
    autocomplete: bool = False
    #: Every commune of the province (``scope=tinh``), not only the host's.
    province: bool = False


@dataclass
class Hit:
    """One result, as plain values: kept answers are shared between processes (search/cache.py)."""

    page_id: int
    type_label: str  # the page type's own (singular) name: "Thủ tục hành chính", "Trang"
    kind: str
    kind_label: str
    title: str
    url: str
    code: str = ""
    field: str = ""
    field_slug: str = ""
    snippet: str = ""
    promoted: bool = False

    def as_json(self):
        return {
            "title": self.title,
            "url": self.url,
            "kind": self.kind,
            "code": self.code,
            "field": self.field,
            "snippet": str(self.snippet),
            "promoted": self.promoted,
        }


@dataclass
class Outcome:
    params: SearchParams
    total: int = 0
    results: list = field(default_factory=list)
    facets: dict = field(default_factory=lambda: {"kind": [], "field": []})
    pages: int = 0
    suggestion: str = ""
    terms: list = field(default_factory=list)
    referrals: list = field(default_factory=list)  # search.models.Referral: "not done here, go there"
    contacts: list = field(default_factory=list)  # the offices' contact details a contact question asks for
    life_events: list = field(default_factory=list)  # {id, title, url, intro} of the life events the query names
    missing: list = field(default_factory=list)  # words of the query no page in scope has ("karaoke")
    loose: list = field(default_factory=list)  # the query's subject words no first result's name has (loose_words)

    def as_json(self):
        return {
            "query": self.params.query,
            "total": self.total,
            "page": self.params.page,
            "pages": self.pages,
            "results": [hit.as_json() for hit in self.results],
            "facets": self.facets,
            "suggestion": self.suggestion,
            "life_events": [{"title": event["title"], "url": event["url"]} for event in self.life_events],
            "missing": self.missing,
            "loose": self.loose,
            "referrals": [
                {"title": referral.title, "message": referral.message, "url": referral.url}
                for referral in self.referrals
            ],
            "contacts": [
                {key: place[key] for key in ("name", "address", "phone", "email", "map_href", "hours", "notes")}
                for place in self.contacts
            ],
        }


# --- Editor-managed data, cached -------------------------------------------


def clear_caches(**kwargs):
    """Something search shows changed: every process starts afresh (search/cache.py)."""
    search_cache.bump()


def synonym_rules():
    return search_cache.kept("synonyms", SearchSynonym.objects.rules)


def _synonyms_by_first_word():
    """{first folded word of a term: [(rule position, term, alternatives)]}: a query is matched against
    the rules that start with one of its words, not against every rule."""

    def build():
        index = {}
        for position, (term, alternatives) in enumerate(synonym_rules()):
            index.setdefault(term[0], []).append((position, term, alternatives))
        return index

    return search_cache.kept("synonyms-by-first-word", build)


def promotions():
    """{folded query: [page ids in editor order]}."""

    def build():
        promoted = {}
        for pick in SearchPromotion.objects.filter(page__isnull=False).select_related("query").order_by("sort_order"):
            promoted.setdefault(" ".join(words(pick.query.query_string)), []).append(pick.page_id)
        return promoted

    return search_cache.kept("promotions", build)


@dataclass
class Lexicon:
    """The words pages are found by, built once per process and version."""

    spellings: dict  # {folded word: its most common spelling}, most common first
    by_initial: dict  # {first letter: [folded words, most common first]}
    title_df: Counter  # {folded word: how many live page titles use it}
    titles: int  # how many live page titles there are
    title_pairs: set  # {"word next"}: folded words that follow each other in a title

    def weight(self, word):
        """How much finding ``word`` in a title says (inverse title frequency): 'khai' and 'sinh' say
        more than 'cap' or 'giay', which half the titles use. A word no title uses weighs the most."""
        return self._weight(self.title_df.get(word, 0))

    def weight_at_share(self, share):
        """The weight of a word that ``share`` of the titles use."""
        return self._weight(share * self.titles)

    def _weight(self, count):
        return math.log(1 + (self.titles + 1) / (count + 1))


def _vocabulary_entry():
    """The vocabulary (thousands of words, about 0.4 s to build for 10,000 procedures), once per change."""
    return search_cache.kept("lexicon", _build_vocabulary)


def vocabulary():
    """{folded word: its most common spelling} from the words pages are found by:
    live public page titles, fields of activity, required documents and the
    editors' synonym terms. Typo correction and "did you mean" draw on it."""
    return _vocabulary_entry().spellings


def _build_vocabulary():
    from procedures.models import FieldOfActivity, ProcedureDocument

    titles = Page.objects.live().public().filter(depth__gt=1).values_list("title", flat=True)
    sources = [
        FieldOfActivity.objects.values_list("name", flat=True),
        ProcedureDocument.objects.filter(page__live=True).values_list("name", flat=True),
        SearchSynonym.objects.filter(active=True).values_list("term", flat=True),
    ]
    spellings, title_df, pairs, count = Counter(), Counter(), set(), 0
    for title in titles.iterator():
        found = re.findall(r"\w+", title.lower())
        spellings.update(found)
        folded = [fold(word) for word in found]
        title_df.update(set(folded))
        pairs.update(f"{first} {second}" for first, second in zip(folded, folded[1:], strict=False))
        count += 1
    for source in sources:
        for text in source.iterator():
            spellings.update(re.findall(r"\w+", text.lower()))
    vocab = {}
    for word, _count in spellings.most_common():
        vocab.setdefault(fold(word), word)
    by_initial = {}
    for word in vocab:  # most common first
        by_initial.setdefault(word[:1], []).append(word)
    return Lexicon(vocab, by_initial, title_df, count, pairs)


# --- Query building ----------------------------------------------------------


@dataclass
class PreparedQuery:
    core: list  # folded words that matter
    alternatives: list  # folded phrases from synonyms
    codes: list
    corrected: list = field(default_factory=list)  # core with typos corrected, if any
    completions: list = field(default_factory=list)  # core with the last word completed
    synonyms: list = field(default_factory=list)  # [(folded term words, [folded alternatives])] found in the query
    lexicon: "Lexicon | None" = None
    accented: dict = field(default_factory=dict)  # {folded word: {its marks as typed}}, words typed with accents

    @property
    def text(self):
        return " ".join(self.core)

    @property
    def phrases(self):
        """The query, its corrected spelling and its synonyms, as folded phrases."""
        phrases = [self.text]
        if self.corrected:
            phrases.append(" ".join(self.corrected))
        phrases += [" ".join(words) for words in self.completions]
        return [*phrases, *self.alternatives]

    @property
    def terms(self):
        return list(dict.fromkeys(word for phrase in self.phrases for word in phrase.split()))

    @cached_property
    def synonym_sets(self):
        """[(term, " term text ", [(alternative words, their set)])]: the synonyms as ``title_match``
        compares them.
        Titles lose their question words ("ở"), so the alternatives do too ("bán nhà ở cũ …")."""
        return [
            (term, f" {' '.join(term)} ", [_alternative_words(alt) for alt in alts]) for term, alts in self.synonyms
        ]

    @property
    def only_codes(self):
        return bool(self.codes) and all(word in self.codes or word.isdigit() for word in self.core)


def _alternative_words(alternative):
    """A synonym's alternative as ``title_match`` compares it: (its words in order, their set)."""
    kept = tuple(strip_stop_phrases(alternative.split()))
    return kept, frozenset(kept)


# Vietnamese writes some syllables with i or y alike ("kí"/"ký", "lí"/"lý", "qui"/"quy"): a consonant
# (or "qu") followed by a final i/y. "thuy" or "tay" are other words and keep their letter.
_I_Y = re.compile(r"^(qu|[bcdghklmnpqrstvx]+)([iy])$")


def _i_y_variant(word):
    match = _I_Y.match(word)
    if not match:
        return ""
    return match.group(1) + ("y" if match.group(2) == "i" else "i")


def correct_typos(core, lexicon):
    """Replace words no page uses by the closest word that one does, with the
    same first letter (as the engine's fuzzy matching) and a similar length;
    among equally close words, one that titles use next to its neighbours
    ("tam vng" -> "tam vang", not the more common "vung"). A syllable spelled
    with i where pages write y (or the other way) takes the pages' spelling.

    The last word is left alone when it starts a known word (still typing).
    """
    if not lexicon or not lexicon.spellings:
        return []
    vocab, by_initial, pairs = lexicon.spellings, lexicon.by_initial, lexicon.title_pairs
    corrected, changed = [], False
    for position, word in enumerate(core):
        variant = _i_y_variant(word)
        if word not in vocab and variant in vocab:
            corrected.append(variant)
            changed = True
            continue
        candidates = by_initial.get(word[:1], [])
        typing = position == len(core) - 1 and any(known.startswith(word) for known in candidates)
        if word in vocab or len(word) < 3 or any(char.isdigit() for char in word) or typing:
            corrected.append(word)
            continue
        similar = [known for known in candidates if abs(len(known) - len(word)) <= 2]
        close = difflib.get_close_matches(word, similar, n=5, cutoff=0.75)
        if close:
            before = corrected[-1] if corrected else ""
            after = core[position + 1] if position + 1 < len(core) else ""
            best = difflib.SequenceMatcher(None, word, close[0]).ratio()
            tied = [known for known in close if difflib.SequenceMatcher(None, word, known).ratio() == best]
            fits = [known for known in tied if f"{before} {known}" in pairs or f"{known} {after}" in pairs]
            corrected.append((fits or tied)[0])
            changed = True
        else:
            corrected.append(word)
    return corrected if changed else []


def complete_last_word(core, lexicon, limit=3):
    """The query with its last word completed to the most common words that
    start with it ("khai si" -> "khai sinh"): prefix matching that works the
    same on every backend. A last word that titles use right after the word
    before it ("khai tu") is taken as finished; completions that titles use
    after that word come first."""
    if not lexicon or not core or core[-1].isdigit():
        return []
    last = core[-1]
    previous = core[-2] if len(core) > 1 else ""
    if len(last) < 2 and not previous:
        return []  # one letter on its own says too little
    if previous and last in lexicon.spellings and f"{previous} {last}" in lexicon.title_pairs:
        return []
    starting = [word for word in lexicon.by_initial.get(last[:1], []) if word != last and word.startswith(last)]
    if previous:
        starting.sort(key=lambda word: f"{previous} {word}" not in lexicon.title_pairs)  # stable: common first
        if len(last) < 2:
            # One letter: only words that titles use after the word before ("khai s" -> "khai sinh").
            starting = [word for word in starting if f"{previous} {word}" in lexicon.title_pairs]
    return [[*core[:-1], word] for word in starting[:limit]]


def prepare(query):
    folded = words(query)
    core = strip_stop_phrases(folded, typed_words(query))
    alternatives, synonyms = [], []
    by_first_word, found = _synonyms_by_first_word(), {}
    for start, word in enumerate(folded):
        for position, term, alts in by_first_word.get(word, ()):
            if phrase_at(folded, start, term):
                found[position] = (term, alts)
    for position in sorted(found):  # in the editors' order, as before
        term, alts = found[position]
        alternatives.extend(alt for alt in alts if alt not in alternatives)
        synonyms.append((term, alts))
    codes = query_codes(query)
    lexicon = None if codes else _vocabulary_entry()
    return PreparedQuery(
        core,
        alternatives,
        codes,
        correct_typos(core, lexicon),
        complete_last_word(core, lexicon),
        synonyms=synonyms,
        lexicon=lexicon,
        accented=_typed_accents(query),
    )


@lru_cache(maxsize=20000)
def _accent_marks(word):
    """A word's tone and vowel marks, wherever they sit ("hoà" and "hòa" are one word), and its "đ"."""
    marks = "".join(sorted(char for char in unicodedata.normalize("NFD", word) if unicodedata.combining(char)))
    return marks + ("đ" if "đ" in word else "")


@lru_cache(maxsize=20000)
def _marks_by_word(text):
    """{folded word: {the marks of the text's spellings of it}} ("" for a spelling without accents)."""
    marks = {}
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", text.lower())):
        marks.setdefault(fold(word), set()).add(_accent_marks(word))
    return marks


def _typed_accents(query):
    """{folded word: {its marks as typed}} for the query's words typed with accents."""
    typed = {word: {mark for mark in marks if mark} for word, marks in _marks_by_word(query).items()}
    return {word: marks for word, marks in typed.items() if marks}


PAIR_WEIGHT = 0.3


@dataclass
class TitleMatch:
    """How well a title answers the query: the share of the query's weight it covers,
    the query's word pairs it has side by side, and its words the query does not use."""

    coverage: float
    pairs: int
    extra: int
    pair_share: float = 0.0  # pairs / the query's pairs

    def score(self):
        """Words found, plus the query's word pairs found side by side (a long title shares words with
        many queries by chance, rarely their pairs), less the cost of a very long title."""
        return self.coverage + PAIR_WEIGHT * self.pair_share - long_title_cost(self.extra)

    def key(self):
        # The score in steps of 5 %; then the shorter title.
        return (-round(self.score() * 20), self.extra)


# A title with more than LONG_TITLE_FREE words the query does not use ranks lower by LONG_TITLE_STEP per
# word, up to LONG_TITLE_MAX: such titles (a tax declaration "... sau thuế còn lại sau khi trích lập các
# quỹ ...") share a few words with almost any story by chance.
LONG_TITLE_FREE = 16
LONG_TITLE_MAX = 0.2
LONG_TITLE_STEP = LONG_TITLE_MAX / 30


def long_title_cost(extra):
    return min(LONG_TITLE_MAX, LONG_TITLE_STEP * max(0, extra - LONG_TITLE_FREE))


FUNCTION_WORD_WEIGHT = 0.25  # "em", "cho", "được" count this much of their rarity in a title


def _query_words(prepared):
    """[(weight, spellings that count as finding it, may be unfinished)] for each word of the query."""
    lexicon = prepared.lexicon
    found = []
    for position, word in enumerate(prepared.core):
        spellings = {word}
        if prepared.corrected:
            spellings.add(prepared.corrected[position])
        variant = _i_y_variant(word)
        if variant:
            spellings.add(variant)
        weight = min(lexicon.weight(spelling) for spelling in spellings) if lexicon else 1.0
        if word in FUNCTION_WORDS:
            weight *= FUNCTION_WORD_WEIGHT
        last = position == len(prepared.core) - 1
        found.append((weight, spellings, last))
    return found


def _word_pairs(query_words):
    """For each pair of neighbouring query words, the ways it can be written side by side (" a b ")."""
    return [
        [f" {a} {b} " for a in first for b in second]
        for (_w1, first, _l1), (_w2, second, _l2) in zip(query_words, query_words[1:], strict=False)
    ]


@lru_cache(maxsize=20000)
def _title_words(title):
    """A title's words without question words, as a set and as " spaced text " (titles repeat from
    search to search: read once)."""
    title_words = strip_stop_phrases(words(title), typed_words(title))
    return frozenset(title_words), " " + " ".join(title_words) + " "


def _has_alternative(alternative, title_set, title_text):
    """Whether a title has a synonym's alternative as a phrase: its words in order, near each other
    (``phrase_in``). "Khai thuế … thu nhập từ chuyển nhượng" has the words of "khai tử", not the phrase."""
    words_in_order, word_set = alternative
    return word_set <= title_set and phrase_in(words_in_order, title_text.split())


def _other_accents(present, prepared, title):
    """Whether the query typed these words with accents and the title has them only with other accents:
    "bố" (father) is not "bổ" (in "bổ sung"), "tủ" is not "tử". A word typed without accents matches
    every spelling, and "hoà" is "hòa" (marks compared wherever they sit)."""
    typed = set().union(*(prepared.accented.get(word, ()) for word in present))
    if not typed:
        return False
    in_title = _marks_by_word(title)
    return not typed & set().union(*(in_title.get(word, ()) for word in present))


def title_match(title, prepared, query_words=None, word_pairs=None, found=None):
    """Score one title against the query (see ``TitleMatch``).

    A query word counts as found when the title has it (its corrected
    spelling, its i/y variant, or, for the last word, a word it starts), or
    when the title has one of the synonyms of a phrase the word belongs to,
    its words in order and near each other ("sổ đỏ" is found in a title with
    "giấy chứng nhận quyền sử dụng đất"). A word typed with accents is not found in a title that has it
    only with other accents (``_other_accents``). Words weigh by how rare they
    are in titles. ``found``, a set, receives the positions of the query words the title has.
    """
    if query_words is None:
        query_words = _query_words(prepared)
    if word_pairs is None:
        word_pairs = _word_pairs(query_words)
    title_set, title_text = _title_words(title)
    covered, in_phrases = set(), set()
    for term, term_text, alternatives in prepared.synonym_sets:
        in_phrases.update(term)
        if term_text in title_text or any(_has_alternative(alt, title_set, title_text) for alt in alternatives):
            covered.update(term)
    total = hit = 0.0
    used = set()
    for position, (weight, spellings, last) in enumerate(query_words):
        total += weight
        # A word of a known phrase ("báo tử") counts only with its phrase: "tử" alone is another word.
        present = set() if spellings & in_phrases else spellings & title_set
        if not present and last and len(prepared.core[-1]) >= 2:
            starts = tuple(spellings)
            present = {word for word in title_set if word.startswith(starts)}
        if present and not spellings & covered and _other_accents(present, prepared, title):
            present = set()
        if present or spellings & covered:
            hit += weight
            used |= present
            if found is not None:
                found.add(position)
    pairs = sum(1 for ways in word_pairs if any(way in title_text for way in ways))
    possible = max(1, len(query_words) - 1)
    return TitleMatch(hit / total if total else 0.0, pairs, len(title_set - used), pairs / possible)


# A procedure of a life event the query names ("có con mới sinh") ranks as if its title covered this much
# more of the query, the event's first procedure most (the order editors gave).
EVENT_BONUS = 0.15
EVENT_STEP = 0.024999999999999998


# Titles that undo something ("Chấm dứt hoạt động hộ kinh doanh", "Thôi làm hòa giải viên", "Xóa đăng ký
# thường trú") rank one step lower unless the query asks to undo: people mostly come to start something.
UNDOING = ("cham dut", "thoi", "thu hoi", "xoa", "huy", "tam ngung", "giai the", "tra lai")
UNDOING_STEP = 0.05


@lru_cache(maxsize=20000)
def _undoing_verbs(title):
    """The undoing verbs ``title`` starts with (after "Thủ tục"), read once per title."""
    title_words = words(title)
    if title_words[:2] == ["thu", "tuc"]:
        title_words = title_words[2:]
    start = " ".join(title_words[:2]) + " "
    return tuple(verb for verb in UNDOING if start.startswith(f"{verb} "))


def _undoes(title, asked):
    """Whether ``title`` starts with an undoing verb that ``asked`` (" folded query and synonyms ") lacks."""
    return any(f" {verb} " not in asked for verb in _undoing_verbs(title))


def rerank(pages, prepared, events=()):
    """Order the engine's first results by how well their titles answer the
    query (and the life events the query names), then by the engine's own
    rank: the same rule on every backend."""
    query_words = _query_words(prepared)
    word_pairs = _word_pairs(query_words)
    asked = " " + " ".join([*prepared.phrases]) + " "
    bonus = {}
    for _event, ids in events:
        for position, pk in enumerate(ids):
            bonus[pk] = max(bonus.get(pk, 0.0), EVENT_BONUS - EVENT_STEP * min(position, 5))

    def key(item):
        rank, page = item
        match = title_match(page.title, prepared, query_words, word_pairs)
        score = match.score() + bonus.get(page.pk, 0.0)
        if _undoes(page.title, asked):
            score -= UNDOING_STEP
        return (-round(score * 20), match.extra, rank)

    return [page for _rank, page in sorted(enumerate(pages), key=key)]


def engine_supports_fuzzy(backend):
    """Elasticsearch/OpenSearch (``supports_fuzzy`` on the tuned backends): phrase and fuzzy queries."""
    return getattr(backend, "supports_fuzzy", False)


# Matching: a page matches when it has enough of the query's meaningful parts, not necessarily all of them
# ("minimum should match"), so one extra everyday word never makes a query fail.
COMMON_SHARE = 0.2  # a word in more than this share of titles ("cấp", "giấy", "đăng ký") is never required
COMMON_MIN_TITLES = 50  # ...in a catalogue big enough for shares to mean something
MAX_REQUIRED = 8  # a long query: two of its eight rarest parts (the others still rank)


@dataclass
class Unit:
    """One meaningful part of the query: a word (with its other spellings) or a phrase with synonyms."""

    spellings: list  # folded phrases, any of which counts
    weight: float
    required: bool
    phrase: bool = False  # a synonym phrase of several of the query's words

    def node(self):
        nodes = [PlainText(spelling, operator="and") for spelling in self.spellings]
        return nodes[0] if len(nodes) == 1 else Or(nodes)


def match_units(prepared):
    """The query's parts: each synonym phrase found in it (with its alternatives), then each other word.

    A word is required unless no page is known to use it (an everyday word or a
    word only long texts use), or so many titles use it that it tells nothing.
    """
    lexicon = prepared.lexicon
    known = lexicon.spellings if lexicon else {}
    units, in_synonyms = [], set()
    for term, alternatives in prepared.synonyms:
        core_words = [word for word in term if word in prepared.core]
        if not core_words:
            continue
        weight = max(lexicon.weight(word) for word in core_words) if lexicon else 1.0
        units.append(Unit([" ".join(term), *alternatives], weight, True, phrase=len(core_words) > 1))
        in_synonyms.update(term)
    last = len(prepared.core) - 1
    for position, word in enumerate(prepared.core):
        if word in in_synonyms:
            continue
        spellings = [word]
        if prepared.corrected and prepared.corrected[position] != word:
            spellings.append(prepared.corrected[position])
        variant = _i_y_variant(word)
        if variant:
            spellings.append(variant)
        if position == last:
            spellings += [completion[-1] for completion in prepared.completions]
        spellings = list(dict.fromkeys(spellings))
        if not lexicon:
            units.append(Unit(spellings, 1.0, True))
            continue
        weight = min(lexicon.weight(spelling) for spelling in spellings)
        is_known = any(spelling in known for spelling in spellings) or (position == last and len(spellings) > 1)
        if len(spellings) == 1 and len(word) == 1 and not word.isdigit():
            is_known = False  # a letter nothing completes: a stray key
        units.append(Unit(spellings, weight, (is_known and word not in FUNCTION_WORDS) or word.isdigit()))
    # Words most titles use tell little: required only when nothing rarer is ("đăng ký" in "đăng ký khai sinh").
    if lexicon and lexicon.titles >= COMMON_MIN_TITLES:
        common = [unit for unit in units if unit.required and unit.weight < lexicon.weight_at_share(COMMON_SHARE)]
        if len(common) < sum(unit.required for unit in units):
            for unit in common:
                unit.required = False
    return units


def minimum_match(units, strict=False):
    """Pages with all the required parts (one or two of them), all but one (three or four), any two (more):
    an ``AtLeast`` node (search/query.py) that engines run as it is and database backends expand."""
    required = sorted((unit for unit in units if unit.required), key=lambda unit: -unit.weight)
    # A phrase of the vocabulary names a thing as two rare words do: it is a lead on its own, in a story
    # ("đăng ký kinh doanh" in "bán tạp hóa nhỏ ở nhà có phải đăng ký kinh doanh không") as in a short
    # query whose other words the page need not have ("mất giấy thông hành" in "mất giấy thông hành đi
    # Trung Quốc": the page on reporting the lost pass never names the country), even when a long story's
    # rarer words leave it out of the eight.
    leads = [unit.node() for unit in required if unit.phrase]
    if len(required) > 4:
        required = required[:MAX_REQUIRED]
    if not required:
        # Only everyday or very common words: any of them, the ranking sorts it out.
        return Or([unit.node() for unit in units]) if len(units) > 1 else units[0].node()
    # Short queries name the procedure: all their parts but one. Long ones tell a story in which any
    # two rare words are a lead; the ranking by title then picks the best of those.
    misses = 0 if strict or len(required) <= 2 else 1 if len(required) <= 4 else len(required) - 2
    if len(required) == 1:
        return required[0].node()
    match = AtLeast([unit.node() for unit in required], len(required) - misses)
    return Or([match, *leads]) if leads else match


def build_query(prepared, backend, strict=False):
    """The engine query: pages with enough of the query's parts (``minimum_match``), ranked by the
    engine (bm25 over the weighted fields); ``rerank`` then orders the first of them by their titles.
    On Elasticsearch/OpenSearch the whole query as a phrase counts double."""
    units = match_units(prepared)
    if not units:
        return PlainText(prepared.text, operator="and")
    match = minimum_match(units, strict)
    if not engine_supports_fuzzy(backend):
        match = expand(match)
    if engine_supports_fuzzy(backend) and len(prepared.core) > 1:
        return Or([match, Boost(Phrase(prepared.text), 2)])
    return match


# --- Querysets ---------------------------------------------------------------


def private_sections():
    """[(path, depth)] of the pages with a view restriction (password, login, groups): Wagtail's
    ``public()`` reads them at every call, several times a search; here once per change."""
    from wagtail.models import PageViewRestriction

    return search_cache.kept(
        "private", lambda: list(PageViewRestriction.objects.values_list("page__path", "page__depth"))
    )


def all_fields():
    """{pk: FieldOfActivity}: a few dozen rows that names and facets need at every search."""
    from procedures.models import FieldOfActivity

    return search_cache.kept("fields", FieldOfActivity.objects.in_bulk)


def visible_pages(model=Page, site=None):
    """Live, public pages (never the tree root), optionally of one site: a commune's site shows its own
    pages and the shared catalogue's procedures it does not hide (``procedures/catalogues.py``)."""
    queryset = model.objects.live().filter(depth__gt=1)
    private = Q()
    for path, depth in private_sections():
        private |= Q(path__startswith=path, depth__gte=depth)
    if private:
        queryset = queryset.exclude(private)
    if site is not None:
        queryset = catalogues.shown_in(queryset, site)
    return queryset


def _kind_filter(queryset, kind):
    registry = search_kinds.registry()
    if not kind or kind not in registry:
        return queryset
    if kind == search_kinds.DEFAULT_KIND:
        declared = search_kinds.declared_models()
        return queryset.not_type(*declared) if declared else queryset
    return queryset.type(*registry[kind].models)


def _field_id(slug):
    """The pk of the field of activity with this slug, or None (from ``all_fields``: no query)."""
    return next((pk for pk, field_obj in all_fields().items() if field_obj.slug == slug), None)


def scoped(site=None, kind="", field=""):
    """Visible pages of a kind and a field of activity, or None if none can be.

    A field filter uses the indexed ``field_id`` of the page type that has
    one (the engine filters it, no id lists); several such types in scope
    fall back to a list of their page ids.
    """
    if not field:
        return _kind_filter(visible_pages(site=site), kind)
    field_id = _field_id(field)
    models = [model for model in search_kinds.field_models() if not kind or search_kinds.kind_of_model(model) == kind]
    if field_id is None or not models:
        return None
    if len(models) == 1:
        return visible_pages(models[0], site).filter(field_id=field_id)
    ids = [
        pk
        for model in models
        for pk in visible_pages(model, site).filter(field_id=field_id).values_list("pk", flat=True)
    ]
    return visible_pages(site=site).filter(pk__in=ids)


# --- The search --------------------------------------------------------------


def _pinned(prepared, params, site):
    """Exact code matches, then editors' promoted results, for this query."""
    ids = []
    if prepared.codes:
        for model in search_kinds.declared_models():
            if any(f.field_name == "code" for f in model.get_filterable_search_fields()):
                ids += list(visible_pages(model, site).filter(code__in=prepared.codes).values_list("pk", flat=True))
    ids += promotions().get(" ".join(words(params.query)), [])
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    queryset = scoped(site, params.kind, params.field)
    if queryset is None:
        return []
    by_id = {page.pk: page for page in queryset.filter(pk__in=ids).specific()}
    return [by_id[pk] for pk in ids if pk in by_id]


class HitFact(NamedTuple):
    """What a result shows of a page before the query's words are marked in it, kept for later
    searches in the same language and for the same site (``_hit_facts``)."""

    pk: int
    model: type
    title: str
    url: str
    code: str
    field_id: int | None
    source: tuple[str, str]  # the text the snippet is cut from (snippet_source), as snippet_text gives it


def _hit_facts(pages, request):
    """The HitFacts of ``pages``, in order. Kept ones come from memory (search/cache.py: anything that
    changes a result starts a new generation, as for the kept answers); the others are read, one query
    per page type (the content type is known already), with what their snippets need (``_prefetch``)."""
    site = Site.find_for_request(request) if request is not None else None
    context = (get_language(), site.pk if site else None)
    by_pk = {page.pk: page for page in pages}

    def build(keys):
        wanted = [by_pk[pk] for pk, *_context in keys]
        complete = [page for page in wanted if type(page) is _model_of(page) and not page.get_deferred_fields()]
        complete_pks = {page.pk for page in complete}
        by_model = {}
        for page in wanted:
            if page.pk not in complete_pks:
                by_model.setdefault(_model_of(page), []).append(page.pk)
        read = [page for model, pks in by_model.items() for page in model.objects.filter(pk__in=pks)]
        _prefetch(read + complete)
        return {
            (page.pk, *context): HitFact(
                page.pk,
                type(page),
                page.title,
                page.get_url(request=request) or "",
                getattr(page, "code", "") or "",
                getattr(page, "field_id", None),
                snippet_text(snippet_source(page)),
            )
            for page in [*complete, *read]
        }

    facts = search_cache.kept_each("hit facts", [(page.pk, *context) for page in pages], build)
    return [facts[key] for key in ((page.pk, *context) for page in pages) if key in facts]


def _prefetch(pages):
    """What each page type's snippet needs, in one query per type: the type's
    ``prepare_search_results(pages)`` classmethod, if it has one."""
    by_model = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        prepare = getattr(model, "prepare_search_results", None)
        if callable(prepare):
            prepare(group)


def _field_names(facts):
    if not any(fact.field_id for fact in facts):
        return {}
    return all_fields()


def snippet_source(page):
    method = getattr(page, "search_snippet_text", None)
    if callable(method):
        text = method()
        if text:
            return text
    if page.search_description:
        return page.search_description
    for attribute in search_kinds.SNIPPET_ATTRIBUTES:
        value = getattr(page, attribute, None)
        if value:
            return strip_tags(str(value))
    return ""


def _hits(facts, terms, promoted_ids=()):
    registry = search_kinds.registry()
    fields = _field_names(facts)
    hits = []
    for fact in facts:
        kind = search_kinds.kind_of_model(fact.model)
        field_obj = fields.get(fact.field_id)
        hits.append(
            Hit(
                page_id=fact.pk,
                type_label=str(fact.model._meta.verbose_name),
                kind=kind,
                kind_label=str(registry[kind].label) if kind in registry else kind,
                title=fact.title,
                url=fact.url,
                code=fact.code,
                field=field_obj.name if field_obj else "",
                field_slug=field_obj.slug if field_obj else "",
                snippet=snippet(None, terms, prepared=fact.source),
                promoted=fact.pk in promoted_ids,
            )
        )
    return hits


def _model_of(page):
    return ContentType.objects.get_for_id(page.content_type_id).model_class() or Page


class PageFact(NamedTuple):
    """What search needs of a live page before it reads the page itself: the facets count kinds and
    fields, and ``rerank`` orders a window of these by their titles."""

    kind: str
    field_id: int | None
    title: str
    content_type_id: int
    pk: int


def page_facts():
    """{page id: PageFact} of every live page, kept until something search shows changes
    (search/cache.py): the facets of a known set of matches, and the titles the ranking reads, need no
    query."""

    def build():
        facts = {}
        rows = Page.objects.live().filter(depth__gt=1).values_list("pk", "content_type_id", "title")
        for pk, content_type_id, title in rows:
            model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
            kind = search_kinds.kind_of_model(model)
            facts[pk] = PageFact(kind, None, title, content_type_id, pk)
        for model in search_kinds.field_models():
            for pk, field_id in model.objects.live().filter(field__isnull=False).values_list("pk", "field_id"):
                if pk in facts:
                    facts[pk] = facts[pk]._replace(field_id=field_id)
        return facts

    return search_cache.kept("page_facts", build)


def _candidates(ids):
    """The pages of ``ids`` (already checked against the scope) as their kept facts, in order."""
    facts = page_facts()
    return [facts[pk] for pk in ids if pk in facts]


def _facets_of(ids, params, pinned):
    """The facet counts when every match is known (no kind or field filter): counted from
    ``page_facts`` instead of the engine's count queries."""
    facts = page_facts()
    kind_counts, field_counts = Counter(), Counter()
    for pk in ids:
        fact = facts.get(pk)
        kind, field_id = (fact.kind, fact.field_id) if fact else (search_kinds.DEFAULT_KIND, None)
        kind_counts[kind] += 1
        if field_id is not None:
            field_counts[field_id] += 1
    return _facet_lists(kind_counts, field_counts, params, pinned)


def _matching_ids(results):
    """Every match's pk when the backend has them at hand (the SQLite database backend), or None."""
    method = getattr(results, "matching_ids", None)
    return method() if callable(method) else None


def _engine_first(results, queryset, query, params, site, pinned_ids):
    """Elasticsearch/OpenSearch: the first results, the best matches by title not among them, the
    number of matches and the facets' counts in one request to the engine (``first_with_facets``,
    search/backends/engines.py) and one query for the titles. Returns ``(window, facets)`` where
    ``facets(pinned)`` gives the facets and the number of matches; None on other backends."""
    method = getattr(results, "first_with_facets", None)
    if not callable(method):
        return None
    titles = (queryset.search(query, fields=["title"]), 2 * RERANK_WINDOW, ())
    if params.kind or params.field:
        searches = _facet_searches(params, site, pinned_ids)
        # Each facet counts its own search (all the filters but its own): one more body each.
        others = [
            titles,
            *(
                (found.search(query), 0, [(str(index), *facet)] if facet else [])
                for index, (_key, found, facet) in enumerate(searches)
            ),
        ]
        (ids, total, _counts), (title_answer, *facet_answers) = method(RERANK_WINDOW, others=others)
        answers = [
            (found_total, counts.get(str(index), {})) for index, (_ids, found_total, counts) in enumerate(facet_answers)
        ]
    else:
        # The facets' searches find what this one finds: its own counts answer them (no querysets).
        searches = [(key, None, facet) for key, facet in _facet_keys(params)]
        facets = [(str(index), *facet) for index, (_key, _found, facet) in enumerate(searches)]
        (ids, total, counts), (title_answer,) = method(RERANK_WINDOW, facets=facets, others=[titles])
        answers = [(total, counts.get(str(index), {})) for index in range(len(searches))]
    if len(ids) == RERANK_WINDOW:
        # As the database path does: the best matches by name join the first results.
        seen = set(ids)
        ids += [pk for pk in title_answer[0] if pk not in seen][:RERANK_WINDOW]
    # The engine's index can lag behind the database: only what the scope still holds, as kept facts.
    present = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    window = _candidates([pk for pk in ids if pk in present])

    def facets_of(pinned):
        facets, matched = _count_facets(searches, answers, params, pinned)
        return facets, total if matched is None else matched

    return window, facets_of


def _facet_keys(params):
    """``[(key, facet)]`` of the searches whose counts make the facets: per kind (all filters but the
    kind), the kind's whole count (``("kind", key)``, facet None) or, with no field filter, one search
    counted by page type (``("kinds",)``); per page type with a field of activity, its matches counted
    by field (``("field", model)``, all filters but the field)."""
    registry = search_kinds.registry()
    keys = []
    if params.field:
        keys += [(("kind", key), None) for key, kind in registry.items() if kind.field_models]
    else:
        keys.append((("kinds",), (Page, "content_type_id")))
    for kind in registry.values():
        if not params.kind or params.kind == kind.key:
            keys += [(("field", model), (model, "field_id")) for model in kind.field_models]
    return keys


def _facet_searches(params, site, pinned_ids):
    """The searches of ``_facet_keys`` with their querysets, ``[(key, queryset, facet)]`` (a kind
    that no page of the field can be is left out)."""
    searches = []
    for key, facet in _facet_keys(params):
        if key[0] == "kind":
            queryset = scoped(site, key[1], params.field)
        elif key[0] == "kinds":
            queryset = scoped(site)
        else:
            queryset = visible_pages(key[1], site)
        if queryset is not None:
            searches.append((key, queryset.exclude(pk__in=pinned_ids), facet))
    return searches


def _count_facets(searches, answers, params, pinned):
    """The facets from each facet search's ``(number of matches, {value: count})``."""
    kind_counts, field_counts = Counter(), Counter()
    for (key, _queryset, _facet), (total, counts) in zip(searches, answers, strict=True):
        if key[0] == "kind":
            kind_counts[key[1]] += total
        elif key[0] == "kinds":
            for content_type_id, count in counts.items():
                model = ContentType.objects.get_for_id(content_type_id).model_class()
                kind_counts[search_kinds.kind_of_model(model)] += count
        else:
            for field_id, count in counts.items():
                if field_id is not None:
                    field_counts[field_id] += count
    return _facet_lists(kind_counts, field_counts, params, pinned)


def _facets(query, params, site, pinned):
    """Facet counts by kind (all filters but the kind) and by field of activity (all filters but the
    field); pinned pages count too. One count or facet query per search (``_facet_searches``)."""
    searches = _facet_searches(params, site, [page.pk for page in pinned])
    answers = [
        (queryset.search(query).count(), {}) if facet is None else (None, queryset.search(query).facet(facet[1]))
        for _key, queryset, facet in searches
    ]
    return _count_facets(searches, answers, params, pinned)


def _facet_lists(kind_counts, field_counts, params, pinned):
    """The facets as the page and the API show them, pinned pages counted in; and the number of
    matches besides the pinned ones (None when a kind filter makes the kind counts partial)."""
    registry = search_kinds.registry()
    matched = sum(kind_counts.values())
    for page in pinned:
        kind_counts[search_kinds.kind_of(page)] += 1
    for page in pinned:
        if getattr(page, "field_id", None) and (not params.kind or search_kinds.kind_of(page) == params.kind):
            field_counts[page.field_id] += 1

    fields = all_fields() if field_counts else {}
    facets = {
        "kind": [
            {"value": key, "label": str(kind.label), "count": kind_counts[key]}
            for key, kind in registry.items()
            if kind_counts[key] or key == params.kind
        ],
        "field": sorted(
            (
                {"value": fields[pk].slug, "label": fields[pk].name, "count": count}
                for pk, count in field_counts.items()
                if pk in fields
            ),
            key=lambda item: (-item["count"], fold(item["label"])),
        ),
    }
    # Without a kind filter the kind counts add up to the number of matches.
    return facets, (None if params.kind else matched)


MAX_MISSING_CHECKS = 3  # words looked up one by one; a query with more unknown words is rare (and garbled)


def missing_words(query, prepared, queryset):
    """The meaningful words of the query that no page in scope has, as typed ("karaoke" in "giấy phép
    kinh doanh karaoke"): the results then answer the other words only, and the page says so.

    Only words the vocabulary does not know are looked up (titles, fields, documents, synonyms: most
    words are found there with no query); a word with a known spelling correction, a word still being
    typed, a word of a synonym phrase, a number and an everyday word never count as missing.
    """
    lexicon = prepared.lexicon
    if not lexicon or prepared.only_codes:
        return []
    in_synonyms = {word for term, _alternatives in prepared.synonyms for word in term}
    last = len(prepared.core) - 1
    unknown = []
    for position, word in enumerate(prepared.core):
        if word in FUNCTION_WORDS or word in in_synonyms or len(word) < 2 or any(char.isdigit() for char in word):
            continue
        if word in lexicon.spellings or _i_y_variant(word) in lexicon.spellings:
            continue
        if prepared.corrected and prepared.corrected[position] in lexicon.spellings:
            continue
        if position == last and prepared.completions:
            continue
        unknown.append(word)
    unknown = list(dict.fromkeys(unknown))[:MAX_MISSING_CHECKS]
    missing = [word for word in unknown if not queryset.search(PlainText(word)).count()]
    if not missing:
        return []
    typed = {fold(word): word for word in re.findall(r"\w+", query.lower())}
    return [typed.get(word, word) for word in missing]


# Words that name the form of an administrative act, not what it is about ("hồ sơ", "giấy phép", "kết quả",
# "lệ phí", "điều kiện"): any title may share them with a query by chance. "Phê duyệt đề cương, kết quả kiểm
# định an toàn đập" shares "kết quả" with "kết quả xổ số" and answers nothing of it. Phrases compare folded;
# the single words (FORM_WORDS) as typed, when typed with accents: "cấp" is not "cặp", "giấy" not "giày".
FORM_PHRASES = tuple(
    tuple(phrase.split())
    for phrase in (
        *("thu tuc", "ho so", "giay to", "giay phep", "giay chung nhan", "giay xac nhan", "chung nhan"),
        *("xac nhan", "dang ky", "ket qua", "le phi", "dieu kien", "quy dinh", "huong dan", "thong bao"),
        *("quyet dinh", "giai quyet", "thuc hien", "de nghi", "yeu cau", "van ban", "to khai", "mau don"),
        *("thoi han", "thoi gian", "trinh tu", "cap lai", "cap doi"),
    )
)
FORM_WORDS = frozenset(("cấp", "giấy", "đơn", "xin", "nộp"))
FOLDED_FORM_WORDS = frozenset(fold(word) for word in FORM_WORDS)
# FUNCTION_WORDS as spelled: typed with accents, "bán" (to sell) is not "bạn" (you), "đỏ" not "do".
FUNCTION_SPELLINGS = frozenset(
    (
        *("cho", "em", "anh", "chị", "mình", "cháu", "bạn", "này", "do", "được", "không", "thì", "là", "có"),
        *("phải", "như", "ai", "ơi", "ad", "admin", "ah", "nhé", "giùm", "dùm", "ấy", "kia", "rồi"),
    )
)
# Words that join the others ("tại", "của", "theo", "khi"): as typed, with accents only ("tai" may be "tai nạn").
GRAMMAR_WORDS = frozenset(
    (
        *("tại", "trong", "trên", "dưới", "về", "theo", "khi", "sau", "trước", "đến", "từ", "của", "và"),
        *("với", "các", "những", "một", "hoặc", "hay", "bị", "đã", "sẽ", "đang", "nên", "vì", "nếu", "mà"),
        *("để", "thì", "nào", "này", "đó", "vậy", "thế", "mới", "cũng", "rất", "lại", "ra", "vào"),
    )
)


def _typed_spellings(query):
    """{folded word: {its spellings as typed, lower-case}}."""
    typed = {}
    for word, spelled in zip(words(query), typed_words(query), strict=True):
        typed.setdefault(word, set()).add(spelled)
    return typed


def subject_positions(core, typed):
    """The positions of the words of ``core`` that say what the query is about: not a pronoun or
    particle, not a word of a ``FORM_PHRASES`` phrase, not a form or grammar word, not a number. Single
    words compare as typed (``typed``: ``_typed_spellings``)."""
    form = set()
    for start in range(len(core)):
        for phrase in FORM_PHRASES:
            if tuple(core[start : start + len(phrase)]) == phrase:
                form.update(range(start, start + len(phrase)))
    last = len(core) - 1

    def only(word, spelled, folded=frozenset()):
        # Each way the query typed the word is one of ``spelled``, or, typed without accents, of ``folded``.
        return all(spelling in spelled or (spelling == word and word in folded) for spelling in typed.get(word, {word}))

    return {
        position
        for position, word in enumerate(core)
        if position not in form
        and not only(word, FUNCTION_SPELLINGS, FUNCTION_WORDS)
        and not only(word, FORM_WORDS, FOLDED_FORM_WORDS)
        and not only(word, GRAMMAR_WORDS)
        and not word.isdigit()
        and (len(word) >= 2 or position == last)
    }


def _compounds(prepared, subject):
    """{position: [" a b ", …]}: the subject words the query writes next to another subject word as a word
    of two syllables that titles use ("xã hội", "chứng minh", "thửa đất"). For ``loose_words`` such a
    syllable counts only with its pair: "xã" of "nhà ở xã hội" is not "xã" of "hợp tác xã". Words of
    the query's synonym phrases are left out: ``title_match`` counts those only with their phrase already."""
    core, known = prepared.core, prepared.lexicon.title_pairs
    in_phrases = {word for term, _alternatives in prepared.synonyms for word in term}
    compounds = {}
    for position in subject:
        if core[position] in in_phrases:
            continue
        for first, second in ((position - 1, position), (position, position + 1)):
            if first in subject and second in subject and f"{core[first]} {core[second]}" in known:
                compounds.setdefault(position, []).append(f" {core[first]} {core[second]} ")
    return compounds


def loose_words(query, prepared, hits):
    """The words that say what the query is about, as typed, when the first result (the one a citizen
    reads first) has none of them in its name ("xổ số miền bắc" in "kết quả xổ số miền bắc"): it shares
    only form words ("kết quả") or pronouns with the query, and the page says so (what the commune does
    not publish is often not done at the commune). Empty when the first result is an editor's pick."""
    if not hits or hits[0].promoted or not prepared.lexicon or prepared.only_codes:
        return []
    typed = _typed_spellings(query)
    subject = subject_positions(prepared.core, typed)
    if not subject:
        return []
    found = set()
    title_match(hits[0].title, prepared, found=found)
    _title_set, title_text = _title_words(hits[0].title)
    compounds = _compounds(prepared, subject)
    for position in found & subject:
        pairs = compounds.get(position)
        if not pairs or any(pair in title_text for pair in pairs):
            return []
    # Words next to each other are shown together, as a citizen reads them ("xổ số miền bắc").
    runs = []
    for position in sorted(subject):
        spelled = min(typed.get(prepared.core[position], {prepared.core[position]}))
        if runs and runs[-1][0] == position - 1:
            runs[-1] = (position, f"{runs[-1][1]} {spelled}")
        else:
            runs.append((position, spelled))
    return list(dict.fromkeys(text for _position, text in runs))


def suggestion(prepared, first):
    """The corrected query in its usual spelling ("đăng ký khai sinh"), offered only when it finds
    better: the first result's title has the corrected words and not the words as typed."""
    if not prepared.corrected or first is None:
        return ""
    changed = [(typed, fixed) for typed, fixed in zip(prepared.core, prepared.corrected, strict=True) if typed != fixed]
    title_words = set(words(first.title))
    if not all(fixed in title_words for _typed, fixed in changed) or any(typed in title_words for typed, _f in changed):
        return ""
    # Spelled as the first result's title spells them ("chữ ký", not the more common "chủ").
    spelled = {fold(word): word for word in re.findall(r"\w+", first.title.lower())}
    vocab = vocabulary()
    return " ".join(spelled.get(word) or vocab.get(word, word) for word in prepared.corrected)


def _autocomplete(prepared, queryset, backend, pinned, request):
    """Up to ``AUTOCOMPLETE_SIZE`` titles for a query being typed: the same words, spellings,
    synonyms and completions as the search, among titles first, then among whole pages."""
    size = AUTOCOMPLETE_SIZE - len(pinned)
    found = []
    if size > 0 and prepared.core:
        query = build_query(prepared, backend)
        found = rerank(list(queryset.search(query, fields=["title"])[:RERANK_WINDOW]), prepared)[:size]
        if len(found) < size:
            # Pages whose other texts have the words: every required one (a suggestion is a promise).
            seen = {page.pk for page in found}
            strict = build_query(prepared, backend, strict=True)
            found += [page for page in queryset.search(strict)[: size * 2] if page.pk not in seen][: size - len(found)]
    facts = _hit_facts([*pinned, *found][:AUTOCOMPLETE_SIZE], request)
    return _hits(facts, prepared.terms, {page.pk for page in pinned})


def _first(results, size):
    """The first ``size`` matches: their kept facts where the backend gives ranked ids (SQLite), pages
    read for their titles otherwise."""
    ranked_ids = getattr(results, "ranked_ids", None)
    ids = ranked_ids(0, size) if callable(ranked_ids) else None
    return list(results[:size]) if ids is None else _candidates(ids)


def _database_window(results, queryset, query):
    window = _first(results, RERANK_WINDOW)
    if len(window) == RERANK_WINDOW:
        # Long official texts can push a page whose very name answers the query out of the first
        # results: the best matches by name join them (the set of matches, and so the count, stays
        # the same). On SQLite they come from the title scores of the same statement, read from the
        # kept titles; elsewhere from a search of the titles, for pages not at hand yet.
        seen = {page.pk for page in window}
        best_by_title = getattr(results, "best_by_title", None)
        ids = best_by_title(RERANK_WINDOW, seen, _kept_titles(page_facts())) if callable(best_by_title) else None
        if ids is not None:
            window += _candidates(ids)
        else:
            window += _first(queryset.exclude(pk__in=seen).search(query, fields=["title"]), RERANK_WINDOW)
    return window


def _kept_titles(facts, allowed=None):
    """``title_of(pk)`` for ``best_by_title``: the kept title of a page (of ``allowed`` pages only, if
    given), None for a page not kept or not allowed."""

    def title_of(pk):
        fact = facts.get(pk) if allowed is None or pk in allowed else None
        return fact.title if fact else None

    return title_of


class WideMatches(NamedTuple):
    """A filtered search answered from every match of the site (``_wide_matches``)."""

    window: list
    facets: dict
    matched: int


def _wide_matches(query, params, site, pinned):
    """The database backends, with a kind or field filter: one ranked statement over every page of the
    site finds the matches, and the kept page facts (kind, field) filter them and count the facets
    (all filters but the kind, all filters but the field), instead of one full-text statement per
    facet. None on the engines, which count their facets in their one request."""
    wide = scoped(site).exclude(pk__in=[page.pk for page in pinned]).only("id", "title", "content_type_id")
    results = wide.search(query)
    if not callable(getattr(results, "ranked_ids", None)):
        return None
    every_id = results.ranked_ids()
    if every_id is None:
        return None
    facts = page_facts()
    field_id = _field_id(params.field) if params.field else None
    kind_counts, field_counts, ids = Counter(), Counter(), []
    for pk in every_id:
        fact = facts.get(pk)
        if fact is None:
            continue
        in_kind = not params.kind or fact.kind == params.kind
        in_field = not params.field or fact.field_id == field_id
        if in_field:
            kind_counts[fact.kind] += 1
        if in_kind and fact.field_id is not None:
            field_counts[fact.field_id] += 1
        if in_kind and in_field:
            ids.append(pk)
    window = _candidates(ids[:RERANK_WINDOW])
    if len(ids) > RERANK_WINDOW:
        # The best matches by name join the first ones, as in ``_database_window``.
        seen, kept = set(ids[:RERANK_WINDOW]), set(ids)
        if callable(getattr(results, "best_by_title", None)):
            best = results.best_by_title(RERANK_WINDOW, seen, _kept_titles(facts, kept)) or []
        else:
            # PostgreSQL: a search of the titles (a GIN index serves it), kept to the filters' matches.
            titles = wide.search(query, fields=["title"]).ranked_ids() or []
            best = [pk for pk in titles if pk in kept and pk not in seen][:RERANK_WINDOW]
        window += _candidates(best)
    facets, _matched = _facet_lists(kind_counts, field_counts, params, pinned)
    return WideMatches(window, facets, len(ids))


def _contact_site(site, request):
    """The commune whose contact details a contact question gets: the one searched, else (a search of
    the whole province) the host's, else the default site."""
    if site is not None:
        return site
    if request is not None:
        return Site.find_for_request(request)
    return Site.objects.filter(is_default_site=True).first()


def run_search(params, request=None, site=None):
    params.query = clean_query(params.query)
    outcome = Outcome(params=params)
    if not params.query:
        return outcome
    backend = get_search_backend()
    from search.life_events import life_event_matches

    query_words = words(params.query)
    events = life_event_matches(query_words)
    if not params.autocomplete:
        # What the commune does not do comes first, with where to go (search/referrals.py).
        outcome.referrals = match_referrals(query_words)
        # A phone number, an address, opening hours: the commune's own contact details (search/contacts.py).
        # The site is only looked for when the query asks for them.
        outcome.contacts = contact_places(query_words, lambda: _contact_site(site, request))
        outcome.life_events = [event for event, _ids in events]
    prepared = prepare(params.query)
    if not prepared.core and not prepared.codes:
        return outcome
    outcome.terms = prepared.terms
    pinned = _pinned(prepared, params, site)
    pinned_ids = [page.pk for page in pinned]

    queryset = scoped(site, params.kind, params.field)
    if queryset is None:
        return outcome
    # Ranking needs only titles; the page of results is then read in full, by type, unless kept (_hit_facts).
    queryset = queryset.exclude(pk__in=pinned_ids).only("id", "title", "content_type_id")

    if params.autocomplete:
        outcome.results = _autocomplete(prepared, queryset, backend, pinned, request)
        outcome.total = len(outcome.results)
        outcome.pages = 1 if outcome.results else 0
        return outcome

    # The first results, re-ranked, usually settle the count too.
    query = build_query(prepared, backend)
    results = queryset.search(query)
    engine_first = _engine_first(results, queryset, query, params, site, pinned_ids)
    wide = None
    if engine_first is None and (params.kind or params.field):
        wide = _wide_matches(query, params, site, pinned)
    if engine_first is not None:
        window, engine_facets = engine_first
    elif wide is not None:
        window = wide.window
    else:
        window = _database_window(results, queryset, query)
    event_ids = [pk for _event, ids in events for pk in ids]
    if event_ids:
        # The procedures of a life event the query names are candidates even without its words.
        seen = {page.pk for page in window}
        missing = [pk for pk in dict.fromkeys(event_ids) if pk not in seen and pk not in pinned_ids]
        if missing:
            window += list(queryset.filter(pk__in=missing))
    every_id = None if len(window) < RERANK_WINDOW or wide is not None else _matching_ids(results)
    if wide is not None:
        outcome.facets, matched = wide.facets, wide.matched
    elif len(window) < RERANK_WINDOW and not params.kind and not params.field:
        outcome.facets, matched = _facets_of([page.pk for page in window], params, pinned)
    elif engine_first is not None:
        outcome.facets, matched = engine_facets(pinned)
    elif every_id is not None and not params.kind and not params.field:
        # The database backend knows every match already.
        outcome.facets, matched = _facets_of(every_id, params, pinned)
    else:
        outcome.facets, matched = _facets(query, params, site, pinned)
    if len(window) < RERANK_WINDOW:
        matched = len(window)
    elif matched is None:
        matched = results.count()
    outcome.total = matched + len(pinned)
    outcome.pages = max(1, -(-outcome.total // PER_PAGE)) if outcome.total else 0
    params.page = max(1, min(params.page, outcome.pages or 1, MAX_PAGE))

    # Pinned results lead page one; the ranked matches follow.
    start = (params.page - 1) * PER_PAGE
    lead = pinned[start : start + PER_PAGE]
    offset = max(0, start - len(pinned))
    size = PER_PAGE - len(lead)
    if offset + size <= RERANK_WINDOW:
        found = rerank(window, prepared, events)[offset : offset + size]
    else:
        found = list(results[offset : offset + size])
    facts = _hit_facts([*lead, *found], request)
    outcome.results = _hits(facts, prepared.terms, set(pinned_ids))
    outcome.suggestion = suggestion(prepared, facts[0] if facts else None)
    outcome.missing = missing_words(params.query, prepared, queryset)
    # A referral steps aside when the first result is a procedure whose name has the referral's phrase
    # the query asked for: the commune publishes that work ("Cấp đổi thẻ căn cước"; search/referrals.py).
    outcome.referrals = not_published(
        outcome.referrals, query_words, [hit.title for hit in outcome.results[:1] if hit.kind == "procedure"]
    )
    first_of_event = bool(outcome.results) and outcome.results[0].page_id in event_ids
    if params.page == 1 and not (outcome.missing or outcome.referrals or outcome.contacts or first_of_event):
        # The first results share only form words with the query: the page says so (see loose_words). A
        # procedure of a life event the query names is an answer even without the query's words.
        outcome.loose = loose_words(params.query, prepared, outcome.results)
    return outcome


# Counting searches for the editors' reports: search/query_log.py (only queries several visitors typed).
