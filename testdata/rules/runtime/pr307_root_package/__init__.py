"""A repository that is itself the package (checked out as custom_components/<domain>):
its modules import each other relatively from the top."""
from .hub import Hub


async def async_setup_entry(config):
    hub = Hub(config)
    await hub.async_setup()
    hub.api.get_status()  # PR307[MEDIUM]: 5 "async_setup_entry -> get_status -> requests.post()"
    hub.name.upper()  # ok: PR307
    hub.spare.get_status()  # ok: PR307
    return hub
