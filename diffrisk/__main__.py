from diffrisk.main import program

raise SystemExit(program())
