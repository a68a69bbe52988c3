"""Safe loading: every kind of bad file ends in its own quarantine reason; good files load."""

from __future__ import annotations

import hashlib
import pickle
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from pipeline.load import (
    QUARANTINE_MESSAGES,
    LoadedPdf,
    LoadLimits,
    QuarantineError,
    QuarantineReason,
    load_pdf,
)
from tests.unit.pdf_factory import FORM_LINES, make_digital_pdf


@pytest.fixture
def digital_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "digital.pdf"
    make_digital_pdf(path, [FORM_LINES, FORM_LINES[:3], FORM_LINES[3:]])
    return path


def quarantine_reason(path: Path, limits: LoadLimits | None = None) -> QuarantineReason:
    with pytest.raises(QuarantineError) as caught:
        load_pdf(path, limits or LoadLimits())
    return caught.value.reason


def test_digital_pdf_loads_with_hash_pages_and_sizes(digital_pdf: Path) -> None:
    loaded = load_pdf(digital_pdf)

    assert isinstance(loaded, LoadedPdf)
    assert loaded.page_count == 3
    assert loaded.page_sizes == [(612.0, 792.0)] * 3
    assert loaded.page_rotations == [0, 0, 0]
    assert loaded.size_bytes == digital_pdf.stat().st_size
    assert loaded.sha256 == hashlib.sha256(digital_pdf.read_bytes()).hexdigest()


def test_page_sizes_are_as_displayed_with_rotate_applied(digital_pdf: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=digital_pdf)
    writer.pages[1].rotate(90)
    writer.pages[2].rotate(180)
    rotated = tmp_path / "rotated.pdf"
    writer.write(rotated)

    loaded = load_pdf(rotated)

    assert loaded.page_sizes == [(612.0, 792.0), (792.0, 612.0), (612.0, 792.0)]
    assert loaded.page_rotations == [0, 90, 180]


def test_empty_file_is_quarantined_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert quarantine_reason(path) is QuarantineReason.EMPTY


@pytest.mark.parametrize(
    "content",
    [b"Dear claims team, please find attached.\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64],
    ids=["text", "png"],
)
def test_file_without_pdf_header_is_not_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "claim.pdf"
    path.write_bytes(content)
    assert quarantine_reason(path) is QuarantineReason.NOT_PDF


def test_pdf_header_after_some_junk_still_loads(digital_pdf: Path, tmp_path: Path) -> None:
    # Mail gateways sometimes prepend a few bytes; readers accept a header within 1 KiB.
    path = tmp_path / "prefixed.pdf"
    path.write_bytes(b"\r\n" * 10 + digital_pdf.read_bytes())
    assert load_pdf(path).page_count == 3


def test_user_password_pdf_is_encrypted(digital_pdf: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=digital_pdf)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)

    with pytest.raises(QuarantineError) as caught:
        load_pdf(path)

    assert caught.value.reason is QuarantineReason.ENCRYPTED
    assert caught.value.message == QUARANTINE_MESSAGES[QuarantineReason.ENCRYPTED]


def test_owner_password_only_pdf_loads(digital_pdf: Path, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=digital_pdf)
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0)
    path = tmp_path / "restricted.pdf"
    writer.write(path)

    loaded = load_pdf(path)

    assert loaded.page_count == 3


@pytest.mark.parametrize("kept_fraction", [0.5, 0.9])
def test_truncated_pdf_is_corrupt_not_fewer_pages(
    digital_pdf: Path, tmp_path: Path, kept_fraction: float
) -> None:
    data = digital_pdf.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * kept_fraction)])
    assert quarantine_reason(path) is QuarantineReason.CORRUPT


def test_truncated_linearized_pdf_is_corrupt(digital_pdf: Path, tmp_path: Path) -> None:
    # A linearized file has a first-page trailer up front, so a reader could "recover" page 1.
    linearized = tmp_path / "linearized.pdf"
    subprocess.run(["qpdf", "--linearize", str(digital_pdf), str(linearized)], check=True)
    data = linearized.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert quarantine_reason(path) is QuarantineReason.CORRUPT


def test_pdf_header_with_garbage_body_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert quarantine_reason(path) is QuarantineReason.CORRUPT


def test_pdf_without_pages_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "no_pages.pdf"
    with path.open("wb") as handle:
        PdfWriter().write(handle)
    assert quarantine_reason(path) is QuarantineReason.CORRUPT


def test_file_over_byte_limit_is_too_large(digital_pdf: Path) -> None:
    limits = LoadLimits(max_bytes=digital_pdf.stat().st_size - 1)
    assert quarantine_reason(digital_pdf, limits) is QuarantineReason.TOO_LARGE


def test_file_over_page_limit_is_too_many_pages(digital_pdf: Path) -> None:
    assert quarantine_reason(digital_pdf, LoadLimits(max_pages=2)) is QuarantineReason.TOO_MANY_PAGES


def test_page_that_would_render_huge_is_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "huge_page.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(14400, 14400))  # 200 x 200 inches, PDF's maximum
    pdf.drawString(72, 72, "tiny")
    pdf.showPage()
    pdf.save()
    assert quarantine_reason(path) is QuarantineReason.BOMB


def test_slow_pdfinfo_is_a_timeout(digital_pdf: Path) -> None:
    # A real pdfinfo run that cannot finish within a microsecond.
    assert quarantine_reason(digital_pdf, LoadLimits(tool_timeout_s=1e-6)) is QuarantineReason.TIMEOUT


def test_quarantine_error_survives_pickling_between_processes() -> None:
    error = QuarantineError(QuarantineReason.TOO_MANY_PAGES, pages=1200, limit=1000)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason is QuarantineReason.TOO_MANY_PAGES
    assert copy.message == error.message
    assert "1200" in copy.message


def test_every_reason_has_a_plain_message() -> None:
    details = {
        "size_mb": 250.0, "limit_mb": 200.0, "pages": 1200, "limit": 1000, "page": 3,
        "megapixels": 400.0, "seconds": 60.0, "feature": "NotImplementedError",
    }
    for reason in QuarantineReason:
        message = QuarantineError(reason, **details).message
        assert message.endswith(".") and len(message) > 20
