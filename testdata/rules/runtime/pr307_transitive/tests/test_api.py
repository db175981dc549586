from app.settings import load_settings


async def test_settings():
    assert load_settings()  # ok: PR307
    open("x")  # ok: PR301
