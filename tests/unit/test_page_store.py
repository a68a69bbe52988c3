"""Long files are held packed and read a page at a time, with the same results as live pages."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

import pipeline.page_store as page_store
from extractors.loss_run import HEADER_END_PAGES
from pipeline.contract import FieldValue
from pipeline.load import load_pdf
from pipeline.page_model import PageWords, Word, WordSource
from pipeline.page_store import PackedPages, PageStore, pack_page, page_heads, unpack_page
from pipeline.page_words import OcrOptions, read_page_words
from pipeline.runner import (
    PipelineOptions,
    StageTimes,
    extract_documents,
    process_batch,
    process_file,
)
from sample_docs.generator.long_loss_run import make_long_loss_run

CORPUS = Path(__file__).resolve().parents[2] / "sample_docs" / "corpus"
LONG_RUN_PAGES = 60


def page(number: int, source: WordSource = WordSource.TEXT_LAYER) -> PageWords:
    return PageWords(
        page_number=number,
        width=612.0,
        height=792.0,
        source=source,
        rotation=90 if source is WordSource.OCR else 0,
        words=[
            Word(text="Claim", bbox=(10.0, 20.5, 40.25, 30.0), confidence=0.91, line_id=3),
            Word(text="C-1'<b>", bbox=(45.0, 20.5, 80.0, 30.0), confidence=1.0, block_id=2),
        ],
        ocr_cpu_seconds=1.25 if source is WordSource.OCR else 0.0,
    )


def test_a_packed_page_unpacks_to_an_equal_page():
    for source in WordSource:
        original = page(4, source)
        packed = pack_page(original)
        assert unpack_page(packed) == original
        assert len(packed) < len(original.model_dump_json())


def test_the_store_keeps_a_short_file_live_and_packs_a_long_one():
    store = PageStore(live_limit=3)
    pages = [page(n, WordSource.OCR if n % 2 else WordSource.TEXT_LAYER) for n in range(1, 6)]
    for item in pages[:3]:
        store.add(item)
    assert not store.packed
    assert store.pages(2, 3)[0] is pages[1]  # the live objects themselves
    for item in pages[3:]:
        store.add(item)
    assert store.packed and len(store) == 5
    held = store.pages(1, 5)
    assert isinstance(held, PackedPages)
    assert list(held) == pages
    assert held[1:3][0] == pages[1] and len(held[1:3]) == 2
    assert [(h.page_number, h.source) for h in page_heads(held)] == [
        (p.page_number, p.source) for p in pages
    ]
    assert page_heads(held) == page_heads(pages)


def test_extraction_from_packed_pages_equals_extraction_from_live_pages():
    """Every corpus file with more than one page, extracted from live and from packed pages."""
    options = PipelineOptions(ocr=OcrOptions(workers=1, cache_dir=None))
    checked = 0
    for truth_path in sorted(CORPUS.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        pdf_path = truth_path.with_name(truth_path.name.removesuffix(".truth.json") + ".pdf")
        if truth.get("variant") != "digital" or truth.get("status") == "quarantined":
            continue
        live = read_page_words(load_pdf(pdf_path), options.ocr)
        if len(live) < 2:
            continue
        store = PageStore(live_limit=0)
        for item in live:
            store.add(item)
        packed = store.pages(1, len(store))
        assert isinstance(packed, PackedPages)
        assert extract_documents(packed, options, StageTimes()) == extract_documents(
            live, options, StageTimes()
        ), pdf_path.name
        checked += 1
    assert checked >= 5


def test_a_long_loss_run_is_extracted_holding_few_pages_at_once(tmp_path, monkeypatch):
    """Packed pages are unpacked one at a time and let go: at most the layout cache's worth of
    them (and the header pages) is alive at any moment, however long the run."""
    pdf_path = tmp_path / "long.pdf"
    pdf_path.write_bytes(make_long_loss_run(LONG_RUN_PAGES, seed=11, scanned=False))
    options = PipelineOptions(ocr=OcrOptions(workers=1, cache_dir=None))
    store = PageStore()
    for item in read_page_words(load_pdf(pdf_path), options.ocr):
        store.add(item)
    assert store.packed

    unpacked_pages: list[weakref.ref[PageWords]] = []
    most_alive = 0
    unpack = page_store.unpack_page

    def counting_unpack(packed: bytes) -> PageWords:
        nonlocal most_alive
        gc.collect(0)  # young objects only: a full collection per page took over a minute
        most_alive = max(most_alive, sum(ref() is not None for ref in unpacked_pages))
        unpacked = unpack(packed)
        unpacked_pages.append(weakref.ref(unpacked))
        return unpacked

    monkeypatch.setattr(page_store, "unpack_page", counting_unpack)
    (document,) = extract_documents(store.pages(1, len(store)), options, StageTimes())
    assert document.doc_type == "loss_run" and len(document.fields["claims"]) > 500
    assert len(unpacked_pages) >= 2 * LONG_RUN_PAGES  # classified, then extracted
    # The layout cache, the header pages at both ends, the page in hand.
    assert most_alive <= page_store.LIVE_PAGE_LIMIT + 2 * HEADER_END_PAGES + 1 < LONG_RUN_PAGES


@pytest.mark.parametrize("update", [None, {"value": "other", "page": 2}])
def test_field_values_share_one_fields_set_and_stay_independent(update):
    first = FieldValue(value="C-1", confidence=0.9, page=1, bbox=(1.0, 2.0, 3.0, 4.0))
    second = FieldValue(value=None, confidence=0.5)
    copied = first.model_copy(update=update)
    assert first.model_fields_set is second.model_fields_set is copied.model_fields_set
    assert first.model_fields_set == set(FieldValue.model_fields)
    copied.rule = "changed"
    assert first.rule is None and copied.rule == "changed"
    assert FieldValue.model_validate_json(first.model_dump_json()) == first
    if update:
        assert (copied.value, copied.page, first.value, first.page) == ("other", 2, "C-1", 1)


def test_a_long_file_in_a_batch_is_extracted_in_a_worker_as_in_process(tmp_path):
    """A batch ships a long file's packed pages to a worker process: same result as in-process."""
    pdf_path = tmp_path / "long.pdf"
    pdf_path.write_bytes(make_long_loss_run(page_store.LIVE_PAGE_LIMIT + 6, seed=12, scanned=False))
    options = PipelineOptions(ocr=OcrOptions(workers=1, cache_dir=None))
    (in_batch,) = process_batch([pdf_path], options)
    alone = process_file(pdf_path, options)
    assert in_batch.status == "processed" and len(in_batch.documents[0].fields["claims"]) > 300
    assert in_batch == alone
