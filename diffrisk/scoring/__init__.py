"""Stage 6, scoring and policy: components and score, level and its floors, hotspots, review time,
the verdict and who accepted it, the report; and how well a score ranks real bugs (evaluation,
calibration)."""
