"""The identity guard: no answer page goes public with its sender's identity in it.

``SenderIdentity.for_feedback(item)`` reads the sender's name, phone, e-mail
and address once (they are encrypted at rest) and ``found_in(text)`` says
whether a text holds any of them. The identity is only compared, never
returned, logged or shown: callers learn *that* a field holds it, not *what*.

What counts as "holding the identity" (see docs/feedback.md, "Identity guard"):

* Text is compared folded: without diacritics and case, ``đ`` -> ``d``
  (``search.text.fold``, the same folding as the site search), split into
  words, so ``Phạm Văn Địa``, ``PHAM VAN DIA`` and the slug ``pham-van-dia``
  all match.
* **Name:** the full name, and any two consecutive parts of it
  (``Phạm Văn Địa`` -> ``pham van``, ``van dia``). A pair that is also an
  everyday word (``Văn Phòng``, ``Văn Hóa``: ``văn phòng`` and ``nhà văn hóa``
  are in many answers) only matches written as a name: with its diacritics
  and a capital on each part. A one-word name is not checked on its own: it
  is an everyday word (``Bình``, ``Hoa``) and does not identify anyone.
* **Phone:** in any common format (``0912 778 166``, ``+84 912 778 166``,
  ``84912778166``, ``0912.778.166``, ``0912-778-166``): the digits after the
  leading ``0`` or ``84`` (country code) are looked for in every run of digits
  and separators.
* **E-mail:** the address itself, and its words in order (as in a slug).
* **Address:** the whole address (three words or more), and its significant
  part, the house number and the street (``Số 12 đường Trần Phú, thôn 3`` ->
  ``12 tran phu``), with generic words such as ``số``, ``nhà``, ``đường``
  ignored on both sides. A hamlet alone (``thôn 7``) is not an identity.
"""

import html
import re
from dataclasses import dataclass

from feedback.models import Feedback
from search.text import fold

# Everyday two-syllable words that are also pairs of name parts. Only the
# capitalised, accented spelling of the name ("Văn Phòng") matches them.
COMMON_PAIRS = frozenset(
    {
        "van hoa",  # văn hóa (nhà văn hóa)
        "van phong",  # văn phòng
        "van ban",  # văn bản
        "van de",  # vấn đề
        "van minh",  # văn minh
        "van thu",  # văn thư
        "thi tran",  # thị trấn
        "thi xa",  # thị xã
        "thi truong",  # thị trường
        "thi hanh",  # thi hành
        "thi cong",  # thi công
        "duc tin",  # đức tin
        "hoa binh",  # hòa bình (a place name too)
        "binh an",  # bình an
        "an ninh",  # an ninh
        "an toan",  # an toàn
        "quoc phong",  # quốc phòng
        "kinh te",  # kinh tế
        "xa hoi",  # xã hội
        "hanh chinh",  # hành chính
        "dia chinh",  # địa chính
        "tu phap",  # tư pháp
        "thanh toan",  # thanh toán
        "phat trien",  # phát triển
        "tien bo",  # tiến bộ
        "thanh cong",  # thành công
        "tai chinh",  # tài chính
        "cong an",  # công an
        "quang truong",  # quảng trường
        "minh bach",  # minh bạch
    }
)
# Words of an address that say what kind of place follows, not which one.
ADDRESS_GENERIC = frozenset({"so", "nha", "duong", "pho", "d", "p", "sn", "dc", "dia", "chi"})
# Words that start the next, wider part of an address (hamlet, ward, commune, district...).
ADDRESS_AREA = frozenset(
    {"thon", "xom", "ap", "ban", "khom", "to", "khu", "xa", "phuong", "huyen", "quan", "tinh", "tp"}
)
_PHONE_RUN = re.compile(r"\+?\d(?:[\s.\-()/]{0,3}\d)+")
_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_WORD = re.compile(r"[0-9a-z]+")


def plain_text(value):
    """Text of a field as a reader (or a crawler) sees it: tags removed, entities decoded, link targets kept."""
    value = str(value or "")
    links = [next(group for group in match.groups() if group is not None) for match in _HREF.finditer(value)]
    text = html.unescape(_TAG.sub(" ", value))
    return " ".join([text, *(html.unescape(link) for link in links)])


def folded_words(text):
    """'Phạm Văn Địa, 0912-778-166' -> ['pham', 'van', 'dia', '0912', '778', '166']."""
    return _WORD.findall(fold(text))


def _contains_words(haystack, needle):
    """Whether the word list ``needle`` occurs, in order and whole, in the word list ``haystack``."""
    if not needle:
        return False
    joined = f" {' '.join(haystack)} "
    return f" {' '.join(needle)} " in joined


