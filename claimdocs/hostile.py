"""The hostile-input sweep: build a corpus of broken, disguised, encrypted and malicious files from
a seed (nothing downloaded), run every file through the pipeline, and check each one ends
processed or quarantined with the reason it deserves, within its time and memory.

`claimdocs hostile` runs it; `tests/hostile/` runs a reduced one.
"""

from __future__ import annotations

import io
import json
import math
import random
import statistics
import tempfile
import time
import traceback
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, Field

from pipeline.contract import FileStatus
from pipeline.reasons import QuarantineReason

PROCESSED = "processed"
DEFAULT_SEED = 8
# Truncation offsets per sample file (besides the fixed ones near both ends).
DEFAULT_CUTS_PER_SAMPLE = 12
DEFAULT_SAMPLES = 4
DEFAULT_FILE_TIMEOUT_S = 120.0
# Pixel-bomb image: 35000 x 35000 8-bit gray, 1.2 GB once decoded, a few KB in the file.
BOMB_IMAGE_SIDE = 35_000
# Flate-bomb page content: 1 GiB of spaces, a few KB in the file.
BOMB_CONTENT_BYTES = 1024 * 1024 * 1024
# PDF's largest page (200 x 200 inches): 3.6 gigapixels at 300 dpi.
MAX_PAGE_POINTS = 14_400
OVER_PAGE_LIMIT = 1001


class HostileCase(BaseModel):
    """One generated file and the outcomes that are right for it."""

    model_config = ConfigDict(frozen=True)

    name: str  # file name in the corpus folder
    family: str  # truncated | wrong_type | encrypted | bomb | structure | active_content | ...
    expected: list[str]  # "processed" and/or QuarantineReason values
    note: str = ""


# --- hand-built PDFs ----------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from object bodies numbered 1..n, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def stream_object(dictionary: bytes, data: bytes) -> bytes:
    """`dictionary` is the opening of a dictionary without its `>>`."""
    return dictionary + f" /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def deflate_repeated(byte: bytes, size: int, chunk_bytes: int = 1 << 20) -> bytes:
    """A zlib stream of `size` copies of `byte`, built without compressing them all: one chunk
    is deflated once and its block repeated (a full flush makes blocks byte-aligned and free of
    history), then an empty final block and the Adler-32 of the whole are appended."""
    compressor = zlib.compressobj(9)
    chunk = byte * chunk_bytes
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    header, block = first[:2], first[2:]
    whole, rest = divmod(size, chunk_bytes)
    tail = b""
    if rest:
        tail = compressor.compress(byte * rest) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(whole):
        checksum = zlib.adler32(chunk, checksum)
    if rest:
        checksum = zlib.adler32(byte * rest, checksum)
    # Final block: BFINAL=1, fixed Huffman, end-of-block code; padded to the byte.
    return header + block * whole + tail + b"\x03\x00" + checksum.to_bytes(4, "big")


def one_page_objects(resources: bytes, content: bytes, content_filter: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
        + resources
        + b" /Contents 4 0 R >>",
        stream_object(b"<<" + content_filter, content),
    ]


def pixel_bomb_pdf() -> bytes:
    """A letter page showing one 35000 x 35000 gray image, deflated twice."""
    side = BOMB_IMAGE_SIDE
    data = zlib.compress(deflate_repeated(b"\xff", side * side), 9)
    objects = one_page_objects(b"<< /XObject << /Im0 5 0 R >> >>", b"q 612 0 0 792 0 0 cm /Im0 Do Q")
    objects.append(
        stream_object(
            f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace "
            "/DeviceGray /BitsPerComponent 8 /Filter [/FlateDecode /FlateDecode]".encode(),
            data,
        )
    )
    return raw_pdf(objects)


def flate_bomb_pdf() -> bytes:
    """A page whose content stream inflates to 1 GiB (deflated twice)."""
    data = zlib.compress(deflate_repeated(b" ", BOMB_CONTENT_BYTES), 9)
    return raw_pdf(one_page_objects(b"<< >>", data, b" /Filter [/FlateDecode /FlateDecode]"))


def _text_content(text: str) -> bytes:
    return f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()


