"""The portfolio: one SQLite file Preflight builds from many teams' sources, for a lead to query.

`schema` holds the tables and views (the contract the Datasette server reads), `build` reads
Preflight databases and assessment files read-only and writes only the portfolio file.
"""
