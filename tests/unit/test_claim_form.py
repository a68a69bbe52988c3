"""Claim forms on constructed pages: label-left, label-above and grid layouts, checkboxes."""

from __future__ import annotations

import pytest

from extractors import extract_fields
from extractors.claim_form import extract_claim_form
from pipeline.contract import CLAIM_FORM_FIELDS, DocType, FieldValue
from pipeline.page_model import WordSource
from tests.unit.placed_words import page


def values(fields) -> dict[str, str | None]:
    return {k: v.value for k, v in fields.items() if isinstance(v, FieldValue)}


def label_left_notice(kind_line: str = "Type of Loss: ☐ Auto ☒ Property ☐ Liability", **kw):
    return page(
        (54, 40, "Granite Ridge Mutual Insurance Company", 15),
        (54, 60, "Claims Department  |  NAIC #12345", 8),
        (200, 90, "FIRST NOTICE OF LOSS", 14),
        (54, 120, kind_line),
        (54, 150, "Policy No.:"), (160, 150, "HO-2254257"),
        (330, 150, "Date Reported:"), (420, 150, "3/16/26"),
        (54, 170, "Insured Name:"), (160, 170, "Acme Bakery LLC"),
        (54, 186, "Insured Address:"), (160, 186, "12 Main St"),
        (160, 198, "Springfield, IL 62701"),
        (54, 214, "Phone:"), (160, 214, "(217) 555-0134"),
        (54, 240, "Date of Loss:"), (160, 240, "March 14, 2026"),
        (54, 256, "Location of Loss:"), (160, 256, "Insured premises"),
        (54, 272, "Estimated Loss:"), (160, 272, "$12,500.00"),
        (54, 296, "Description of Loss:"),
        (66, 310, "A frozen pipe burst in the upstairs bathroom and water ran"),
        (66, 322, "through the ceiling into the kitchen below."),
        (54, 380, "I certify that the information above is true.", 8),
        **kw,
    )  # fmt: skip


def test_label_left_notice() -> None:
    got = values(extract_claim_form([label_left_notice()]))
    assert got["carrier_name"] == "Granite Ridge Mutual Insurance Company"
    assert got["naic_code"] == "12345"
    assert got["policy_number"] == "HO-2254257"
    assert got["date_reported"] == "2026-03-16"
    assert got["insured_name"] == "Acme Bakery LLC"
    assert got["insured_address"] == "12 Main St, Springfield, IL 62701"
    assert got["insured_phone"] == "2175550134"
    assert got["date_of_loss"] == "2026-03-14"
    assert got["loss_location"] == "Insured premises"
    assert got["estimated_loss_amount"] == "12500.00"
    assert got["loss_description"] == (
        "A frozen pipe burst in the upstairs bathroom and water ran through the ceiling into "
        "the kitchen below."
    )
    assert got["form_kind"] == "property"


def test_missing_optional_fields_are_null_with_a_confidence() -> None:
    fields = extract_claim_form([label_left_notice()])
    for name in ("time_of_loss", "insured_email", "police_report_number", "vehicle_vin"):
        value = fields[name]
        assert isinstance(value, FieldValue)
        assert value.value is None and 0.0 < value.confidence <= 1.0


def test_every_value_names_its_rule_and_box() -> None:
    fields = extract_claim_form([label_left_notice()])
    policy = fields["policy_number"]
    assert isinstance(policy, FieldValue)
    assert policy.rule == "policy_number/policy no:right"
    assert policy.page == 1 and policy.bbox is not None and policy.bbox[0] == 160
    assert 0.9 <= policy.confidence <= 1.0


@pytest.mark.parametrize(
    ("kind_line", "expected"),
    [
        ("Type of Loss: ☒ Auto ☐ Property ☐ Liability", "auto"),
        ("Type of Loss: [ ] Auto [ ] Property [X] Liability", "liability"),
        ("Line of Business:  O Automobile  Bd Property  O General Liability", "property"),
        ("Kind of loss: X Auto   Property   Liability", "auto"),
        ("Type of Loss: ☒Auto ☐Property ☐Liability", "auto"),
    ],
)
def test_checkbox_kinds(kind_line: str, expected: str) -> None:
    got = values(extract_claim_form([label_left_notice(kind_line)]))
    assert got["form_kind"] == expected


