"""The layout interface and the one registry every layout joins.

A layout draws one logical document (one or more pages) into a `PdfBuilder` and returns the
contract fields of exactly what it printed. Adding a layout = one module with one `Layout`
subclass decorated with `@register`, plus its import in `layouts/__init__.py`.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pipeline.contract import LIST_FIELDS, SCALAR_FIELDS, DocType
from sample_docs.generator.content import Incident
from sample_docs.generator.drawing import PdfBuilder
from sample_docs.generator.fake_data import FakeData

Fields = dict[str, Any]


@dataclass
class RenderContext:
    """What a layout draws from: its own seeded RNG, fake data on that RNG, and options."""

    rng: random.Random
    options: dict[str, Any] = field(default_factory=dict)
    incident: Incident | None = None  # shared by the documents of one packet

    @property
    def fake(self) -> FakeData:
        return FakeData(self.rng)

    def pick(self, options: tuple | list) -> Any:
        return self.rng.choice(list(options))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


class Layout(ABC):
    name: ClassVar[str]  # "<doc_type>/<geometry>", e.g. "loss_run/grid"
    doc_type: ClassVar[DocType]
    description: ClassVar[str]  # one line for the corpus README
    # A holdout layout joins only the "large" and "holdout" profiles: the committed corpus (and
    # so the rules written against it) never showed it, which makes it a test of generalisation.
    holdout: ClassVar[bool] = False

    @abstractmethod
    def render(self, pdf: PdfBuilder, ctx: RenderContext) -> Fields:
        """Draw the document's pages (each closed with `pdf.end_page()`); return its fields."""


LAYOUTS: dict[str, type[Layout]] = {}


def register(cls: type[Layout]) -> type[Layout]:
    if cls.name in LAYOUTS:
        raise ValueError(f"layout {cls.name} registered twice")
    LAYOUTS[cls.name] = cls
    return cls


def layouts_for(doc_type: DocType, holdout: bool = False) -> list[str]:
    """Registered layouts of `doc_type`: the regular ones, or (`holdout`) the holdout ones."""
    return sorted(
        name
        for name, cls in LAYOUTS.items()
        if cls.doc_type == doc_type and cls.holdout == holdout
    )


def default_layouts() -> set[str]:
    """Every layout the default profile (the committed corpus) draws from."""
    return {name for name, cls in LAYOUTS.items() if not cls.holdout}


def blank_fields(doc_type: DocType) -> Fields:
    """Every catalogue field of `doc_type` as not printed: null scalars, empty lists."""
    fields: Fields = dict.fromkeys(SCALAR_FIELDS[doc_type])
    for spec in LIST_FIELDS[doc_type]:
        fields[spec.name] = []
    return fields
