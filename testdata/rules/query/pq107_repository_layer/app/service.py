from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import AsyncSession
from app.models import Organization
from app.repository import OrganizationRepository, PriceSource, ProductRepository


async def organization_name(session: AsyncSession, organization_id: int) -> str:
    repository = OrganizationRepository.from_session(session)
    organization = await repository.get_by_id(organization_id)
    return organization.name


async def names(session: AsyncSession, ids: list[int]) -> list[str]:
    repository = OrganizationRepository(session)
    result = []
    for organization_id in ids:
        organization = await repository.get_by_id(organization_id)  # PQ107[HIGH]: 30 "names -> get_by_id -> self.session.get"
        result.append(organization.name)
    return result


async def names_through_service(session: AsyncSession, ids: list[int]) -> list[str]:
    return [await organization_name(session, i) for i in ids]  # PQ107[HIGH]: 19 "organization_name -> get_by_id"


async def first_name(session: AsyncSession, ids: list[int]) -> str:
    return await organization_name(session, ids[0])  # ok: PQ107


async def labels(session: AsyncSession, ids: list[int]) -> list[str]:
    repository = OrganizationRepository(session)
    return [repository.default_name() + str(i) for i in ids]  # ok: PQ107


async def owner_emails(session: AsyncSession) -> list[str]:
    organizations = (await session.scalars(select(Organization))).all()
    return [organization.owner_email for organization in organizations]  # PQ107[HIGH]: 13 "owner_email"


async def owner_emails_eager(session: AsyncSession) -> list[str]:
    statement = select(Organization).options(selectinload(Organization.owner))
    organizations = (await session.scalars(statement)).all()
    return [organization.owner_email for organization in organizations]  # ok: PQ107


async def as_dicts(session: AsyncSession) -> list[dict]:
    organizations = (await session.scalars(select(Organization))).all()
    return [organization.to_dict() for organization in organizations]  # PQ107[HIGH]: 13 "to_dict"


async def as_labels(session: AsyncSession) -> list[str]:
    organizations = (await session.scalars(select(Organization))).all()
    return [organization.label() for organization in organizations]  # ok: PQ107


async def prices(source: PriceSource, product_ids: list[int]) -> list[int]:
    return [await source.price_of(i) for i in product_ids]  # PQ107[HIGH]: 19 "price_of"


async def rename_all(session: AsyncSession, organizations: list[Organization]) -> None:
    repository = OrganizationRepository(session)
    for organization in organizations:
        await repository.rename(organization.id, organization.name.strip())  # PQ102[HIGH]: 15 "rename"
    for organization_id in (1, 2, 3):
        await repository.delete_by_id(organization_id)  # PQ102[MEDIUM]: 15
    await repository.rename(organizations[0].id, "x")  # ok: PQ102


async def create_all(session: AsyncSession, new_names: list[str]) -> None:
    repository = OrganizationRepository(session)
    for name in new_names:
        await repository.create(name)  # PQ105[MEDIUM]: 15 "create"


async def upsert_prices(session: AsyncSession, rows: list[dict]) -> None:
    repository = ProductRepository(session)
    for row in rows:
        await repository.upsert(row["organization_id"], row["price"])  # PQ105[MEDIUM]: 15 "upsert"


async def how_many(session: AsyncSession) -> int:
    repository = OrganizationRepository(session)
    return len(await repository.list_all())  # PQ108[MEDIUM]: 12 "list_all"


async def how_many_counted(session: AsyncSession) -> int:
    repository = OrganizationRepository(session)
    return await repository.count()  # ok: PQ108


async def listed(session: AsyncSession) -> list[str]:
    repository = OrganizationRepository(session)
    organizations = await repository.list_all()
    return [o.name for o in organizations] + [str(len(organizations))]  # ok: PQ108


async def by_statement(session: AsyncSession, ids: list[int]) -> list[Organization]:
    repository = OrganizationRepository(session)
    return [await repository.get_one(select(Organization).where(Organization.id == i)) for i in ids]  # PQ107[HIGH]: 19 "get_one"


async def labelled(session: AsyncSession, organization_id: int, label: str) -> str:
    repository = OrganizationRepository(session)
    organization = await repository.get_by_id(organization_id)
    return f"{organization.name}: {label}"


async def labelled_all(session: AsyncSession, organization_id: int, labels: list[str]) -> list[str]:
    return [await labelled(session, organization_id, label) for label in labels]  # ok: PQ107


async def labelled_each(session: AsyncSession, ids: list[int]) -> list[str]:
    return [await labelled(session, organization_id=i, label="x") for i in ids]  # PQ107[HIGH]: 19 "labelled -> get_by_id"


async def by_batch(session: AsyncSession, batches: list[list[int]]) -> None:
    for batch in batches:
        await labelled(session, batch[0], "x")  # ok: PQ107


async def add_each(session: AsyncSession, organizations: list[Organization]) -> None:
    repository = OrganizationRepository(session)
    for organization in organizations:
        await repository.add(organization)  # PQ105[LOW]: 15 "Organization rows written one at a time per item of organizations through add()"
