"""Bounded loading of hostile PDFs: bombs refused from their dictionaries before any tool decodes
them, page-tree loops and shared branches are corrupt, scripts and launch actions are noted (never
run) and refused only on request. Files come from the hostile corpus generators."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest

from claimdocs.hostile import (
    active_content_variants,
    base_document,
    cyclic_page_tree_pdf,
    deflate_repeated,
    flate_bomb_pdf,
    many_pages_pdf,
    one_page_objects,
    pixel_bomb_pdf,
    raw_pdf,
    shared_branch_pdf,
)
from pipeline.load import LoadLimits, QuarantineError, QuarantineReason, load_pdf
from pipeline.pdf_structure import inspect_pdf


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    files = {
        "pixel_bomb": pixel_bomb_pdf(),
        "flate_bomb": flate_bomb_pdf(),
        "cyclic": cyclic_page_tree_pdf(),
        "shared_branch": shared_branch_pdf(),
        "many_pages": many_pages_pdf(12),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    paths["base"] = base_document(folder / "base.pdf", random.Random(1))
    for case in active_content_variants(paths["base"], folder):
        paths[case.name.removesuffix(".pdf")] = folder / case.name
    return paths


def _refusal(path: Path, limits: LoadLimits | None = None) -> QuarantineError:
    with pytest.raises(QuarantineError) as caught:
        load_pdf(path, limits or LoadLimits())
    return caught.value


def test_deflate_repeated_is_a_valid_zlib_stream_of_the_right_size() -> None:
    size = 3 * 4096 + 17
    assert zlib.decompress(deflate_repeated(b"x", size, chunk_bytes=4096)) == b"x" * size


def test_bomb_files_are_small(corpus: dict[str, Path]) -> None:
    assert corpus["pixel_bomb"].stat().st_size < 20_000
    assert corpus["flate_bomb"].stat().st_size < 20_000


def test_pixel_bomb_is_refused_from_the_image_dictionary(corpus: dict[str, Path]) -> None:
    error = _refusal(corpus["pixel_bomb"])
    assert error.reason is QuarantineReason.BOMB
    assert "1225 megapixels" in error.message and "250 megapixel" in error.message


def test_flate_bomb_is_refused_past_the_inflated_byte_cap(corpus: dict[str, Path]) -> None:
    error = _refusal(corpus["flate_bomb"], LoadLimits(max_decoded_stream_bytes=64 * 1024 * 1024))
    assert error.reason is QuarantineReason.BOMB
    assert "64 MB" in error.message


def test_ordinary_content_counts_against_a_tiny_cap(corpus: dict[str, Path]) -> None:
    error = _refusal(corpus["base"], LoadLimits(max_decoded_stream_bytes=100))
    assert error.reason is QuarantineReason.BOMB


@pytest.mark.parametrize("name", ["cyclic", "shared_branch"])
def test_page_tree_that_is_not_a_tree_is_corrupt(corpus: dict[str, Path], name: str) -> None:
    error = _refusal(corpus[name])
    assert error.reason is QuarantineReason.CORRUPT
    assert "list of pages" in error.message


def test_page_count_from_the_tree_is_checked_before_anything_else(corpus: dict[str, Path]) -> None:
    error = _refusal(corpus["many_pages"], LoadLimits(max_pages=10))
    assert error.reason is QuarantineReason.TOO_MANY_PAGES
    assert "12 pages" in error.message


def test_structure_of_a_plain_document(corpus: dict[str, Path]) -> None:
    structure = inspect_pdf(corpus["base"], 1000, 250.0, 512 * 1024 * 1024)
    assert structure.page_count == 2
    assert structure.active_content == []
    assert 0 < structure.decoded_stream_bytes < 10_000


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("active_javascript", ["javascript"]),
        ("active_launch", ["launch"]),
        ("active_attachment", ["embedded_file"]),
    ],
)
def test_scripts_and_actions_are_noted_not_refused(
    corpus: dict[str, Path], name: str, codes: list[str]
) -> None:
    loaded = load_pdf(corpus[name])
    assert loaded.page_count == 2
    assert loaded.active_content == codes


@pytest.mark.parametrize("name", ["active_javascript", "active_launch"])
def test_scripts_and_launch_actions_refused_on_request(corpus: dict[str, Path], name: str) -> None:
    error = _refusal(corpus[name], LoadLimits(refuse_active_content=True))
    assert error.reason is QuarantineReason.ACTIVE_CONTENT


def test_attachments_alone_are_not_refused(corpus: dict[str, Path]) -> None:
    assert load_pdf(corpus["active_attachment"], LoadLimits(refuse_active_content=True))


def test_run_length_bomb_is_refused(tmp_path: Path) -> None:
    # Each 2-byte run expands to 128 bytes: 1.2 MB of file, 77 MB of page content.
    data = bytes([129, 0x20]) * 600_000 + bytes([128])
    path = tmp_path / "run_length_bomb.pdf"
    path.write_bytes(raw_pdf(one_page_objects(b"<< >>", data, b" /Filter /RunLengthDecode")))
    assert _refusal(path, LoadLimits(max_decoded_stream_bytes=64 * 1024 * 1024)).reason is (
        QuarantineReason.BOMB
    )
