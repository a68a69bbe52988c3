"""Reviewer accounts on top of the store's `users` functions; the UI owns hashing (argon2)."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_ui.passwords import hash_password, needs_rehash, verify_password
from storage import users as stored_users
from storage.outcomes import UserRecord
from storage.state_tables import User
from storage.states import Role

log = logging.getLogger(__name__)

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class UserError(ValueError):
    pass


def add_user(db: Session, username: str, password: str, role: Role) -> UserRecord:
    """A new account; UserError when the name is malformed or taken (the caller commits)."""
    if not USERNAME.match(username):
        raise UserError("a user name is 1-64 letters, digits, '.', '_', '@' or '-'")
    if stored_users.find_user(db, username) is not None:
        raise UserError(f"user {username} exists; use `claimdocs users set-password`")
    record = stored_users.create_user(db, username, hash_password(password), Role(role))
    log.info("user added id=%s role=%s", record.id, record.role)
    return record


def set_password(db: Session, username: str, password: str) -> None:
    """New password; every session of the user ends (the session carries a hash fingerprint)."""
    if not stored_users.set_password_hash(db, username, hash_password(password)):
        raise UserError(f"no user {username}")


def set_active(db: Session, username: str, active: bool) -> None:
    if not stored_users.set_active(db, username, active):
        raise UserError(f"no user {username}")


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    user = db.scalar(select(User).where(User.username == username)) if username else None
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
