"""The quotes API (/v1/quotes)."""
