from monitor.models import Ping


def render(pings: list[Ping]):
    texts = []
    for ping in pings:
        texts.append(ping.body_text())  # ok: PQ105
        texts.append(ping.body_or_log())  # ok: PQ105
        texts.append(ping.throttled_body())  # PQ105[MEDIUM]: 22 "throttled_body() -> authorize()"
        texts.append(ping.fallback_body())  # ok: PQ107
        texts.append(ping.stored_body())  # PQ107[HIGH]: 22 "stored_body"
    return texts
