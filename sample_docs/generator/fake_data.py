"""Seeded generators of synthetic but realistic insurance data.

Every person, business, carrier, agency and town here is invented. Phone numbers use the
555-01xx range reserved for fiction and e-mail addresses use the reserved example domains.
Callers pass their own `random.Random`; nothing here touches the global RNG.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sample_docs.generator.vin import make_vin

FIRST_NAMES = (
    "James", "Maria", "Robert", "Linda", "Michael", "Patricia", "David", "Jennifer", "William",
    "Elizabeth", "Carlos", "Aisha", "Daniel", "Priya", "Thomas", "Mei", "Kevin", "Rosa", "Brian",
    "Fatima", "Jason", "Olga", "Marcus", "Keiko", "Andre", "Hannah", "Luis", "Grace", "Tyrone",
    "Sofia", "Derek", "Nadia", "Trevor", "Yolanda", "Ethan", "Lucia", "Raymond", "Colleen",
    "Hector", "Bridget", "Samuel", "Imani", "Victor", "Tamara", "Wesley", "Ingrid", "Dmitri",
    "Renee", "Gordon", "Leticia", "Owen", "Charlene", "Mateo", "Delia", "Frank", "Noor",
)  # fmt: skip
LAST_NAMES = (
    "Hollowell", "Marchetti", "Okafor", "Brennan", "Villanueva", "Sandoval", "Whitcombe",
    "Delacroix", "Thornbury", "Nakamura", "Kowalczyk", "Ashdown", "Pemberton", "Quintero",
    "Fairweather", "Lindqvist", "Abernathy", "Castellano", "Dunmore", "Ebright", "Galloway",
    "Haverford", "Ingersoll", "Jablonski", "Kettering", "Larkspur", "Mendelsohn", "Novak",
    "Oyelaran", "Prescott", "Radcliffe", "Szymanski", "Tolliver", "Underhill", "Vasquez-Reyes",
    "Wexford", "Yardley", "Zamora", "Birchfield", "Cromwell", "Dawes", "Everly", "Fitzgerald",
    "Gutierrez", "Holloway", "Iverson", "Jorgensen", "Kincaid", "Lockhart", "Moynihan",
)  # fmt: skip
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

BUSINESS_STEMS = (
    "Harlow", "Bluestem", "Copperfield", "Redwing", "Silver Creek", "Kestrel", "Oakmont",
    "Pinecrest", "Stonebridge", "Tallgrass", "Wildrose", "Ironwood", "Brightwater", "Maplewood",
    "Cobalt", "Summit Ridge", "Lantern", "Riverbend", "Foxglove", "Granger",
)  # fmt: skip
BUSINESS_TRADES = (
    "Bakery", "Logistics", "Roofing", "Dental Group", "Auto Body", "Landscaping", "Brewing Co.",
    "Property Management", "Plumbing & Heating", "Freight Lines", "Hardware", "Dry Cleaners",
    "Construction", "Veterinary Clinic", "Catering", "Printing", "Electric", "Self Storage",
)  # fmt: skip
BUSINESS_SUFFIXES = ("LLC", "Inc.", "Corp.", "LLC", "Co.", "Ltd.", "Inc.")

CARRIER_NAMES = (
    "Granite Ridge Mutual Insurance Company",
    "Bluewater Casualty Company",
    "Prairie Shield Insurance Co.",
    "Harborline Indemnity Company",
    "Cedar Crest Assurance Corporation",
    "Northgate Fire & Marine Insurance Co.",
    "Lakemont Specialty Insurance Company",
    "Ironbark General Insurance Company",
    "Keystone Meadow Mutual",
    "Silverleaf Property & Casualty Co.",
)

STREET_NAMES = (
    "Oak", "Maple", "Cedar", "Elm", "Willow", "Hickory", "Juniper", "Sycamore", "Laurel",
    "Chestnut", "Magnolia", "Aspen", "Birch", "Poplar", "Walnut", "Dogwood", "Linden", "Spruce",
    "Meadowlark", "Cardinal", "Heron", "Foxhollow", "Quarry", "Mill", "Depot", "Harbor", "Lake",
    "Ridge", "Orchard", "Prospect", "Union", "Franklin", "Jefferson", "Monroe", "Lincoln",
)  # fmt: skip
STREET_TYPES = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pkwy", "Pl")
STREET_TYPE_LONG = {
    "St": "Street", "Ave": "Avenue", "Rd": "Road", "Dr": "Drive", "Ln": "Lane",
    "Blvd": "Boulevard", "Ct": "Court", "Way": "Way", "Pkwy": "Parkway", "Pl": "Place",
}  # fmt: skip
HIGHWAYS = ("SR 14", "US 41", "I-57", "CR 9", "SR 203", "US 30", "I-72", "SR 68")

# Invented towns with a real state code and a ZIP prefix used in that state.
TOWNS = (
    ("Harlow Springs", "IL", "627"), ("Westbury Park", "OH", "430"), ("Millbrook Falls", "PA", "170"),
    ("Cedar Hollow", "IA", "502"), ("Brightwater", "WI", "537"), ("Lakemont", "MN", "553"),
    ("Stonebridge", "IN", "462"), ("Pine Hollow", "MI", "488"), ("Redwing Bay", "TX", "775"),
    ("Copper Flats", "AZ", "852"), ("Oakhaven", "GA", "303"), ("Tallgrass", "KS", "666"),
    ("Silver Creek", "CO", "801"), ("Foxborough Heights", "NC", "275"), ("Marigold", "FL", "327"),
    ("Kestrel Point", "WA", "983"), ("Ashford Glen", "TN", "370"), ("Riverbend", "MO", "651"),
    ("Granger Valley", "CA", "956"), ("Maple Grove Township", "NY", "142"),
)  # fmt: skip
AREA_CODES = {
    "IL": "217", "OH": "614", "PA": "717", "IA": "515", "WI": "608", "MN": "612", "IN": "317",
    "MI": "517", "TX": "281", "AZ": "602", "GA": "404", "KS": "785", "CO": "303", "NC": "919",
    "FL": "407", "WA": "253", "TN": "615", "MO": "573", "CA": "916", "NY": "716",
}  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")

# (make, WMI prefix, models) — WMI prefixes are the real public manufacturer codes.
VEHICLES = (
    ("Ford", "1FA", ("F-150", "Escape", "Explorer", "Fusion", "Transit")),
    ("Chevrolet", "1G1", ("Malibu", "Silverado", "Equinox", "Tahoe", "Impala")),
    ("Toyota", "4T1", ("Camry", "Corolla", "RAV4", "Tacoma", "Highlander")),
    ("Honda", "1HG", ("Accord", "Civic", "CR-V", "Pilot", "Odyssey")),
    ("Nissan", "1N4", ("Altima", "Sentra", "Rogue", "Frontier")),
    ("Subaru", "4S3", ("Outback", "Forester", "Impreza", "Crosstrek")),
    ("Hyundai", "5NP", ("Elantra", "Sonata", "Tucson", "Santa Fe")),
    ("Jeep", "1C4", ("Wrangler", "Cherokee", "Grand Cherokee", "Compass")),
    ("Dodge", "2C3", ("Charger", "Durango", "Grand Caravan")),
    ("Kia", "KNA", ("Optima", "Sorento", "Soul", "Sportage")),
    ("Volkswagen", "3VW", ("Jetta", "Passat", "Tiguan")),
    ("GMC", "1GT", ("Sierra", "Acadia", "Savana")),
)  # fmt: skip

POLICE_AGENCY_PATTERNS = (
    "{town} Police Department",
    "{county} County Sheriff's Office",
    "{town} Police Dept.",
    "State Highway Patrol - Troop {troop}",
    "{town} Department of Public Safety",
)
COUNTIES = ("Ashland", "Birch", "Cole", "Dunmore", "Everett", "Fulton Ridge", "Greer", "Hale")
RANKS = ("Ofc.", "Officer", "Sgt.", "Cpl.", "Deputy", "Trooper", "Det.")

DIRECTIONS = ("northbound", "southbound", "eastbound", "westbound")


@dataclass(frozen=True)
class Address:
    street: str
    city: str
    state: str
    zip_code: str

    @property
    def city_line(self) -> str:
        return f"{self.city}, {self.state} {self.zip_code}"

    @property
    def one_line(self) -> str:
        """The contract's normal form: street, city, state ZIP."""
        return f"{self.street}, {self.city_line}"


