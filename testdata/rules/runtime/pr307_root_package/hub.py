from .sdk import Api, CloudApi


async def get_api(config):
    if config.get("cloud"):
        api = CloudApi(config["host"])
    else:
        api = Api(config["host"])
    api.get_status()  # PR307[MEDIUM]: 5 "get_api -> get_status -> requests.post()"
    return api


class Hub:
    def __init__(self, config):
        self.config = config
        self.name = config["name"]
        self.api = None
        self.spare = None

    async def async_setup(self):
        self.api = await get_api(self.config)
        return True
