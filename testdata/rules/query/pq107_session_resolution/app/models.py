from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, declared_attr, relationship


class TableNameMixin:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower() + "s"

    id = Column(Integer, primary_key=True)


Base = declarative_base(cls=TableNameMixin)


class Org(Base):
    name = Column(String)
    members = relationship("Member", back_populates="org")


class Member(Base):
    org_id = Column(ForeignKey("orgs.id"))
    email = Column(String)
    org = relationship("Org", back_populates="members")
