"""Page words: text-layer pages come straight from poppler, image pages go to OCR, all upright."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen import canvas

from pipeline.load import load_pdf
from pipeline.ocr import OcrOptions
from pipeline.page_model import PageWords, Word, WordSource
from pipeline.page_words import (
    iter_page_words,
    plan_page_sources,
    read_page_words,
    start_page_words,
)
from pipeline.text_layer import TextLayerPage, parse_bbox_layout
from tests.unit.pdf_factory import (
    FORM_LINES,
    HALF_LETTER,
    DrawnWord,
    draw_lines,
    image_pdf_page,
    make_digital_pdf,
    rasterise_page,
    word_recall,
    write_pdf_of_pages,
)

# No OCR process pool is started for pages that never need it; one worker keeps tests light.
OPTIONS = OcrOptions(workers=1)
LOSS_RUN_LINES = [
    "LOSS RUN REPORT Valued as of 01/31/2026",
    "Insured Harbor Freight Lines Inc Carrier Granite State Casualty",
    "Claim CL-00123 Date 02/11/2025 Paid $1,200.00 Reserve $300.00 Status open",
    "Claim CL-00124 Date 07/19/2025 Paid $8,415.50 Reserve $0.00 Status closed",
    "Total Paid $9,615.50 Total Reserve $300.00 Claims 2",
]


def assert_boxes_match(page: PageWords, drawn: list[DrawnWord], tolerance: float) -> int:
    """Each drawn word whose text is unique on the page is found within `tolerance` points."""
    found: dict[str, list[Word]] = {}
    for word in page.words:
        found.setdefault(word.text, []).append(word)
    checked = 0
    for word in drawn:
        matches = found.get(word.text, [])
        if len(matches) != 1 or sum(other.text == word.text for other in drawn) != 1:
            continue
        assert all(
            abs(a - b) <= tolerance for a, b in zip(matches[0].bbox, word.bbox, strict=True)
        ), (word, matches[0].bbox)
        checked += 1
    return checked


def test_digital_page_words_come_with_their_drawn_boxes(tmp_path: Path) -> None:
    path = tmp_path / "digital.pdf"
    (drawn,) = make_digital_pdf(path, [FORM_LINES])

    (page,) = read_page_words(load_pdf(path), OPTIONS)

    assert page.source is WordSource.TEXT_LAYER
    assert (page.width, page.height, page.rotation) == (612.0, 792.0, 0)
    assert [word.text for word in page.words] == [word.text for word in drawn]
    assert all(word.confidence == 1.0 for word in page.words)
    assert assert_boxes_match(page, drawn, tolerance=2.0) >= 60
    # Words drawn on one baseline share a line id; the next line gets another.
    policy, number = (next(word for word in page.words if word.text == t) for t in ("Policy", "Number"))
    assert policy.line_id == number.line_id != page.words[0].line_id


@pytest.mark.parametrize("page_rotate, expected_turn", [(90, 270), (180, 180), (270, 90)])
def test_page_rotated_by_rotate_key_has_its_text_turned_upright(
    tmp_path: Path, page_rotate: int, expected_turn: int
) -> None:
    digital = tmp_path / "digital.pdf"
    (drawn,) = make_digital_pdf(digital, [FORM_LINES])
    writer = PdfWriter(clone_from=digital)
    writer.pages[0].rotate(page_rotate)  # displayed sideways / upside down
    rotated = tmp_path / "rotated.pdf"
    writer.write(rotated)

    (page,) = read_page_words(load_pdf(rotated), OPTIONS)

    assert page.source is WordSource.TEXT_LAYER
    assert page.rotation == expected_turn
    assert (page.width, page.height) == (612.0, 792.0)
    assert assert_boxes_match(page, drawn, tolerance=2.0) >= 60


def test_landscape_page_made_with_rotate_key_reads_as_displayed(tmp_path: Path) -> None:
    # A landscape loss run stored as a portrait page turned by /Rotate 90: the content is drawn
    # turned so that, as displayed, it reads normally and needs no further turn.
    path = tmp_path / "landscape.pdf"
    pdf = canvas.Canvas(str(path), pagesize=letter)
    pdf.translate(letter[0], 0)
    pdf.rotate(90)
    draw_lines(pdf, LOSS_RUN_LINES, page_height=landscape(letter)[1])
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=path)
    writer.pages[0].rotate(90)
    writer.write(path)

    loaded = load_pdf(path)
    (page,) = read_page_words(loaded, OPTIONS)

    assert loaded.page_sizes == [(792.0, 612.0)]
    assert (page.width, page.height, page.rotation) == (792.0, 612.0, 0)
    claim = next(word for word in page.words if word.text == "CL-00123")
    paid = next(word for word in page.words if word.text == "$1,200.00")
    assert claim.bbox[0] < paid.bbox[0] and abs(claim.bbox[1] - paid.bbox[1]) < 1.0
    assert all(0 <= word.bbox[0] < word.bbox[2] <= 792 for word in page.words)


def test_mixed_pdf_sends_only_the_image_page_to_ocr(tmp_path: Path) -> None:
    text_pdf = tmp_path / "text.pdf"
    make_digital_pdf(text_pdf, [LOSS_RUN_LINES], pagesize=HALF_LETTER)
    to_scan = tmp_path / "to_scan.pdf"
    (scanned_drawn,) = make_digital_pdf(to_scan, [FORM_LINES], pagesize=HALF_LETTER)
    mixed = tmp_path / "mixed.pdf"
    write_pdf_of_pages(mixed, [(text_pdf, 1), image_pdf_page(rasterise_page(to_scan))])

    pages = read_page_words(load_pdf(mixed), OPTIONS)

    assert [page.source for page in pages] == [WordSource.TEXT_LAYER, WordSource.OCR]
    assert [page.page_number for page in pages] == [1, 2]
    scanned = pages[1]
    assert (scanned.width, scanned.height) == HALF_LETTER
    assert word_recall([word.text for word in scanned_drawn], [w.text for w in scanned.words]) >= 0.97
    assert assert_boxes_match(scanned, scanned_drawn, tolerance=3.0) >= 40
    assert 0.8 < scanned.mean_confidence < 1.0


def test_scan_with_a_digital_stamp_is_ocred_and_keeps_the_exact_stamp(tmp_path: Path) -> None:
    # A scanned page with a Bates number stamped as real text: the text layer is a few words over
    # a page-covering picture, so the picture is read and the stamp words are taken as printed.
    to_scan = tmp_path / "to_scan.pdf"
    (scanned_drawn,) = make_digital_pdf(to_scan, [FORM_LINES], pagesize=HALF_LETTER)
    scan_page = image_pdf_page(rasterise_page(to_scan))
    stamp = tmp_path / "stamp.pdf"
    stamp_canvas = canvas.Canvas(str(stamp), pagesize=HALF_LETTER)
    stamp_canvas.setFont("Helvetica", 9)
    stamp_canvas.drawString(470, 20, "BATES ACM-000417")
    stamp_canvas.showPage()
    stamp_canvas.save()
    scan_page.pages[0].merge_page(PdfWriter(clone_from=stamp).pages[0])
    stamped = tmp_path / "stamped.pdf"
    write_pdf_of_pages(stamped, [scan_page])

    (page,) = read_page_words(load_pdf(stamped), OPTIONS)

    assert page.source is WordSource.OCR
    assert word_recall([word.text for word in scanned_drawn], [w.text for w in page.words]) >= 0.97
    stamp_words = [word for word in page.words if word.text in {"BATES", "ACM-000417"}]
    assert [(word.text, word.confidence) for word in stamp_words] == [
        ("BATES", 1.0),
        ("ACM-000417", 1.0),
    ]


def text_page(texts: list[str]) -> TextLayerPage:
    words = [
        Word(text=text, bbox=(10.0 * i, 10.0, 10.0 * i + 8, 20.0), confidence=1.0, line_id=1)
        for i, text in enumerate(texts)
    ]
    return TextLayerPage(page_number=1, width=612, height=792, rotation=0, words=words)


@pytest.mark.parametrize(
    "texts, coverage, expected_source, expected_reason",
    [
        (["Policy", "Number", "PA-2254257", "Loss", "Date"], 0.0, WordSource.TEXT_LAYER, "text_layer"),
        ([], 0.0, WordSource.OCR, "no_text_layer"),
        (["Page", "2"], 0.0, WordSource.OCR, "no_text_layer"),
        (["Claim", "\ue011\ue012", "Date", "\ue013", "\x01\x02", "\ufffd\ufffd", "Paid"], 0.0,
         WordSource.OCR, "garbage_text_layer"),
        (["Bates", "ACM-000417", "Received", "2026-02-01"], 1.0, WordSource.OCR, "image_page"),
        (["word"] * 40, 1.0, WordSource.TEXT_LAYER, "text_layer"),  # searchable scan
    ],
    ids=["digital", "empty", "too_few", "garbage", "stamp_on_scan", "searchable_scan"],
)
def test_plan_uses_the_text_layer_only_when_it_holds_the_page(
    texts: list[str], coverage: float, expected_source: WordSource, expected_reason: str
) -> None:
    (plan,) = plan_page_sources([text_page(texts)], [coverage], OcrOptions())
    assert (plan.source, plan.reason) == (expected_source, expected_reason)


def test_page_words_stream_one_page_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "three.pdf"
    make_digital_pdf(path, [FORM_LINES[:4], FORM_LINES[4:8], FORM_LINES[8:]])

    stream = iter_page_words(load_pdf(path), OPTIONS)

    assert inspect.isgenerator(stream)
    assert [page.page_number for page in stream] == [1, 2, 3]


def test_bbox_layout_with_characters_xml_forbids_still_parses() -> None:
    xhtml = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><doc>'
        b'<page width="612" height="792"><flow><block xMin="1" yMin="2" xMax="30" yMax="12">'
        b'<line xMin="1" yMin="2" xMax="30" yMax="12">'
        b'<word xMin="1" yMin="2" xMax="10" yMax="12">A\x01B</word>'
        b'<word xMin="12" yMin="2" xMax="30" yMax="12">Claim</word>'
        b"</line></block></flow></page></doc></body></html>"
    )

    (words,) = parse_bbox_layout(xhtml)

    assert [(word.text, word.bbox) for word in words] == [
        ("A B", (1.0, 2.0, 10.0, 12.0)),
        ("Claim", (12.0, 2.0, 30.0, 12.0)),
    ]


@pytest.mark.parametrize("chunk_bytes", [7, 64, 1 << 20])
def test_bbox_layout_is_parsed_the_same_in_any_chunking(monkeypatch, chunk_bytes: int) -> None:
    """The XHTML is parsed incrementally (a page's elements dropped once read); where the
    chunks cut it must not change the words, their pages or their line and block ids."""
    page = (
        b'<page width="612" height="792"><flow><block><line>'
        b'<word xMin="1" yMin="2" xMax="10" yMax="12">Policy</word>'
        b'<word xMin="12" yMin="2" xMax="30" yMax="12">No.</word></line></block>'
        b'<block><line><word xMin="1" yMin="20" xMax="9" yMax="30">AB-1</word></line></block>'
        b"</flow></page>"
    )
    xhtml = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><doc>'
        + page * 3
        + b'<page width="612" height="792"></page></doc></body></html>'
    )
    whole = parse_bbox_layout(xhtml)
    monkeypatch.setattr("pipeline.text_layer._PARSE_CHUNK_BYTES", chunk_bytes)

    chunked = parse_bbox_layout(xhtml)

    assert [len(words) for words in chunked] == [3, 3, 3, 0]
    assert chunked == whole
    assert [(w.text, w.line_id, w.block_id) for w in chunked[1]] == [
        ("Policy", 1, 1), ("No.", 1, 1), ("AB-1", 2, 2),
    ]  # fmt: skip


def test_ocr_cpu_is_booked_on_ocr_pages_only_and_not_again_for_a_cache_hit(tmp_path: Path) -> None:
    text_pdf = tmp_path / "text.pdf"
    make_digital_pdf(text_pdf, [LOSS_RUN_LINES], pagesize=HALF_LETTER)
    to_scan = tmp_path / "to_scan.pdf"
    make_digital_pdf(to_scan, [FORM_LINES], pagesize=HALF_LETTER)
    mixed = tmp_path / "mixed.pdf"
    write_pdf_of_pages(mixed, [(text_pdf, 1), image_pdf_page(rasterise_page(to_scan, dpi=150), 150)])
    options = OcrOptions(workers=1, dpi=150, cache_dir=tmp_path / "cache")

    text_page, scanned_page = read_page_words(load_pdf(mixed), options)
    _, scanned_again = read_page_words(load_pdf(mixed), options)

    assert (text_page.source, text_page.ocr_cpu_seconds) == (WordSource.TEXT_LAYER, 0.0)
    assert scanned_page.source is WordSource.OCR and scanned_page.ocr_cpu_seconds > 0.05
    assert scanned_again.words == scanned_page.words and scanned_again.ocr_cpu_seconds == 0.0


def test_image_coverage_is_measured_only_when_a_page_depends_on_it(tmp_path: Path) -> None:
    # Every page of a plain digital file holds words enough on its own: no pdfimages run.
    digital = tmp_path / "digital.pdf"
    make_digital_pdf(digital, [FORM_LINES, FORM_LINES[:1]])  # 62 words, then 3 words

    full_page_job = start_page_words(load_pdf(digital), OPTIONS)
    full_page_job.close()

    first, thin = full_page_job.plans
    assert first.reason == "text_layer" and thin.reason == "text_layer"
    # The thin page could be a stamp over a scan, so the images were measured for the file.
    assert first.image_coverage == thin.image_coverage == 0.0

    rich = tmp_path / "rich.pdf"
    make_digital_pdf(rich, [FORM_LINES])
    rich_job = start_page_words(load_pdf(rich), OPTIONS)
    rich_job.close()
    assert [plan.image_coverage for plan in rich_job.plans] == [None]
