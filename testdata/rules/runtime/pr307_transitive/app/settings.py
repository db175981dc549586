import json
import pickle
import time
from pathlib import Path

import bcrypt
import requests

CONFIG = Path("settings.json")


def read_config_file():
    with open(CONFIG) as f:  # ok: PR301
        return f.read()  # ok: PR301


def load_settings():
    return json.loads(read_config_file())  # ok: PR305


def pause():
    time.sleep(0.5)  # ok: PR303


def hash_password(password: bytes) -> bytes:
    return bcrypt.hashpw(password, bcrypt.gensalt())  # ok: PR305


def parse(blob: bytes) -> dict:
    return pickle.loads(blob)  # ok: PR305


def parse_message(text: str) -> dict:
    return json.loads(text)  # ok: PR305


def notify(url: str) -> None:
    requests.post(url)  # ok: PR301


def pure(values: list[int]) -> int:
    return sum(values)


def calls_pure(values: list[int]) -> int:
    return pure(values) * 2