def test_two_marked_boxes_are_not_a_kind() -> None:
    notice = label_left_notice("Type of Loss: ☒ Auto ☒ Property ☐ Liability")
    fields = extract_claim_form([notice])
    assert fields["form_kind"].value != "auto"  # type: ignore[union-attr]


def test_label_above_two_column_auto_notice_with_kind_in_title() -> None:
    label, value = 7.0, 10.0
    notice = page(
        (48, 40, "PRAIRIE SHIELD INSURANCE CO.", 10), (480, 40, "NAIC 54321", 8),
        (48, 66, "Vehicle Accident Claim Form", 18),
        (48, 110, "POLICY", 8.5),
        (48, 130, "Policy #", label), (318, 130, "Date Reported", label),
        (48, 141, "PA-4949670", value), (318, 141, "2026-03-16", value),
        (48, 170, "INSURED", 8.5),
        (48, 190, "Named Insured", label), (318, 190, "Phone", label),
        (48, 201, "Derek Wexford", value), (318, 201, "217.555.0134", value),
        (48, 226, "Street Address", label), (318, 226, "City, State, ZIP", label),
        (48, 237, "8360 Magnolia Blvd", value), (318, 237, "Westbury Park, OH 43018", value),
        (48, 270, "LOSS", 8.5),
        (48, 290, "Loss Date", label), (318, 290, "Time of Loss", label),
        (48, 301, "14-Mar-26", value), (318, 301, "14:35", value),
        (48, 326, "Estimated Damage", label),
        (48, 337, "USD 4250.00", value),
        (48, 370, "INSURED VEHICLE AND DRIVER", 8.5),
        (48, 390, "Vehicle Year", label), (318, 390, "Make", label),
        (48, 401, "2024", value), (318, 401, "Jeep", value),
        (48, 426, "Model", label), (318, 426, "VIN", label),
        (48, 437, "Compass", value), (318, 437, "1C4PBKWG7RL051273", value),
        (48, 462, "License Plate", label), (318, 462, "Driver Name", label),
        (48, 473, "9BDL561", value), (318, 473, "Derek Wexford", value),
    )  # fmt: skip
    got = values(extract_claim_form([notice]))
    assert got["form_kind"] == "auto"
    assert got["carrier_name"] == "PRAIRIE SHIELD INSURANCE CO."
    assert got["naic_code"] == "54321"
    assert got["policy_number"] == "PA-4949670"
    assert got["insured_name"] == "Derek Wexford"
    assert got["insured_phone"] == "2175550134"
    assert got["insured_address"] == "8360 Magnolia Blvd, Westbury Park, OH 43018"
    assert got["date_of_loss"] == "2026-03-14"
    assert got["time_of_loss"] == "14:35"
    assert got["estimated_loss_amount"] == "4250.00"
    assert (got["vehicle_year"], got["vehicle_make"], got["vehicle_model"]) == (
        "2024",
        "Jeep",
        "Compass",
    )
    assert got["vehicle_vin"] == "1C4PBKWG7RL051273"
    assert got["vehicle_plate"] == "9BDL561"
    assert got["driver_name"] == "Derek Wexford"


