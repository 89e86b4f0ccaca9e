"""The service's tests: unit, integration, contract (see conftest.py)."""
