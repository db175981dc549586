"""An object-store service: synchronous boto3 under project functions."""
import functools

import boto3
from sqlalchemy import create_engine, inspect

engine = create_engine("postgresql://localhost/app")


class MediaStore:
    def __init__(self, bucket: str):
        self.bucket = bucket
        self.client = boto3.client("s3")

    def save(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)  # ok: PR301

    def url_for(self, key: str) -> str:
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key})


#: one store per bucket kind, picked by key where it is used
STORES: dict[str, MediaStore] = {"media": MediaStore("media"), "avatars": MediaStore("avatars")}


def upload_avatar(store: MediaStore, user_id: int, data: bytes) -> str:
    key = f"avatars/{user_id}.png"
    store.save(key, data)
    return key


def table_names() -> list[str]:
    return inspect(engine).get_table_names()  # ok: PR301


@functools.lru_cache(maxsize=1)
def bucket_region(name: str) -> str:
    return boto3.client("s3").get_bucket_location(Bucket=name)["LocationConstraint"]  # ok: PR301