def test_acord_like_grid_cells_with_small_captions() -> None:
    cap, val = 5.5, 9.0
    notice = page(
        (36, 30, "GENERAL LIABILITY NOTICE OF OCCURRENCE / CLAIM", 13),
        (470, 30, "DATE (MM/DD/YYYY)", cap), (472, 38, "03/16/2026", val),
        (38, 60, "AGENCY", cap), (260, 60, "INSURANCE COMPANY (CARRIER)", cap),
        (520, 60, "NAIC CODE", cap),
        (39, 68, "Summit Insurance Agency", val), (261, 68, "Bluewater Casualty Company", val),
        (521, 68, "60432", val),
        (38, 84, "CONTACT", cap), (150, 84, "POLICY NUMBER", cap),
        (330, 84, "DATE OF LOSS AND TIME", cap),
        (39, 92, "Grace Fairweather", val), (151, 92, "CGL 6198 1576", val),
        (331, 92, "03/14/2026 7:15 PM", val),
        (36, 120, "INSURED", 8),
        (38, 134, "NAME OF INSURED (FIRST, MIDDLE, LAST)", cap),
        (300, 134, "INSURED'S MAILING ADDRESS", cap),
        (39, 142, "Linda Iverson", val), (301, 142, "409 Franklin Pkwy", val),
        (301, 153, "Copper Flats, AZ 85207", val),
        (38, 170, "PRIMARY PHONE #", cap), (220, 170, "PRIMARY E-MAIL ADDRESS", cap),
        (39, 178, "(602) 555-0155", val),
        (36, 200, "LOSS", 8),
        (38, 214, "LOCATION OF LOSS (STREET, CITY, STATE)", cap),
        (420, 214, "POLICE OR FIRE DEPT. REPORT #", cap),
        (39, 222, "Front entrance, 409 Franklin Pkwy", val),
        (38, 240, "DESCRIPTION OF LOSS (USE SEPARATE SHEET IF NECESSARY)", cap),
        (39, 249, "Customer slipped on the wet floor at the entrance and hurt", val),
        (39, 259, "her wrist.", val),
        (38, 290, "ESTIMATED AMOUNT OF LOSS", cap), (220, 290, "REPORTED BY", cap),
        (39, 298, "1,250.00", val), (221, 298, "Grace Fairweather", val),
    )  # fmt: skip
    got = values(extract_claim_form([notice]))
    assert got["form_kind"] == "liability"
    assert got["date_reported"] == "2026-03-16"
    assert got["carrier_name"] == "Bluewater Casualty Company"
    assert got["naic_code"] == "60432"
    assert got["policy_number"] == "CGL 6198 1576"
    assert got["date_of_loss"] == "2026-03-14"
    assert got["time_of_loss"] == "19:15"
    assert got["insured_name"] == "Linda Iverson"
    assert got["insured_address"] == "409 Franklin Pkwy, Copper Flats, AZ 85207"
    assert got["insured_phone"] == "6025550155"
    assert got["insured_email"] is None
    assert got["police_report_number"] is None
    assert got["loss_location"] == "Front entrance, 409 Franklin Pkwy"
    assert got["loss_description"] == (
        "Customer slipped on the wet floor at the entrance and hurt her wrist."
    )
    assert got["estimated_loss_amount"] == "1250.00"


def test_year_make_model_on_one_line_and_plate_with_state() -> None:
    notice = page(
        (54, 40, "AUTO LOSS NOTICE", 14),
        (54, 80, "Year / Make / Model:"), (180, 80, "2019 Land Rover Discovery Sport"),
        (54, 96, "VIN:"), (180, 96, "1C4PBKWG7RL051273"),
        (350, 96, "Plate:"), (400, 96, "U08-NUT (NC)"),
    )  # fmt: skip
    got = values(extract_claim_form([notice]))
    assert (got["vehicle_year"], got["vehicle_make"], got["vehicle_model"]) == (
        "2019",
        "Land Rover",
        "Discovery Sport",
    )
    assert got["vehicle_plate"] == "U08-NUT"


def test_ocr_words_with_low_confidence_lower_the_value_confidence() -> None:
    clean = extract_claim_form([label_left_notice()])["policy_number"]
    scanned = label_left_notice()
    scanned = scanned.model_copy(
        update={
            "source": WordSource.OCR,
            "words": [w.model_copy(update={"confidence": 0.6}) for w in scanned.words],
        }
    )
    shaky = extract_claim_form([scanned])["policy_number"]
    assert shaky.value == clean.value  # type: ignore[union-attr]
    assert shaky.confidence < clean.confidence  # type: ignore[union-attr]


