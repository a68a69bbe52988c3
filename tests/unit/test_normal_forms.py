"""Normal forms: the printed styles the contract names, and properties that must always hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.contract import FieldKind
from pipeline.normal_forms import (
    normalise,
    normalise_date,
    normalise_email,
    normalise_identifier,
    normalise_integer,
    normalise_money,
    normalise_name,
    normalise_phone,
    normalise_state,
    normalise_time,
    parse_date,
    parse_money,
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


@pytest.mark.parametrize(
    "printed",
    ["03/14/2026", "3/14/26", "2026-03-14", "March 14, 2026", "Mar 14 2026", "14-Mar-26",
     "14 March 2026", "03-14-2026", "2026/03/14", "20260314", "14 MAR 2026", "Mar. 14th, 2026",
     " 03/14/2026, ", "O3/l4/2026"],
)  # fmt: skip
def test_dates_in_every_printed_style(printed: str) -> None:
    assert normalise_date(printed) == "2026-03-14"


@pytest.mark.parametrize("printed", ["13/14/2026", "02/30/2026", "abc", "", "2026", "Smith 14"])
def test_not_a_date_is_none(printed: str) -> None:
    assert normalise_date(printed) is None


def test_two_digit_year_pivot_for_birth_dates() -> None:
    assert normalise_date("05/12/45") == "2045-05-12"
    assert normalise_date("05/12/45", two_digit_year_pivot=30) == "1945-05-12"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_date_round_trips_through_printed_styles(value: date) -> None:
    styles = [
        value.strftime("%m/%d/%Y"),
        f"{value.month}/{value.day}/{value.year}",
        value.isoformat(),
        f"{MONTHS[value.month - 1]} {value.day}, {value.year}",
        f"{value.day:02d}-{MONTHS[value.month - 1][:3]}-{value.year}",
        f"{value.day} {MONTHS[value.month - 1].upper()} {value.year}",
    ]
    for printed in styles:
        assert parse_date(printed) == value, printed


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("2:30 PM", "14:30"), ("14:30", "14:30"), ("1430 hrs", "14:30"), ("2 pm", "14:00"),
     ("12:05 AM", "00:05"), ("12:05 p.m.", "12:05"), ("0905", "09:05"), ("l4:3O", "14:30"),
     ("25:00", None), ("7", None), ("13:30 PM", None), ("", None)],
)  # fmt: skip
def test_times(printed: str, expected: str | None) -> None:
    assert normalise_time(printed) == expected


@given(st.integers(0, 23), st.integers(0, 59))
def test_time_styles_agree(hour: int, minute: int) -> None:
    h12 = f"{hour % 12 or 12}:{minute:02d} {'PM' if hour >= 12 else 'AM'}"
    expected = f"{hour:02d}:{minute:02d}"
    assert normalise_time(h12) == expected
    assert normalise_time(expected) == expected
    assert normalise_time(f"{hour:02d}{minute:02d} hrs") == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("$1,234.56", "1234.56"), ("1,234.56", "1234.56"), ("(500.00)", "-500.00"),
     ("-$500", "-500.00"), ("USD 1234.56", "1234.56"), ("USD -500.00", "-500.00"),
     ("($500.00)", "-500.00"), ("$0.00", "0.00"), ("500.00-", "-500.00"), ("12", "12.00"),
     ("$ 1,000", "1000.00"), ("1.234,56", None), ("12,34", None), ("abc", None), ("", None)],
)  # fmt: skip
def test_money(printed: str, expected: str | None) -> None:
    assert normalise_money(printed) == expected


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_money_round_trips(amount: Decimal) -> None:
    grouped = f"{abs(amount):,.2f}"
    for printed in (
        f"${grouped}" if amount >= 0 else f"-${grouped}",
        grouped if amount >= 0 else f"({grouped})",
        f"USD {amount:.2f}",
    ):
        assert parse_money(printed) == amount, printed


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("(217) 555-0134", "2175550134"), ("217-555-0134", "2175550134"),
     ("217.555.0134", "2175550134"), ("+1 217 555 0134", "12175550134"),
     ("1-800-555-0134", "18005550134"), ("217-555-0134 ext. 12", "2175550134"),
     ("call me", None), ("12", None)],
)  # fmt: skip
def test_phone(printed: str, expected: str | None) -> None:
    assert normalise_phone(printed) == expected


def test_identifiers_names_integers_emails_states() -> None:
    assert normalise_identifier(" pa-2254257 ") == "PA-2254257"
    assert normalise_identifier("AB  123") == "AB 123"
    assert normalise_identifier("  ") is None
    assert normalise_name("John   Q.  Public ") == "John Q. Public"
    assert normalise_integer("1,024") == "1024"
    assert normalise_integer("two") is None
    assert normalise_email("John.Doe @Example.com") == "john.doe@example.com"
    assert normalise_email("not an email") is None
    assert normalise_state("California") == "CA"
    assert normalise_state("tx.") == "TX"
    assert normalise_state("Atlantis") is None


def test_dispatcher_covers_every_kind() -> None:
    samples = {
        FieldKind.DATE: "3/14/26", FieldKind.TIME: "2:30 PM", FieldKind.MONEY: "$5",
        FieldKind.PHONE: "217-555-0134", FieldKind.IDENTIFIER: "ab-1", FieldKind.NAME: "A  B",
        FieldKind.TEXT: "x  y", FieldKind.LONG_TEXT: "x  y", FieldKind.INTEGER: "7",
        FieldKind.ENUM: "Auto", FieldKind.EMAIL: "a@b.co", FieldKind.STATE: "ohio",
    }  # fmt: skip
    assert set(samples) == set(FieldKind)
    for kind, text in samples.items():
        assert normalise(kind, text) is not None, kind
    assert normalise(FieldKind.ENUM, "boat") is None
    assert normalise(FieldKind.DATE, None) is None


@given(st.text(max_size=40))
def test_normalisers_never_raise(text: str) -> None:
    for kind in FieldKind:
        result = normalise(kind, text)
        assert result is None or isinstance(result, str)
