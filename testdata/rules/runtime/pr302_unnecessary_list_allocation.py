from fastapi import FastAPI

app = FastAPI()


def summarise(invoices, rows):
    any([i.overdue for i in invoices])  # PR302[LOW]: 9 "any(i.overdue for i in invoices)"
    all([i.paid for i in invoices])  # PR302[LOW]: 9
    sum([i.total for i in invoices])  # PR302[LOW]: 9
    min([i.total for i in invoices])  # PR302[LOW]: 9
    max([i.total for i in invoices], default=0)  # PR302[LOW]: 9
    len([i for i in invoices if i.overdue])  # PR302[LOW]: 9 "sum(1 for i in invoices if i.overdue)"
    set([i.customer for i in invoices])  # PR302[LOW]: 9 "{i.customer for i in invoices}"
    frozenset([i.customer for i in invoices])  # PR302[LOW]: 15
    tuple([i.total * 2 for i in invoices])  # PR302[LOW]: 11
    dict([(i.id, i) for i in invoices])  # PR302[LOW]: 10 "{i.id: i for i in invoices}"
    list([i.total * 2 for i in invoices])  # PR302[LOW]: 10
    for row in rows:
        if any([cell is None for cell in row]):  # PR302[MEDIUM]: 16 "inside a loop"
            continue
    totals = [i.total for i in invoices]  # ok: PR302
    ",".join([str(i.id) for i in invoices])  # ok: PR302
    sorted([i.total for i in invoices])  # ok: PR302
    any(i.overdue for i in invoices)  # ok: PR302
    any({i.overdue for i in invoices})  # ok: PR302
    dict([i.pair for i in invoices])  # ok: PR302
    max(0, [i.total for i in invoices][0])  # ok: PR302
    return totals


@app.get("/invoices")
async def invoices_summary(invoices: list):
    return sum([i.total for i in invoices])  # PR302[MEDIUM]: 16 "request handler"


def shadowed(values):
    def any(items):  # a local function, not the builtin
        return items

    return any([v for v in values])  # ok: PR302


async def streamed(cursor):
    count = len([row async for row in cursor])  # ok: PR302 - an async generator cannot be counted by len()
    seen = any([row.flagged async for row in cursor])  # ok: PR302
    labels = set([row.label async for row in cursor])  # PR302[LOW]: 18 "{row.label async for row in cursor}"
    return count, seen, labels
