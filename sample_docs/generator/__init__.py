"""Deterministic generator of the sample corpus: synthetic insurance PDFs with ground truth.

`generate_corpus(out_dir, seed, profile)` writes NAME.pdf + NAME.truth.json pairs and a
manifest.json; the same seed and profile give the same bytes.
"""

from sample_docs.generator.corpus import MANIFEST_NAME, PROFILES, generate_corpus

__all__ = ["MANIFEST_NAME", "PROFILES", "generate_corpus"]
