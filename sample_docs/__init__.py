"""claimdocs: sample_docs."""
