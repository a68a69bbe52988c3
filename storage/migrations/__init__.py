"""Alembic migrations, shipped inside the package so `claimdocs db upgrade` works when installed."""
