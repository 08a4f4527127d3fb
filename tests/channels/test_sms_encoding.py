"""SMS length and segments per 3GPP TS 23.038 / 23.040, checked against an independent copy of
the GSM 7-bit default alphabet."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.channels.sms import analyse, fits, gsm_friendly, is_gsm7

# TS 23.038 §6.2.1, in code order (0x1B, the escape, left out), and the extension table
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"

basic_text = st.text(alphabet=BASIC)
gsm_text = st.text(alphabet=BASIC + EXTENSION)
# utf-8 leaves out lone surrogates, which no text can hold
non_gsm_char = st.characters(codec="utf-8", exclude_characters=BASIC + EXTENSION + "\x1b")


def test_the_alphabet_copy_has_the_127_basic_characters():
    assert len(BASIC) == 127
    assert len(set(BASIC)) == 127


def test_a_plain_text_of_160_characters_is_one_gsm7_segment():
    info = analyse("a" * 160)
    assert (info.encoding, info.length, info.segments, info.remaining) == ("GSM-7", 160, 1, 0)


def test_one_more_character_makes_two_segments_of_153():
    info = analyse("a" * 161)
    assert (info.segments, info.per_segment, info.remaining) == (2, 153, 153 - 8)


def test_extension_characters_count_two_septets():
    assert analyse("€[]{}^~|\\").length == 18
    assert analyse("10 €").length == 5


def test_french_accents_e_grave_e_acute_a_grave_u_grave_stay_gsm7():
    assert analyse("échéance réglée à régulariser où É").encoding == "GSM-7"


@pytest.mark.parametrize("char", ["ç", "ê", "â", "ô", "û", "î", "ë", "ï", "œ", "’", "\u202f"])
def test_french_characters_outside_the_alphabet_force_ucs2(char):
    assert analyse(f"Merci{char}").encoding == "UCS-2"


def test_capital_c_cedilla_is_gsm7_but_the_small_one_is_not():
    assert is_gsm7("Ç")
    assert not is_gsm7("ç")


def test_an_emoji_takes_two_ucs2_units():
    info = analyse("Merci 🙂")
    assert (info.encoding, info.length) == ("UCS-2", 8)


def test_ucs2_is_70_units_single_and_67_per_segment():
    assert analyse("ê" * 70).segments == 1
    info = analyse("ê" * 71)
    assert (info.segments, info.per_segment, info.remaining) == (2, 67, 63)


def test_an_extension_character_is_not_split_across_segments():
    # 152 septets, then a 2-septet character that would straddle the boundary
    info = analyse("a" * 152 + "€" + "a" * 10)
    assert info.length == 164
    assert info.segments == 2
    assert info.remaining == 153 - 12


def test_a_surrogate_pair_is_not_split_across_segments():
    info = analyse("ê" * 66 + "🙂" + "ê" * 10)
    assert info.length == 78
    assert (info.segments, info.remaining) == (2, 67 - 12)


def test_a_lone_escape_cannot_be_sent_as_gsm7():
    assert analyse("a\x1bb").encoding == "UCS-2"


def test_an_empty_text_is_no_segment():
    info = analyse("")
    assert (info.encoding, info.length, info.segments, info.remaining) == ("GSM-7", 0, 0, 160)


def test_gsm_friendly_turns_babel_amounts_and_french_typography_into_gsm7():
    text = "Total : 12\u202f345,67\u00a0€ – l’équipe « compta »…"
    friendly = gsm_friendly(text)
    assert friendly == 'Total : 12 345,67 € - l\'équipe " compta "...'
    assert analyse(friendly).encoding == "GSM-7"


@given(basic_text)
def test_basic_characters_count_one_septet_each(text):
    info = analyse(text)
    assert info.encoding == "GSM-7"
    assert info.length == len(text)


@given(gsm_text)
def test_gsm7_length_counts_extension_characters_twice(text):
    info = analyse(text)
    assert info.encoding == "GSM-7"
    assert info.length == len(text) + sum(char in EXTENSION for char in text)


@given(gsm_text, non_gsm_char, gsm_text)
def test_any_character_outside_the_alphabet_makes_the_whole_text_ucs2(before, char, after):
    text = before + char + after
    info = analyse(text)
    assert info.encoding == "UCS-2"
    assert info.length == len(text.encode("utf-16-le")) // 2


@given(st.one_of(gsm_text, st.text()))
def test_segments_pack_the_length_without_overflowing(text):
    info = analyse(text)
    single = 160 if info.encoding == "GSM-7" else 70
    if info.length <= single:
        assert info.segments == (1 if text else 0)
        assert info.remaining == single - info.length
        return
    # a 2-unit character never straddles two segments, so at most one unit per segment is lost
    assert math.ceil(info.length / info.per_segment) <= info.segments
    assert info.segments <= math.ceil(info.length / (info.per_segment - 1))
    assert 0 <= info.remaining < info.per_segment


@given(st.text(), st.integers(min_value=0, max_value=1000))
def test_fits_compares_the_length_in_units_with_the_limit(text, limit):
    assert fits(text, limit) is (analyse(text).length <= limit)


@given(st.text())
def test_gsm_friendly_never_lengthens_a_gsm7_text_into_ucs2(text):
    if is_gsm7(text):
        assert is_gsm7(gsm_friendly(text))
