from django.db import models


class Job(models.Model):
    status = models.CharField(max_length=20)
    progress = models.IntegerField(default=0)


class Step(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE)
    done = models.BooleanField(default=False)

    class Meta:
        db_table = "job_steps"
