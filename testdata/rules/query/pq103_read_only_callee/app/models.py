from django.db import models as dj
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String)
    plan: Mapped[str] = mapped_column(String)
    region: Mapped[str] = mapped_column(String)
    owner: Mapped[str] = mapped_column(String)


class Shop(dj.Model):
    name = dj.CharField(max_length=50)
