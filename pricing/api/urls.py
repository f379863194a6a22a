from django.urls import path

from pricing.api import views

urlpatterns = [
    path("services", views.ServiceListView.as_view(), name="service-list"),
    path("services/<slug:code>", views.ServiceDetailView.as_view(), name="service-detail"),
    path("quotes", views.QuoteView.as_view(), name="quote"),
]
