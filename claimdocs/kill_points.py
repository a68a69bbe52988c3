"""Named points where a chaos test may SIGKILL the process doing the work, to prove a re-run
converges with nothing lost and nothing duplicated.

Armed only through a plan file whose path is passed in explicitly (run config, a constructor
argument), never through the environment: `{"point": "before_commit", "at": 2}` kills the process
the second time it reaches `before_commit`. With no plan, `reached` costs one attribute check.
"""

from __future__ import annotations

import json
import os
import signal
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class KillPoint(StrEnum):
    AFTER_DOWNLOAD = "after_download"  # the object's bytes are on local disk, nothing recorded
    AFTER_OCR = "after_ocr"  # the core finished the file, its result is only in memory
    BEFORE_COMMIT = "before_commit"  # a database transaction is written but not committed
    BEFORE_MARKER = "before_marker"  # the result is committed, its S3 output not yet written


class KillPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    point: KillPoint
    at: int = Field(default=1, ge=1)  # the n-th time the point is reached


class KillSwitch:
    def __init__(self, plan: KillPlan | None = None) -> None:
        self.plan = plan
        self.counts: dict[KillPoint, int] = {}

    @classmethod
    def from_file(cls, path: str | Path | None) -> KillSwitch:
        if not path:
            return cls()
        return cls(KillPlan.model_validate(json.loads(Path(path).read_text(encoding="utf-8"))))

    def reached(self, point: KillPoint) -> None:
        if self.plan is None or point is not self.plan.point:
            return
        self.counts[point] = self.counts.get(point, 0) + 1
        if self.counts[point] == self.plan.at:
            os.kill(os.getpid(), signal.SIGKILL)


def write_kill_plan(path: Path, point: KillPoint, at: int = 1) -> Path:
    path.write_text(KillPlan(point=point, at=at).model_dump_json(), encoding="utf-8")
    return path
