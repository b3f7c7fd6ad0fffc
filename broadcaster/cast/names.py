"""First names -> how often they are women's names, from the names-dataset package.

names-dataset (MIT) ships its first names as one pickled dict of 727,000 names; loading
it takes about 6 s and 900 MB. So the first lookup builds a small SQLite index of the
names whose gender is known (name -> share of women) in the user cache folder, written
atomically and keyed by the dataset's version; every later lookup is a query.
"""

from __future__ import annotations

import gzip
import pickle
import sqlite3
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from broadcaster.atomic import replacing
from broadcaster.dirs import cache_dir

PACKAGE = "names-dataset"


def female_share(first_name: str) -> float | None:
    """The share (0.0-1.0) of people with this first name who are women; None if unknown."""
    row = _index().execute("SELECT female FROM names WHERE name = ?", (first_name.title(),))
    found = row.fetchone()
    return found[0] if found else None


@lru_cache(maxsize=1)
def _index() -> sqlite3.Connection:
    path = cache_dir() / f"first-names-{metadata.version(PACKAGE)}.sqlite"
    if not path.is_file():
        _build(path)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _build(path: Path) -> None:
    import names_dataset

    source = Path(names_dataset.__file__).parent / "v3" / "first_names.pkl.gz"
    with gzip.open(source) as f:
        names = pickle.load(f)  # the package's own data file, as it loads it itself
    rows = [(name, share) for name, info in names.items() if (share := _share(info)) is not None]
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as partial:
        with sqlite3.connect(partial) as db:
            db.execute("CREATE TABLE names (name TEXT PRIMARY KEY, female REAL)")
            db.executemany("INSERT OR REPLACE INTO names VALUES (?, ?)", rows)
        db.close()


def _share(info: dict) -> float | None:
    gender = info.get("gender") or {}
    female, male = gender.get("F", 0.0), gender.get("M", 0.0)
    return round(female / (female + male), 3) if female + male else None
