"""The accounts API (/v1/accounts)."""
