"""Review UI accounts. The UI hashes passwords (argon2); the store keeps the hash only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.column_types import utc_now
from storage.outcomes import UserRecord
from storage.state_tables import User
from storage.states import Role


def _record(user: User) -> UserRecord:
    return UserRecord(
        id=user.id,
        username=user.username,
        password_hash=user.password_hash,
        role=user.role,
        is_active=user.is_active,
        created_at=user.created_at,
    )


def create_user(
    session: Session, username: str, password_hash: str, role: Role, *, now: datetime | None = None
) -> UserRecord:
    """Add an account; a taken username fails on the unique constraint (IntegrityError)."""
    user = User(
        username=username,
        password_hash=password_hash,
        role=Role(role).value,
        is_active=True,
        created_at=now or utc_now(),
    )
    session.add(user)
    session.flush()
    return _record(user)


def find_user(session: Session, username: str) -> UserRecord | None:
    user = session.scalar(select(User).where(User.username == username))
    return _record(user) if user else None


def set_password_hash(session: Session, username: str, password_hash: str) -> bool:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return False
    user.password_hash = password_hash
    return True


def set_active(session: Session, username: str, active: bool) -> bool:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return False
    user.is_active = active
    return True
