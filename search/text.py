"""Vietnamese text folding, query clean-up, snippets and highlighting.

Citizens type on phones, often without diacritics: ``dang ky khai sinh`` must
find ``Đăng ký khai sinh``. ``fold`` maps text to lower-case ASCII letters
(``đ`` included, which Unicode decomposition alone leaves untouched), the
same way the search engine's ``asciifolding`` filter does, so the database
backend and Elasticsearch/OpenSearch see the same words.

``fold`` keeps one output character per input character (after NFC), so an
offset found in folded text is the same offset in the original; highlighting
relies on that.
"""

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

# Letters that have no decomposition but must still fold.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l"}

# Words that carry no meaning in a search for a procedure ("how do I ...",
# "what do I need ..."). They are dropped when other words remain, because
# with diacritics folded away some of them collide with real words
# ("cần" and "căn cước" both fold to "can", so "can" alone is kept).
STOP_PHRASES = (
    "thu tuc",
    "co phai",
    "duoc khong",
    "hay khong",
    "co duoc",
    "phai lam gi",
    "mat bao lau",
    "bao lau",
    "het bao nhieu",
    "bao nhieu",
    "nhu the nao",
    "the nao",
    "lam sao",
    "o dau",
    "can nhung gi",
    "nhung gi",
    "can gi",
    "bao gio",
    "xin hoi",
    "cho hoi",
    "cho toi",
    "toi muon",
    "muon",
    "gi",
    "toi",
    "cach",
    "lam",
    "hoi",
    "a",
    "va",
    "cua",
    "voi",
    "o",
)

# Pronouns and particles of spoken questions ("cho em hỏi", "nhà mình", "được không", "chị ơi", "ad"): never required
# for a page to match, though a title that has them still ranks by them.
FUNCTION_WORDS = frozenset(
    (
        *("cho", "em", "anh", "chi", "minh", "chau", "ban", "nay", "do", "duoc", "khong", "thi", "la", "co", "phai"),
        *("nhu", "ai", "oi", "ad", "admin", "ah", "nhe", "gium", "dum", "ay", "kia", "roi"),
    )
)

CODE_PATTERN = re.compile(r"\b\d{1,2}\.\d{6}(?:\.[0-9a-z]+)*\b", re.IGNORECASE)
_WORD = re.compile(r"[0-9a-z]+(?:\.[0-9a-z]+)*")


@lru_cache(maxsize=4096)
def _fold_char(char):
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = base.lower()
    return base[:1] if base else char.lower()


class _FoldTable(dict):
    """``str.translate`` table filled as characters are met (translation then runs at C speed)."""

    def __missing__(self, code):
        self[code] = value = _fold_char(chr(code))
        return value


_FOLD_TABLE = _FoldTable()


