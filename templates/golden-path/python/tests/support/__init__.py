"""What the tests share: a real identity provider, the running service, HTTP helpers."""
