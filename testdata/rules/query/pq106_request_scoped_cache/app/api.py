from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.services import AppWideCatalog, FeatureMatrix, NoCache, PlanCatalog, PlanTree, SettingsView

app = FastAPI()
catalog = AppWideCatalog(Session())


def get_session() -> Session:
    return Session()


async def get_matrix(session: AsyncSession = Depends()) -> FeatureMatrix:
    return FeatureMatrix(session)


@app.get("/plans")
def list_plans(plans: PlanCatalog = Depends(PlanCatalog), other: NoCache = Depends(NoCache)):
    return plans.plans() + other.plans() + catalog.plans()


@app.get("/matrix")
async def matrix(features: FeatureMatrix = Depends(get_matrix)):
    await features.load()
    return features.matrix


@app.get("/tree")
def tree(session: Session = Depends(get_session)):
    return PlanTree(session).tree


@app.get("/settings/{key}")
def setting(key: str):
    return SettingsView().get(key)
