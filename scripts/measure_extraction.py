"""Per-field accuracy of the claim-form and police-report extractors on a corpus with truth.

Runs load -> page words -> extractor on each truth document's own page range (so the numbers
measure extraction alone, not classification or splitting) and prints, per field and variant,
how often the value matches the truth by the contract's comparison.

    .venv/bin/python scripts/measure_extraction.py sample_docs/corpus [--types claim_form]
        [--variant digital] [--show] [--cache /tmp/claimdocs-pagewords]

Page words are cached per file (by SHA-256) so re-runs after a rule change skip OCR.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from extractors import extract_fields
from pipeline.contract import LIST_FIELDS, SCALAR_FIELDS, DocType, FieldKind, FieldValue
from pipeline.evaluate import values_match
from pipeline.load import QuarantineError, file_sha256, load_pdf
from pipeline.page_model import PageWords
from pipeline.page_words import OcrOptions, read_page_words


def page_words(path: Path, cache: Path) -> list[PageWords]:
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"{file_sha256(path)}.json"
    if cached.exists():
        return [PageWords.model_validate(p) for p in json.loads(cached.read_text())]
    pages = read_page_words(load_pdf(path), OcrOptions(workers=2, cache_dir=cache / "ocr"))
    cached.write_text(json.dumps([p.model_dump(mode="json") for p in pages]))
    return pages


def same(kind: FieldKind, predicted: object, true: object) -> bool:
    if predicted is None or true is None:
        return predicted is None and true is None
    return values_match(kind, predicted, true)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path, nargs="+")
    parser.add_argument("--types", nargs="*", default=["claim_form", "police_report"])
    parser.add_argument("--variant", default=None)
    parser.add_argument("--show", action="store_true", help="print every mismatch")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/claimdocs-pagewords"))
    args = parser.parse_args()

    right: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[tuple[str, str, str], int] = defaultdict(int)
    truth_files = sorted(p for folder in args.corpus for p in folder.glob("*.truth.json"))
    for truth_path in truth_files:
        truth = json.loads(truth_path.read_text())
        variant = truth.get("variant", "digital")
        if args.variant and variant != args.variant:
            continue
        documents = [d for d in truth.get("documents", []) if d["doc_type"] in args.types]
        if not documents:
            continue
        pdf_path = truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))
        try:
            pages = page_words(pdf_path, args.cache)
        except QuarantineError:
            continue
        for document in documents:
            doc_type = DocType(document["doc_type"])
            span = pages[document["page_start"] - 1 : document["page_end"]]
            predicted = extract_fields(doc_type, span)
            true_fields = document["fields"]
            for name, kind in SCALAR_FIELDS[doc_type].items():
                value = predicted[name]
                assert isinstance(value, FieldValue)
                ok = same(kind, value.value, true_fields.get(name))
                key = (doc_type.value, variant, name)
                total[key] += 1
                right[key] += ok
                if not ok and args.show:
                    print(f"  {pdf_path.name} {name}: got {value.value!r} "
                          f"want {true_fields.get(name)!r} [{value.rule}]")
            for spec in LIST_FIELDS[doc_type]:
                true_rows = {str(r.get(spec.key)): r for r in true_fields.get(spec.name, [])}
                rows = predicted[spec.name]
                assert isinstance(rows, list)
                got_rows = {str(r[spec.key].value): r for r in rows if spec.key in r}
                for key_value in sorted(set(true_rows) | set(got_rows)):
                    true_row, got_row = true_rows.get(key_value, {}), got_rows.get(key_value, {})
                    for cell, kind in spec.cells.items():
                        got = got_row.get(cell)
                        got_value = got.value if isinstance(got, FieldValue) else None
                        ok = same(kind, got_value, true_row.get(cell))
                        key = (doc_type.value, variant, f"{spec.name}.{cell}")
                        total[key] += 1
                        right[key] += ok
                        if not ok and args.show:
                            print(f"  {pdf_path.name} {spec.name}[{key_value}].{cell}: got "
                                  f"{got_value!r} want {true_row.get(cell)!r} "
                                  f"[{got.rule if isinstance(got, FieldValue) else None}]")
    by_group: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for (doc_type, variant, name), count in sorted(total.items()):
        by_group[(doc_type, variant)].append((name, right[(doc_type, variant, name)], count))
    for (doc_type, variant), rows in sorted(by_group.items()):
        good = sum(r for _, r, _ in rows)
        cells = sum(c for _, _, c in rows)
        print(f"\n{doc_type} / {variant}: {good}/{cells} = {good / cells:.3f}")
        for name, ok, count in rows:
            flag = "" if ok == count else "   <--"
            print(f"  {name:34s} {ok:3d}/{count:<3d} {ok / count:.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
