"""Stage 1, the diff source: which diff to read (staged changes, a commit, a range, a branch
against its base, the work tree, a patch), the diff parsed into the model, and the versions of
each changed file on both sides.  Only ``git`` here runs git."""