@dataclass(frozen=True)
class Person:
    first: str
    middle: str
    last: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def full_middle(self) -> str:
        return f"{self.first} {self.middle}. {self.last}"

    @property
    def last_first(self) -> str:
        return f"{self.last}, {self.first}"


@dataclass(frozen=True)
class Vehicle:
    year: int
    make: str
    model: str
    vin: str
    plate: str
    plate_state: str


@dataclass(frozen=True)
class Carrier:
    name: str
    naic: str


class FakeData:
    """Draws synthetic entities from one seeded `random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> Person:
        r = self.rng
        return Person(r.choice(FIRST_NAMES), r.choice(MIDDLE_INITIALS), r.choice(LAST_NAMES))

    def business(self) -> str:
        r = self.rng
        stem, trade, suffix = (
            r.choice(BUSINESS_STEMS),
            r.choice(BUSINESS_TRADES),
            r.choice(BUSINESS_SUFFIXES),
        )
        return f"{stem} {trade}" if trade.endswith("Co.") else f"{stem} {trade} {suffix}"

    def carrier(self) -> Carrier:
        r = self.rng
        name = r.choice(CARRIER_NAMES)
        # NAIC codes are invented: a stable 5-digit number per carrier name plus no real lookup.
        naic = str(10000 + (sum(ord(c) * (i + 7) for i, c in enumerate(name)) % 89999))
        return Carrier(name, naic)

    def town(self) -> tuple[str, str, str]:
        city, state, prefix = self.rng.choice(TOWNS)
        return city, state, f"{prefix}{self.rng.randint(1, 99):02d}"

    def street(self, long_type: bool = False) -> str:
        r = self.rng
        kind = r.choice(STREET_TYPES)
        if long_type:
            kind = STREET_TYPE_LONG[kind]
        number = r.choice((r.randint(10, 999), r.randint(1000, 9899)))
        unit = ""
        if r.random() < 0.1:
            unit = f" Apt {r.randint(1, 40)}"
        return f"{number} {r.choice(STREET_NAMES)} {kind}{unit}"

    def address(self, town: tuple[str, str, str] | None = None) -> Address:
        city, state, zip_code = town or self.town()
        return Address(self.street(), city, state, zip_code)

    def phone_digits(self, state: str) -> str:
        """Ten digits: a real area code for the state and a fictional 555-01xx line."""
        return f"{AREA_CODES.get(state, '312')}5550{self.rng.randint(100, 199)}"

    def email(self, person: Person | None = None, business: str | None = None) -> str:
        r = self.rng
        if business:
            local = r.choice(("claims", "office", "info", "admin", "ops"))
            domain = business.split()[0].lower() + "." + r.choice(EMAIL_DOMAINS)
            return f"{local}@{domain}"
        assert person is not None
        local = r.choice(
            (
                f"{person.first}.{person.last}",
                f"{person.first[0]}{person.last}",
                f"{person.first}{person.last[0]}{r.randint(1, 99)}",
            )
        )
        return f"{local.lower().replace('-', '')}@{r.choice(EMAIL_DOMAINS)}"

    def vehicle(self, state: str) -> Vehicle:
        r = self.rng
        make, wmi, models = r.choice(VEHICLES)
        year = r.randint(2008, 2025)
        return Vehicle(
            year, make, r.choice(models), make_vin(r, wmi, year), self.plate(state), state
        )

    def plate(self, state: str) -> str:
        r = self.rng
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        pattern = r.choice(("#LLL###", "LLL-####", "LLL ###", "###-LLL", "LL#-####", "L##-LLL"))
        return "".join(
            r.choice("0123456789") if ch == "#" else r.choice(letters) if ch == "L" else ch
            for ch in pattern
        )

    def licence_number(self, state: str, person: Person) -> str:
        r = self.rng
        digits = lambda n: "".join(r.choice("0123456789") for _ in range(n))  # noqa: E731
        if state in ("IL", "MI", "MN"):
            return f"{person.last[0]}{digits(3)}-{digits(4)}-{digits(4)}"
        if state in ("CA", "AZ", "CO", "NY"):
            return f"{person.last[0]}{digits(7)}"
        if state in ("WI", "FL"):
            return f"{person.last[0]}{digits(3)}-{digits(3)}-{digits(2)}-{digits(3)}-0"
        return digits(r.choice((8, 9)))

    def policy_number(self, line: str) -> str:
        r = self.rng
        prefix = {"auto": ("PA", "CA", "BA", "AUT"), "property": ("HO", "CP", "BOP", "PR"),
                  "liability": ("GL", "CGL", "LIA"), "wc": ("WC", "WCP")}[line]  # fmt: skip
        style = r.randint(0, 3)
        p = r.choice(prefix)
        if style == 0:
            return f"{p}-{r.randint(1000000, 9999999)}"
        if style == 1:
            return f"{p}{r.randint(100000, 999999)}-{r.randint(0, 9):02d}"
        if style == 2:
            return f"{r.randint(10, 99)}-{p}-{r.randint(100000, 999999)}"
        return f"{p} {r.randint(1000, 9999)} {r.randint(1000, 9999)}"

    def claim_number(self) -> str:
        r = self.rng
        style = r.randint(0, 3)
        if style == 0:
            return f"CL-{r.randint(10000, 99999)}"
        if style == 1:
            return f"{r.randint(20, 26)}{r.randint(1000000, 9999999)}"
        if style == 2:
            return f"C{r.randint(100000, 999999)}-{r.randint(1, 9):03d}"
        return f"{r.choice('ABCDEFGHKLMNPRSTW')}{r.choice('ABCDEFGHKLMNPRSTW')}{r.randint(100000, 999999)}"

    def report_number(self, year: int) -> str:
        r = self.rng
        style = r.randint(0, 3)
        if style == 0:
            return f"{year}-{r.randint(1, 99999):06d}"
        if style == 1:
            return f"CR{year % 100:02d}-{r.randint(1000, 99999):05d}"
        if style == 2:
            return f"{year % 100:02d}{r.randint(100000, 999999)}"
        return f"ACC-{year}-{r.randint(1000, 9999)}"

    def agency(self, town: str) -> str:
        r = self.rng
        pattern = r.choice(POLICE_AGENCY_PATTERNS)
        return pattern.format(town=town, county=r.choice(COUNTIES), troop=r.choice("ABCDEFGHKL"))

    def badge(self) -> str:
        r = self.rng
        return r.choice(
            (
                str(r.randint(100, 9999)),
                f"P{r.randint(1000, 9999)}",
                f"{r.randint(10, 99)}-{r.randint(100, 999)}",
            )
        )

    def date_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def dob(self) -> date:
        return self.date_between(date(1950, 1, 1), date(2006, 12, 31))

    def intersection(self, long_type: bool = False) -> str:
        r = self.rng
        a = f"{r.choice(STREET_NAMES)} {r.choice(STREET_TYPES)}"
        b = r.choice((f"{r.choice(STREET_NAMES)} {r.choice(STREET_TYPES)}", r.choice(HIGHWAYS)))
        return r.choice((f"{a} and {b}", f"{a} & {b}", f"{a} at {b}"))
