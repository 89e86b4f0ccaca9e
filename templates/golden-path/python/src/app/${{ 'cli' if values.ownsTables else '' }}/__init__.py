"""Command-line tools run inside the image (python -m app.cli.<name>)."""
