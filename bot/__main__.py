"""`python -m bot` runs the catalyst-bot command line."""

import sys

from bot.cli.main import main

sys.exit(main())
