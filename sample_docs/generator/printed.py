"""How values are printed on a page (many styles) versus their contract normal form (one).

A layout picks a style per value kind; the truth always holds the normal form of the value it
printed, so "03/14/26" on the page is "2026-03-14" in the truth.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateStyle(StrEnum):
    US_SLASH = "us_slash"  # 03/14/2026
    US_SLASH_SHORT = "us_slash_short"  # 03/14/26
    US_SLASH_NOPAD = "us_slash_nopad"  # 3/14/2026
    ISO = "iso"  # 2026-03-14
    LONG = "long"  # March 14, 2026
    DAY_MON_YY = "day_mon_yy"  # 14-Mar-26
    DAY_MON_YYYY = "day_mon_yyyy"  # 14 MAR 2026
    WEEKDAY_LONG = "weekday_long"  # Saturday, March 14, 2026


class TimeStyle(StrEnum):
    H24 = "h24"  # 14:35
    H12 = "h12"  # 2:35 PM
    MILITARY = "military"  # 1435 hrs


class MoneyStyle(StrEnum):
    DOLLAR = "dollar"  # $1,234.56 and -$500.00
    DOLLAR_PARENS = "dollar_parens"  # $1,234.56 and ($500.00)
    PLAIN = "plain"  # 1,234.56 and (500.00)
    USD = "usd"  # USD 1234.56 and USD -500.00


class PhoneStyle(StrEnum):
    PARENS = "parens"  # (217) 555-0134
    DASHES = "dashes"  # 217-555-0134
    DOTS = "dots"  # 217.555.0134
    INTERNATIONAL = "international"  # +1 217 555 0134 (truth keeps the 1)


def format_date(value: date, style: DateStyle) -> str:
    match style:
        case DateStyle.US_SLASH:
            return value.strftime("%m/%d/%Y")
        case DateStyle.US_SLASH_SHORT:
            return value.strftime("%m/%d/%y")
        case DateStyle.US_SLASH_NOPAD:
            return f"{value.month}/{value.day}/{value.year}"
        case DateStyle.ISO:
            return value.isoformat()
        case DateStyle.LONG:
            return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"
        case DateStyle.DAY_MON_YY:
            return f"{value.day:02d}-{MONTHS[value.month - 1][:3]}-{value.year % 100:02d}"
        case DateStyle.DAY_MON_YYYY:
            return f"{value.day:02d} {MONTHS[value.month - 1][:3].upper()} {value.year}"
        case DateStyle.WEEKDAY_LONG:
            return (
                f"{WEEKDAYS[value.weekday()]}, {MONTHS[value.month - 1]} {value.day}, {value.year}"
            )
    raise ValueError(style)


def format_time(value: time, style: TimeStyle) -> str:
    match style:
        case TimeStyle.H24:
            return f"{value.hour:02d}:{value.minute:02d}"
        case TimeStyle.H12:
            hour = value.hour % 12 or 12
            return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
        case TimeStyle.MILITARY:
            return f"{value.hour:02d}{value.minute:02d} hrs"
    raise ValueError(style)


def format_money(value: Decimal, style: MoneyStyle) -> str:
    magnitude = abs(value)
    grouped = f"{magnitude:,.2f}"
    negative = value < 0
    match style:
        case MoneyStyle.DOLLAR:
            return f"-${grouped}" if negative else f"${grouped}"
        case MoneyStyle.DOLLAR_PARENS:
            return f"(${grouped})" if negative else f"${grouped}"
        case MoneyStyle.PLAIN:
            return f"({grouped})" if negative else grouped
        case MoneyStyle.USD:
            return f"USD {value:.2f}"
    raise ValueError(style)


def format_phone(digits: str, style: PhoneStyle) -> str:
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    match style:
        case PhoneStyle.PARENS:
            return f"({area}) {exchange}-{line}"
        case PhoneStyle.DASHES:
            return f"{area}-{exchange}-{line}"
        case PhoneStyle.DOTS:
            return f"{area}.{exchange}.{line}"
        case PhoneStyle.INTERNATIONAL:
            return f"+1 {area} {exchange} {line}"
    raise ValueError(style)


def phone_truth(digits: str, style: PhoneStyle) -> str:
    return "1" + digits if style is PhoneStyle.INTERNATIONAL else digits


def money_truth(value: Decimal) -> str:
    return f"{value:.2f}"


def time_truth(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def single_spaced(text: str) -> str:
    return " ".join(text.split())


def with_full_year(style: DateStyle) -> DateStyle:
    """The same look with a four-digit year: birth dates must not be read as 20xx."""
    return {
        DateStyle.US_SLASH_SHORT: DateStyle.US_SLASH,
        DateStyle.DAY_MON_YY: DateStyle.DAY_MON_YYYY,
    }.get(style, style)
