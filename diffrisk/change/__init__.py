"""Stage 5, analysing a change: every changed file through the analyzers on both sides, what the
change introduced or removed, the functions and blocks it touched, the findings only the whole
change shows, and its size."""
