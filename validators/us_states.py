"""US state and territory postal codes, and the names that print instead of them.

Driver licences and plates are issued by the 50 states, DC and the inhabited territories.
"""

from __future__ import annotations

import re

STATE_NAMES: dict[str, str] = {
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
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
}  # fmt: skip

US_STATE_CODES: frozenset[str] = frozenset(STATE_NAMES)


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.casefold())


_CODE_BY_NAME: dict[str, str] = {_name_key(name): code for code, name in STATE_NAMES.items()}
# Common printed variants.
_CODE_BY_NAME.update({"virginislands": "VI", "usvirginislands": "VI", "washingtondc": "DC"})


def is_us_state_code(code: str) -> bool:
    """True for a two-letter postal code of a US state, DC or an inhabited territory."""
    return code.strip().upper() in US_STATE_CODES


def state_code_from_text(text: str) -> str | None:
    """The postal code for a printed code or full name ('ca', 'California' -> 'CA'), else None."""
    stripped = text.strip()
    if stripped.upper() in US_STATE_CODES:
        return stripped.upper()
    return _CODE_BY_NAME.get(_name_key(stripped))
