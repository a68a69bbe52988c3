"""Where each input object's outputs live in the bucket.

The relative key under the input prefix is kept whole under each output prefix, with a suffix:
`incoming/a/b.pdf` -> `processed/a/b.pdf.extraction.json`, or `quarantine/a/b.pdf` (the copy)
plus `quarantine/a/b.pdf.reason.json`. Keeping the full name (extension included) means two
inputs can never map to the same output, so an output is a reliable "done" marker for its input.
"""

from pydantic import BaseModel, ConfigDict, model_validator

EXTRACTION_SUFFIX = ".extraction.json"
REASON_SUFFIX = ".reason.json"


def _as_prefix(value: str) -> str:
    value = value.strip().lstrip("/")
    return value if not value or value.endswith("/") else value + "/"


class OutputLayout(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_prefix: str = "incoming/"
    processed_prefix: str = "processed/"
    quarantine_prefix: str = "quarantine/"

    @model_validator(mode="after")
    def _prefixes_apart(self) -> "OutputLayout":
        prefixes = {
            "input": _as_prefix(self.input_prefix),
            "processed": _as_prefix(self.processed_prefix),
            "quarantine": _as_prefix(self.quarantine_prefix),
        }
        object.__setattr__(self, "input_prefix", prefixes["input"])
        object.__setattr__(self, "processed_prefix", prefixes["processed"])
        object.__setattr__(self, "quarantine_prefix", prefixes["quarantine"])
        # An output prefix inside the input prefix (or the other way) would make us ingest our
        # own outputs, or treat inputs as outputs.
        names = list(prefixes)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                a, b = prefixes[first], prefixes[second]
                if a.startswith(b) or b.startswith(a):
                    raise ValueError(f"the {first} and {second} prefixes overlap ({a!r}, {b!r})")
        return self

    def relative_key(self, source_key: str) -> str:
        if not source_key.startswith(self.input_prefix):
            raise ValueError("source key is not under the input prefix")
        return source_key[len(self.input_prefix) :]

    def extraction_key(self, source_key: str) -> str:
        return self.processed_prefix + self.relative_key(source_key) + EXTRACTION_SUFFIX

    def quarantine_copy_key(self, source_key: str) -> str:
        return self.quarantine_prefix + self.relative_key(source_key)

    def reason_key(self, source_key: str) -> str:
        return self.quarantine_copy_key(source_key) + REASON_SUFFIX

    def marker_keys(self, source_key: str) -> tuple[str, str]:
        """The two outputs of which exactly one is written last for a finished input."""
        return self.extraction_key(source_key), self.reason_key(source_key)

    def source_key_of_marker(self, output_key: str) -> str | None:
        """Map an output back to its input key; None for keys that are not markers."""
        if output_key.startswith(self.processed_prefix) and output_key.endswith(EXTRACTION_SUFFIX):
            relative = output_key[len(self.processed_prefix) : -len(EXTRACTION_SUFFIX)]
        elif output_key.startswith(self.quarantine_prefix) and output_key.endswith(REASON_SUFFIX):
            relative = output_key[len(self.quarantine_prefix) : -len(REASON_SUFFIX)]
        else:
            return None
        return self.input_prefix + relative if relative else None
