import asyncio
import gzip
import hashlib
import json
import pickle
import xml.etree.ElementTree as ET
import zlib

import argon2
import bcrypt
import cv2
import pandas as pd
from bs4 import BeautifulSoup
from fastapi import FastAPI
from lxml import etree
from passlib.context import CryptContext
from PIL import Image

app = FastAPI()
pwd_context = CryptContext(schemes=["bcrypt"])
hasher = argon2.PasswordHasher()


async def process(payload: bytes, text: str):
    json.loads(payload)  # ok: PR305
    json.loads('{"a": 1}')  # ok: PR305
    pickle.loads(payload)  # PR305[MEDIUM]: 5
    ET.fromstring(text)  # ok: PR305
    etree.parse("feed.xml")  # PR305[MEDIUM]: 5
    BeautifulSoup(text, "html.parser")  # ok: PR305
    zlib.compress(payload)  # PR305[MEDIUM]: 5
    gzip.decompress(payload)  # PR305[MEDIUM]: 5
    image = Image.open("photo.jpg")  # PR305[MEDIUM]: 13
    thumb = image.resize((64, 64))  # PR305[MEDIUM]: 13
    thumb.save("thumb.jpg")  # PR305[MEDIUM]: 5
    cv2.imread("photo.jpg")  # PR305[MEDIUM]: 5
    pd.read_csv("data.csv")  # PR305[MEDIUM]: 5
    hashlib.sha256(payload).hexdigest()  # ok: PR305
    json.dumps({"a": 1})  # ok: PR305
    await asyncio.to_thread(pickle.loads, payload)  # ok: PR305
    await asyncio.to_thread(lambda: zlib.compress(payload))  # ok: PR305


async def background_hashing(password: bytes):
    bcrypt.hashpw(password, bcrypt.gensalt())  # PR305[MEDIUM]: 5 "password hashing"
    hashlib.pbkdf2_hmac("sha256", password, b"salt", 600_000)  # PR305[MEDIUM]: 5
    await asyncio.to_thread(bcrypt.hashpw, password, bcrypt.gensalt())  # ok: PR305


@app.post("/login")
async def login(password: str, stored: str):
    if not pwd_context.verify(password, stored):  # PR305[HIGH]: 12 "password hashing"
        return None
    hasher.hash(password)  # PR305[HIGH]: 5
    hashlib.scrypt(password.encode(), salt=b"s", n=2**14, r=8, p=1)  # PR305[HIGH]: 5
    return json.loads(stored)  # ok: PR305


def sync_parse(payload: bytes):
    return json.loads(payload)  # ok: PR305
