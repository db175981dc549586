from functools import cached_property

from django.db.models import Count
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from app.models import Feature, Plan, Setting


class PlanCatalog:
    def __init__(self, session: Session):
        self.session = session
        self._cache = None

    def plans(self):
        if self._cache is None:
            self._cache = self.session.scalars(select(Plan)).all()  # PQ106[MEDIUM]: 27 "PlanCatalog._cache"
        return self._cache


class FeatureMatrix:
    def __init__(self, session: AsyncSession):
        self.session = session
        self._loaded = False
        self.matrix = {}

    async def load(self):
        result = await self.session.execute(  # PQ106[HIGH]: 24 "joining/aggregating"
            select(Plan.id, func.count(Feature.id)).join(Feature).group_by(Plan.id))
        self.matrix = dict(result.all())
        self._loaded = True


class PlanTree:
    def __init__(self, session: Session):
        self.session = session

    @cached_property
    def tree(self):
        return self.session.scalars(select(Plan).options(selectinload(Plan.features))).all()  # PQ106[HIGH]: 16


class SettingsView:
    def __init__(self):
        self._settings_cache = {}

    def get(self, key):
        if key not in self._settings_cache:
            self._settings_cache[key] = Setting.objects.get(key=key).value  # PQ106[MEDIUM]: 41
        return self._settings_cache[key]


class AppWideCatalog:
    """Created once at import time: the right scope."""

    def __init__(self, session: Session):
        self.session = session
        self._cache = None

    def plans(self):
        if self._cache is None:
            self._cache = self.session.scalars(select(Plan)).all()  # ok: PQ106
        return self._cache


class NoCache:
    def __init__(self, session: Session):
        self.session = session

    def plans(self):
        return self.session.scalars(select(Plan)).all()  # ok: PQ106


class DashboardStats:
    def __init__(self):
        self._cache = None

    def totals(self):
        if self._cache is None:
            self._cache = list(Setting.objects.values("key").annotate(n=Count("id")))  # PQ106[HIGH]: 32
        return self._cache
