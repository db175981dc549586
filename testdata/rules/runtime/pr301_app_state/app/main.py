"""The lifespan and a middleware put clients on app.state and request.state."""
import contextlib

import aioboto3
import boto3
import redis
import redis.asyncio
from fastapi import FastAPI, Request
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.routers import files

SessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/app"))


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.s3 = boto3.client("s3")
    async with contextlib.AsyncExitStack() as stack:
        app.state.store = await stack.enter_async_context(aioboto3.Session().client("s3"))
        app.state.cache = redis.Redis()
        yield


app = FastAPI(lifespan=lifespan)
app.include_router(files.router)


@app.middleware("http")
async def db_session(request: Request, call_next):
    request.state.db = SessionLocal()
    return await call_next(request)
