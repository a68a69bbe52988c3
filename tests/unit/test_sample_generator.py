"""The sample generator: reproducible bytes, truth that follows the contract, really-bad bad files."""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.contract import ENUM_VALUES, LIST_FIELDS, SCALAR_FIELDS, DocType, FieldKind
from sample_docs.generator import generate_corpus
from sample_docs.generator.corpus import render_documents
from sample_docs.generator.layouts import LAYOUTS, default_layouts, layouts_for
from sample_docs.generator.plan import BadKind, Variant, build_plan
from sample_docs.generator.vin import is_valid_vin, vin_check_digit

VALUE_PATTERNS = {
    FieldKind.DATE: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    FieldKind.TIME: re.compile(r"^([01]\d|2[0-3]):[0-5]\d$"),
    FieldKind.MONEY: re.compile(r"^-?\d+\.\d{2}$"),
    FieldKind.PHONE: re.compile(r"^\d{10,11}$"),
    FieldKind.INTEGER: re.compile(r"^\d+$"),
    FieldKind.STATE: re.compile(r"^[A-Z]{2}$"),
    FieldKind.EMAIL: re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]+$"),
}


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate_corpus(out, seed=11, profile="small")
    return out


def _truth(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text(encoding="utf-8"))


def _pdfs(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.pdf"))


def test_same_seed_gives_identical_bytes(small_corpus: Path, tmp_path: Path) -> None:
    generate_corpus(tmp_path, seed=11, profile="small")
    first = {p.name: p.read_bytes() for p in small_corpus.iterdir()}
    second = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_other_content() -> None:
    spec = next(f for f in build_plan("small", 11) if f.docs and f.variant == Variant.DIGITAL)
    assert render_documents(spec, 11)[1] != render_documents(spec, 12)[1]


def test_every_pdf_has_truth_in_the_contract_shape(small_corpus: Path) -> None:
    for pdf in _pdfs(small_corpus):
        truth = _truth(pdf)
        assert truth["variant"] in {v.value for v in Variant}
        if truth["variant"] == "bad":
            assert truth["status"] == "quarantined" and truth["documents"] == []
            continue
        assert truth["documents"], pdf.name
        for doc in truth["documents"]:
            doc_type = DocType(doc["doc_type"])
            fields = doc["fields"]
            if doc_type == DocType.OTHER:
                assert fields == {}
                continue
            lists = {spec.name: spec for spec in LIST_FIELDS[doc_type]}
            assert set(fields) == set(SCALAR_FIELDS[doc_type]) | set(lists), (pdf.name, doc_type)
            for name, kind in SCALAR_FIELDS[doc_type].items():
                _check_value(fields[name], kind, f"{pdf.name}:{name}")
            for name, spec in lists.items():
                for row in fields[name]:
                    assert set(row) == set(spec.cells), (pdf.name, name)
                    for cell, kind in spec.cells.items():
                        _check_value(row[cell], kind, f"{pdf.name}:{name}.{cell}", enum_name=cell)


def _check_value(value: object, kind: FieldKind, where: str, enum_name: str | None = None) -> None:
    if value is None:
        return
    assert isinstance(value, str) and value == " ".join(value.split()), where
    pattern = VALUE_PATTERNS.get(kind)
    if pattern:
        assert pattern.match(value), (where, value)
    if kind == FieldKind.DATE:
        date.fromisoformat(value)
    if kind == FieldKind.ENUM:
        allowed = ENUM_VALUES.get(enum_name or "") or ENUM_VALUES["form_kind"]
        assert value in allowed, (where, value)
    if kind == FieldKind.IDENTIFIER:
        assert value == value.upper(), (where, value)


def test_page_ranges_tile_the_file(small_corpus: Path) -> None:
    for pdf in _pdfs(small_corpus):
        truth = _truth(pdf)
        if truth["variant"] == "bad":
            continue
        pages = len(PdfReader(pdf).pages)
        expected_start = 1
        for doc in truth["documents"]:
            assert doc["page_start"] == expected_start and doc["page_end"] >= doc["page_start"], (
                pdf.name
            )
            expected_start = doc["page_end"] + 1
        assert expected_start - 1 == pages, pdf.name


def test_packets_hold_several_documents(small_corpus: Path) -> None:
    packet = _truth(small_corpus / "packet.pdf")
    assert [d["doc_type"] for d in packet["documents"]] == ["claim_form", "police_report"]
    claim, police = packet["documents"]
    # One loss: the notice points at the report and names the same date.
    assert claim["fields"]["police_report_number"] == police["fields"]["report_number"]
    assert claim["fields"]["date_of_loss"] == police["fields"]["crash_date"]


def test_bad_files_are_really_bad(small_corpus: Path) -> None:
    kinds = {}
    for pdf in _pdfs(small_corpus):
        truth = _truth(pdf)
        if truth["variant"] == "bad":
            kinds[BadKind(truth["bad"])] = pdf
    assert set(kinds) == set(BadKind)
    assert kinds[BadKind.ZERO_BYTES].stat().st_size == 0
    assert kinds[BadKind.PNG_NAMED_PDF].read_bytes().startswith(b"\x89PNG")
    assert not kinds[BadKind.TEXT_NAMED_PDF].read_bytes().startswith(b"%PDF")
    with pytest.raises(PdfReadError):
        len(PdfReader(kinds[BadKind.TRUNCATED]).pages)
    encrypted = PdfReader(kinds[BadKind.ENCRYPTED])
    assert encrypted.is_encrypted
    assert not encrypted.decrypt("")
    with pytest.raises(PdfReadError):
        encrypted.pages[0].extract_text()


def test_owner_password_file_is_readable(small_corpus: Path) -> None:
    reader = PdfReader(small_corpus / "owner_password.pdf")
    assert reader.is_encrypted
    assert "Policy" in reader.pages[0].extract_text() or "POLICY" in reader.pages[0].extract_text()
    truth = _truth(small_corpus / "owner_password.pdf")
    assert truth["documents"][0]["doc_type"] == "claim_form"


def test_scanned_files_have_no_text_layer_and_match_their_twin(small_corpus: Path) -> None:
    scans = [p for p in _pdfs(small_corpus) if _truth(p)["variant"] == "scanned"]
    assert scans
    rotated = 0
    for pdf in scans:
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert len(text.strip()) == 0, pdf.name
        reader = PdfReader(pdf)
        for page in reader.pages:
            images = page["/Resources"]["/XObject"]
            filters = [x.get_object()["/Filter"] for x in images.values()]
            assert any("/DCTDecode" in (f if isinstance(f, list) else [f]) for f in filters), (
                pdf.name
            )
        truth = _truth(pdf)
        rotated += sum("rotate:90" in effects for effects in truth["page_effects"])
        twin = _truth(small_corpus / truth["twin_of"])
        assert truth["documents"] == twin["documents"]
    assert rotated >= 1


def test_loss_run_money_adds_up(small_corpus: Path) -> None:
    seen_rows = 0
    for pdf in _pdfs(small_corpus):
        for doc in _truth(pdf)["documents"]:
            if doc["doc_type"] != "loss_run":
                continue
            f = doc["fields"]
            for row in f["claims"]:
                assert Decimal(row["incurred"]) == Decimal(row["paid"]) + Decimal(row["reserve"])
                seen_rows += 1
            if f["total_paid"] is not None:
                assert Decimal(f["total_paid"]) == sum(
                    (Decimal(r["paid"]) for r in f["claims"]), Decimal(0)
                )
                assert Decimal(f["total_incurred"]) == Decimal(f["total_paid"]) + Decimal(
                    f["total_reserve"]
                )
            if f["claim_count"] is not None:
                assert int(f["claim_count"]) == len(f["claims"])
    assert seen_rows > 0


def test_printed_values_are_in_the_text_layer(small_corpus: Path) -> None:
    """A spot check that truth is what is printed: identifiers appear verbatim on the page."""
    for name in ("claim_form_1.pdf", "police_report_2.pdf", "loss_run_1.pdf"):
        reader = PdfReader(small_corpus / name)
        text = " ".join(page.extract_text() for page in reader.pages)
        doc = _truth(small_corpus / name)["documents"][0]
        f = doc["fields"]
        values = [f.get("policy_number"), f.get("report_number"), f.get("naic_code")]
        values += [row["claim_number"] for row in f.get("claims", [])]
        values += [p["vehicle_vin"] for p in f.get("parties", [])]
        for value in filter(None, values):
            assert value in text, (name, value)


def test_vins_carry_a_valid_check_digit(small_corpus: Path) -> None:
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"  # the textbook example
    assert is_valid_vin("1M8GDM9AXKP042788") and not is_valid_vin("1M8GDM9A1KP042788")
    vins = []
    for pdf in _pdfs(small_corpus):
        for doc in _truth(pdf)["documents"]:
            f = doc["fields"]
            vins += [f.get("vehicle_vin")] + [p["vehicle_vin"] for p in f.get("parties", [])]
    vins = [v for v in vins if v]
    assert vins and all(is_valid_vin(v) for v in vins)


def test_default_plan_covers_the_issue_requirements() -> None:
    for doc_type in (DocType.CLAIM_FORM, DocType.POLICE_REPORT, DocType.LOSS_RUN):
        assert len(layouts_for(doc_type)) >= 3
    plan = build_plan("default", 7)
    names = [f.name for f in plan]
    assert len(names) == len(set(names))
    assert 40 <= len(plan) <= 55
    assert {f.bad for f in plan if f.bad} == set(BadKind)
    assert sum(len(f.docs) > 1 for f in plan if f.variant == Variant.DIGITAL) >= 2
    assert any(len(f.docs) > 1 for f in plan if f.variant == Variant.SCANNED)
    assert any(f.rotate_pages for f in plan)
    assert any(f.owner_password_only for f in plan)
    layouts_used = {d.layout for f in plan for d in f.docs}
    assert default_layouts() <= layouts_used
    assert any(d.options.get("no_losses") for f in plan for d in f.docs)


def test_large_plan_is_three_times_default_with_unique_names() -> None:
    large = build_plan("large", 7)
    assert len({f.name for f in large}) == len(large) >= 3 * 40


def test_holdout_layouts_join_large_and_holdout_profiles_only() -> None:
    """The committed corpus never shows a holdout layout; "large" and "holdout" do."""
    holdout = set(LAYOUTS) - default_layouts()
    for doc_type in (DocType.CLAIM_FORM, DocType.POLICE_REPORT, DocType.LOSS_RUN):
        assert layouts_for(doc_type, holdout=True)
    used = {
        profile: {d.layout for f in build_plan(profile, 7) for d in f.docs}
        for profile in ("default", "large", "holdout")
    }
    assert not used["default"] & holdout
    assert holdout <= used["large"] and holdout <= used["holdout"]
    holdout_plan = build_plan("holdout", 7)
    assert len({f.name for f in holdout_plan}) == len(holdout_plan)
    assert any(f.variant == Variant.SCANNED for f in holdout_plan)


def test_unknown_profile_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="profile"):
        generate_corpus(tmp_path, profile="huge")


