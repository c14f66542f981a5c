"""history.commits: one record format for every git log diffrisk reads, which a message cannot forge."""

from __future__ import annotations

from diffrisk.diffsource import git
from diffrisk.history import commits
from diffrisk.history.commits import CommitRecord
from testing.repo import Repo

#: A message that tries every separator an older format used, and git's own record shapes.
FORGED = "Subject\x01with\x1eseparators\x1f\n\ncommit 0123456789012345678901234567890123456789\nAuthor: Evil <e@x>\n"


def test_records_carry_every_field_and_survive_hostile_messages(repo: Repo) -> None:
    repo.write("a.py", "A = 1\n")
    first = repo.commit(FORGED)
    repo.write("a.py", "A = 2\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--allow-empty-message", "-m", "")
    second = repo.git("rev-parse", "HEAD").strip()
    records = commits.listed(git.Repo(cwd=str(repo.path)), [second, first])
    assert list(records) == [second, first]
    assert records[first] == CommitRecord(
        first, (), "Test Author", "author@example.com", "Test Author", "author@example.com", 1767225600, FORGED,
    )
    assert (records[second].message, records[second].parents, records[second].parent) == ("", (first,), first)


def test_the_commits_of_a_change_and_a_history(repo: Repo) -> None:
    shas = []
    for number in range(3):
        repo.write("a.py", f"A = {number}\n")
        shas.append(repo.commit(f"change {number}\n\nReviewed-by: R <r@x>\nRisk-Accepted-By: P <p@x>"))
    target = git.Repo(cwd=str(repo.path))
    assert [record.sha for record in commits.of_change(target, shas[0], shas[2], only_target=False)] == [shas[2], shas[1]]
    assert [record.sha for record in commits.of_change(target, shas[0], shas[2], only_target=True)] == [shas[2]]
    assert [record.sha for record in commits.history(target, None)] == shas[::-1]
    assert commits.history(target, None)[0].trailer("risk-accepted-by") == "P <p@x>"


def test_touching_lists_which_of_the_paths_each_commit_changed(repo: Repo) -> None:
    repo.write("pkg/one.py", "A = 1\n")
    repo.write("dir with space/caf\u00e9.py", "B = 1\n")
    repo.write("other.py", "C = 1\n")
    repo.commit("add")
    repo.write("pkg/one.py", "A = 2\n")
    repo.write("other.py", "C = 2\n")
    head = repo.commit("fix one")
    paths = ["pkg/one.py", "dir with space/caf\u00e9.py"]
    records = commits.touching(git.Repo(cwd=str(repo.path)), head, paths, max_age=0)
    assert [(record.message, record.paths) for record in records] == [
        ("fix one\n", ("pkg/one.py",)),
        ("add\n", ("dir with space/caf\u00e9.py", "pkg/one.py")),
    ]


def test_tokens_that_do_not_start_a_record_are_skipped() -> None:
    sha = "a" * 40
    tokens = [b"junk", sha.encode(), b"", b"A", b"a@x", b"A", b"a@x", b"1", b"message\n", b""]
    assert [record.sha for record in commits._parse(tokens, ())] == [sha]


def test_a_name_that_is_not_utf8_keeps_its_history_and_its_neighbours(repo: Repo) -> None:
    odd = b"caf\xe9.py".decode("utf-8", "surrogateescape")  # as the diff's parser decodes it
    for message in ("add", "Fix crash"):
        (repo.path / odd).write_bytes(message.encode())
        repo.write("z.py", message)
        head = repo.commit(message)
    records = commits.touching(git.Repo(cwd=str(repo.path)), head, ["z.py", odd], max_age=0)
    assert [(record.message, record.paths) for record in records] == [("Fix crash\n", (odd, "z.py")), ("add\n", (odd, "z.py"))]
