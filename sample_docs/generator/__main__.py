"""`python -m sample_docs.generator OUT [--seed N] [--profile P] [--readme PATH]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sample_docs.generator import MANIFEST_NAME, PROFILES, generate_corpus
from sample_docs.generator.readme import render_readme


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sample_docs.generator", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", choices=PROFILES, default="default")
    parser.add_argument(
        "--readme", type=Path, help="also write the README table of the corpus here"
    )
    args = parser.parse_args(argv)
    paths = generate_corpus(args.out, seed=args.seed, profile=args.profile)
    if args.readme:
        args.readme.write_text(render_readme(args.out / MANIFEST_NAME), encoding="utf-8")
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
