"""The privacy app's addresses, under one `privacy:` namespace: a person's own data
(views_person) and the staff's retention pages."""

app_name = "privacy"
urlpatterns = []
