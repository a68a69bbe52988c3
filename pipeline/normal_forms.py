"""The contract's normal forms: one place that turns printed values into comparable strings.

Extraction, validation and scoring all normalise through here, so "03/14/26" on a page and
"2026-03-14" in a truth file compare equal. Every function returns None for text it cannot read
with confidence: a wrong normal form is worse than a missing one.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pipeline.contract import ENUM_VALUES, FieldKind

# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip

_MONTH_NAME = r"(?P<mon>[a-z]{3,9})\.?"
_SEP = r"[/\-.]"
_NUMERIC_DATE_PATTERNS = (
    # 03/14/2026, 3/14/26, 03-14-2026, 03.14.2026 (US order: month first)
    re.compile(rf"(?P<m>\d{{1,2}})\s*{_SEP}\s*(?P<d>\d{{1,2}})\s*{_SEP}\s*(?P<y>\d{{4}}|\d{{2}})"),
    # 2026-03-14, 2026/03/14
    re.compile(rf"(?P<y>\d{{4}})\s*{_SEP}\s*(?P<m>\d{{1,2}})\s*{_SEP}\s*(?P<d>\d{{1,2}})"),
)
_NAMED_DATE_PATTERNS = (
    # March 14, 2026 / Mar 14 2026 / Mar. 14th, 2026
    re.compile(rf"{_MONTH_NAME}\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{{4}}|\d{{2}})"),
    # 14-Mar-26 / 14 March 2026 / 14 MAR 2026 / 14.Mar.2026
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*[\s\-./]\s*{_MONTH_NAME}\s*[\s\-./,]\s*(?P<y>\d{{4}}|\d{{2}})"),
)
_COMPACT_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})")

# OCR reads digits as look-alike letters; repair them only inside digit-shaped date text.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "l": "1", "I": "1",
                                   "|": "1", "i": "1", "S": "5", "B": "8", "Z": "2"})  # fmt: skip
_DIGITLIKE_DATE = re.compile(r"[0-9OoQDlIi|SBZ]{1,4}(?:\s*[/\-.]\s*[0-9OoQDlIi|SBZ]{1,4}){2}")


def _year(text: str, pivot: int) -> int:
    value = int(text)
    if len(text) == 2:
        return 2000 + value if value < pivot else 1900 + value
    return value


def _make_date(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2099:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clean_for_date(text: str) -> str:
    cleaned = text.strip().strip(",;:").strip()
    match = _DIGITLIKE_DATE.fullmatch(cleaned)
    if match and re.search(r"\d", cleaned):
        cleaned = cleaned.translate(_DIGIT_LOOKALIKES)
    return cleaned


def parse_date(text: str, *, two_digit_year_pivot: int = 50) -> date | None:
    """A calendar date from printed text, or None if the text is not (only) a date.

    Numeric dates are read month-first (US forms). Two-digit years below the pivot are 20xx,
    others 19xx (callers reading birth dates pass a lower pivot). An eight-digit run is read as
    YYYYMMDD only when that gives a valid date and no other reading does.
    """
    if not text:
        return None
    cleaned = _clean_for_date(text)
    lowered = cleaned.lower()
    for pattern in _NUMERIC_DATE_PATTERNS:
        match = pattern.fullmatch(lowered)
        if match:
            return _make_date(
                _year(match["y"], two_digit_year_pivot), int(match["m"]), int(match["d"])
            )
    for pattern in _NAMED_DATE_PATTERNS:
        match = pattern.fullmatch(lowered)
        if match:
            month = _MONTHS.get(match["mon"])
            if month is None:
                return None
            return _make_date(_year(match["y"], two_digit_year_pivot), month, int(match["d"]))
    match = _COMPACT_DATE.fullmatch(lowered)
    if match:
        return _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


def normalise_date(text: str, *, two_digit_year_pivot: int = 50) -> str | None:
    """`YYYY-MM-DD`, or None."""
    parsed = parse_date(text, two_digit_year_pivot=two_digit_year_pivot)
    return parsed.isoformat() if parsed else None


# ---------------------------------------------------------------------------------------------
# Times

_TIME_PATTERN = re.compile(
    r"(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{2}))?(?:\s*:\s*(?P<s>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s*m\.?)?\s*(?:hrs?|hours|h)?\.?"
)
_MILITARY_PATTERN = re.compile(r"(?P<h>\d{2})(?P<m>\d{2})\s*(?:hrs?|hours|h)?\.?")
_TIME_SUFFIX = re.compile(r"\s*(?:[ap]\.?\s*m\.?|hrs?|hours)$")


def _repair_time_digits(lowered: str) -> str:
    """OCR's o/l/| for 0/1, repaired only when the rest of the text is digits and separators."""
    suffix = _TIME_SUFFIX.search(lowered)
    core = lowered[: suffix.start()] if suffix else lowered
    if re.search(r"\d", core) and re.fullmatch(r"[0-9ol|:.\s]+", core):
        core = core.translate(str.maketrans({"o": "0", "l": "1", "|": "1"}))
    return core + (suffix.group(0) if suffix else "")