def test_encrypted_bytes_do_not_depend_on_time() -> None:
    from sample_docs.generator.bad_files import encrypt_with_user_password
    from sample_docs.generator.drawing import PdfBuilder

    pdf = PdfBuilder()
    pdf.text(72, 72, "hello")
    pdf.end_page()
    source = pdf.to_bytes()
    assert encrypt_with_user_password(source, "pw") == encrypt_with_user_password(source, "pw")
    assert PdfReader(io.BytesIO(encrypt_with_user_password(source, "pw"))).is_encrypted


COMMITTED = Path(__file__).resolve().parents[2] / "sample_docs" / "corpus"
# What the issue asks the committed corpus to show, as patterns over its digital text layers.
REQUIRED_ON_PAGES = {
    "label Policy No.": r"Policy No\.",
    "label Policy #": r"Policy #",
    "label Policy Number": r"Policy Number",
    "label Date of Loss": r"Date of Loss",
    "label Loss Date": r"Loss Date",
    "label DOL": r"\bDOL\b",
    "label Accident Date": r"Accident Date",
    "label Valued as of": r"Valued as of",
    "label Valuation Date": r"Valuation Date",
    "label Evaluation Date": r"(?i)Evaluation Date",
    "date 03/14/2026": r"\b\d\d/\d\d/\d{4}\b",
    "date 2026-03-14": r"\b20\d\d-\d\d-\d\d\b",
    "date March 14, 2026": r"\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}",
    "date 14-Mar-26": r"\b\d\d-[A-Z][a-z]{2}-\d\d\b",
    "money $1,234.56": r"\$\d{1,3},\d{3}\.\d\d",
    "money 1,234.56": r"(?<![$\d,])\d{1,3},\d{3}\.\d\d",
    "money (500.00)": r"\(\$?[\d,]+\.\d\d\)",
    "money USD 1234.56": r"USD \d+\.\d\d",
    "status letters": r"O = Open",
    "continued marker": r"(?i)continued",
    "subtotal rows": r"(?i)subtotal",
    "no losses": r"(?i)no (losses|claims) reported",
}