_FONT = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def cyclic_page_tree_pdf() -> bytes:
    """The page tree's second kid is a /Pages node whose only kid is the root again."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + _FONT
        + b" /Contents 5 0 R >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        stream_object(b"<<", _text_content("Notice of loss")),
    ])


def shared_branch_pdf() -> bytes:
    """One /Pages branch listed twice under the root (a page tree that is not a tree)."""
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Resources " + _FONT
        + b" /Contents 5 0 R >>",
        stream_object(b"<<", _text_content("Notice of loss")),
    ])


def many_pages_pdf(pages: int) -> bytes:
    """`pages` blank pages sharing one empty content stream."""
    first_page = 4
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        stream_object(b"<<", b""),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"] * pages
    return raw_pdf(objects)


def huge_page_pdf() -> bytes:
    """One 200 x 200 inch page (PDF's largest) with a few words on it."""
    side = MAX_PAGE_POINTS
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] /Resources ".encode()
        + _FONT + b" /Contents 4 0 R >>",
        stream_object(b"<<", _text_content("Notice of loss")),
    ])


# --- documents to spoil ---------------------------------------------------------------------


BASE_LINES = [
    "NOTICE OF LOSS",
    "Policy Number HX-{n:07d} Carrier Example Mutual",
    "Date of Loss 03/14/2026 Time 14:35",
    "Description water damage in the basement after a storm",
    "Estimated Loss Amount $4,250.00",
]


def base_document(path: Path, rng: random.Random, pages: int = 2) -> Path:
    """A small digital claim-form-like PDF (reportlab), different for each seed."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=1)  # no timestamps: same seed, same bytes
    number = rng.randrange(10**7)
    for _ in range(pages):
        y = 720.0
        for line in BASE_LINES:
            pdf.setFont("Helvetica", 12)
            pdf.drawString(72, y, line.format(n=number))
            y -= 24
        pdf.showPage()
    pdf.save()
    return path


def _writer_from(path: Path):
    from pypdf import PdfWriter

    return PdfWriter(clone_from=path)


def encrypted_variants(base: Path, folder: Path) -> list[HostileCase]:
    """User password under each algorithm pypdf writes (RC4 40/128, AES 128/256); owner password
    only (opens without a password, so it is processed)."""
    cases = []
    for algorithm in ("RC4-40", "RC4-128", "AES-128", "AES-256-R5", "AES-256"):
        slug = algorithm.lower().replace("-", "_")
        for user_password, expected in (("open-sesame", QuarantineReason.ENCRYPTED.value), ("", PROCESSED)):
            writer = _writer_from(base)
            writer.encrypt(
                user_password=user_password,
                owner_password="owner-secret",
                algorithm=algorithm,
                permissions_flag=0,  # owner-only files forbid copying and printing too
            )
            kind = "user_password" if user_password else "owner_only"
            name = f"encrypted_{kind}_{slug}.pdf"
            with (folder / name).open("wb") as handle:
                writer.write(handle)
            cases.append(HostileCase(name=name, family="encrypted", expected=[expected], note=kind))
    return cases


def active_content_variants(base: Path, folder: Path) -> list[HostileCase]:
    """JavaScript (document-level and on open), a launch action, an attachment: processed (we
    never run them), and flagged in the load log."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    cases = []
    writer = _writer_from(base)
    document_script = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('This document runs a script');"),
    })
    writer.root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({
            NameObject("/Names"): ArrayObject(
                [TextStringObject("hostile"), document_script]
            ),
        }),
    })
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("this.print({bUI: false, bSilent: true});"),
    })
    cases.append(_write_case(writer, folder, "active_javascript.pdf", "active_content"))

    writer = _writer_from(base)
    launch = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"),
        NameObject("/F"): TextStringObject("cmd.exe"),
        NameObject("/Win"): DictionaryObject({
            NameObject("/F"): TextStringObject("cmd.exe"),
            NameObject("/P"): TextStringObject("/c echo hostile"),
        }),
    })
    writer.root_object[NameObject("/OpenAction")] = launch
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})
    cases.append(_write_case(writer, folder, "active_launch.pdf", "active_content"))

    writer = _writer_from(base)
    writer.add_attachment("invoice.exe", b"MZ" + bytes(64))
    cases.append(_write_case(writer, folder, "active_attachment.pdf", "active_content"))
    return cases


