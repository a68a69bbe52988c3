"""Write sample_docs/README.md from a corpus manifest: every file, what it holds, why it is there."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sample_docs.generator.layouts import LAYOUTS

HEADER = """# Sample documents

`corpus/` is generated, never edited by hand: `python -m sample_docs.generator sample_docs/corpus
--seed 7 --profile default --readme sample_docs/README.md` (or `claimdocs samples OUT --seed 7`)
rewrites it byte for byte. Everything in it is synthetic: people, businesses, carriers, NAIC codes,
agencies and towns are invented; phone numbers use 555-01xx; e-mail addresses use the reserved
example domains. VINs carry a correct ISO 3779 check digit.

Each `NAME.pdf` has `NAME.truth.json` in the contract's ground-truth shape (every catalogue field of
the document type, null or [] when not printed; values in normal form of exactly what is printed).
Optional keys added by the generator: `variant` (`digital`, `scanned`, `bad`), per document
`layout` and, for scans, `effects` (all pages) plus `page_effects` (per page) and `twin_of`.
Effects: `skew:A` (degrees, counter-clockwise positive), `noise` (speckle, grain, grey paper),
`blur:R` (Gaussian radius in px at 200 dpi), `rotate:90` (page fed sideways: the content is turned
90 degrees counter-clockwise, so it must be turned 90 degrees clockwise to read). Scans are 200 dpi
grayscale JPEG pages with no text layer. A scanned twin has the same content and the same
`documents` as its digital file. Bad files carry `bad` (the defect); the owner-password file carries
`encryption: owner_password_only` and is processed normally. `manifest.json` lists the same as the
table below, for programs.

"""

LAYOUT_INTRO = (
    "\n## Layouts\n\nAdding a layout = one module in `sample_docs/generator/layouts/` registered in "
    "its `__init__.py`. Holdout layouts (marked below) appear only in the `large` and `holdout` "
    "profiles, never in this corpus: the extraction rules were written without seeing them, so "
    "they measure generalisation (`claimdocs samples OUT --seed N --profile holdout`).\n\n"
    "| layout | what it looks like |\n|---|---|\n"
)


def render_readme(manifest_path: Path) -> str:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest["files"]
    by_variant = Counter(f["variant"] for f in files)
    by_type = Counter(d["doc_type"] for f in files for d in f["documents"])
    pages = sum(f["pages"] for f in files)
    scanned_pages = sum(f["pages"] for f in files if f["variant"] == "scanned")
    size = sum(f["bytes"] for f in files)
    lines = [HEADER]
    lines.append(
        f"Corpus: seed {manifest['seed']}, profile `{manifest['profile']}`: {len(files)} files "
        f"({', '.join(f'{n} {v}' for v, n in sorted(by_variant.items()))}), {pages} pages of which "
        f"{scanned_pages} scanned, {size / 1e6:.1f} MB. Documents by type: "
        f"{', '.join(f'{n} {t}' for t, n in sorted(by_type.items()))}.\n"
    )
    lines.append(
        "\n## Files\n\n| file | variant | pages | documents (type, layout, pages) | why it is here |\n|---|---|---|---|---|\n"
    )
    for f in files:
        docs = (
            "; ".join(
                f"{d['doc_type']} `{d['layout']}` p{d['page_start']}"
                + (f"-{d['page_end']}" if d["page_end"] != d["page_start"] else "")
                for d in f["documents"]
            )
            or "quarantined (no documents)"
        )
        lines.append(f"| `{f['file']}` | {f['variant']} | {f['pages']} | {docs} | {f['why']} |\n")
    lines.append(LAYOUT_INTRO)
    for name in sorted(LAYOUTS):
        marker = " (holdout)" if LAYOUTS[name].holdout else ""
        lines.append(f"| `{name}`{marker} | {LAYOUTS[name].description} |\n")
    return "".join(lines)
