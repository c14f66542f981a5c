from diffrisk.main import main

raise SystemExit(main())
