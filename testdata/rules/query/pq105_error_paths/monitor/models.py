from django.db import models


class FetchError(Exception):
    pass


def fetch_object(key):
    raise FetchError(key)


class TokenBucket(models.Model):
    value = models.CharField(max_length=80, unique=True)
    tokens = models.FloatField(default=1.0)

    @staticmethod
    def authorize(value):
        bucket, _ = TokenBucket.objects.get_or_create(value=value)
        bucket.tokens -= 1.0
        bucket.save()
        return bucket.tokens >= 0

    @staticmethod
    def record_fetch_error():
        TokenBucket.authorize("fetch_error")


class ErrorLog(models.Model):
    message = models.TextField()


class Ping(models.Model):
    key = models.CharField(max_length=80)
    body = models.TextField(null=True)

    def body_bytes(self):
        try:
            return fetch_object(self.key)
        except FetchError:
            # only when the object store failed
            TokenBucket.record_fetch_error()
            return None

    def body_text(self):
        data = self.body_bytes()
        return data.decode() if data else self.body

    def body_or_log(self):
        try:
            return fetch_object(self.key)
        except FetchError as exc:
            ErrorLog.objects.create(message=str(exc))
        return None

    def throttled_body(self):
        # writes on every call, and once more when the fetch fails
        if not TokenBucket.authorize(self.key):
            return None
        return self.body_or_log()

    def fallback_body(self):
        try:
            return fetch_object(self.key)
        except FetchError:
            return ErrorLog.objects.filter(message=self.key).first()

    def stored_body(self):
        return ErrorLog.objects.filter(message=self.key).first()
