"""Time zones: the library reads a zone's file on its first use only."""
from zoneinfo import ZoneInfo

from dateutil import tz

_ZONE = None


def local_zone(name):
    return tz.gettz(name)  # ok: PR301


def paris_now(now):
    return now.astimezone(ZoneInfo("Europe/Paris"))  # ok: PR301


def zone_and_rules(name):
    zone = tz.gettz(name)  # ok: PR301
    with open("rules.txt") as f:  # ok: PR301
        return zone, f.read()  # ok: PR301


def kept_zone(name):
    global _ZONE
    if _ZONE is None:
        _ZONE = tz.gettz(name)
    return _ZONE


def utc_offset(now):
    return now.utcoffset()
