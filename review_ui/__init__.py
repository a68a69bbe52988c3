"""claimdocs: review_ui."""
