from django.db.models import QuerySet


class RestrictedQuerySet(QuerySet):
    def restrict(self, user):
        return self.filter(owner=user)
