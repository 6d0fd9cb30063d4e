"""`python -m casa_studio` runs the command line (and, through it, the editor)."""

from casa_studio.cli import main

raise SystemExit(main())
