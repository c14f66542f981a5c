"""The history store: ``diffrisk log --db`` keeps every scored commit in a SQLite database that
``diffrisk report`` reads (``database``), each row the whole of what ``log`` computed (``codec``)."""
