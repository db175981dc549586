from .hub import Hub


class Light:
    def __init__(self, hub: Hub, number: int):
        self.hub = hub
        self.number = number

    async def async_turn_on(self):
        self.hub.api.get_status()  # PR307[MEDIUM]: 9 "async_turn_on -> get_status"
        self.hub.config.get(self.number)  # ok: PR307
