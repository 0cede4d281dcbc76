"""Rumahan's performance suite (python -m benchmarks)."""
