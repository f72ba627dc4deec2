"""The bench's volume of collections: bulk-made for speed, a few labelled through the label
service so that its path is measured too, all public."""

import pytest

from demo.volume import SERVICE_LABELS, load_volume_collections
from labels.models import Collection, RecordVersion, VersionSource
from labels.queries import public_collections

from .factories import DisciplineFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_volume_labels_a_few_collections_through_the_service():
    InstitutionFactory()
    DisciplineFactory(code="histoire")
    UserFactory()

    assert load_volume_collections(count=12) == 12

    labelled = RecordVersion.objects.filter(source=VersionSource.DECISION)
    assert labelled.count() == SERVICE_LABELS
    assert Collection.objects.filter(holdings__isnull=False).count() == SERVICE_LABELS
    assert public_collections().count() == 12 + SERVICE_LABELS
    assert load_volume_collections(count=12) == 0
    assert Collection.objects.count() == 12 + SERVICE_LABELS
