"""HTTP routes of the review UI, one module per resource."""
