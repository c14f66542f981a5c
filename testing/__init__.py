"""Helpers shared by the tests (and the fuzz script): real git repositories in temporary folders,
diffrisk run in the test's process with its output captured, diffs written back as patches, and
sample code."""
