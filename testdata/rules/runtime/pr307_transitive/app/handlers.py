from fastapi import APIRouter, Request

from app.storage import STORES, MediaStore, bucket_region, table_names, upload_avatar

router = APIRouter()
store = MediaStore("media")


@router.post("/avatar/{user_id}")
async def post_avatar(user_id: int, request: Request):
    data = await request.body()
    key = upload_avatar(store, user_id, data)  # PR307[HIGH]: 11 "post_avatar -> upload_avatar -> save -> self.client.put_object()"
    store.save(key + ".bak", data)  # PR307[HIGH]: 5 "network IO"
    return {"url": store.url_for(key)}  # ok: PR307


@router.post("/files/{kind}")
async def post_file(kind: str, request: Request):
    data = await request.body()
    kind_store = STORES[kind]
    kind_store.save("file", data)  # PR307[HIGH]: 5 "post_file -> save -> self.client.put_object()"
    STORES[kind].url_for("file")  # ok: PR307


@router.get("/tables")
async def tables():
    return table_names()  # PR307[HIGH]: 12 "database IO"


@router.get("/region")
async def region():
    return bucket_region("media")  # PR307[LOW]: 12 "blocks on its first call only"
