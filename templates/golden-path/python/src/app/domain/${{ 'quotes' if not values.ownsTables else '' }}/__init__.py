"""Stateless loyalty calculations."""
