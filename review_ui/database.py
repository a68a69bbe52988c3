"""The request's unit of work: one SQLAlchemy session per request, committed by the request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session


def get_db(request: Request) -> Iterator[Session]:
    """Commit when the route returns, roll back when it raises (routes never commit halfway)."""
    with request.app.state.sessionmaker() as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


# One Depends object for every use, so a request shares one session; scope="function" commits
# before the response is sent (a redirect never overtakes its own commit).
DbSession = Annotated[Session, Depends(get_db, scope="function")]
