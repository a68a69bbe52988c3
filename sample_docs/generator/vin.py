"""Vehicle identification numbers with a correct ISO 3779 / FMVSS 115 check digit (position 9)."""

from __future__ import annotations

import random

# I, O and Q never appear in a VIN: they look like 1 and 0.
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}  # fmt: skip
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Model-year code (position 10) repeats every 30 years; I, O, Q, U, Z and 0 are never used.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin_check_digit(vin: str) -> str:
    """The check character ("0"-"9" or "X") that belongs at position 9 of `vin`."""
    total = sum(
        _TRANSLITERATION[ch] * weight for ch, weight in zip(vin.upper(), _WEIGHTS, strict=True)
    )
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_valid_vin(vin: str) -> bool:
    vin = vin.upper()
    if len(vin) != 17 or any(ch not in VIN_ALPHABET for ch in vin):
        return False
    return vin[8] == vin_check_digit(vin)


def make_vin(rng: random.Random, wmi: str, year: int) -> str:
    """A 17-character VIN for manufacturer prefix `wmi` and model `year`, check digit filled in."""
    descriptor = "".join(rng.choice(VIN_ALPHABET[:23]) for _ in range(5))  # letters-ish VDS
    year_code = _YEAR_CODES[(year - 1980) % 30]
    plant = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
    serial = "".join(rng.choice("0123456789") for _ in range(6))
    draft = f"{wmi}{descriptor}0{year_code}{plant}{serial}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]
