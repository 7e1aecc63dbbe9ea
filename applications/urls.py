from django.urls import path

from .views import applicant, sections, signing, staff

app_name = "applications"

urlpatterns = [
    # Applicants
    path("", applicant.mine, name="mine"),
    path("start/<int:cycle_pk>/", applicant.start, name="start"),
    path("invite/", applicant.invite, name="invite"),
    path("invitations/<str:token>/", applicant.invitation_accept_view, name="invitation_accept"),
    path("<int:pk>/", applicant.detail, name="detail"),
    path("<int:pk>/letters/", applicant.letters, name="letters"),
    path("<int:pk>/letters/<int:letter_pk>/delete/", applicant.letter_delete, name="letter_delete"),
    path("<int:pk>/letters/<int:letter_pk>/", applicant.letter_download, name="letter_download"),
    path("<int:pk>/review/", applicant.review, name="review"),
    path("<int:pk>/submit/", applicant.submit, name="submit"),
    path("<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path("<int:pk>/certification/send/", signing.signing_send, name="signing_send"),
    path("<int:pk>/certification/cancel/", signing.signing_cancel, name="signing_cancel"),
    path("<int:pk>/<slug:section>/", sections.section_edit, name="section"),
    # The chief legal officer (the "certifying official" capacity)
    path("sign/<str:token>/", signing.sign_link, name="sign_link"),
    path("certify/<int:pk>/", signing.certify, name="certify"),
    path("certify/<int:pk>/decline/", signing.certify_decline, name="certify_decline"),
    # DOJ staff
    path("staff/", staff.staff_list, name="list"),
    path("cycles/", staff.cycle_list, name="cycle_list"),
    path("cycles/new/", staff.cycle_edit, name="cycle_create"),
    path("cycles/<int:pk>/", staff.cycle_edit, name="cycle_edit"),
    path("rates/new/", staff.rate_edit, name="rate_create"),
    path("rates/<int:pk>/", staff.rate_edit, name="rate_edit"),
]
