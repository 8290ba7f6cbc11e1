"""Time as people in Vietnam read it: times are stored in UTC and shown,
parsed and compared as days in Asia/Ho_Chi_Minh (never the machine's
zone: its date is the previous day from 17:00 UTC on)."""
import datetime

import pytz

VN = pytz.timezone('Asia/Ho_Chi_Minh')


def now():
    """This instant, in UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


def local_time(when=None):
    """``when`` (UTC, default now) in Vietnam's time."""
    return (when or now()).astimezone(VN)


def today():
    """Today in Vietnam."""
    return local_time().date()


def shown(when, pattern='%d/%m/%Y %H:%M'):
    """The instant ``when`` (stored in UTC) written as read in Vietnam."""
    return local_time(when).strftime(pattern)
