"""`python -m famille` runs the `famille` command."""

from famille.cli import main

raise SystemExit(main())
