"""Preflight: get AI pilots into production.

Nothing heavy is imported here: each command imports its own front end when it runs.
"""

__version__ = "0.1.0"
