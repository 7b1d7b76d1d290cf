from devfocus.cli import main

raise SystemExit(main())
