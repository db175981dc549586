from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    members = db.relationship("User", back_populates="team")
    captain = db.relationship("User", lazy="joined", foreign_keys="Team.captain_id")


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    team_id = db.Column(db.Integer, db.ForeignKey("team.id"))
    team = db.relationship("Team", back_populates="members")
