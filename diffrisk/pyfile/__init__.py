"""Stage 2, one Python file version: decoded and parsed once, its functions and classes located,
its comments, imports and ignore comments found, and whether a tool generated it."""
