from django.db import models


class VisibleManager(models.Manager):
    def visible(self, user, **kwargs):
        qs = self.filter(**kwargs)
        if not user.is_authenticated:
            return qs.filter(public=True)
        return qs

    def get_visible(self, user, **kwargs):
        return self.visible(user, **kwargs).get()
