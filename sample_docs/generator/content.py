"""What a document says, before any layout decides how it looks.

Builders draw values from `FakeData`; layouts print them and report the truth of what they printed.
Values are typed (date, time, Decimal) so each layout can choose its own printed style.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from sample_docs.generator.fake_data import (
    DIRECTIONS,
    STREET_NAMES,
    STREET_TYPES,
    Address,
    Carrier,
    FakeData,
    Person,
    Vehicle,
)

CENT = Decimal("0.01")
# The world of the corpus: losses happen in 2024-2026, notices are filed soon after.
LOSS_WINDOW = (date(2024, 1, 1), date(2026, 2, 28))


def money(rng: random.Random, low: int, high: int) -> Decimal:
    """A realistic amount: mostly round-ish dollars, sometimes with cents."""
    dollars = rng.randint(low, high)
    if rng.random() < 0.4:
        dollars = round(dollars, -1) or dollars
    cents = rng.choice((0, 0, rng.randint(1, 99)))
    return (Decimal(dollars) + Decimal(cents) / 100).quantize(CENT)


@dataclass(frozen=True)
class Incident:
    """One loss event, shared by the documents of a packet so they agree with each other."""

    loss_date: date
    loss_time: time
    town: tuple[str, str, str]
    location: str
    report_number: str
    insured: Person
    insured_address: Address
    vehicle: Vehicle
    carrier: Carrier
    policy_number: str


def build_incident(fake: FakeData) -> Incident:
    r = fake.rng
    town = fake.town()
    loss_date = fake.date_between(*LOSS_WINDOW)
    insured = fake.person()
    return Incident(
        loss_date=loss_date,
        loss_time=time(r.randint(0, 23), r.choice((0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55))),
        town=town,
        location=f"{fake.intersection()}, {town[0]}, {town[1]}",
        report_number=fake.report_number(loss_date.year),
        insured=insured,
        insured_address=fake.address(town),
        vehicle=fake.vehicle(town[1]),
        carrier=fake.carrier(),
        policy_number=fake.policy_number("auto"),
    )


# ---------------------------------------------------------------------------------------------
# Claim form (first notice of loss)

PROPERTY_LOSSES = (
    "Water heater in the basement failed overnight and flooded the finished lower level. Drywall, carpet and stored furniture were soaked.",
    "A kitchen fire started on the stovetop while cooking. Smoke damage throughout the first floor and the range hood was destroyed.",
    "Hail storm damaged the roof shingles and two skylights. Water entered the attic and stained the upstairs ceilings.",
    "Burglars forced the rear door and removed electronics, jewelry and a bicycle from the garage.",
    "A large oak limb fell onto the detached garage during high winds, puncturing the roof and crushing the gutter.",
    "Frozen pipe burst in the upstairs bathroom wall. Water ran through the ceiling into the dining room below.",
    "Lightning struck the chimney and caused an electrical surge that damaged the furnace control board and appliances.",
)
AUTO_LOSSES = (
    "Insured was stopped at a red light and was struck from behind by another vehicle. Rear bumper and trunk lid damaged.",
    "Insured vehicle was backing out of a parking space and made contact with a passing vehicle. Damage to the right rear quarter panel.",
    "While changing lanes on the highway the other driver sideswiped the insured vehicle. Driver side doors and mirror damaged.",
    "Insured struck a deer crossing the road at dusk. Front end, hood and headlamp damaged; vehicle towed from scene.",
    "Other vehicle failed to yield while turning left and hit the front passenger side of the insured vehicle in the intersection.",
    "Vehicle was parked on the street overnight and was found with the rear window broken and the dashboard stereo removed.",
)
LIABILITY_LOSSES = (
    "A customer slipped on a wet floor near the entrance of the store and fell, injuring her wrist. No warning sign was posted.",
    "While installing gutters, a ladder fell against the neighbor's car parked in the driveway and cracked the windshield.",
    "A delivery driver tripped over an uneven sidewalk slab in front of the premises and reports a knee injury.",
    "Claimant alleges food poisoning after eating at the insured's restaurant. Claimant visited urgent care the next day.",
    "Employee of the insured damaged a water line while digging at a customer's property, flooding the customer's yard.",
    "A shelf unit in the warehouse tipped over onto a visiting vendor, who reports shoulder pain and bruising.",
)
PROPERTY_LOCATIONS = (
    "Insured premises",
    "At the insured's residence",
    "Detached garage at residence",
)


@dataclass
class ClaimFormContent:
    kind: str  # property | auto | liability
    carrier: Carrier
    policy_number: str
    loss_date: date
    loss_time: time
    loss_location: str
    insured_name: str
    insured_is_business: bool
    insured_address: Address
    insured_phone: str  # ten digits
    insured_email: str
    loss_description: str
    police_report_number: str | None
    estimated_loss: Decimal
    date_reported: date
    agency_name: str  # the producing agent: printed, not a catalogue field
    agent_phone: str
    contact_name: str
    vehicle: Vehicle | None = None
    driver: Person | None = None
    claimant_name: str | None = None  # liability: the injured third party (not in catalogue)


def build_claim_form(
    fake: FakeData, kind: str, incident: Incident | None = None
) -> ClaimFormContent:
    r = fake.rng
    incident = incident or build_incident(fake)
    town = incident.town
    business = kind == "liability" or (kind == "property" and r.random() < 0.4)
    if business:
        insured_name = fake.business()
        email = fake.email(business=insured_name)
        address = Address(fake.street(), *town)
    else:
        insured_name = incident.insured.full
        email = fake.email(person=incident.insured)
        address = incident.insured_address
    line = {"property": "property", "auto": "auto", "liability": "liability"}[kind]
    policy_number = incident.policy_number if kind == "auto" else fake.policy_number(line)
    if kind == "auto":
        description = r.choice(AUTO_LOSSES)
        location = incident.location
        estimated = money(r, 800, 24000)
        report_number: str | None = incident.report_number
    elif kind == "property":
        description = r.choice(PROPERTY_LOSSES)
        location = r.choice((address.one_line, r.choice(PROPERTY_LOCATIONS)))
        estimated = money(r, 1500, 85000)
        report_number = incident.report_number if "Burglars" in description else None
    else:
        description = r.choice(LIABILITY_LOSSES)
        location = r.choice((address.one_line, f"{fake.street()}, {town[0]}, {town[1]}"))
        estimated = money(r, 500, 40000)
        report_number = None
    driver = None
    if kind == "auto":
        driver = incident.insured if r.random() < 0.7 else fake.person()
    agent = fake.person()
    return ClaimFormContent(
        kind=kind,
        carrier=incident.carrier,
        policy_number=policy_number,
        loss_date=incident.loss_date,
        loss_time=incident.loss_time,
        loss_location=location,
        insured_name=insured_name,
        insured_is_business=business,
        insured_address=address,
        insured_phone=fake.phone_digits(town[1]),
        insured_email=email,
        loss_description=description,
        police_report_number=report_number,
        estimated_loss=estimated,
        date_reported=incident.loss_date + timedelta(days=r.randint(0, 12)),
        agency_name=f"{r.choice(('Summit', 'Crossroads', 'Hometown', 'Keystone', 'Bayside'))} Insurance Agency",
        agent_phone=fake.phone_digits(town[1]),
        contact_name=agent.full,
        vehicle=incident.vehicle if kind == "auto" else None,
        driver=driver,
        claimant_name=fake.person().full if kind == "liability" else None,
    )


# ---------------------------------------------------------------------------------------------
# Police report


@dataclass
class Unit:
    number: int
    driver: Person
    dob: date
    licence_number: str
    licence_state: str
    address: Address
    vehicle: Vehicle
    insurer: str | None
    insurer_policy: str | None
    direction: str
    street: str


@dataclass
class PoliceReportContent:
    report_number: str
    agency: str
    crash_date: date
    crash_time: time
    crash_location: str
    officer: Person
    rank: str
    badge: str
    narrative: str
    units: list[Unit]
    weather: str
    light: str
    road_surface: str
    injuries: int
    date_filed: date


def _narrative(r: random.Random, units: list[Unit], loss_time: time) -> str:
    u1 = units[0]
    sentences = [
        f"Unit 1 was traveling {u1.direction} on {u1.street} "
        + r.choice(
            (
                "approaching the intersection.",
                "in the right lane.",
                "at approximately the posted speed limit.",
            )
        ),
    ]
    if len(units) >= 2:
        u2 = units[1]
        sentences.append(
            r.choice(
                (
                    f"Unit 2 was traveling {u2.direction} on {u2.street} and failed to stop for the red signal, striking Unit 1 on the passenger side.",
                    "Unit 2 was stopped in traffic ahead of Unit 1 and Unit 1 was unable to stop in time, striking Unit 2 in the rear.",
                    f"Unit 2 attempted a left turn from {u2.street} and failed to yield to Unit 1, and the front of Unit 1 struck the side of Unit 2.",
                )
            )
        )
        sentences.append(
            r.choice(
                (
                    "Driver of Unit 2 stated that the sun was in their eyes.",
                    "Driver of Unit 1 stated that Unit 2 appeared suddenly.",
                    "An independent witness confirmed the statements of Driver 1.",
                    "Both drivers gave consistent statements at the scene.",
                )
            )
        )
    else:
        sentences.append(
            r.choice(
                (
                    "Driver of Unit 1 stated a deer entered the roadway and he swerved, leaving the road and striking a utility pole.",
                    "Unit 1 lost traction on the wet pavement and struck the guardrail on the right shoulder.",
                    "Unit 1 left the roadway to the right and came to rest in the ditch.",
                )
            )
        )
    if len(units) >= 3:
        sentences.append(
            "The impact pushed Unit 2 forward into Unit 3, which was waiting at the crosswalk."
        )
    closing = [
        "No injuries were reported and all vehicles were driven from the scene.",
        "Driver 1 complained of neck pain and was transported to County General by ambulance.",
        "Unit 1 was towed from the scene due to disabling damage.",
    ]
    if len(units) >= 2:
        closing.append("Citation issued to Driver 2 for failure to yield.")
    sentences.append(r.choice(closing))
    return " ".join(sentences[:5])


def build_police_report(
    fake: FakeData, n_units: int, incident: Incident | None = None
) -> PoliceReportContent:
    r = fake.rng
    incident = incident or build_incident(fake)
    town = incident.town
    units = []
    for number in range(1, n_units + 1):
        if number == 1:
            driver, vehicle, address = incident.insured, incident.vehicle, incident.insured_address
            insurer, policy = incident.carrier.name, incident.policy_number
        else:
            driver, vehicle, address = fake.person(), fake.vehicle(town[1]), fake.address()
            carrier = fake.carrier()
            insurer, policy = carrier.name, fake.policy_number("auto")
            if r.random() < 0.15:
                insurer, policy = None, None
        lic_state = address.state if r.random() < 0.85 else fake.town()[1]
        units.append(
            Unit(
                number=number,
                driver=driver,
                dob=fake.dob(),
                licence_number=fake.licence_number(lic_state, driver),
                licence_state=lic_state,
                address=address,
                vehicle=vehicle,
                insurer=insurer,
                insurer_policy=policy,
                direction=r.choice(DIRECTIONS),
                street=f"{r.choice(STREET_NAMES)} {r.choice(STREET_TYPES)}",
            )
        )
    officer = fake.person()
    return PoliceReportContent(
        report_number=incident.report_number,
        agency=fake.agency(town[0]),
        crash_date=incident.loss_date,
        crash_time=incident.loss_time,
        crash_location=incident.location,
        officer=officer,
        rank=r.choice(("Ofc.", "Officer", "Sgt.", "Cpl.", "Deputy", "Trooper")),
        badge=fake.badge(),
        narrative=_narrative(r, units, incident.loss_time),
        units=units,
        weather=r.choice(("Clear", "Cloudy", "Rain", "Snow", "Fog")),
        light=r.choice(("Daylight", "Dark - lighted", "Dark - not lighted", "Dusk")),
        road_surface=r.choice(("Dry", "Wet", "Icy", "Snow")),
        injuries=r.choice((0, 0, 0, 1, 2)),
        date_filed=incident.loss_date + timedelta(days=r.randint(0, 3)),
    )


# ---------------------------------------------------------------------------------------------
# Loss run

LOSS_RUN_DESCRIPTIONS = {
    "auto": (
        "Rear-ended claimant at stop light", "Insured vehicle backed into parked car in customer lot",
        "Claimant alleges neck and back injury after intersection collision; attorney represented",
        "Windshield cracked by road debris", "Sideswipe while merging onto highway",
        "Hit deer", "Insured driver failed to yield, two vehicles damaged, claimant vehicle total loss",
        "Theft of catalytic converter from parked box truck",
    ),
    "property": (
        "Water damage from burst pipe in stockroom", "Hail damage to roof", "Kitchen grease fire, smoke damage to dining area",
        "Break-in, stolen tools and equipment from job trailer", "Wind damage to signage and awning",
        "Sprinkler head discharge flooded office suite and damaged inventory and computer equipment",
    ),
    "liability": (
        "Customer slip and fall at entrance", "Trip on uneven sidewalk",
        "Property damage to neighbor fence during tree removal",
        "Claimant alleges injury from falling merchandise in aisle 4; medical bills submitted",
        "Alleged faulty installation caused water leak at customer home", "Dog bite on premises",
    ),
    "wc": (
        "Employee strained lower back lifting boxes", "Laceration to left hand from box cutter",
        "Slip on ice in parking lot, fractured wrist", "Repetitive motion injury to right shoulder, ongoing physical therapy",
        "Fell from ladder while stocking shelves", "Burn to forearm from fryer oil",
    ),
}  # fmt: skip


@dataclass
class ClaimRow:
    claim_number: str
    policy_number: str
    loss_date: date
    reported_date: date
    claimant: str
    description: str
    status: str  # open | closed | reopened
    paid: Decimal
    reserve: Decimal
    line: str

    @property
    def incurred(self) -> Decimal:
        return self.paid + self.reserve


@dataclass
class PolicyTerm:
    number: str
    line: str
    start: date
    end: date


@dataclass
class LossRunContent:
    carrier: Carrier
    insured: str
    insured_address: Address
    valuation_date: date
    policies: list[PolicyTerm]
    claims: list[ClaimRow]
    agent: str
    report_id: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def total_paid(self) -> Decimal:
        return sum((c.paid for c in self.claims), Decimal("0.00"))

    @property
    def total_reserve(self) -> Decimal:
        return sum((c.reserve for c in self.claims), Decimal("0.00"))

    @property
    def total_incurred(self) -> Decimal:
        return sum((c.incurred for c in self.claims), Decimal("0.00"))


LINE_LABELS = {
    "auto": "Commercial Auto",
    "property": "Commercial Property",
    "liability": "General Liability",
    "wc": "Workers Compensation",
}


def build_loss_run(
    fake: FakeData, n_claims: int, n_policies: int = 1, insured: str | None = None
) -> LossRunContent:
    r = fake.rng
    valuation = fake.date_between(date(2025, 6, 1), date(2026, 3, 31))
    lines = r.sample(["auto", "property", "liability", "wc"], k=min(n_policies, 4))
    policies = []
    for i in range(n_policies):
        line = lines[i % len(lines)]
        start = date(valuation.year - 1 - i // len(lines), r.choice((1, 4, 7, 10)), 1)
        policies.append(
            PolicyTerm(fake.policy_number(line), line, start, date(start.year + 1, start.month, 1))
        )
    claims = []
    seen: set[str] = set()
    for _ in range(n_claims):
        policy = r.choice(policies)
        loss_date = fake.date_between(policy.start, min(policy.end, valuation) - timedelta(days=1))
        status = r.choices(("closed", "open", "reopened"), weights=(6, 3, 1))[0]
        if status == "closed":
            paid, reserve = money(r, 0, 30000), Decimal("0.00")
            if r.random() < 0.12:
                paid = Decimal("0.00")  # closed without payment
            elif r.random() < 0.1:
                paid = -money(r, 100, 2500)  # net of a subrogation recovery
        elif status == "open":
            paid, reserve = money(r, 0, 15000), money(r, 500, 60000)
        else:
            paid, reserve = money(r, 1000, 20000), money(r, 500, 15000)
        claim_number = fake.claim_number()
        while claim_number in seen:
            claim_number = fake.claim_number()
        seen.add(claim_number)
        claimant = fake.person().full if policy.line in ("liability", "wc", "auto") else ""
        if not claimant or (policy.line == "property"):
            claimant = r.choice(("Insured", fake.person().full))
        claims.append(
            ClaimRow(
                claim_number=claim_number,
                policy_number=policy.number,
                loss_date=loss_date,
                reported_date=min(loss_date + timedelta(days=r.randint(0, 30)), valuation),
                claimant=claimant,
                description=r.choice(LOSS_RUN_DESCRIPTIONS[policy.line]),
                status=status,
                paid=paid,
                reserve=reserve,
                line=policy.line,
            )
        )
    claims.sort(
        key=lambda c: (
            policies.index(next(p for p in policies if p.number == c.policy_number)),
            c.loss_date,
        )
    )
    town = fake.town()
    return LossRunContent(
        carrier=fake.carrier(),
        insured=insured or fake.business(),
        insured_address=fake.address(town),
        valuation_date=valuation,
        policies=policies,
        claims=claims,
        agent=f"{r.choice(('Summit', 'Crossroads', 'Hometown', 'Keystone', 'Bayside'))} Insurance Agency",
        report_id=f"LR{r.randint(100000, 999999)}",
    )
