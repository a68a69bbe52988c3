"""claimdocs: pipeline."""
