from app.services import DashboardStats


def dashboard(request):
    return DashboardStats().totals()
