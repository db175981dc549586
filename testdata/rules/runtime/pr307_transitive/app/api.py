import asyncio

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app import settings
from app.settings import calls_pure, hash_password, load_settings, parse, parse_message, pause

app = FastAPI()


@app.get("/settings")
async def get_settings():
    return load_settings()  # PR307[HIGH]: 12 "get_settings -> load_settings -> read_config_file -> open()"


@app.post("/register")
async def register(password: bytes):
    return hash_password(password)  # PR307[HIGH]: 12 "password hashing"


@app.post("/parse")
async def parse_body(body: str):
    parse_message(body)  # ok: PR307
    return parse(body)  # PR307[MEDIUM]: 12 "CPU-bound"


async def background_poll():
    pause()  # PR307[MEDIUM]: 5 "background_poll -> pause -> time.sleep()"
    settings.notify("http://example.com")  # PR307[MEDIUM]: 5 "requests.post()"
    calls_pure([1, 2])  # ok: PR307
    await asyncio.to_thread(load_settings)  # ok: PR307
    await run_in_threadpool(settings.notify, "http://example.com")  # ok: PR307
    await asyncio.get_running_loop().run_in_executor(None, lambda: load_settings())  # ok: PR307

    def nested():
        return load_settings()  # ok: PR307

    await asyncio.to_thread(nested)


def sync_caller():
    return load_settings()  # ok: PR307


async def async_helper():
    return 1


async def calls_async_helper():
    return await async_helper()  # ok: PR307


class Service:
    def read(self):
        return load_settings()  # ok: PR307

    async def refresh(self):
        return self.read()  # PR307[MEDIUM]: 16 "refresh -> read -> load_settings -> read_config_file -> open()"


async def once_only(client):
    from app.cached import Client, configured, get_secret, get_settings, not_a_cache, template, uses_cached_settings
    from app.cached import looked_up_not_kept, queue_url

    get_settings()  # PR307[LOW]: 5 "cached (functools.lru_cache): blocks on its first call only"
    get_secret()  # PR307[LOW]: 5 "blocks on its first call only"
    configured()  # ok: PR307
    template("page.html")  # ok: PR307
    uses_cached_settings()  # PR307[LOW]: 5 "uses_cached_settings -> get_settings -> open()"
    Client().config()  # ok: PR307
    not_a_cache()  # PR307[MEDIUM]: 5 "once_only -> not_a_cache -> load_file -> open()"
    queue_url("jobs")  # ok: PR307
    looked_up_not_kept("jobs")  # PR307[MEDIUM]: 5 "looked_up_not_kept -> load_file"


from asgiref.sync import sync_to_async  # noqa: E402


@sync_to_async
def load_in_thread():
    return load_settings()  # ok: PR307


async def uses_thread_wrapper():
    pending = asyncio.ensure_future(load_in_thread())  # ok: PR307
    await load_in_thread()  # ok: PR307
    return await pending


class SettingsHolder:
    def __init__(self):
        self._settings = None

    async def settings(self):
        if self._settings is None:
            self._settings = load_settings()  # ok: PR307
        return self._settings


async def zoned(now):
    from app.zones import kept_zone, local_zone, paris_now, utc_offset, zone_and_rules

    local_zone("Europe/Paris")  # PR307[LOW]: 5 "zoned -> local_zone -> tz.gettz() (file IO"
    paris_now(now)  # PR307[LOW]: 5 "the library caches it: blocks on the first use of each argument only"
    zone_and_rules("UTC")  # PR307[MEDIUM]: 5 "zoned -> zone_and_rules -> open()"
    kept_zone("UTC")  # ok: PR307
    utc_offset(now)  # ok: PR307
