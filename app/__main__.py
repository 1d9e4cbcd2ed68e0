"""`python -m app` runs the `preflight` command."""

from app.cli import main

raise SystemExit(main())
