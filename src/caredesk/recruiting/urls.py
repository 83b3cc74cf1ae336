from django.urls import path

from caredesk.recruiting import views

app_name = "recruiting"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("requisitions/", views.requisition_list, name="requisition_list"),
    path("requisitions/new/", views.requisition_create, name="requisition_create"),
    path("requisitions/<int:requisition_id>/", views.requisition_detail, name="requisition_detail"),
    path("requisitions/<int:requisition_id>/edit/", views.requisition_edit, name="requisition_edit"),
    path("requisitions/<int:requisition_id>/transition/", views.requisition_transition, name="requisition_transition"),
    path("requisitions/<int:requisition_id>/applications/", views.application_create, name="application_create"),
    path("board/", views.board, name="board"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:application_id>/move/", views.application_move, name="application_move"),
    path("applications/<int:application_id>/interviews/new/", views.interview_create, name="interview_create"),
    path("applications/<int:application_id>/offers/new/", views.offer_create, name="offer_create"),
    path("interviews/<int:interview_id>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:interview_id>/cancel/", views.interview_cancel, name="interview_cancel"),
    path("offers/<int:offer_id>/respond/", views.offer_respond, name="offer_respond"),
    path("offers/<int:offer_id>/rescind/", views.offer_rescind, name="offer_rescind"),
    path("offers/<int:offer_id>/hire/", views.hire, name="hire"),
    path("candidates/", views.candidate_list, name="candidate_list"),
    path("candidates/new/", views.candidate_create, name="candidate_create"),
    path("candidates/<int:candidate_id>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<int:candidate_id>/edit/", views.candidate_edit, name="candidate_edit"),
]
