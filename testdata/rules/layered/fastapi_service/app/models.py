from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Org(Base):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    synced: Mapped[bool] = mapped_column(default=False)
    members: Mapped[list["Member"]] = relationship(back_populates="org")

    def member_emails(self) -> list[str]:
        return [member.email for member in self.members]


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    org: Mapped[Org] = relationship(back_populates="members")
