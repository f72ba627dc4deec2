import pytest

from accounts.roles import Role

from .factories import CallFactory, UserFactory


@pytest.fixture
def applicant(db):
    return UserFactory(email="porteuse@example.org")


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="autre@example.org")


@pytest.fixture
def programme_manager(db):
    return UserFactory(email="gestionnaire@example.org", roles=[Role.PROGRAMME_MANAGER])


@pytest.fixture
def reviewer(db):
    return UserFactory(email="expert@example.org", roles=[Role.REVIEWER])


@pytest.fixture
def council_member(db):
    return UserFactory(email="conseil@example.org", roles=[Role.COUNCIL_MEMBER])


@pytest.fixture
def administrator(db):
    return UserFactory(email="admin@example.org", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def open_call(db):
    return CallFactory()