def normalise_time(text: str) -> str | None:
    """`HH:MM` on a 24-hour clock from "2:30 PM", "14:30", "1430 hrs", "2 pm"; else None."""
    if not text:
        return None
    lowered = _repair_time_digits(text.strip().strip(",;").lower())
    military = _MILITARY_PATTERN.fullmatch(lowered)
    if military:
        hour, minute = int(military["h"]), int(military["m"])
        return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None
    match = _TIME_PATTERN.fullmatch(lowered)
    if not match:
        return None
    hour = int(match["h"])
    minute = int(match["m"]) if match["m"] else 0
    ampm = match["ampm"]
    if match["m"] is None and ampm is None:
        return None  # a bare number is not a time
    if ampm:
        if not 1 <= hour <= 12:
            return None
        is_pm = ampm.startswith("p")
        hour = hour % 12 + (12 if is_pm else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


# ---------------------------------------------------------------------------------------------
# Money

_MONEY_BODY = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?|\.\d{1,2}")
_CURRENCY = re.compile(r"^(?:usd|us\$|\$|dollars)\s*|\s*(?:usd|dollars)$")
_CENTS = Decimal("0.01")


def parse_money(text: str) -> Decimal | None:
    """An amount from "$1,234.56", "(500.00)", "-$500", "USD 1234.56", "500.00-", "500.00 CR".

    European "1.234,56" is refused (None): we would rather not guess which mark is decimal.
    """
    if not text:
        return None
    cleaned = text.strip().lower().replace(" ", "")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    if cleaned.endswith("cr"):
        negative, cleaned = True, cleaned[:-2]
    for _ in range(2):  # sign and currency come in either order: -$5, $-5, usd-5
        if cleaned.startswith("-"):
            negative, cleaned = not negative, cleaned[1:]
        elif cleaned.endswith("-") and len(cleaned) > 1:
            negative, cleaned = not negative, cleaned[:-1]
        cleaned = _CURRENCY.sub("", cleaned)
        if cleaned.startswith("(") and cleaned.endswith(")"):
            negative, cleaned = True, cleaned[1:-1]
    if not _MONEY_BODY.fullmatch(cleaned):
        return None
    digits = cleaned.replace(",", "")
    if len(digits.split(".")[0]) > 15:
        return None  # no insurance amount runs to a quadrillion: a misread run of digits
    try:
        amount = Decimal(digits).quantize(_CENTS, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None
    return -amount if negative and amount != 0 else amount


def normalise_money(text: str) -> str | None:
    """`"12345.67"` (dot, two decimals, minus for negatives), or None."""
    amount = parse_money(text)
    return None if amount is None else f"{amount:.2f}"


# ---------------------------------------------------------------------------------------------
# Phones, identifiers, names, integers, emails, states, enums

_PHONE_EXTENSION = re.compile(r"\s*(?:ext\.?|x|extension)\s*\d+\s*$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\d\s()+\-./]+")


def normalise_phone(text: str) -> str | None:
    """Digits only; a printed country code ("+1 ...", "1-800-...") is kept. None if not a phone."""
    if not text:
        return None
    cleaned = _PHONE_EXTENSION.sub("", text.strip())
    if not _PHONE_CHARS.fullmatch(cleaned):
        return None
    digits = re.sub(r"\D", "", cleaned)
    if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
        return digits
    if cleaned.lstrip().startswith("+") and 8 <= len(digits) <= 15:
        return digits
    if len(digits) == 7:
        return digits
    return None


def _single_spaces(text: str) -> str:
    return " ".join(text.split())


def normalise_identifier(text: str) -> str | None:
    """As printed, upper-case, trimmed; inner spaces only where printed (collapsed to one)."""
    cleaned = _single_spaces(text or "").strip(" :;,")
    return cleaned.upper() or None


def normalise_name(text: str) -> str | None:
    """As printed with single spaces; None when empty."""
    cleaned = _single_spaces(text or "").strip(" :;,")
    return cleaned or None


def normalise_text(text: str) -> str | None:
    """Free text as printed with single spaces."""
    cleaned = _single_spaces(text or "")
    return cleaned or None


def normalise_integer(text: str) -> str | None:
    """An integer as a string without separators ("1,024" -> "1024"), or None."""
    cleaned = (text or "").strip().replace(",", "")
    if cleaned.startswith("#"):
        cleaned = cleaned[1:]
    if re.fullmatch(r"-?\d+", cleaned):
        return str(int(cleaned))
    return None


_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")


def normalise_email(text: str) -> str | None:
    """Lower-case address without spaces (OCR splits them) or a `mailto:`; None if not an email."""
    cleaned = re.sub(r"\s+", "", (text or "").strip().lower())
    cleaned = cleaned.removeprefix("mailto:").strip(".,;:<>()")
    return cleaned if _EMAIL.fullmatch(cleaned) else None


_STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "Virgin Islands",
}  # fmt: skip
_STATE_BY_KEY: dict[str, str] = {
    re.sub(r"[^a-z]", "", name.lower()): code for code, name in _STATE_NAMES.items()
}
_STATE_BY_KEY.update({"usvirginislands": "VI", "washingtondc": "DC", "calif": "CA"})
US_STATE_CODES: frozenset[str] = frozenset(_STATE_NAMES)


def normalise_state(text: str) -> str | None:
    """Two-letter postal code from "ca", "CA.", "California"; None if not a US state."""
    cleaned = (text or "").strip().strip(".,;:")
    if cleaned.upper() in US_STATE_CODES:
        return cleaned.upper()
    return _STATE_BY_KEY.get(re.sub(r"[^a-z]", "", cleaned.lower()))


def normalise_enum(text: str, allowed: frozenset[str] | None = None) -> str | None:
    """Lower-case word; when `allowed` is given, only a member of it."""
    cleaned = _single_spaces(text or "").strip().lower()
    if not cleaned or (allowed is not None and cleaned not in allowed):
        return None
    return cleaned


_ALL_ENUM_VALUES = frozenset().union(*ENUM_VALUES.values())


def normalise(kind: FieldKind, text: str | None) -> str | None:
    """The normal form of `text` for a field of `kind`, or None when it does not read as one."""
    if text is None:
        return None
    match kind:
        case FieldKind.DATE:
            return normalise_date(text)
        case FieldKind.TIME:
            return normalise_time(text)
        case FieldKind.MONEY:
            return normalise_money(text)
        case FieldKind.PHONE:
            return normalise_phone(text)
        case FieldKind.IDENTIFIER:
            return normalise_identifier(text)
        case FieldKind.NAME:
            return normalise_name(text)
        case FieldKind.TEXT | FieldKind.LONG_TEXT:
            return normalise_text(text)
        case FieldKind.INTEGER:
            return normalise_integer(text)
        case FieldKind.ENUM:
            return normalise_enum(text, _ALL_ENUM_VALUES)
        case FieldKind.EMAIL:
            return normalise_email(text)
        case FieldKind.STATE:
            return normalise_state(text)
    raise ValueError(f"unknown field kind {kind!r}")
