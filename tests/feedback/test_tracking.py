"""Tracking codes: readable aloud, hard to guess, forgiving when typed back."""

import re

from feedback.tracking import ALPHABET, new_tracking_code, normalise_tracking_code


def test_codes_have_the_documented_shape_and_no_lookalikes():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"PA-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        assert not set(code[3:].replace("-", "")) & set("01OILUV")


def test_every_character_of_the_alphabet_is_used():
    drawn = set("".join(new_tracking_code()[3:].replace("-", "") for _ in range(2000)))
    assert drawn == set(ALPHABET)


def test_typed_back_codes_are_normalised():
    assert normalise_tracking_code("pa 7k3q 9mx2") == "PA-7K3Q-9MX2"
    assert normalise_tracking_code(" PA-7K3Q-9MX2 ") == "PA-7K3Q-9MX2"
    assert normalise_tracking_code("7k3q9mx2") == "PA-7K3Q-9MX2"


def test_what_cannot_be_a_code_is_refused():
    for text in ["", "PA-7K3Q", "PA-7K3Q-9MX2-1", "PA-7K3Q-9MX0", "<script>", None, "PA-ÂK3Q-9MX2"]:
        assert normalise_tracking_code(text) is None, text
