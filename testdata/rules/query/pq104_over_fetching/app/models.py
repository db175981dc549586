from django.db import models as dj
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AuditMixin:
    created_by: Mapped[str] = mapped_column(String)
    updated_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[str] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)


class Customer(AuditMixin, Base):
    """16 columns: 12 here, 4 from the mixin."""
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    c1: Mapped[str] = mapped_column(String)
    c2: Mapped[str] = mapped_column(String)
    c3: Mapped[str] = mapped_column(String)
    c4: Mapped[str] = mapped_column(String)
    c5: Mapped[str] = mapped_column(String)
    c6: Mapped[str] = mapped_column(String)
    c7: Mapped[str] = mapped_column(String)
    c8: Mapped[str] = mapped_column(String)
    c9: Mapped[str] = mapped_column(String)
    c10: Mapped[str] = mapped_column(String)
    c11: Mapped[str] = mapped_column(String)


class Product(Base):
    """12 columns."""
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    c1: Mapped[str] = mapped_column(String)
    c2: Mapped[str] = mapped_column(String)
    c3: Mapped[str] = mapped_column(String)
    c4: Mapped[str] = mapped_column(String)
    c5: Mapped[str] = mapped_column(String)
    c6: Mapped[str] = mapped_column(String)
    c7: Mapped[str] = mapped_column(String)
    c8: Mapped[str] = mapped_column(String)
    c9: Mapped[str] = mapped_column(String)
    c10: Mapped[str] = mapped_column(String)
    c11: Mapped[str] = mapped_column(String)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)


class Article(dj.Model):
    f1 = dj.CharField(max_length=10)
    f2 = dj.CharField(max_length=10)
    f3 = dj.CharField(max_length=10)
    f4 = dj.CharField(max_length=10)
    f5 = dj.CharField(max_length=10)
    f6 = dj.CharField(max_length=10)
    f7 = dj.CharField(max_length=10)
    f8 = dj.CharField(max_length=10)
    f9 = dj.CharField(max_length=10)
    f10 = dj.CharField(max_length=10)
    f11 = dj.CharField(max_length=10)
    f12 = dj.CharField(max_length=10)
    f13 = dj.CharField(max_length=10)
    f14 = dj.CharField(max_length=10)
    f15 = dj.CharField(max_length=10)
    f16 = dj.CharField(max_length=10)
    f17 = dj.CharField(max_length=10)
    journal = dj.ForeignKey("Journal", on_delete=dj.CASCADE, null=True, related_name="articles")


class Journal(dj.Model):
    name = dj.CharField(max_length=10)

    def article_titles(self):
        # only() here would make a query even where the caller prefetched articles
        return [a.f1 for a in self.articles.all()]  # ok: PQ104

    def marked_titles(self):
        return [a.f1 for a in self.articles.filter(f2="x")]  # PQ104[MEDIUM]: 31 "only('f1')"
