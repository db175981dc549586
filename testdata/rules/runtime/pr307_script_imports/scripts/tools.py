"""Not beside bot.py: ``import tools`` there does not reach it."""


def load(path):
    with open(path) as f:  # ok: PR301
        return f.read()  # ok: PR301
