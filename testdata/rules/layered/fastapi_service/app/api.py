from fastapi import APIRouter

from app.db import DbSession
from app.repositories import OrgRepository
from app.services import OrgService

router = APIRouter()


@router.post("/orgs/sync")
async def sync_orgs(session: DbSession, org_ids: list[int]) -> dict:
    count = await OrgService(session).sync(org_ids)
    return {"synced": count}


@router.get("/orgs/emails")
async def org_emails(session: DbSession) -> list[str]:
    repo = OrgRepository(session)
    emails = []
    for org in await repo.list_all():
        emails.extend(org.member_emails())  # PQ107[HIGH]: 23 "member_emails"
    return emails


@router.get("/welcome")
async def welcome(session: DbSession) -> str:
    return OrgService(session).welcome_text()  # PR307[HIGH]: 12 "read_template"
