from django.urls import path

from scheduling.api import views

urlpatterns = [
    path("sites", views.SiteListView.as_view(), name="site-list"),
    path("sites/<uuid:site_id>", views.SiteDetailView.as_view(), name="site-detail"),
    path("availability", views.AvailabilityView.as_view(), name="availability"),
    path("availability/explain", views.ExplainView.as_view(), name="availability-explain"),
    path("availability/suggest", views.SuggestView.as_view(), name="availability-suggest"),
]