def fold(text):
    """'Đăng ký KHAI SINH' -> 'dang ky khai sinh' (same length as the NFC text)."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", str(text)).translate(_FOLD_TABLE)


def words(text):
    """The folded words of a text; codes such as 1.001193 stay whole."""
    return _WORD.findall(fold(text))


def clean_query(text, max_length=200):
    """Trim, collapse spaces and drop control characters from a typed query."""
    text = unicodedata.normalize("NFC", str(text or ""))[:max_length]
    text = "".join(char if char.isprintable() else " " for char in text)
    return re.sub(r"\s+", " ", text).strip()


# The one-word question words as spelled. Typed with other accents they are other words and stay: "hội" in
# "xã hội" or "hội đồng" is not "hỏi", "lâm" (lâm nghiệp) is not "làm", "muộn" (late) is not "muốn".
STOP_SPELLINGS = {
    "toi": ("tôi",),
    "muon": ("muốn",),
    "gi": ("gì",),
    "cach": ("cách",),
    "lam": ("làm",),
    "hoi": ("hỏi",),
    "a": ("à", "ạ"),
    "va": ("và",),
    "cua": ("của",),
    "voi": ("với",),
    "o": ("ở",),
}
_KEPT = "\x01"  # marks a word typed as another word than the question word it folds to


def typed_words(text):
    """The words of ``text`` as typed (lower case), one for each of ``words(text)``."""
    normal = unicodedata.normalize("NFC", str(text or ""))
    return [normal[match.start() : match.end()].lower() for match in _WORD.finditer(normal.translate(_FOLD_TABLE))]


def strip_stop_phrases(folded_words, typed=None):
    """Drop question words, unless nothing would be left. ``typed`` (``typed_words``, the same words as
    typed) keeps a word whose accents make it another word ("xã hội")."""
    marked = list(folded_words)
    if typed is not None:
        for position, (word, spelled) in enumerate(zip(folded_words, typed, strict=False)):
            if word in STOP_SPELLINGS and spelled != word and spelled not in STOP_SPELLINGS[word]:
                marked[position] = word + _KEPT
    text = " " + " ".join(marked) + " "
    for phrase in STOP_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    kept = text.replace(_KEPT, "").split()
    return kept or list(folded_words)


def query_codes(text):
    """National procedure codes typed in a query, e.g. ['1.001193']."""
    return [match.group(0).lower() for match in CODE_PATTERN.finditer(fold(text))]


PHRASE_GAP = 2  # words a phrase may have between its words ("nâng lên 5 tầng" is "nâng tầng")


def phrase_at(folded_words, start, phrase):
    """Whether the words of ``phrase`` follow ``folded_words[start]`` in order, each at most
    ``PHRASE_GAP`` words after the one before, with no pronoun or particle between ("khai sinh cho
    con" is not "sinh con": a particle joins two phrases)."""
    if tuple(folded_words[start : start + len(phrase)]) == tuple(phrase):
        return True
    if start >= len(folded_words) or folded_words[start] != phrase[0]:
        return False
    at = start
    for word in phrase[1:]:
        window = folded_words[at + 1 : at + 2 + PHRASE_GAP]
        if word not in window:
            return False
        gap = window[: window.index(word)]
        if any(between in FUNCTION_WORDS for between in gap):
            return False
        at += 1 + len(gap)
    return True


def phrase_in(phrase, folded_words):
    """Whether ``phrase`` (a tuple of folded words) occurs in ``folded_words`` (``phrase_at``): the
    vocabulary, the referrals and the life events find their phrases in a query by this one rule
    ("tiền … nước" ten words apart is not "tiền nước")."""
    if not phrase:
        return False
    return any(phrase_at(folded_words, start, phrase) for start, word in enumerate(folded_words) if word == phrase[0])


@lru_cache(maxsize=2048)
def _terms_pattern(terms):
    """One regular expression for ``terms`` (a sorted tuple): any of them where a word starts, the
    longest first; None when no term is long enough to show."""
    usable = sorted({term for term in terms if len(term) >= 2 or term.isdigit()}, key=len, reverse=True)
    if not usable:
        return None
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(map(re.escape, usable)) + ")")


def _first_term(folded, terms):
    """Where the first of ``terms`` starts a word in folded text (one pass), or None."""
    pattern = _terms_pattern(tuple(sorted(set(terms))))
    match = pattern.search(folded) if pattern else None
    return match.start() if match else None


def _term_spans(text, terms):
    """(start, end) spans in ``text`` where a folded term starts a word (one pass: the terms are words,
    so two can only overlap where they start together, and the longest wins)."""
    pattern = _terms_pattern(tuple(sorted(set(terms))))
    if pattern is None:
        return []
    return [match.span() for match in pattern.finditer(fold(text))]


def highlight(text, terms):
    """Escape ``text`` and wrap the query's words in <mark>, ignoring diacritics."""
    text = unicodedata.normalize("NFC", text or "")
    out, position = [], 0
    for start, end in _term_spans(text, terms):
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def snippet_text(text):
    """``text`` as ``snippet`` reads it: NFC, one space between words, and its folded form (kept for
    a page by search/services.py, so a page's long text is prepared once, not at every search)."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()
    return text, fold(text)


def snippet(text, terms, width=180, prepared=None):
    """A highlighted excerpt of about ``width`` characters around the first match (``prepared``: what
    ``snippet_text(text)`` returns, when it was kept)."""
    text, folded = prepared or snippet_text(text)
    if len(text) <= width:
        return highlight(text, terms)
    first = _first_term(folded, terms)
    start = 0
    if first is not None:
        start = max(0, first - width // 4)
        space = text.rfind(" ", 0, start)
        start = space + 1 if space > 0 and start > 0 else start
    end = min(len(text), start + width)
    space = text.find(" ", end)
    end = space if 0 < space < end + 20 else end
    excerpt = highlight(text[start:end], terms)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{excerpt}{suffix}")  # noqa: S308 - highlight() escaped it
