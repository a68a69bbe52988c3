"""Output keys: one marker per input, mapped back without ambiguity, prefixes kept apart."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dagster_project.output_layout import OutputLayout

LAYOUT = OutputLayout()
relative_keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40
).filter(lambda k: not k.endswith("/"))


def test_layout_keeps_folders_and_full_names() -> None:
    assert LAYOUT.extraction_key("incoming/2026/a.pdf") == "processed/2026/a.pdf.extraction.json"
    assert LAYOUT.quarantine_copy_key("incoming/2026/a.pdf") == "quarantine/2026/a.pdf"
    assert LAYOUT.reason_key("incoming/2026/a.pdf") == "quarantine/2026/a.pdf.reason.json"


@given(relative_keys)
def test_markers_map_back_to_their_input(relative: str) -> None:
    source = LAYOUT.input_prefix + relative
    for marker in LAYOUT.marker_keys(source):
        assert LAYOUT.source_key_of_marker(marker) == source


@given(relative_keys, relative_keys)
def test_two_inputs_never_share_a_marker(first: str, second: str) -> None:
    if first != second:
        a = LAYOUT.marker_keys(LAYOUT.input_prefix + first)
        b = LAYOUT.marker_keys(LAYOUT.input_prefix + second)
        assert not set(a) & set(b)


@pytest.mark.parametrize(
    "prefixes",
    [
        {"input_prefix": "data/", "processed_prefix": "data/processed/"},
        {"input_prefix": "in/", "quarantine_prefix": "in"},
        {"processed_prefix": "out/", "quarantine_prefix": "out/"},
    ],
)
def test_overlapping_prefixes_are_refused(prefixes: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="overlap"):
        OutputLayout(**prefixes)


def test_keys_outside_the_input_prefix_are_refused() -> None:
    with pytest.raises(ValueError):
        LAYOUT.extraction_key("processed/a.pdf")