def test_extract_fields_returns_the_whole_catalogue() -> None:
    fields = extract_fields(DocType.CLAIM_FORM, [label_left_notice()])
    assert list(fields) == list(CLAIM_FORM_FIELDS)
    assert extract_fields(DocType.OTHER, [label_left_notice()]) == {}


def scanned_liability_notice(email_label: str, email_value: str, describe_label: str):
    """A label-above liability notice with what OCR makes of a scan: a label may lose a letter, a speck
    may sit right of a label."""
    label, value = 7.0, 10.0
    notice = page(
        (48, 40, "HARBOR LINE CASUALTY", 10),
        (48, 66, "General Liability Claim Form", 18),
        (48, 110, "INSURED", 8.5),
        (48, 130, "Named Insured", label), (318, 130, "Phone", label),
        (48, 141, "Harlow Supply Co", value), (318, 141, "217.555.0134", value),
        (48, 166, email_label, label),
        (48, 177, email_value, value),
        (48, 210, "LOSS", 8.5),
        (48, 230, "Date of Loss", label), (318, 230, "Time of Loss", label),
        (48, 241, "20-May-24", value), (318, 241, "12:50 PM", value),
        (48, 266, describe_label, label),
        (48, 277, "A shelf unit in the warehouse tipped over onto a visiting vendor,", value),
        (48, 289, "who reports shoulder pain.", value),
        (48, 314, "Estimated Damage", label),
        (48, 325, "USD 1200.00", value),
    )  # fmt: skip
    return notice


def test_an_email_under_a_label_ocr_cut_short_is_read() -> None:
    fields = extract_claim_form(
        [scanned_liability_notice("Emai", "info@harlow.example.com", "Describe what happened")]
    )
    email = fields["insured_email"]
    assert email.value == "info@harlow.example.com"  # type: ignore[union-attr]
    assert email.rule == "generic:email/email~:below"  # type: ignore[union-attr]
    # A garbled label is less sure than a clean one.
    clean = extract_claim_form(
        [scanned_liability_notice("Email", "info@harlow.example.com", "Describe what happened")]
    )["insured_email"]
    assert email.confidence < clean.confidence  # type: ignore[union-attr]


def test_a_fuzzy_label_alone_does_not_make_a_value() -> None:
    # "Emai" over text that is no e-mail address: the value's grammar does not confirm it.
    got = values(
        extract_claim_form(
            [scanned_liability_notice("Emai", "harlow at example", "Describe what happened")]
        )
    )
    assert got["insured_email"] is None
    # Another label word altogether ("Fax") is no garbled "Email", whatever is under it.
    got = values(
        extract_claim_form(
            [scanned_liability_notice("Fax", "info@harlow.example.com", "Describe what happened")]
        )
    )
    assert got["insured_email"] is None


@pytest.mark.parametrize("speck", [".", "-", "\u2014", "'", "\u00b0", ":"])
def test_a_speck_right_of_a_label_is_not_its_value(speck: str) -> None:
    got = values(
        extract_claim_form(
            [
                scanned_liability_notice(
                    "Email", "info@harlow.example.com", f"Describe what happened {speck}"
                )
            ]
        )
    )
    assert got["loss_description"] == (
        "A shelf unit in the warehouse tipped over onto a visiting vendor, who reports "
        "shoulder pain."
    )
    assert got["estimated_loss_amount"] == "1200.00"


def test_a_speck_glued_before_an_ocr_value_is_dropped() -> None:
    notice = label_left_notice()
    words = [
        w.model_copy(update={"text": "\u2018HO-2254257"}) if w.text == "HO-2254257" else w
        for w in notice.words
    ]
    scanned = notice.model_copy(update={"source": WordSource.OCR, "words": words})
    assert values(extract_claim_form([scanned]))["policy_number"] == "HO-2254257"


