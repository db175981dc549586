import requests


class Api:
    def __init__(self, host):
        self.host = host

    def get_status(self):
        return requests.post(f"http://{self.host}/status").json()  # ok: PR301


class CloudApi(Api):
    pass
