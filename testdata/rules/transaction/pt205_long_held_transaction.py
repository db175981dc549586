import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import bcrypt

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Statement(Base):
    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(primary_key=True)


def backoff(attempt: int):
    time.sleep(2 ** attempt)


def retry_payment(session: Session, payment):
    with session.begin():
        payment.attempts += 1
        time.sleep(5)  # PT205[HIGH]: 9 "time.sleep(5)"
        payment.status = "retrying"


def retry_through_helper(session: Session, payment, attempt: int):
    with session.begin():
        payment.attempts += 1
        backoff(attempt)  # PT205[HIGH]: 9 "backoff"


def sleep_before_the_transaction(session: Session, payment):
    time.sleep(5)  # ok: PT205
    with session.begin():
        payment.attempts += 1


async def poll(session: AsyncSession, batch_id: int):
    await session.execute(text("UPDATE batches SET polled = now() WHERE id = :id"), {"id": batch_id})
    await asyncio.sleep(0)  # ok: PT205
    await asyncio.sleep(1)  # PT205[HIGH]: 11 "first write"
    await session.commit()
    await asyncio.sleep(1)  # ok: PT205


async def network_is_pt202s(session: AsyncSession, batch_id: int):
    async with session.begin():
        await session.execute(text("UPDATE batches SET sent = true WHERE id = :id"), {"id": batch_id})
        async with httpx.AsyncClient() as client:
            await client.post("https://bank.example/batches")  # ok: PT205 PT202[HIGH]: 19


