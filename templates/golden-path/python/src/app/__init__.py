"""The service's package: api (HTTP), domain (rules, no I/O), infrastructure."""
