from app.models import Team, User, db


class Engine:
    """Holds the Flask-SQLAlchemy object on an attribute (Flask-SQLAlchemy
    itself is not installed: the attribute's type comes from the module that
    makes ``db``)."""

    def __init__(self):
        self.db = db

    def run(self, user_ids):
        teams = self.db.session.query(Team).all()[:]
        for team in teams:
            print(team.members)  # PQ107[HIGH]: 19 "Team.members"
        for user_id in user_ids:
            self.db.session.get(User, user_id)  # PQ107[HIGH]: 13
        for user in self.db.session.query(User).all():
            print(user.name)  # ok: PQ107