def rebuild_statistics(session: Session, rows):
    with session.begin():  # ok: PT205
        totals = {}
        for row in rows:
            totals[row.region] = totals.get(row.region, 0) + row.amount
        averages = {}
        for region, total in totals.items():
            averages[region] = total / max(1, len(rows))
        peaks = {}
        for row in rows:
            peaks[row.region] = max(peaks.get(row.region, 0), row.amount)
        lows = {}
        for row in rows:
            lows[row.region] = min(lows.get(row.region, row.amount), row.amount)
        counts = {}
        for row in rows:
            counts[row.region] = counts.get(row.region, 0) + 1
        spreads = {}
        for region in totals:
            spreads[region] = peaks[region] - lows[region]
        ratios = {}
        for region in totals:
            ratios[region] = averages[region] / max(1, peaks[region])
        medians = {}
        for region in totals:
            values = sorted(row.amount for row in rows if row.region == region)
            medians[region] = values[len(values) // 2] if values else 0
        shares = {}
        grand_total = sum(totals.values()) or 1
        for region in totals:
            shares[region] = totals[region] / grand_total
        ranked = sorted(totals, key=totals.get)
        top = ranked[-3:]
        bottom = ranked[:3]
        labels = {}
        for region in top:
            labels[region] = "top"
        for region in bottom:
            labels[region] = "bottom"
        summary = []
        for region in totals:
            summary.append({
                "region": region,
                "total": totals[region],
                "average": averages[region],
                "peak": peaks[region],
                "low": lows[region],
                "count": counts[region],
                "spread": spreads[region],
                "ratio": ratios[region],
                "label": labels.get(region, ""),
                "median": medians[region],
                "share": shares[region],
            })
        session.execute(text("DELETE FROM region_stats"))
        for item in summary:
            session.execute(text("INSERT INTO region_stats VALUES (:region, :total)"), item)  # PQ105[MEDIUM]: 13
        session.execute(text("UPDATE stats_meta SET refreshed = now()"))
        session.execute(text("UPDATE stats_meta SET rows = :n"), {"n": len(summary)})


def short_transaction(session: Session, payment):
    with session.begin():  # ok: PT205
        payment.attempts += 1
        payment.status = "retrying"


def build_then_save(session: Session, source: dict):
    statement = Statement(id=source["id"])  # ok: PT205
    statement.line_0 = source.get('line_0')
    statement.line_1 = source.get('line_1')
    statement.line_2 = source.get('line_2')
    statement.line_3 = source.get('line_3')
    statement.line_4 = source.get('line_4')
    statement.line_5 = source.get('line_5')
    statement.line_6 = source.get('line_6')
    statement.line_7 = source.get('line_7')
    statement.line_8 = source.get('line_8')
    statement.line_9 = source.get('line_9')
    statement.line_10 = source.get('line_10')
    statement.line_11 = source.get('line_11')
    statement.line_12 = source.get('line_12')
    statement.line_13 = source.get('line_13')
    statement.line_14 = source.get('line_14')
    statement.line_15 = source.get('line_15')
    statement.line_16 = source.get('line_16')
    statement.line_17 = source.get('line_17')
    statement.line_18 = source.get('line_18')
    statement.line_19 = source.get('line_19')
    statement.line_20 = source.get('line_20')
    statement.line_21 = source.get('line_21')
    statement.line_22 = source.get('line_22')
    statement.line_23 = source.get('line_23')
    statement.line_24 = source.get('line_24')
    statement.line_25 = source.get('line_25')
    statement.line_26 = source.get('line_26')
    statement.line_27 = source.get('line_27')
    statement.line_28 = source.get('line_28')
    statement.line_29 = source.get('line_29')
    statement.line_30 = source.get('line_30')
    statement.line_31 = source.get('line_31')
    statement.line_32 = source.get('line_32')
    statement.line_33 = source.get('line_33')
    statement.line_34 = source.get('line_34')
    statement.line_35 = source.get('line_35')
    statement.line_36 = source.get('line_36')
    statement.line_37 = source.get('line_37')
    statement.line_38 = source.get('line_38')
    statement.line_39 = source.get('line_39')
    statement.line_40 = source.get('line_40')
    statement.line_41 = source.get('line_41')
    statement.line_42 = source.get('line_42')
    statement.line_43 = source.get('line_43')
    statement.line_44 = source.get('line_44')
    statement.line_45 = source.get('line_45')
    statement.line_46 = source.get('line_46')
    statement.line_47 = source.get('line_47')
    statement.line_48 = source.get('line_48')
    statement.line_49 = source.get('line_49')
    statement.line_50 = source.get('line_50')
    statement.line_51 = source.get('line_51')
    statement.line_52 = source.get('line_52')
    statement.line_53 = source.get('line_53')
    statement.line_54 = source.get('line_54')
    session.add(statement)
    session.commit()


def import_accounts(session: Session, rows: list[dict]):
    with session.begin():  # PT205[MEDIUM]: 5 "slow non-database work (bcrypt.hashpw"
        for row in rows:
            account = Statement(id=row["id"])
            account.password = bcrypt.hashpw(row["password"].encode(), bcrypt.gensalt())
            account.field_0 = row.get('field_0')
            account.field_1 = row.get('field_1')
            account.field_2 = row.get('field_2')
            account.field_3 = row.get('field_3')
            account.field_4 = row.get('field_4')
            account.field_5 = row.get('field_5')
            account.field_6 = row.get('field_6')
            account.field_7 = row.get('field_7')
            account.field_8 = row.get('field_8')
            account.field_9 = row.get('field_9')
            account.field_10 = row.get('field_10')
            account.field_11 = row.get('field_11')
            account.field_12 = row.get('field_12')
            account.field_13 = row.get('field_13')
            account.field_14 = row.get('field_14')
            account.field_15 = row.get('field_15')
            account.field_16 = row.get('field_16')
            account.field_17 = row.get('field_17')
            account.field_18 = row.get('field_18')
            account.field_19 = row.get('field_19')
            account.field_20 = row.get('field_20')
            account.field_21 = row.get('field_21')
            account.field_22 = row.get('field_22')
            account.field_23 = row.get('field_23')
            account.field_24 = row.get('field_24')
            account.field_25 = row.get('field_25')
            account.field_26 = row.get('field_26')
            account.field_27 = row.get('field_27')
            account.field_28 = row.get('field_28')
            account.field_29 = row.get('field_29')
            account.field_30 = row.get('field_30')
            account.field_31 = row.get('field_31')
            account.field_32 = row.get('field_32')
            account.field_33 = row.get('field_33')
            account.field_34 = row.get('field_34')
            account.field_35 = row.get('field_35')
            account.field_36 = row.get('field_36')
            account.field_37 = row.get('field_37')
            account.field_38 = row.get('field_38')
            account.field_39 = row.get('field_39')
            account.field_40 = row.get('field_40')
            account.field_41 = row.get('field_41')
            account.field_42 = row.get('field_42')
            account.field_43 = row.get('field_43')
            account.field_44 = row.get('field_44')
            account.field_45 = row.get('field_45')
            account.field_46 = row.get('field_46')
            account.field_47 = row.get('field_47')
            account.field_48 = row.get('field_48')
            account.field_49 = row.get('field_49')
            account.field_50 = row.get('field_50')
            account.field_51 = row.get('field_51')
            session.add(account)  # PQ105[LOW]: 13


def import_accounts_hashed_first(session: Session, rows: list[dict]):
    hashes = {row["id"]: bcrypt.hashpw(row["password"].encode(), bcrypt.gensalt()) for row in rows}
    with session.begin():  # ok: PT205
        for row in rows:
            account = Statement(id=row["id"])
            account.password = hashes[row["id"]]
            account.field_0 = row.get('field_0')
            account.field_1 = row.get('field_1')
            account.field_2 = row.get('field_2')
            account.field_3 = row.get('field_3')
            account.field_4 = row.get('field_4')
            account.field_5 = row.get('field_5')
            account.field_6 = row.get('field_6')
            account.field_7 = row.get('field_7')
            account.field_8 = row.get('field_8')
            account.field_9 = row.get('field_9')
            account.field_10 = row.get('field_10')
            account.field_11 = row.get('field_11')
            account.field_12 = row.get('field_12')
            account.field_13 = row.get('field_13')
            account.field_14 = row.get('field_14')
            account.field_15 = row.get('field_15')
            account.field_16 = row.get('field_16')
            account.field_17 = row.get('field_17')
            account.field_18 = row.get('field_18')
            account.field_19 = row.get('field_19')
            account.field_20 = row.get('field_20')
            account.field_21 = row.get('field_21')
            account.field_22 = row.get('field_22')
            account.field_23 = row.get('field_23')
            account.field_24 = row.get('field_24')
            account.field_25 = row.get('field_25')
            account.field_26 = row.get('field_26')
            account.field_27 = row.get('field_27')
            account.field_28 = row.get('field_28')
            account.field_29 = row.get('field_29')
            account.field_30 = row.get('field_30')
            account.field_31 = row.get('field_31')
            account.field_32 = row.get('field_32')
            account.field_33 = row.get('field_33')
            account.field_34 = row.get('field_34')
            account.field_35 = row.get('field_35')
            account.field_36 = row.get('field_36')
            account.field_37 = row.get('field_37')
            account.field_38 = row.get('field_38')
            account.field_39 = row.get('field_39')
            account.field_40 = row.get('field_40')
            account.field_41 = row.get('field_41')
            account.field_42 = row.get('field_42')
            account.field_43 = row.get('field_43')
            account.field_44 = row.get('field_44')
            account.field_45 = row.get('field_45')
            account.field_46 = row.get('field_46')
            account.field_47 = row.get('field_47')
            account.field_48 = row.get('field_48')
            account.field_49 = row.get('field_49')
            account.field_50 = row.get('field_50')
            account.field_51 = row.get('field_51')
            session.add(account)  # PQ105[LOW]: 13


async def import_batches(session: AsyncSession, batches: list[list[Statement]], delay: float):
    for batch in batches:
        session.add_all(batch)
        await session.flush()
        await asyncio.sleep(delay)  # PT205[HIGH]: 15 "the caller's commit"


async def import_batches_committed(session: AsyncSession, batches: list[list[Statement]], delay: float):
    for batch in batches:
        session.add_all(batch)
        await session.commit()
        await asyncio.sleep(delay)  # ok: PT205


async def wait_then_import(session: AsyncSession, batch: list[Statement], delay: float):
    await asyncio.sleep(delay)  # ok: PT205
    session.add_all(batch)


def render_pdf(statement: Statement) -> dict:
    return {"title": str(statement.id)}


def export_statements(session: Session, pool: ThreadPoolExecutor, statements: list[Statement]):
    with session.begin():  # PT205[MEDIUM]: 5 "slow non-database work (pool.submit(render_pdf, statement).result(timeout=60)"
        for statement in statements:
            rendered = pool.submit(render_pdf, statement).result(timeout=60)
            columns = dict(
                title=rendered['title'],
                number=rendered['number'],
                issued_on=rendered['issued_on'],
                due_on=rendered['due_on'],
                currency=rendered['currency'],
                subtotal=rendered['subtotal'],
                tax=rendered['tax'],
                total=rendered['total'],
                customer_name=rendered['customer_name'],
                customer_email=rendered['customer_email'],
                street=rendered['street'],
                city=rendered['city'],
                postcode=rendered['postcode'],
                country=rendered['country'],
                vat_number=rendered['vat_number'],
                terms=rendered['terms'],
                notes=rendered['notes'],
                footer=rendered['footer'],
                language=rendered['language'],
                template=rendered['template'],
                page_count=rendered['page_count'],
                checksum=rendered['checksum'],
                signed_by=rendered['signed_by'],
                signed_on=rendered['signed_on'],
                reference=rendered['reference'],
                order_number=rendered['order_number'],
                discount=rendered['discount'],
                shipping=rendered['shipping'],
                paid=rendered['paid'],
                balance=rendered['balance'],
                reminder_level=rendered['reminder_level'],
                reminded_on=rendered['reminded_on'],
                dunning=rendered['dunning'],
                channel=rendered['channel'],
                printed=rendered['printed'],
                printed_on=rendered['printed_on'],
                archived=rendered['archived'],
                archive_path=rendered['archive_path'],
                locale=rendered['locale'],
                timezone=rendered['timezone'],
                rounding=rendered['rounding'],
                method=rendered['method'],
                bank=rendered['bank'],
                iban=rendered['iban'],
                bic=rendered['bic'],
                mandate=rendered['mandate'],
                creditor=rendered['creditor'],
                debtor=rendered['debtor'],
                purpose=rendered['purpose'],
                remark=rendered['remark'],
            )
            statement.id = columns["number"]


def export_statements_rendered_first(session: Session, pool: ThreadPoolExecutor, statements: list[Statement]):
    rendered = [future.result(timeout=60) for future in [pool.submit(render_pdf, s) for s in statements]]
    with session.begin():  # ok: PT205
        session.add_all(Statement(id=int(each["title"])) for each in rendered)
