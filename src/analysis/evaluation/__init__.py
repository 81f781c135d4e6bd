"""Scorers behind ``python -m analysis.evaluate`` (one module per task)."""
