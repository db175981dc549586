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
