"""Accounts: balances, who may touch them, idempotent writes (rules only, no I/O)."""
