"""Another module puts an async Redis client under the same name."""
import redis.asyncio


def configure(app):
    app.state.cache = redis.asyncio.Redis()
