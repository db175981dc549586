"""Sessions and clients reached through request.state, app.state and self."""
import redis
from fastapi import FastAPI, Request
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.base import BaseHTTPMiddleware

engine = create_engine("postgresql://localhost/app")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()
app.state.cache = redis.Redis()


class DbSessionMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        request.state.db = SessionLocal()
        request.state.db.execute("set statement_timeout = 1000")  # PR301[MEDIUM]: 9 "database IO"
        return await call_next(request)


@app.get("/users/{user_id}")
async def get_user(user_id: int, request: Request):
    row = request.state.db.execute("select 1")  # PR301[HIGH]: 11
    hit = request.app.state.cache.get(f"user:{user_id}")  # PR301[HIGH]: 11 "network IO"
    request.state.user_id = user_id  # ok: PR301
    return row, hit, request.state.user_id  # ok: PR301


@app.get("/schema")
async def schema():
    inspector = inspect(engine)  # PR301[HIGH]: 17 "database IO"
    return inspector.get_columns("users")  # PR301[HIGH]: 12


async def model_state(user):
    return inspect(user).attrs.keys()  # ok: PR301


class Repository:
    def __init__(self, session: Session, cache: redis.Redis):
        self.session = session
        self.cache = cache

    async def count(self):
        self.cache.incr("count")  # PR301[MEDIUM]: 9
        return self.session.scalar("select count(*) from users")  # PR301[MEDIUM]: 16