def phone_core(phone):
    """The national number without its leading 0 or country code 84: '+84 912 778 166' -> '912778166'."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits


@dataclass(frozen=True, repr=False)
class SenderIdentity:
    """The parts of a sender's identity, prepared for comparison. Its repr shows none of them."""

    name_words: tuple = ()
    name_pairs: tuple = ()  # folded pairs that match folded
    name_spelled_pairs: tuple = ()  # capitalised pairs that match only as written
    phone: str = ""
    email: str = ""
    email_words: tuple = ()
    address_words: tuple = ()
    address_core: tuple = ()

    @classmethod
    def from_values(cls, name="", phone="", email="", address=""):
        name_words = tuple(folded_words(name))
        spelled = " ".join(name.split()).split(" ") if name and name.strip() else []
        pairs, spelled_pairs = [], []
        if len(name_words) >= 2 and len(spelled) == len(name_words):
            for position in range(len(name_words) - 1):
                pair = name_words[position : position + 2]
                if " ".join(pair) in COMMON_PAIRS:
                    parts = spelled[position : position + 2]
                    spelled_pairs.append(" ".join(part[:1].upper() + part[1:] for part in parts))
                else:
                    pairs.append(pair)
        elif len(name_words) >= 2:
            pairs = [name_words[i : i + 2] for i in range(len(name_words) - 1)]
        email = (email or "").strip().casefold()
        address_words = tuple(folded_words(address))
        phone = phone_core(phone)
        return cls(
            # Two parts are one pair, checked above; a single part is not an identity.
            name_words=name_words if len(name_words) >= 3 else (),
            name_pairs=tuple(pairs),
            name_spelled_pairs=tuple(spelled_pairs),
            phone=phone if len(phone) >= 6 else "",
            email=email if "@" in email else "",
            email_words=tuple(folded_words(email)) if "@" in email else (),
            address_words=address_words if len(address_words) >= 3 else (),
            address_core=_address_core(address),
        )

    @classmethod
    def for_feedback(cls, feedback):
        """The identity of a feedback item's sender, or None for an anonymous item."""
        if feedback is None or feedback.is_anonymous:
            return None
        values = (
            Feedback.objects.filter(pk=feedback.pk)
            .values_list("submitter_name", "submitter_phone", "submitter_email", "submitter_address")
            .first()
        )
        if values is None:
            return None
        identity = cls.from_values(*(value or "" for value in values))
        return identity if identity else None

    def __repr__(self):
        return "<SenderIdentity>"

    def __bool__(self):
        return any(
            (
                self.name_words,
                self.name_pairs,
                self.name_spelled_pairs,
                self.phone,
                self.email,
                self.address_words,
                self.address_core,
            )
        )

    def found_in(self, text):
        """Whether ``text`` (plain or HTML) holds any part of this identity. Never says which."""
        text = plain_text(text)
        if not text.strip():
            return False
        words = folded_words(text)
        if self.name_words and _contains_words(words, self.name_words):
            return True
        if any(_contains_words(words, pair) for pair in self.name_pairs):
            return True
        if self.name_spelled_pairs:
            spelled = " ".join(text.split())
            for pair in self.name_spelled_pairs:
                if re.search(rf"(?<!\w){re.escape(pair)}(?!\w)", spelled):
                    return True
        if self.email and (self.email in text.casefold() or _contains_words(words, self.email_words)):
            return True
        if self.phone and any(self.phone in re.sub(r"\D", "", run) for run in _PHONE_RUN.findall(text)):
            return True
        if self.address_words and _contains_words(words, self.address_words):
            return True
        if self.address_core:
            significant = [word for word in words if word not in ADDRESS_GENERIC]
            if _contains_words(significant, self.address_core):
                return True
        return False


def _address_core(address):
    """House number and street of an address: 'Số 12 đường Trần Phú, thôn 3' -> ('12', 'tran', 'phu').

    The first part (between commas) that holds a number, from that number up
    to the hamlet or commune, without generic words; only when a street name
    follows the number.
    """
    for segment in re.split(r"[,;\n]", address or ""):
        words = [word for word in folded_words(segment) if word not in ADDRESS_GENERIC]
        for position, word in enumerate(words):
            if any(char.isdigit() for char in word):
                core = [word]
                for following in words[position + 1 :]:
                    if following in ADDRESS_AREA:
                        break
                    core.append(following)
                if len(core) >= 2 and any(not part.isdigit() and len(part) >= 2 for part in core[1:]):
                    return tuple(core)
                break
    return ()


def identity_found_in(feedback, text):
    """Whether ``text`` contains the sender's name, phone number, e-mail or address (checked, never shown)."""
    identity = SenderIdentity.for_feedback(feedback)
    return bool(identity) and identity.found_in(text)


# --- Attached files: their titles and file names are public too ---

_DOCUMENT_LINK = re.compile(r"<a\b[^>]*\blinktype\s*=\s*[\"']document[\"'][^>]*>", re.IGNORECASE)
_ID = re.compile(r"\bid\s*=\s*[\"']?(\d+)", re.IGNORECASE)


def document_texts(document):
    """What the public sees of a Wagtail document: its title and its file name (in the download address)."""
    if document is None:
        return []
    name = document.file.name if document.file else ""
    return [document.title or "", name.rsplit("/", 1)[-1]]


def linked_document_texts(rich_text):
    """Titles and file names of the documents a rich text links to (``<a linktype="document" id="5">``)."""
    ids = {int(match.group(1)) for tag in _DOCUMENT_LINK.findall(rich_text or "") if (match := _ID.search(tag))}
    if not ids:
        return []
    from wagtail.documents import get_document_model

    texts = []
    for document in get_document_model().objects.filter(pk__in=ids):
        texts.extend(document_texts(document))
    return texts


def page_holds_identity(page):
    """Where an answer page about to go live holds its sender's identity: a field's name, or None.

    The model-level check behind every way of publishing (the editor, Wagtail's workflow approval, bulk
    and scheduled publishing): every text field of the page, and its attached and linked documents.
    """
    from django.db import models

    identity = SenderIdentity.for_feedback(page.feedback) if getattr(page, "feedback_id", None) else None
    if not identity:
        return None
    for field in page._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(page, field.attname, None)
        if not isinstance(value, str) or not value.strip():
            continue
        texts = [value, *(linked_document_texts(value) if field.name == "answer" else ())]
        if any(identity.found_in(text) for text in texts):
            return field.name
    for item in page.documents.all() if hasattr(page, "documents") else ():
        document = item.document if item.document_id else None
        if any(identity.found_in(text) for text in [item.label or "", *document_texts(document)]):
            return "documents"
    return None
