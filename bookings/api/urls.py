from django.urls import path

from bookings.api import views

urlpatterns = [
    path("bookings", views.BookingListCreateView.as_view(), name="bookings"),
    path("bookings/<uuid:booking_id>", views.BookingDetailView.as_view(), name="booking"),
    *(
        path(f"bookings/<uuid:booking_id>/{name}", view.as_view(), name=f"booking-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ),
    path("bookings/<uuid:booking_id>/history", views.HistoryView.as_view(), name="booking-history"),
    path(
        "bookings/<uuid:booking_id>/calendar.ics",
        views.CalendarView.as_view(),
        name="booking-calendar",
    ),
]
