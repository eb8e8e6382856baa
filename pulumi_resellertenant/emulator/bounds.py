"""Numeric bounds shared by settings, control bodies and stored figures."""

# Settings (quota pools, limits, counts): keeps sums of tenant quotas far below SQLite's
# 64-bit integers.
MAX_SETTING = 2**53

# SQLite stores signed 64-bit integers; larger figures would fail at the database.
MAX_STORED_INT = 2**63 - 1
