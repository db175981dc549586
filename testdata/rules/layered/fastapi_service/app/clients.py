import httpx


class WebhookClient:
    def __init__(self, base_url: str):
        self.base_url = base_url

    async def org_renamed(self, org_id: int, name: str) -> None:
        async with httpx.AsyncClient() as client:
            await client.post(f"{self.base_url}/orgs/{org_id}", json={"name": name})


def read_template(path: str) -> str:
    with open(path) as handle:
        return handle.read()
