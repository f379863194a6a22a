from django.urls import path

from vehicles.api import views

urlpatterns = [
    path("vehicles", views.VehicleListView.as_view(), name="vehicle-list"),
    path("vehicles/<uuid:vehicle_id>", views.VehicleDetailView.as_view(), name="vehicle-detail"),
    path(
        "vehicles/<uuid:vehicle_id>/set-default",
        views.VehicleSetDefaultView.as_view(),
        name="vehicle-set-default",
    ),
]