@pytest.mark.skipif(not (COMMITTED / "manifest.json").exists(), reason="no committed corpus")
def test_committed_corpus_shows_the_required_variety() -> None:
    texts = []
    for pdf in sorted(COMMITTED.glob("*.pdf")):
        if _truth(pdf).get("variant") == "digital":
            texts.append(
                subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
            )
    text = "\n".join(texts)
    missing = [name for name, pattern in REQUIRED_ON_PAGES.items() if not re.search(pattern, text)]
    assert missing == []
    manifest = json.loads((COMMITTED / "manifest.json").read_text())
    assert sum(f["bytes"] for f in manifest["files"]) < 25_000_000
    layouts = {d["layout"] for f in manifest["files"] for d in f["documents"]}
    assert default_layouts() <= layouts
    loss_run_pages = [
        d["page_end"] - d["page_start"] + 1
        for f in manifest["files"]
        for d in f["documents"]
        if d["doc_type"] == "loss_run"
    ]
    assert max(loss_run_pages) >= 4 and sum(p >= 2 for p in loss_run_pages) >= 6


@pytest.mark.slow
@pytest.mark.skipif(not (COMMITTED / "manifest.json").exists(), reason="no committed corpus")
def test_committed_corpus_is_what_seed_7_generates(tmp_path: Path) -> None:
    """Same seed, same bytes: the committed corpus is reproducible (same library versions)."""
    generate_corpus(tmp_path, seed=7, profile="default")
    committed = {p.name: p.read_bytes() for p in COMMITTED.iterdir()}
    regenerated = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert committed.keys() == regenerated.keys()
    assert [name for name in committed if committed[name] != regenerated[name]] == []