def _write_case(writer, folder: Path, name: str, family: str) -> HostileCase:
    with (folder / name).open("wb") as handle:
        writer.write(handle)
    return HostileCase(name=name, family=family, expected=[PROCESSED])


def wrong_type_files(folder: Path, rng: random.Random) -> list[HostileCase]:
    """Other kinds of files named .pdf."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (rng.randrange(256), 120, 40))
    contents: dict[str, bytes] = {}
    for fmt in ("PNG", "JPEG", "GIF", "TIFF"):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        contents[fmt.lower()] = buffer.getvalue()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        # A fixed timestamp: the same seed must give the same bytes.
        zipped.writestr(zipfile.ZipInfo("claim.txt", (2026, 1, 1, 0, 0, 0)), "See the claim.\n")
    contents["zip"] = archive.getvalue()
    contents["html"] = b"<!DOCTYPE html><html><body><h1>Claim</h1><script>alert(1)</script></body></html>\n"
    contents["text"] = b"Dear claims team,\nthe PDF is attached.\n"
    contents["empty"] = b""
    # A PDF header, but only after the first KiB: readers do not look that far.
    contents["late_header"] = b" " * 2048 + b"%PDF-1.7\n"
    cases = []
    for kind, data in contents.items():
        name = f"wrong_type_{kind}.pdf"
        (folder / name).write_bytes(data)
        expected = QuarantineReason.EMPTY if kind == "empty" else QuarantineReason.NOT_PDF
        cases.append(HostileCase(name=name, family="wrong_type", expected=[expected.value], note=kind))
    return cases


def truncation_expectation(data: bytes, offset: int) -> str:
    """What a cut at `offset` deserves: empty, not a PDF (header cut), processed (only the last
    end-of-file marker cut: the whole document is still there), otherwise corrupt."""
    if offset == 0:
        return QuarantineReason.EMPTY.value
    if b"%PDF-" not in data[: min(offset, 1024)]:
        return QuarantineReason.NOT_PDF.value
    if offset > data.rfind(b"%%EOF"):
        return PROCESSED
    return QuarantineReason.CORRUPT.value


def truncations(sample: Path, folder: Path, rng: random.Random, cuts: int) -> list[HostileCase]:
    data = sample.read_bytes()
    size = len(data)
    fixed = {1, 4, 5, 9, size // 2, size - 1, size - 2, size - 7, size - 20}
    offsets = sorted({o for o in fixed if 0 < o < size} | {rng.randrange(1, size) for _ in range(cuts)})
    cases = []
    for offset in offsets:
        name = f"truncated_{sample.stem}_{offset}.pdf"
        (folder / name).write_bytes(data[:offset])
        cases.append(
            HostileCase(
                name=name,
                family="truncated",
                expected=[truncation_expectation(data, offset)],
                note=f"{offset} of {size} bytes",
            )
        )
    return cases


def digital_samples(folder: Path | None, count: int, rng: random.Random) -> list[Path]:
    """`count` PDFs from `folder` that load and have a text layer on every page (so the sweep
    needs no OCR), chosen by the seed."""
    if folder is None or not folder.is_dir():
        return []
    from pypdf import PdfReader

    from pipeline.load import LoadLimits, QuarantineError, load_pdf

    candidates = []
    for path in sorted(folder.rglob("*.pdf")):
        try:
            load_pdf(path, LoadLimits())
            if all((page.extract_text() or "").strip() for page in PdfReader(path).pages):
                candidates.append(path)
        except (QuarantineError, OSError, ValueError):
            continue
    return sorted(rng.sample(candidates, min(count, len(candidates))))


def build_hostile_corpus(
    folder: Path,
    *,
    seed: int = DEFAULT_SEED,
    samples_folder: Path | None = None,
    samples: int = DEFAULT_SAMPLES,
    cuts_per_sample: int = DEFAULT_CUTS_PER_SAMPLE,
    max_bytes: int | None = None,
) -> list[HostileCase]:
    """Write the corpus into `folder` (plus `manifest.json`) and return its cases.

    The same seed gives the same files. `samples_folder` provides real documents to truncate
    (the generated base document is always truncated too). `max_bytes` (the byte limit in use)
    adds a sparse file one byte over it.
    """
    folder.mkdir(parents=True, exist_ok=True)

    def rng_for(part: str) -> random.Random:
        # One stream per part, so a part's files do not change when other parts are resized.
        return random.Random(f"{seed}:{part}")

    cases: list[HostileCase] = []
    # The intact base document stays outside the corpus folder: only its spoiled copies are cases.
    with tempfile.TemporaryDirectory(prefix="claimdocs-hostile-base-") as work:
        base = base_document(Path(work) / "base_claim.pdf", rng_for("base"))
        for sample in [base, *digital_samples(samples_folder, samples, rng_for("samples"))]:
            cases += truncations(sample, folder, rng_for(f"cuts:{sample.name}"), cuts_per_sample)
        cases += wrong_type_files(folder, rng_for("wrong_type"))
        cases += encrypted_variants(base, folder)
        cases += active_content_variants(base, folder)

    generated: list[tuple[str, str, Callable[[], bytes], QuarantineReason]] = [
        ("bomb_pixels.pdf", "bomb", pixel_bomb_pdf, QuarantineReason.BOMB),
        ("bomb_flate.pdf", "bomb", flate_bomb_pdf, QuarantineReason.BOMB),
        ("bomb_page_size.pdf", "bomb", huge_page_pdf, QuarantineReason.BOMB),
        ("structure_cyclic_page_tree.pdf", "structure", cyclic_page_tree_pdf, QuarantineReason.CORRUPT),
        ("structure_shared_branch.pdf", "structure", shared_branch_pdf, QuarantineReason.CORRUPT),
        ("structure_too_many_pages.pdf", "structure",
         lambda: many_pages_pdf(OVER_PAGE_LIMIT), QuarantineReason.TOO_MANY_PAGES),
        ("structure_garbage_body.pdf", "structure",
         lambda: b"%PDF-1.7\n" + rng_for("garbage").randbytes(4096), QuarantineReason.CORRUPT),
    ]
    for name, family, make, reason in generated:
        (folder / name).write_bytes(make())
        cases.append(HostileCase(name=name, family=family, expected=[reason.value]))
    if max_bytes is not None:
        name = "too_large_sparse.pdf"
        with (folder / name).open("wb") as handle:
            handle.write(b"%PDF-1.7\n")
            handle.truncate(max_bytes + 1)  # sparse: costs no disk
        cases.append(HostileCase(name=name, family="too_large", expected=[QuarantineReason.TOO_LARGE.value]))

    (folder / "manifest.json").write_text(
        json.dumps({"seed": seed, "cases": [c.model_dump() for c in cases]}, indent=2) + "\n",
        encoding="utf-8",
    )
    return cases


# --- the sweep ----------------------------------------------------------------------------------


class FileOutcome(BaseModel):
    name: str
    family: str
    expected: list[str]
    outcome: str | None  # "processed", a reason code, or None when nothing came back (a crash)
    seconds: float
    crash: str | None = None  # exception type when the pipeline raised

    @property
    def right(self) -> bool:
        return self.outcome in self.expected


class SweepReport(BaseModel):
    tried: int
    processed: int
    quarantined: int
    by_reason: dict[str, int]
    crashes: int
    lost: int
    p95_seconds: float
    peak_rss_mb: float
    # Beyond the shape: correctness and the time limit.
    wrong_outcome: int = 0
    max_seconds: float = 0.0
    file_timeout_s: float = DEFAULT_FILE_TIMEOUT_S
    over_timeout: int = 0
    files: list[FileOutcome] = Field(default_factory=list)

    def summary_json(self) -> dict[str, object]:
        return self.model_dump(
            include={"tried", "processed", "quarantined", "by_reason", "crashes", "lost",
                     "p95_seconds", "peak_rss_mb", "wrong_outcome", "max_seconds",
                     "file_timeout_s", "over_timeout"}
        )


def percentile(values: Iterable[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[max(0, math.ceil(share * 100) - 1)]


def run_sweep(
    folder: Path, cases: list[HostileCase], options, file_timeout_s: float = DEFAULT_FILE_TIMEOUT_S
) -> SweepReport:
    """Every case through `pipeline.runner.process_file`; peak memory of the whole process tree."""
    from claimdocs.process_tree import PeakTreeMemory
    from pipeline.runner import process_file

    outcomes: list[FileOutcome] = []
    with PeakTreeMemory() as memory:
        for case in cases:
            started = time.perf_counter()
            outcome: str | None = None
            crash: str | None = None
            try:
                result = process_file(folder / case.name, options)
                if result.status is FileStatus.PROCESSED:
                    outcome = PROCESSED
                elif result.error is not None:
                    outcome = result.error.code
            except Exception as error:  # the sweep exists to count these
                crash = type(error).__name__
                traceback.print_exc(limit=3)
            outcomes.append(
                FileOutcome(
                    name=case.name,
                    family=case.family,
                    expected=case.expected,
                    outcome=outcome,
                    seconds=round(time.perf_counter() - started, 3),
                    crash=crash,
                )
            )
    by_reason = Counter(o.outcome for o in outcomes if o.outcome not in (None, PROCESSED))
    seconds = [o.seconds for o in outcomes]
    processed = sum(1 for o in outcomes if o.outcome == PROCESSED)
    quarantined = sum(by_reason.values())
    return SweepReport(
        tried=len(outcomes),
        processed=processed,
        quarantined=quarantined,
        by_reason=dict(sorted(by_reason.items())),
        crashes=sum(1 for o in outcomes if o.crash),
        lost=len(outcomes) - processed - quarantined,
        p95_seconds=round(percentile(seconds, 0.95), 3),
        peak_rss_mb=round(memory.peak_mb, 1),
        wrong_outcome=sum(1 for o in outcomes if not o.right),
        max_seconds=max(seconds, default=0.0),
        file_timeout_s=file_timeout_s,
        over_timeout=sum(1 for s in seconds if s > file_timeout_s),
        files=outcomes,
    )


def render_sweep(report: SweepReport) -> str:
    lines = [
        f"files tried        {report.tried}",
        f"processed          {report.processed}",
        f"quarantined        {report.quarantined}",
    ]
    lines += [f"  {reason:<17}{count}" for reason, count in report.by_reason.items()]
    lines += [
        f"crashes            {report.crashes}",
        f"lost               {report.lost}",
        f"wrong outcome      {report.wrong_outcome}",
        f"p95 seconds/file   {report.p95_seconds:.2f}",
        f"max seconds/file   {report.max_seconds:.2f} (limit {report.file_timeout_s:.0f}, "
        f"over: {report.over_timeout})",
        f"peak memory        {report.peak_rss_mb:.0f} MB (process tree)",
    ]
    wrong = [o for o in report.files if not o.right]
    for outcome in wrong:
        lines.append(
            f"WRONG {outcome.name}: got {outcome.outcome or outcome.crash}, "
            f"expected {' or '.join(outcome.expected)}"
        )
    return "\n".join(lines)


def hostile_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the generated corpus.")
    ] = Path(".claimdocs/hostile"),
    seed: Annotated[int, typer.Option(help="Seed: the same seed builds the same files.")] = DEFAULT_SEED,
    samples_folder: Annotated[
        Path, typer.Option("--samples", help="Folder of good PDFs to truncate.")
    ] = Path("sample_docs/corpus"),
    samples: Annotated[
        int, typer.Option("--sample-count", help="How many good PDFs to truncate.")
    ] = DEFAULT_SAMPLES,
    cuts: Annotated[int, typer.Option(help="Random cuts per truncated PDF.")] = DEFAULT_CUTS_PER_SAMPLE,
    file_timeout: Annotated[
        float, typer.Option(help="Seconds one file may take, end to end.")
    ] = DEFAULT_FILE_TIMEOUT_S,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON.")] = None,
) -> None:
    """Build the hostile corpus from SEED and sweep it: files tried, processed, quarantined by
    reason, crashes, lost, p95 seconds per file, peak memory. Exits 1 if any file crashed, was
    lost, got the wrong outcome or ran past its time limit."""
    from claimdocs.settings import load_settings

    options = load_settings().pipeline_options()
    cases = build_hostile_corpus(
        out,
        seed=seed,
        samples_folder=samples_folder,
        samples=samples,
        cuts_per_sample=cuts,
        max_bytes=options.limits.max_bytes,
    )
    report = run_sweep(out, cases, options, file_timeout)
    typer.echo(render_sweep(report))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        payload = {**report.summary_json(), "files": [o.model_dump() for o in report.files]}
        json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if report.crashes or report.lost or report.wrong_outcome or report.over_timeout:
        raise typer.Exit(1)
