"""Options the rules need from outside the document: today's date (for 'next model year')."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class ValidationOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    today: date

    @property
    def latest_model_year(self) -> int:
        # Next year's models go on sale during this year.
        return self.today.year + 1
