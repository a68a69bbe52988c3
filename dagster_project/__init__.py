"""claimdocs: dagster_project."""
