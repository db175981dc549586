import time

import requests
from django.db import IntegrityError, transaction

from jobs.models import Job, Step


def process(item):
    return item


def run_in_one_transaction(job_id: int, items):
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[CRITICAL]: 13 "jobs_job_progress"
            job.save(update_fields=["progress"])


@transaction.atomic
def run_decorated(job_id: int, items):
    for number, item in enumerate(items):
        process(item)
        Job.objects.filter(pk=job_id).update(progress=number)  # PT201[CRITICAL]: 9 PQ102[HIGH]: 9


def run_in_autocommit(job_id: int, items):
    job = Job.objects.get(pk=job_id)
    for number, item in enumerate(items):
        process(item)
        job.progress = number  # ok: PT201
        job.save(update_fields=["progress"])  # ok: PT201


def mark_steps(steps: list[Step]):
    with transaction.atomic():
        for step in steps:
            step.done = True  # PT201[HIGH]: 13 "steps_touch"
            step.save()  # PQ105[MEDIUM]: 13


def finish(job_id: int):
    with transaction.atomic():
        Job.objects.filter(pk=job_id).update(status="done")  # ok: PT201
        transaction.on_commit(lambda: requests.post("https://hooks.example/done"))  # ok: PT202


@transaction.atomic
def throttled(job_id: int):
    time.sleep(1)  # PT205[HIGH]: 5 "opened by transaction.atomic"
    Job.objects.filter(pk=job_id).update(status="throttled")


@transaction.atomic  # ok: PT205
def recount(job_ids):
    totals = {}
    totals['k0'] = totals.get('k0', 0) + len(job_ids)
    totals['k1'] = totals.get('k1', 0) + len(job_ids)
    totals['k2'] = totals.get('k2', 0) + len(job_ids)
    totals['k3'] = totals.get('k3', 0) + len(job_ids)
    totals['k4'] = totals.get('k4', 0) + len(job_ids)
    totals['k5'] = totals.get('k5', 0) + len(job_ids)
    totals['k6'] = totals.get('k6', 0) + len(job_ids)
    totals['k7'] = totals.get('k7', 0) + len(job_ids)
    totals['k8'] = totals.get('k8', 0) + len(job_ids)
    totals['k9'] = totals.get('k9', 0) + len(job_ids)
    totals['k10'] = totals.get('k10', 0) + len(job_ids)
    totals['k11'] = totals.get('k11', 0) + len(job_ids)
    totals['k12'] = totals.get('k12', 0) + len(job_ids)
    totals['k13'] = totals.get('k13', 0) + len(job_ids)
    totals['k14'] = totals.get('k14', 0) + len(job_ids)
    totals['k15'] = totals.get('k15', 0) + len(job_ids)
    totals['k16'] = totals.get('k16', 0) + len(job_ids)
    totals['k17'] = totals.get('k17', 0) + len(job_ids)
    totals['k18'] = totals.get('k18', 0) + len(job_ids)
    totals['k19'] = totals.get('k19', 0) + len(job_ids)
    totals['k20'] = totals.get('k20', 0) + len(job_ids)
    totals['k21'] = totals.get('k21', 0) + len(job_ids)
    totals['k22'] = totals.get('k22', 0) + len(job_ids)
    totals['k23'] = totals.get('k23', 0) + len(job_ids)
    totals['k24'] = totals.get('k24', 0) + len(job_ids)
    totals['k25'] = totals.get('k25', 0) + len(job_ids)
    totals['k26'] = totals.get('k26', 0) + len(job_ids)
    totals['k27'] = totals.get('k27', 0) + len(job_ids)
    totals['k28'] = totals.get('k28', 0) + len(job_ids)
    totals['k29'] = totals.get('k29', 0) + len(job_ids)
    totals['k30'] = totals.get('k30', 0) + len(job_ids)
    totals['k31'] = totals.get('k31', 0) + len(job_ids)
    totals['k32'] = totals.get('k32', 0) + len(job_ids)
    totals['k33'] = totals.get('k33', 0) + len(job_ids)
    totals['k34'] = totals.get('k34', 0) + len(job_ids)
    totals['k35'] = totals.get('k35', 0) + len(job_ids)
    totals['k36'] = totals.get('k36', 0) + len(job_ids)
    totals['k37'] = totals.get('k37', 0) + len(job_ids)
    totals['k38'] = totals.get('k38', 0) + len(job_ids)
    totals['k39'] = totals.get('k39', 0) + len(job_ids)
    totals['k40'] = totals.get('k40', 0) + len(job_ids)
    totals['k41'] = totals.get('k41', 0) + len(job_ids)
    totals['k42'] = totals.get('k42', 0) + len(job_ids)
    totals['k43'] = totals.get('k43', 0) + len(job_ids)
    totals['k44'] = totals.get('k44', 0) + len(job_ids)
    totals['k45'] = totals.get('k45', 0) + len(job_ids)
    totals['k46'] = totals.get('k46', 0) + len(job_ids)
    totals['k47'] = totals.get('k47', 0) + len(job_ids)
    totals['k48'] = totals.get('k48', 0) + len(job_ids)
    totals['k49'] = totals.get('k49', 0) + len(job_ids)
    totals['k50'] = totals.get('k50', 0) + len(job_ids)
    totals['k51'] = totals.get('k51', 0) + len(job_ids)
    Job.objects.filter(pk__in=job_ids).update(progress=len(totals))


def replace_steps(job: Job, names):
    Step.objects.filter(job=job).delete()
    Step.objects.bulk_create([Step(job=job) for _ in names])  # PT203[MEDIUM]: 5 "autocommit"


def remove_step(job: Job, step: Step):
    Step.objects.filter(job=job).update(done=False)
    step.delete()  # PT203[MEDIUM]: 5 "autocommit"


def retire_step(step: Step):
    """Renamed first, on its own, so nothing new refers to it; the delete may
    still fail and is retried: the two transactions are deliberate."""
    steps = Step.objects.filter(pk=step.pk)
    steps.update(done=True)
    try:
        steps.delete()  # ok: PT203
    except IntegrityError:
        steps.delete()


def retire_step_quietly(step: Step):
    steps = Step.objects.filter(pk=step.pk)
    steps.update(done=True)
    try:
        steps.delete()  # PT203[MEDIUM]: 9 "autocommit"
    except KeyError:
        pass


def replace_steps_atomically(job: Job, names):
    with transaction.atomic():
        Step.objects.filter(job=job).delete()
        Step.objects.bulk_create([Step(job=job) for _ in names])  # ok: PT203


def reset_steps(job: Job):
    Step.objects.filter(job=job).update(done=False)
    Job.objects.filter(pk=job.pk).delete()  # ok: PT203


def _drop_and_refill(job: Job, names):
    Step.objects.filter(job=job).delete()
    Step.objects.bulk_create([Step(job=job) for _ in names])  # ok: PT203


def refill(job: Job, names):
    with transaction.atomic():
        _drop_and_refill(job, names)


def clear_or_add_step(job: Job, clear: bool):
    if clear:
        Step.objects.filter(job=job).delete()
        return None
    step = Step(job=job)
    step.save()  # ok: PT203
    return step


def retire(job: Job):
    steps = Step.objects.filter(job=job)
    steps.update(done=True)
    steps.delete()  # PT203[MEDIUM]: 5 "write Step in autocommit mode"
