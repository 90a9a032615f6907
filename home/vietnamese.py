"""Vietnamese text helpers shared by the apps.

``sort_key`` orders words as a Vietnamese reader expects (a ă â b c d đ e ê
g h i k l m n o ô ơ p q r s t u ư v x y, then by tone: ngang, huyền, hỏi,
ngã, sắc, nặng), which neither byte order nor the database's default
collation does ("Cấp" must come before "Chuyển").

``full_name`` writes a person's name as Vietnamese staff write theirs: family
name first. ``use_vietnamese_name_order`` (``HomeConfig.ready``) makes it the
user model's ``get_full_name``, which Wagtail shows everywhere (page history,
workflow, users, locks, comments), so "Phạm Văn Địa" is never "Địa Phạm Văn".
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Combining tone marks, in the traditional dictionary order.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _split_tone(char):
    """('ệ') -> ('ê', 5): the letter without its tone, and the tone's rank."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def sort_key(text):
    """A key for ``sorted()`` that follows the Vietnamese alphabet and tones."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", text.strip().lower()):
        letter, tone = _split_tone(char)
        letters.append(_LETTER_RANK.get(letter, 100 + ord(letter)) if letter.isalpha() else ord(letter) - 1000)
        tones.append(tone)
    return (letters, tones)


def full_name(user):
    """Family name (``last_name``, "Họ") first, then the given name (``first_name``, "Tên")."""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def use_vietnamese_name_order():
    """Install ``full_name`` as the user model's ``get_full_name`` (Django's puts the given name first)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if hasattr(user_model, "first_name") and hasattr(user_model, "last_name"):
        user_model.get_full_name = full_name
