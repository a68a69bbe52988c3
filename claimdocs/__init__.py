"""claimdocs: claimdocs."""
