"""Helpers of the account tests."""
from app.accounts.models import Account
from app.extensions import db


def account(username):
    return db.session.query(Account).filter_by(username=username).one()