def test_a_ruled_row_label_close_behind_a_value_ends_that_value() -> None:
    # Two cells of one ruled row: the second label starts a word space after the first value.
    form = page(
        (54, 40, "Granite Ridge Mutual Insurance Company", 15),
        (200, 90, "FIRST NOTICE OF LOSS", 14),
        (54, 150, "Insured's Address"), (160, 150, "8804 Union Ave, Millbrook Falls, PA 17011"),
        (358, 150, "Email Address"), (470, 150, "pl@mail.example.com"),
    )  # fmt: skip
    got = values(extract_claim_form([form]))
    assert got["insured_address"] == "8804 Union Ave, Millbrook Falls, PA 17011"
    assert got["insured_email"] == "pl@mail.example.com"


def test_a_left_value_running_under_the_next_label_stays_out_of_its_value() -> None:
    label, value = 7.0, 10.0
    notice = page(
        (48, 40, "PRAIRIE SHIELD INSURANCE CO.", 10),
        (48, 66, "Vehicle Accident Claim Form", 18),
        (48, 130, "Loss Location", label), (318, 130, "Police Report Number", label),
        # The location is longer than its half of the row: its last word ends under the label.
        (67, 141, "Quarry Dr at Quarry Pl, Foxborough Heights, NC", 12.0),
        (318, 141, "ACC-2024-3551", value),
    )  # fmt: skip
    got = values(extract_claim_form([notice]))
    assert got["police_report_number"] == "ACC-2024-3551"


def ocr_tokens() -> list:
    """A stand-in for a value's tokens: only `_.from_ocr` is read by the speck rules."""

    class _Ext:
        from_ocr = True

    class _Tok:
        _ = _Ext()

    return [_Tok()]


def test_specks_after_an_ocr_value_and_after_its_commas_are_dropped() -> None:
    from extractors.label_values import _without_glued_speck

    tokens = ocr_tokens()
    assert _without_glued_speck("Silverado |", tokens) == "Silverado"  # type: ignore[arg-type]
    assert _without_glued_speck('KS 66658"', tokens) == "KS 66658"  # type: ignore[arg-type]
    assert _without_glued_speck("WAY,.RIVERBEND, MO", tokens) == "WAY, RIVERBEND, MO"  # type: ignore[arg-type]
    assert _without_glued_speck('Acme "Best"', tokens) == 'Acme "Best"'  # type: ignore[arg-type]


def test_a_capital_i_ocr_read_as_l_is_restored_in_capitalised_names() -> None:
    from extractors.label_values import _capital_i_read_as_l

    assert _capital_i_read_as_l("lronbark General Insurance Company") == (
        "Ironbark General Insurance Company"
    )
    assert _capital_i_read_as_l("Loss of 10 lbs of goods") == "Loss of 10 lbs of goods"


def test_a_period_ocr_reads_inside_a_short_value_is_dropped_but_abbreviations_stay() -> None:
    from extractors.label_values import _without_glued_speck

    tokens = ocr_tokens()
    assert _without_glued_speck("Harborline Indemnity. Company", tokens) == (  # type: ignore[arg-type]
        "Harborline Indemnity Company"
    )
    assert _without_glued_speck("12 Main St. Apt 4", tokens) == "12 Main St. Apt 4"  # type: ignore[arg-type]


def test_a_label_left_value_wrapped_onto_a_caption_word_keeps_it() -> None:
    form = page(
        (54, 40, "Claims Service Center", 15),
        (200, 90, "FIRST NOTICE OF LOSS", 14),
        (54, 150, "Writing Company"), (160, 150, "Granite Ridge Mutual Insurance"),
        (160, 162, "Company"),
        (54, 180, "Policy No.:"), (160, 180, "HO-2254257"),
    )  # fmt: skip
    got = values(extract_claim_form([form]))
    assert got["carrier_name"] == "Granite Ridge Mutual Insurance Company"
    assert got["policy_number"] == "HO-2254257"


def test_a_caption_tail_ocr_set_apart_is_not_part_of_the_identifier() -> None:
    from extractors.value_grammar import find_identifier
    from extractors.word_doc import build_word_doc

    doc = build_word_doc([page((160, 150, "NUMBER 2024-059523"))])
    found = find_identifier(list(doc))
    assert found is not None and found.value == "2024-059523"
