from django.db import models

from common.querysets import RestrictedQuerySet


class Rack(models.Model):
    name = models.CharField(max_length=50)
    site = models.CharField(max_length=50)
    location = models.CharField(max_length=50)

    objects = RestrictedQuerySet.as_manager()
