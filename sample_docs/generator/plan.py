"""What goes into a corpus: one `FileSpec` per output file, for each profile.

"default" is the committed corpus; "small" a quick handful of each kind for tests; "large" three
rounds of the default mix with other draws (more units, pages and layouts) plus one round of the
holdout layouts, for unseen-seed runs; "holdout" that holdout round alone. Layouts are taken from
the registry: a regular layout joins every profile, a holdout layout (`Layout.holdout`) only
"large" and "holdout" (two rounds), so the committed corpus (and what rules were written against) stays as it
was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pipeline.contract import DocType
from sample_docs.generator.layouts import layouts_for


class Variant(StrEnum):
    DIGITAL = "digital"
    SCANNED = "scanned"
    BAD = "bad"


class BadKind(StrEnum):
    ENCRYPTED = "encrypted"  # user password: unreadable
    TRUNCATED = "truncated"
    PNG_NAMED_PDF = "png_named_pdf"
    TEXT_NAMED_PDF = "text_named_pdf"
    ZERO_BYTES = "zero_bytes"


@dataclass(frozen=True)
class DocSpec:
    layout: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FileSpec:
    name: str  # file stem; the PDF is NAME.pdf and its truth NAME.truth.json
    why: str
    variant: Variant = Variant.DIGITAL
    docs: tuple[DocSpec, ...] = ()
    twin_of: str | None = None  # scanned copy of this digital file (same content)
    shared_incident: bool = False  # the documents describe one loss (a claim packet)
    bad: BadKind | None = None
    owner_password_only: bool = False  # encrypted with an owner password: still readable
    rotate_pages: tuple[int, ...] = ()  # scanned pages fed sideways


KINDS = ("property", "auto", "liability")
OTHER_LAYOUTS = (
    "other/invoice",
    "other/letter",
    "other/medical_bill",
    "other/blank",
    "other/photo",
    "other/declarations",
)


def build_plan(profile: str, seed: int) -> list[FileSpec]:
    if profile == "small":
        return _small()
    if profile == "default":
        return _round(random.Random(f"{seed}:plan:0"), suffix="")
    if profile == "large":
        files: list[FileSpec] = []
        for i in range(3):
            files += _round(random.Random(f"{seed}:plan:{i}"), suffix=f"_r{i + 1}", extra=i > 0)
        return files + _holdout_round(random.Random(f"{seed}:plan:holdout"), suffix="_h1")
    if profile == "holdout":
        return _holdout_round(
            random.Random(f"{seed}:plan:holdout"), suffix="_h1"
        ) + _holdout_round(random.Random(f"{seed}:plan:holdout:2"), suffix="_h2")
    raise ValueError(f"unknown profile {profile!r}: use small, default, large or holdout")


def _round(r: random.Random, suffix: str, extra: bool = False) -> list[FileSpec]:
    files: list[FileSpec] = []
    claim_layouts = layouts_for(DocType.CLAIM_FORM)
    police_layouts = layouts_for(DocType.POLICE_REPORT)
    loss_layouts = layouts_for(DocType.LOSS_RUN)

    def add(spec: FileSpec) -> None:
        files.append(spec)

    # Claim forms: every layout in every kind; one with the optional fields left out.
    for i, layout in enumerate(claim_layouts):
        for j, kind in enumerate(KINDS):
            geometry = layout.split("/")[1]
            opts: dict[str, Any] = {"kind": kind}
            if (i + j) % 4 == 3:
                opts["omit_optional"] = True
            add(
                FileSpec(
                    f"claim_form_{geometry}_{kind}{suffix}",
                    f"{kind} claim form, {geometry} layout"
                    + (", time and e-mail not printed" if opts.get("omit_optional") else ""),
                    docs=(DocSpec(layout, opts),),
                )
            )
    # Police reports: each layout with 1-3 units; a 2-page report in each layout.
    for i, layout in enumerate(police_layouts):
        geometry = layout.split("/")[1]
        units = r.choice((1, 2)) if not extra else r.choice((2, 3))
        add(
            FileSpec(
                f"police_report_{geometry}_{units}unit{suffix}",
                f"police report, {geometry} layout, {units} unit(s)",
                docs=(DocSpec(layout, {"units": units}),),
            )
        )
        units = 3 if i % 2 == 0 else 2
        add(
            FileSpec(
                f"police_report_{geometry}_{units}unit_2page{suffix}",
                f"police report, {geometry} layout, {units} units over 2 pages",
                docs=(DocSpec(layout, {"units": units, "pages": 2}),),
            )
        )
    # Loss runs: each layout twice (2-4 pages); a no-losses report.
    for layout in loss_layouts:
        geometry = layout.split("/")[1]
        for j in range(2):
            claims = r.randint(*_CLAIMS_FOR_PAGES[geometry][j])
            policies = r.choice((1, 2, 3)) if geometry != "grouped" else r.choice((2, 3))
            add(
                FileSpec(
                    f"loss_run_{geometry}_{j + 1}{suffix}",
                    f"loss run, {geometry} layout, {claims} claims over {policies} policies, spans pages",
                    docs=(DocSpec(layout, {"claims": claims, "policies": policies}),),
                )
            )
    nl_layout = loss_layouts[r.randrange(len(loss_layouts))]
    add(
        FileSpec(
            f"loss_run_no_losses{suffix}",
            f"loss run that reports no losses ({nl_layout.split('/')[1]} layout)",
            docs=(DocSpec(nl_layout, {"no_losses": True, "policies": 1}),),
        )
    )
    # Distractors.
    for layout in OTHER_LAYOUTS:
        kind = layout.split("/")[1]
        add(
            FileSpec(
                f"other_{kind}{suffix}",
                f"distractor: {kind.replace('_', ' ')} (doc_type other)",
                docs=(DocSpec(layout),),
            )
        )
    # Packets: one loss, several documents in one PDF.
    add(
        FileSpec(
            f"packet_auto_claim{suffix}",
            "claim packet: auto claim form + 2-page police report + loss run, one loss",
            docs=(
                DocSpec(r.choice(claim_layouts), {"kind": "auto"}),
                DocSpec(r.choice(police_layouts), {"units": 2, "pages": 2}),
                DocSpec(r.choice(loss_layouts), {"claims": 8, "policies": 1}),
            ),
            shared_incident=True,
        )
    )
    add(
        FileSpec(
            f"packet_auto_with_police{suffix}",
            "claim packet: auto claim form + 2-page police report of the same crash",
            docs=(
                DocSpec(r.choice(claim_layouts), {"kind": "auto"}),
                DocSpec(r.choice(police_layouts), {"units": r.choice((1, 2, 3)), "pages": 2}),
            ),
            shared_incident=True,
        )
    )
    add(
        FileSpec(
            f"packet_cover_letter{suffix}",
            "packet: cover letter (other) + liability claim form + loss run",
            docs=(
                DocSpec("other/letter"),
                DocSpec(r.choice(claim_layouts), {"kind": "liability"}),
                DocSpec(r.choice(loss_layouts), {"claims": 6, "policies": 2}),
            ),
        )
    )
    # Owner password only: readable, processed normally.
    add(
        FileSpec(
            f"owner_password_claim_form{suffix}",
            "owner-password-only encryption (no user password): must be read normally",
            docs=(DocSpec(r.choice(claim_layouts), {"kind": r.choice(KINDS)}),),
            owner_password_only=True,
        )
    )
    # Bad files.
    for kind, why in ((BadKind.ENCRYPTED, "encrypted with a user password: quarantine"),
                      (BadKind.TRUNCATED, "truncated download, no xref/trailer: quarantine"),
                      (BadKind.PNG_NAMED_PDF, "a PNG image named .pdf: quarantine"),
                      (BadKind.TEXT_NAMED_PDF, "plain text (an e-mail) named .pdf: quarantine"),
                      (BadKind.ZERO_BYTES, "empty file: quarantine")):  # fmt: skip
        add(
            FileSpec(
                f"bad_{kind.value}{suffix}",
                why,
                variant=Variant.BAD,
                bad=kind,
                docs=(DocSpec(r.choice(claim_layouts), {"kind": "auto"}),),
            )
        )
    # Scanned twins: same content as a digital file, rasterised.
    by_name = {f.name: f for f in files}
    twins = [
        f"claim_form_{claim_layouts[i % len(claim_layouts)].split('/')[1]}_{KINDS[i % 3]}{suffix}"
        for i in range(len(claim_layouts))
    ]
    police_names = [f.name for f in files if f.name.startswith("police_report_")]
    twins += [
        police_names[0],
        police_names[min(3, len(police_names) - 1)],
        police_names[-1],
    ]  # 1- and 2-page reports
    twins += [f"loss_run_{layout.split('/')[1]}_1{suffix}" for layout in loss_layouts[:3]]
    twins += [f"other_letter{suffix}", f"packet_auto_with_police{suffix}"]
    for k, name in enumerate(dict.fromkeys(twins)):
        base = by_name[name]
        rotate = (2,) if name.startswith("packet_") else ((1,) if k == 1 else ())
        add(
            FileSpec(
                f"{name}_scan",
                f"scanned twin of {name}.pdf" + (" (one page fed sideways)" if rotate else ""),
                variant=Variant.SCANNED,
                docs=base.docs,
                twin_of=name,
                shared_incident=base.shared_incident,
                rotate_pages=rotate,
            )
        )
    # Scanned only (no digital twin).
    add(
        FileSpec(
            f"scan_only_claim_form_auto{suffix}",
            "scanned auto claim form without a digital twin",
            variant=Variant.SCANNED,
            docs=(DocSpec(r.choice(claim_layouts), {"kind": "auto", "omit_optional": True}),),
        )
    )
    add(
        FileSpec(
            f"scan_only_loss_run{suffix}",
            "scanned multi-page loss run without a digital twin",
            variant=Variant.SCANNED,
            docs=(DocSpec(r.choice(loss_layouts), {"claims": 30, "policies": 2}),),
            rotate_pages=(2,),
        )
    )
    add(
        FileSpec(
            f"scan_only_blank_page{suffix}",
            "scanned blank page: only speckle, doc_type other",
            variant=Variant.SCANNED,
            docs=(DocSpec("other/blank"),),
        )
    )
    add(
        FileSpec(
            f"scan_only_police_report{suffix}",
            "scanned 3-unit police report without a digital twin",
            variant=Variant.SCANNED,
            docs=(DocSpec(r.choice(police_layouts), {"units": 3}),),
        )
    )
    if extra:
        add(
            FileSpec(
                f"scan_only_invoice{suffix}",
                "scanned repair invoice (doc_type other)",
                variant=Variant.SCANNED,
                docs=(DocSpec("other/invoice"),),
            )
        )
    return files


def _holdout_round(r: random.Random, suffix: str) -> list[FileSpec]:
    """The holdout layouts in the same roles as the regular ones: each claim form in every kind,
    police reports of 1-3 units (one over two pages), loss runs of two sizes and no losses, a
    packet, and scanned twins."""
    files: list[FileSpec] = []
    claim_layouts = layouts_for(DocType.CLAIM_FORM, holdout=True)
    police_layouts = layouts_for(DocType.POLICE_REPORT, holdout=True)
    loss_layouts = layouts_for(DocType.LOSS_RUN, holdout=True)
    for i, layout in enumerate(claim_layouts):
        geometry = layout.split("/")[1]
        for j, kind in enumerate(KINDS):
            opts: dict[str, Any] = {"kind": kind}
            if (i + j) % 3 == 2:
                opts["omit_optional"] = True
            files.append(
                FileSpec(
                    f"claim_form_{geometry}_{kind}{suffix}",
                    f"{kind} claim form, {geometry} holdout layout",
                    docs=(DocSpec(layout, opts),),
                )
            )
    for layout in police_layouts:
        geometry = layout.split("/")[1]
        for units, pages in ((r.choice((1, 2)), 1), (3, 2)):
            files.append(
                FileSpec(
                    f"police_report_{geometry}_{units}unit_{pages}page{suffix}",
                    f"police report, {geometry} holdout layout, {units} unit(s), {pages} page(s)",
                    docs=(DocSpec(layout, {"units": units, "pages": pages}),),
                )
            )
    for layout in loss_layouts:
        geometry = layout.split("/")[1]
        for j, (low, high) in enumerate(((12, 20), (30, 45))):
            claims = r.randint(low, high)
            files.append(
                FileSpec(
                    f"loss_run_{geometry}_{j + 1}{suffix}",
                    f"loss run, {geometry} holdout layout, {claims} claims",
                    docs=(DocSpec(layout, {"claims": claims, "policies": r.choice((1, 2, 3))}),),
                )
            )
        files.append(
            FileSpec(
                f"loss_run_{geometry}_no_losses{suffix}",
                f"loss run that reports no losses ({geometry} holdout layout)",
                docs=(DocSpec(layout, {"no_losses": True, "policies": 1}),),
            )
        )
    files.append(
        FileSpec(
            f"packet_holdout{suffix}",
            "claim packet of holdout layouts: auto claim form + police report + loss run",
            docs=(
                DocSpec(r.choice(claim_layouts), {"kind": "auto"}),
                DocSpec(r.choice(police_layouts), {"units": 2}),
                DocSpec(r.choice(loss_layouts), {"claims": 8, "policies": 1}),
            ),
            shared_incident=True,
        )
    )
    by_name = {f.name: f for f in files}
    twins = [f"claim_form_{layout.split('/')[1]}_auto{suffix}" for layout in claim_layouts]
    twins += [f"claim_form_{layout.split('/')[1]}_property{suffix}" for layout in claim_layouts]
    twins += [f.name for f in files if f.name.startswith("police_report_")]
    twins += [f"loss_run_{layout.split('/')[1]}_1{suffix}" for layout in loss_layouts]
    twins.append(f"packet_holdout{suffix}")
    for name in twins:
        base = by_name[name]
        files.append(
            FileSpec(
                f"{name}_scan",
                f"scanned twin of {name}.pdf",
                variant=Variant.SCANNED,
                docs=base.docs,
                twin_of=name,
                shared_incident=base.shared_incident,
            )
        )
    return files


# Claims per loss run so the report spans about 2 and about 3 pages in each geometry.
_CLAIMS_FOR_PAGES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "grid": ((24, 32), (44, 52)),
    "wide_grid": ((16, 22), (30, 40)),
    "claim_blocks": ((9, 12), (19, 22)),
    "grouped": ((26, 34), (40, 52)),
}


def _small() -> list[FileSpec]:
    files = []
    for i, layout in enumerate(layouts_for(DocType.CLAIM_FORM)):
        files.append(
            FileSpec(
                f"claim_form_{i + 1}", "claim form", docs=(DocSpec(layout, {"kind": KINDS[i % 3]}),)
            )
        )
    for i, layout in enumerate(layouts_for(DocType.POLICE_REPORT)):
        files.append(
            FileSpec(
                f"police_report_{i + 1}",
                "police report",
                docs=(DocSpec(layout, {"units": 1 + i % 3}),),
            )
        )
    for i, layout in enumerate(layouts_for(DocType.LOSS_RUN)):
        files.append(
            FileSpec(
                f"loss_run_{i + 1}",
                "loss run",
                docs=(DocSpec(layout, {"claims": 3 + 9 * (i == 0), "policies": 2}),),
            )
        )
    files.append(
        FileSpec(
            "loss_run_no_losses",
            "no losses",
            docs=(DocSpec(layouts_for(DocType.LOSS_RUN)[0], {"no_losses": True}),),
        )
    )
    files += [
        FileSpec("other_letter", "letter", docs=(DocSpec("other/letter"),)),
        FileSpec("other_blank", "blank", docs=(DocSpec("other/blank"),)),
    ]
    files.append(
        FileSpec(
            "packet",
            "packet",
            shared_incident=True,
            docs=(
                DocSpec(layouts_for(DocType.CLAIM_FORM)[0], {"kind": "auto"}),
                DocSpec(layouts_for(DocType.POLICE_REPORT)[0], {"units": 2}),
            ),
        )
    )
    packet = files[-1]
    files.append(
        FileSpec(
            "claim_form_1_scan",
            "scanned twin",
            variant=Variant.SCANNED,
            docs=files[0].docs,
            twin_of="claim_form_1",
        )
    )
    files.append(
        FileSpec(
            "packet_scan",
            "scanned packet",
            variant=Variant.SCANNED,
            docs=packet.docs,
            twin_of="packet",
            shared_incident=True,
            rotate_pages=(2,),
        )
    )
    files.append(
        FileSpec("owner_password", "owner password", docs=files[0].docs, owner_password_only=True)
    )
    for kind in BadKind:
        files.append(
            FileSpec(
                f"bad_{kind.value}", kind.value, variant=Variant.BAD, bad=kind, docs=files[0].docs
            )
        )
    return files
