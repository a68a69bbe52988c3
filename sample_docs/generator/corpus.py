"""Render a plan into files: NAME.pdf + NAME.truth.json per entry, and manifest.json.

Each file draws from its own RNG seeded with (seed, file name), so files do not depend on each
other and the same seed always gives the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from pipeline.contract import DocType
from sample_docs.generator import bad_files
from sample_docs.generator.content import build_incident
from sample_docs.generator.drawing import PdfBuilder, binary_streams
from sample_docs.generator.fake_data import FakeData
from sample_docs.generator.layouts import LAYOUTS, RenderContext
from sample_docs.generator.plan import BadKind, FileSpec, Variant, build_plan
from sample_docs.generator.scan import ScanPlan, scan_pdf

MANIFEST_NAME = "manifest.json"
PROFILES = ("small", "default", "large", "holdout")


def generate_corpus(out_dir: Path, seed: int = 7, profile: str = "default") -> list[Path]:
    """Write the corpus of `profile` into `out_dir`; return the paths of the PDFs written."""
    with binary_streams():
        return _generate(Path(out_dir), seed, profile)


def _generate(out_dir: Path, seed: int, profile: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered: dict[str, tuple[bytes, list[dict[str, Any]]]] = {}
    written: list[Path] = []
    manifest: list[dict[str, Any]] = []
    for spec in build_plan(profile, seed):
        pdf_bytes, truth, pages = _make_file(spec, seed, rendered)
        path = out_dir / f"{spec.name}.pdf"
        path.write_bytes(pdf_bytes)
        (out_dir / f"{spec.name}.truth.json").write_text(
            json.dumps(truth, indent=2) + "\n", encoding="utf-8"
        )
        written.append(path)
        manifest.append(
            {
                "file": path.name,
                "variant": spec.variant.value,
                "pages": pages,
                "bytes": len(pdf_bytes),
                "documents": [
                    {
                        "doc_type": d["doc_type"],
                        "layout": d.get("layout"),
                        "page_start": d["page_start"],
                        "page_end": d["page_end"],
                    }
                    for d in truth["documents"]
                ],
                "twin_of": f"{spec.twin_of}.pdf" if spec.twin_of else None,
                "why": spec.why,
            }
        )
    manifest_doc = {"seed": seed, "profile": profile, "files": manifest}
    (out_dir / MANIFEST_NAME).write_text(
        json.dumps(manifest_doc, indent=2) + "\n", encoding="utf-8"
    )
    return written


def render_documents(spec: FileSpec, seed: int) -> tuple[bytes, list[dict[str, Any]]]:
    """Draw every document of `spec` into one PDF; return it and the truth of each document."""
    pdf = PdfBuilder(title="")
    file_rng = random.Random(f"{seed}:{spec.name if not spec.twin_of else spec.twin_of}")
    incident = build_incident(FakeData(file_rng)) if spec.shared_incident else None
    documents = []
    for index, doc in enumerate(spec.docs):
        layout = LAYOUTS[doc.layout]()
        first = pdf.pages_done + 1
        ctx = RenderContext(
            random.Random(f"{seed}:{spec.twin_of or spec.name}:{index}"),
            dict(doc.options),
            incident,
        )
        fields = layout.render(pdf, ctx)
        documents.append(
            {
                "page_start": first,
                "page_end": pdf.pages_done,
                "doc_type": layout.doc_type.value,
                "layout": layout.name,
                "fields": {} if layout.doc_type == DocType.OTHER else fields,
            }
        )
    return pdf.to_bytes(), documents


def _make_file(
    spec: FileSpec, seed: int, rendered: dict[str, tuple[bytes, list[dict[str, Any]]]]
) -> tuple[bytes, dict[str, Any], int]:
    if spec.variant == Variant.BAD:
        return _make_bad_file(spec, seed)
    source = spec.twin_of or spec.name
    if source not in rendered:
        rendered[source] = render_documents(spec, seed)
    pdf_bytes, documents = rendered[source]
    pages = max(d["page_end"] for d in documents)
    truth: dict[str, Any] = {
        "variant": spec.variant.value,
        "documents": [dict(d) for d in documents],
    }
    if spec.variant == Variant.SCANNED:
        scan_rng = random.Random(f"{seed}:{spec.name}:scan")
        pdf_bytes, page_effects = scan_pdf(
            pdf_bytes, scan_rng, ScanPlan(rotate_pages=frozenset(spec.rotate_pages))
        )
        # File level only: a twin's `documents` must stay identical to its digital file's.
        truth["effects"] = list(dict.fromkeys(e for page in page_effects for e in page))
        truth["page_effects"] = page_effects
        if spec.twin_of:
            truth["twin_of"] = f"{spec.twin_of}.pdf"
    if spec.owner_password_only:
        pdf_bytes = bad_files.restrict_with_owner_password(
            pdf_bytes, owner_password=f"owner-{seed}"
        )
        truth["encryption"] = "owner_password_only"
    return pdf_bytes, truth, pages


def _make_bad_file(spec: FileSpec, seed: int) -> tuple[bytes, dict[str, Any], int]:
    truth = {
        "status": "quarantined",
        "documents": [],
        "variant": Variant.BAD.value,
        "bad": spec.bad.value if spec.bad else None,
    }
    if spec.bad in (BadKind.ENCRYPTED, BadKind.TRUNCATED):
        source, _ = render_documents(spec, seed)
        if spec.bad == BadKind.ENCRYPTED:
            return bad_files.encrypt_with_user_password(source, password=f"claim-{seed}"), truth, 0
        return bad_files.truncate(source), truth, 0
    if spec.bad == BadKind.PNG_NAMED_PDF:
        return bad_files.png_bytes(), truth, 0
    if spec.bad == BadKind.TEXT_NAMED_PDF:
        return bad_files.text_bytes(), truth, 0
    return b"", truth, 0
