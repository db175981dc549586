from flask import Flask

from app.models import Team, User, db

app = Flask(__name__)


@app.route("/scoreboard")
def scoreboard():
    rows = []
    for team in Team.query.order_by(Team.name).all():
        captain = User.query.filter_by(team_id=team.id).first()  # PQ107[HIGH]: 19 "User"
        rows.append((team.name, captain, len(team.members)))  # PQ107[HIGH]: 46 "Team.members"
        rows.append(team.captain)  # ok: PQ107
    for user_id in (1, 2):
        db.session.get(User, user_id)  # PQ107[MEDIUM]: 9
    return rows


def rename(names):
    for name in names:
        user = User(name=name)
        db.session.add(user)  # PQ105[MEDIUM]: 9
        db.session.commit()
    for user in User.query.filter(User.name.startswith("a")):
        User.query.filter_by(id=user.id).delete()  # PQ102[HIGH]: 9
    return len(User.query.all())  # PQ108[MEDIUM]: 12


def first_user():
    return User.query.get_or_404(1)  # ok: PQ107


def standings(teams, frozen_at=None):
    places = []
    for team in teams:
        solves = User.query.filter_by(team_id=team.id)
        if frozen_at:
            solves = solves.filter(User.id < frozen_at)
        solves = solves.all()  # PQ107[HIGH]: 18 "User"
        for solve in solves:
            places.append(solve.team.name)  # ok: PQ107 (every solve has team_id=team.id: the identity map answers)
    return places


def standings_in_one_query(team_ids):
    solves = User.query.filter(User.team_id.in_(team_ids))
    solves = solves.all()  # ok: PQ107
    places = []
    for team_id in team_ids:
        places.append([solve.name for solve in solves if solve.team_id == team_id])  # ok: PQ107
        query = User.query.order_by(User.name)
        places.append(query.all())  # ok: PQ107 (the same query each time)
    return places
