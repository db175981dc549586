from app.clients import WebhookClient, read_template
from app.db import AsyncSession
from app.models import Org
from app.repositories import OrgRepository


class OrgService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = OrgRepository(session)
        self.webhooks = WebhookClient("https://hooks.example.invalid")

    async def sync(self, org_ids: list[int]) -> int:
        synced = 0
        for org_id in org_ids:
            org = await self.repo.get_by_id(org_id)  # PQ107[HIGH]: 25 "get_by_id"
            if org is not None:
                await self.repo.mark_synced(org.id)  # PQ102[HIGH]: 23
                synced += 1
        return synced

    async def sync_batch(self, org_ids: list[int]) -> None:
        orgs = await self.repo.members_of(org_ids)  # ok: PQ107
        for member in orgs:
            print(member.email)

    async def rename(self, org: Org, name: str) -> None:
        async with self.session.begin():
            org.name = name
            await self.webhooks.org_renamed(org.id, name)  # PT202[HIGH]: 19

    async def rename_then_notify(self, org: Org, name: str) -> None:
        org.name = name
        await self.repo.save(org)
        await self.webhooks.org_renamed(org.id, name)  # ok: PT202

    def welcome_text(self) -> str:
        return read_template("templates/welcome.txt")
