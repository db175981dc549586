from contextlib import contextmanager
from typing import Annotated, NewType, TypeAlias

from fastapi import Depends
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession
from sqlalchemy.orm import Session, scoped_session, sessionmaker

engine = create_engine("postgresql://localhost/app")
SessionLocal = sessionmaker(bind=engine)
ScopedSession = scoped_session(SessionLocal)

AsyncSession = NewType("AsyncSession", _AsyncSession)
DbSession: TypeAlias = Session
PlainSession = Session


def get_db():
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


@contextmanager
def open_session():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()
