"""Differential tests: the same command streams sent to osprey-server and
redis-server, replies compared byte for byte. See README.md."""
