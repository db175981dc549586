"""Blocking work in an initialiser runs where the object is built."""
import asyncio
from pathlib import Path


class IgnoreList:
    def __init__(self, root: str):
        self.root = root
        self.patterns = self._load()

    def _load(self) -> list[str]:
        path = Path(self.root) / ".gitignore"
        return path.read_text().splitlines() if path.exists() else []


class StrictIgnoreList(IgnoreList):
    """Inherits the initialiser that reads the file."""


class NamedIgnoreList(IgnoreList):
    """Extends the initialiser that reads the file, and calls it."""

    def __init__(self, root: str, name: str):
        super().__init__(root)
        self.name = name


class Settings:
    def __init__(self, root: str):
        self.root = root  # no IO: building it is free


class LabelledSettings(Settings):
    def __init__(self, root: str, label: str):
        super().__init__(root)
        self.label = label


class Watcher:
    def __init__(self, root: str):
        self.root = root
        self._running = False
        self.ignores: IgnoreList | None = None

    async def start(self):
        if self._running:
            return
        self._running = True
        self.ignores = IgnoreList(self.root)  # PR307[MEDIUM]: 24 "start -> IgnoreList() -> _load"
        self.strict = StrictIgnoreList(self.root)  # PR307[MEDIUM]: 23
        self.named = NamedIgnoreList(self.root, "x")  # PR307[MEDIUM]: 22 "NamedIgnoreList() -> IgnoreList() -> _load"
        self.settings = Settings(self.root)  # ok: PR307
        self.labelled = LabelledSettings(self.root, "x")  # ok: PR307
        self.offloaded = await asyncio.to_thread(IgnoreList, self.root)  # ok: PR307


def local_zone(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)  # the library caches each zone it loads


async def stamp(name: str):
    return local_zone(name)  # PR307[LOW]: 12 "the library caches it"
