from django.apps import apps


def add_default(content_types, name, default):
    for ct in content_types:
        model = ct.model_class()
        for obj in model.objects.exclude(data__has_key=name):  # ok: PQ107 (one query per model)
            obj.data[name] = default
            obj.save()  # PQ105[MEDIUM]: 13 "bulk_update"


def add_default_in_bulk(content_types, name, default):
    for ct in content_types:
        model = ct.model_class()
        instances = model.objects.exclude(data__has_key=name)
        for instance in instances:
            instance.data[name] = default
        model.objects.bulk_update(instances, ["data"], batch_size=100)  # ok: PQ105


def purge(labels):
    for label in labels:
        model = apps.get_model(label)
        print(model.objects.count())  # ok: PQ107
        model.objects.filter(active=False).delete()  # ok: PQ102
