"""Integration tests: pytest + redis-py against a real server process (see conftest.py)."""
