"""Sync SQLAlchemy on sessions without annotations, in async code: what a
function hands the session (a mapped model, a statement) proves it is one."""
from fastapi import FastAPI
from sqlalchemy import Column, Integer, String, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()
app = FastAPI()


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    text = Column(String)


@app.get("/notes")
async def list_notes(db):
    return db.query(Note).all()  # PR301[HIGH]: 12 "database IO"


@app.get("/notes/{note_id}")
async def read_note(db, note_id: int):
    return db.execute(select(Note).where(Note.id == note_id)).scalar_one()  # PR301[HIGH]: 12


@app.get("/async-notes")
async def list_notes_async(db):
    result = await db.execute(select(Note))  # ok: PR301
    return result.scalars().all()  # ok: PR301


@app.get("/cache/{key}")
async def cached(cache, key: str):
    return cache.get(key, None)  # ok: PR301
