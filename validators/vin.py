"""Vehicle identification numbers: shape and the ISO 3779 / 49 CFR 565 check digit.

Extractors use these to tell a VIN from other 17-character identifiers; validators use them to
flag a misread one. Every North American VIN since model year 1981 carries the check digit in
position 9.
"""

from __future__ import annotations

import re

VIN_LENGTH = 17
CHECK_DIGIT_INDEX = 8  # position 9, 0-based

# I, O and Q are never used (too close to 1 and 0).
_VIN_SHAPE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")

_TRANSLITERATION: dict[str, int] = {
    **{str(digit): digit for digit in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip

_POSITION_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def has_vin_shape(text: str) -> bool:
    """17 characters from the VIN alphabet (upper-case; no I, O or Q)."""
    return _VIN_SHAPE.fullmatch(text) is not None


def expected_check_digit(vin: str) -> str | None:
    """The check digit ('0'-'9' or 'X') the other 16 characters call for; None if not VIN-shaped."""
    if not has_vin_shape(vin):
        return None
    total = sum(
        _TRANSLITERATION[char] * weight for char, weight in zip(vin, _POSITION_WEIGHTS, strict=True)
    )
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid_vin(vin: str) -> bool:
    """VIN-shaped and its position-9 check digit is right."""
    expected = expected_check_digit(vin)
    return expected is not None and vin[CHECK_DIGIT_INDEX] == expected
