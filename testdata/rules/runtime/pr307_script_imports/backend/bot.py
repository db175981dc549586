"""A bot started as ``python bot.py`` from its own directory: its imports name its siblings."""
import json

import tools
from database import SessionLocal
from storage import save_report


async def receive_category(item, body: str):
    db = SessionLocal()
    try:
        db.add(item)
        db.commit()  # PR301[MEDIUM]: 9 "db.commit() (database IO)"
    finally:
        db.close()
    save_report("report.txt", body)  # PR307[MEDIUM]: 5 "receive_category -> save_report -> open()"
    tools.load(body)  # ok: PR307
    return json.loads(body)  # ok: PR301, PR305, PR307
