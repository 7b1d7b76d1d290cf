import os
import sys

# `python -m devfocus` puts the working directory first on the module path, and an editor starts
# the server in the user's project: a `jedi.py` or `sqlalchemy/` there would be imported in place
# of the library on first use, running the project's code. Python 3.11's PYTHONSAFEPATH does this
# from the start; here it covers every version and every way of starting.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

# Run from the VS Code extension's bundle (devfocus/__init__.py loaded it then): the first
# start's compiling begins before the command line's imports.
bundled = sys.modules.get("devfocus.bundled")
if bundled is not None and sys.argv[1:2] == ["serve"] and (bundle := bundled.active()):
    bundled.start_background(bundle)

from devfocus.cli import main  # noqa: E402  after the background start, on purpose

raise SystemExit(main())
