"""Every layout, registered in one place: import a module here and its layout joins the corpus."""

from sample_docs.generator.layouts import (  # noqa: F401  (imported to register)
    claim_acord_grid,
    claim_label_left,
    claim_ruled_table,  # holdout
    claim_two_column,
    loss_run_banded,  # holdout
    loss_run_claim_blocks,
    loss_run_grid,  # loss_run/grid and loss_run/wide_grid
    loss_run_grouped,
    other_blank,
    other_declarations,
    other_invoice,
    other_letter,
    other_medical_bill,
    other_photo,
    police_memo,
    police_state_grid,
    police_two_column,
    police_unit_columns,  # holdout
)
from sample_docs.generator.layouts.base import (
    LAYOUTS,
    Layout,
    RenderContext,
    default_layouts,
    layouts_for,
)

__all__ = ["LAYOUTS", "Layout", "RenderContext", "default_layouts", "layouts_for"]
