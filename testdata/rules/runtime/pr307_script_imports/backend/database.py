"""Imported by its siblings as ``database``: the service runs from this directory."""
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite:///./data/issues.db")
SessionLocal = sessionmaker(bind=engine)
