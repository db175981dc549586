from inventory.models import Rack


def move_racks(location, site):
    # the models import from the Django project directory (site/), not the root
    for rack in Rack.objects.filter(location=location).exclude(site=site):
        rack.site = site
        rack.save()  # PQ105[MEDIUM]: 9 "Rack"


def move_racks_at_once(location, site):
    Rack.objects.filter(location=location).update(site=site)  # ok: PQ102
    for rack in Rack.objects.filter(location=location):
        print(rack.name)  # ok: PQ105
