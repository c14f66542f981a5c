"""Who should review a change: the people who know the code it touches (``experts``, from
``blame`` of the ``touched`` lines and the files' history, one person per ``mailmap`` identity),
the code's ``owners`` (CODEOWNERS), and whether anyone behind the change knows that code
(``people`` puts them together)."""
