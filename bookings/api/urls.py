from django.urls import path

from bookings.api import views

urlpatterns = [
    path("bookings", views.BookingListCreateView.as_view(), name="bookings"),
    path("bookings/<uuid:booking_id>", views.BookingDetailView.as_view(), name="booking"),
    path("bookings/<uuid:booking_id>/confirm", views.ConfirmView.as_view(), name="booking-confirm"),
    path("bookings/<uuid:booking_id>/start", views.StartView.as_view(), name="booking-start"),
    path(
        "bookings/<uuid:booking_id>/complete", views.CompleteView.as_view(), name="booking-complete"
    ),
    path("bookings/<uuid:booking_id>/cancel", views.CancelView.as_view(), name="booking-cancel"),
    path("bookings/<uuid:booking_id>/no-show", views.NoShowView.as_view(), name="booking-no-show"),
    path(
        "bookings/<uuid:booking_id>/reschedule",
        views.RescheduleView.as_view(),
        name="booking-reschedule",
    ),
    path("bookings/<uuid:booking_id>/rate", views.RateView.as_view(), name="booking-rate"),
    path("bookings/<uuid:booking_id>/history", views.HistoryView.as_view(), name="booking-history"),
    path(
        "bookings/<uuid:booking_id>/calendar.ics",
        views.CalendarView.as_view(),
        name="booking-calendar",
    ),
]
