from fastapi import FastAPI

from app.api import customers, jobs, orders

app = FastAPI(title="shop")
app.include_router(orders.router)
app.include_router(customers.router)
app.include_router(jobs.router)
