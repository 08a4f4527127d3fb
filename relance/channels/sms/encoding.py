"""How long an SMS is, in the units operators bill: GSM-7 septets or UCS-2 code units.

3GPP TS 23.038 defines the GSM 7-bit default alphabet and its extension table; the character
tables come from the ``gsm0338`` codec, which encodes an extension character as ESC + code, so
the length of its output is the number of septets. A text holding any other character is sent
as UCS-2 (UTF-16 in practice), where a character outside the BMP (most emoji) takes two units.

A concatenated message spends part of each segment on its user-data header (3GPP TS 23.040),
hence 153 septets or 67 units per segment instead of 160 or 70. A character is never split
across two segments (an ESC pair, a surrogate pair), so segments are packed character by
character rather than by dividing the length.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gsm0338 import Codec

GSM7: Literal["GSM-7"] = "GSM-7"
UCS2: Literal["UCS-2"] = "UCS-2"

# (single message, per segment of a concatenated message), in units of the encoding
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# The escape septet introduces an extension character; alone in a text it is not a character
# a phone can show, so such a text cannot be sent as GSM-7.
_ESCAPE = "\x1b"

# Typographic characters that Babel and word processors produce and that have a plain GSM-7
# equivalent: replacing them keeps a French SMS in one GSM-7 segment instead of turning the
# whole message into UCS-2 (which more than halves its capacity).
_GSM_FRIENDLY = str.maketrans(
    {
        "\u00a0": " ",  # no-break space (Babel: "12,00 €")
        "\u202f": " ",  # narrow no-break space (Babel, French: "12 345,67 €")
        "\u2009": " ",  # thin space
        "\u2007": " ",  # figure space
        "\u2018": "'",
        "\u2019": "'",  # typographic apostrophe
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',  # « (French quotes)
        "\u00bb": '"',  # »
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2011": "-",  # non-breaking hyphen
        "\u2026": "...",
    }
)


@dataclass(frozen=True, slots=True)
class SmsInfo:
    encoding: Literal["GSM-7", "UCS-2"]
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # messages the operator sends and bills; 0 for an empty text
    per_segment: int  # capacity of one segment: 160/70 single, 153/67 concatenated
    remaining: int  # units still free in the last segment

    def as_dict(self) -> dict[str, object]:
        return {
            "encoding": self.encoding,
            "length": self.length,
            "segments": self.segments,
            "per_segment": self.per_segment,
            "remaining": self.remaining,
        }


@lru_cache(maxsize=1)
def _codec() -> Codec:
    # Building the codec's maps looks up every character name; do it once.
    return Codec()


def gsm7_septets(text: str) -> int | None:
    """The septets ``text`` takes in the GSM 7-bit alphabet, or None if it cannot be sent so."""
    if _ESCAPE in text:
        return None
    try:
        encoded, _consumed = _codec().encode(text)
    except UnicodeEncodeError:
        return None
    return len(encoded)


def is_gsm7(text: str) -> bool:
    return gsm7_septets(text) is not None


def _unit_sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [gsm7_septets(char) or 0 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def analyse(text: str) -> SmsInfo:
    """Encoding, length and segment count of ``text`` as an operator would send it."""
    septets = gsm7_septets(text)
    encoding = GSM7 if septets is not None else UCS2
    sizes = _unit_sizes(text, encoding)
    length = sum(sizes)
    single, per_segment = LIMITS[encoding]
    if length <= single:
        return SmsInfo(encoding, length, 1 if length else 0, single, single - length)
    segments, used = 1, 0
    for size in sizes:
        if used + size > per_segment:
            segments, used = segments + 1, 0
        used += size
    return SmsInfo(encoding, length, segments, per_segment, per_segment - used)


def fits(text: str, max_length: int) -> bool:
    """Whether ``text`` stays within ``max_length`` units of its encoding (a template's limit)."""
    return analyse(text).length <= max_length


def gsm_friendly(text: str) -> str:
    """``text`` with typographic spaces, quotes, dashes and ellipses made plain, so that
    formatted amounts and copied-in punctuation do not force the whole SMS into UCS-2."""
    return text.translate(_GSM_FRIENDLY)
