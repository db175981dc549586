"""Rows handed to a Jinja2 template: Flask's ``render_template`` and a
Pyramid view whose renderer is a template."""
from flask import render_template
from pyramid.view import view_config
from sqlalchemy.orm import selectinload

from app.models import Team


def teams_page():
    teams = Team.query.all()
    return render_template("teams/list.html", teams=teams)  # PQ107[HIGH]: 53 "team.members (line 4)"


def teams_page_loaded():
    teams = Team.query.options(selectinload(Team.members)).all()
    return render_template("teams/list.html", teams=teams)  # ok: PQ107


def team_names_page():
    return render_template("teams/names.html", teams=Team.query.all())  # ok: PQ107 (the captain is joined)


@view_config(route_name="teams", renderer="app:templates/teams/list.html")
def teams_view(request):
    return {"teams": request.db.query(Team).all()}  # PQ107[HIGH]: 22 "selectinload(Team.members)"


@view_config(route_name="teams.json", renderer="json")
def teams_json(request):
    return {"teams": request.db.query(Team).all()}  # ok: PQ107
