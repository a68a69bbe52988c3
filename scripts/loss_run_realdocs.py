"""How the classifier and the loss-run table finder fare on real documents without truth.

    .venv/bin/python scripts/loss_run_realdocs.py [REALDOCS_DIR] [--ocr-cache DIR] [-v]

For every PDF under REALDOCS_DIR/loss_runs, police_reports and other (the folder says what it
should classify as) prints the predicted document spans; for loss runs also the pages where a
claims-table header was found (with the fields its columns map to), the claim rows or claim
blocks read, and the header fields and totals. A development aid, not a test.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from extractors.loss_run import _read_regions, _totals_kind, extract_loss_run
from extractors.loss_run_blocks import find_claim_blocks
from extractors.loss_run_cells import map_columns
from extractors.table import table_regions
from pipeline.classify import split_documents
from pipeline.contract import FieldValue
from pipeline.load import QuarantineError, load_pdf
from pipeline.page_words import OcrOptions, read_page_words

EXPECTED = {"loss_runs": "loss_run", "police_reports": "police_report", "other": "other"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("realdocs", type=Path, nargs="?", default=Path("../shared/realdocs"))
    parser.add_argument("--ocr-cache", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    options = OcrOptions(cache_dir=args.ocr_cache) if args.ocr_cache else OcrOptions()

    right = total = 0
    for folder, expected in EXPECTED.items():
        for path in sorted((args.realdocs / folder).glob("*.pdf")):
            try:
                pages = read_page_words(load_pdf(path), options)
            except QuarantineError as error:
                print(f"{folder}/{path.name}: quarantined ({error.reason})")
                total += 1
                continue
            spans = split_documents(pages)
            ok = all(span.doc_type.value == expected for span in spans)
            right += ok
            total += 1
            described = ", ".join(
                f"p{s.page_start}-{s.page_end} {s.doc_type.value} {s.confidence:.2f}" for s in spans
            )
            print(
                f"{'OK ' if ok else 'BAD'} {folder}/{path.name} ({len(pages)} pages): {described}"
            )
            if folder != "loss_runs":
                continue
            regions = table_regions(pages, is_row_line=lambda line: _totals_kind(line) is None)
            rows, totals = _read_regions(regions)
            blocks = [] if rows else find_claim_blocks(pages)
            header_pages = sorted({r.page_number for r in regions if not r.inherited})
            mapped = sorted(map_columns(regions[0].header.columns).index) if regions else []
            print(
                f"    header rows on pages {header_pages or '-'}; first maps {mapped or '-'}; "
                f"claim rows {len(rows)}; claim blocks {len(blocks)}; totals rows {len(totals)}"
            )
            fields = extract_loss_run(pages)
            scalars = {
                name: value.value
                for name, value in fields.items()
                if isinstance(value, FieldValue) and value.value is not None
            }
            print(f"    fields: {scalars}")
            if args.verbose:
                for row in fields["claims"]:
                    print("      ", {k: v.value for k, v in row.items() if v.value is not None})
    print(f"\nclassified right: {right}/{total}")


if __name__ == "__main__":
    main()
