"""Handlers that use what app/main.py put on the state."""
from fastapi import APIRouter, Request, UploadFile

router = APIRouter()


@router.post("/files")
async def upload(request: Request, file: UploadFile):
    request.app.state.s3.upload_fileobj(file.file, "media", file.filename)  # PR301[HIGH]: 5 "network IO"
    await request.app.state.store.put_object(Bucket="media", Key=file.filename)  # ok: PR301
    request.app.state.s3.generate_presigned_url("get_object")  # ok: PR301
    return {"ok": True}


@router.get("/files/{key}")
async def count(request: Request, key: str):
    rows = request.state.db.execute("select count(*) from files")  # PR301[HIGH]: 12 "database IO"
    hits = request.app.state.cache.get(key)  # ok: PR301
    return rows, hits
