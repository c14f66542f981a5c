"""Import names one typo away from a known package (DR-S011): how typosquatting gets installed.

An attacker registers ``reqeusts`` on PyPI; an agent or a hurried person imports it and adds it to
the requirements.  A name counts as a near miss of a declared dependency or of a popular package
when it is one edit away (a letter added, dropped, changed, or two letters swapped), or two edits
for long names, and is not itself one of them.  Names of four letters or fewer are too close to
each other to tell.
"""

from __future__ import annotations

from collections.abc import Collection

#: The import names of widely installed packages (the most downloaded on PyPI, by import name).
POPULAR = frozenset({
    "aiohttp", "alembic", "anyio", "apscheduler", "argon2", "arrow", "asyncpg", "attr", "attrs", "authlib", "babel",
    "bcrypt", "bleach", "boto3", "botocore", "bs4", "cachetools", "celery", "certifi", "cffi", "chardet", "charset_normalizer",
    "click", "colorama", "coverage", "cryptography", "cython", "dateutil", "decorator", "deprecated", "dill", "distro",
    "django", "docker", "docutils", "dotenv", "elasticsearch", "email_validator", "fastapi", "filelock", "flake8",
    "flask", "fsspec", "gevent", "google", "greenlet", "grpc", "gunicorn", "h11", "httpcore", "httplib2", "httpx",
    "huggingface_hub", "hypothesis", "idna", "importlib_metadata", "iniconfig", "isort", "itsdangerous", "jinja2",
    "jmespath", "joblib", "jsonschema", "jwt", "keras", "kombu", "kubernetes", "lxml", "markdown", "markupsafe",
    "marshmallow", "matplotlib", "more_itertools", "msgpack", "multidict", "mypy", "networkx", "nltk", "numpy",
    "oauthlib", "openai", "openpyxl", "opentelemetry", "orjson", "packaging", "pandas", "paramiko", "pathspec",
    "pendulum", "pexpect", "pillow", "PIL", "pip", "platformdirs", "pluggy", "prometheus_client", "prompt_toolkit",
    "protobuf", "psutil", "psycopg", "psycopg2", "pyarrow", "pyasn1", "pycparser", "pydantic", "pygments", "pymongo",
    "pymysql", "pyparsing", "pytest", "pytz", "pyyaml", "yaml", "redis", "regex", "requests", "rich", "rsa",
    "ruamel", "scipy", "scrapy", "seaborn", "selenium", "setuptools", "simplejson", "sklearn", "slack_sdk",
    "sniffio", "sqlalchemy", "starlette", "structlog", "sympy", "tabulate", "tenacity", "tensorflow", "tomli",
    "tomlkit", "toolz", "torch", "tornado", "tqdm", "transformers", "twisted", "typer", "typing_extensions",
    "tzdata", "ujson", "urllib3", "uvicorn", "virtualenv", "websocket", "websockets", "werkzeug", "wheel", "wrapt",
    "xlrd", "yarl", "zipp",
})
#: Names this short are a few letters from many others: a distance says nothing about them.
MIN_LENGTH = 5


def near_miss(name: str, known: Collection[str]) -> str | None:
    """The known name ``name`` is a near miss of, or None (``name`` itself known, or not close)."""
    lowered = _normal(name)
    if len(lowered) < MIN_LENGTH:
        return None
    normals = {_normal(candidate): candidate for candidate in known}
    if lowered in normals:
        return None
    allowed = 2 if len(lowered) >= 9 else 1
    close = sorted(
        candidate for normal, candidate in normals.items()
        if abs(len(normal) - len(lowered)) <= allowed and _distance(lowered, normal, allowed) <= allowed
    )
    return close[0] if close else None


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _distance(first: str, second: str, limit: int) -> int:
    """Optimal string alignment distance (edits, with a swap of two neighbours as one), stopping
    early once every path is over ``limit``."""
    previous_row: list[int] = []
    row = list(range(len(second) + 1))
    for i in range(1, len(first) + 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(second)
        for j in range(1, len(second) + 1):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
    return row[-1]
