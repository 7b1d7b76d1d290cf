import os
import sys

# `python -m devfocus` puts the working directory first on the module path, and an editor starts
# the server in the user's project: a `jedi.py` or `sqlalchemy/` there would be imported in place
# of the library on first use, running the project's code. Python 3.11's PYTHONSAFEPATH does this
# from the start; here it covers every version and every way of starting.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from devfocus.cli import main  # after the module path is made safe

raise SystemExit(main())
