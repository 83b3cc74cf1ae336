from django.urls import path

from caredesk.training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/<int:staff_id>/", views.person, name="person"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/proposals/", views.program_propose_funding, name="program_propose_funding"),
    path("programs/<int:program_id>/retire/", views.program_retire, name="program_retire"),
    path("programs/<int:program_id>/sessions/new/", views.session_create, name="session_create"),
    path("programs/<int:program_id>/completions/", views.completion_create, name="completion_create"),
    path("proposals/<int:proposal_id>/approve/", views.proposal_approve, name="proposal_approve"),
    path("proposals/<int:proposal_id>/decline/", views.proposal_decline, name="proposal_decline"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/enrol/", views.session_enrol, name="session_enrol"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("enrollments/<int:enrollment_id>/attendance/", views.enrollment_attendance, name="enrollment_attendance"),
    path("enrollments/<int:enrollment_id>/complete/", views.enrollment_complete, name="enrollment_complete"),
    path("enrollments/<int:enrollment_id>/cancel/", views.enrollment_cancel, name="enrollment_cancel"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/new/", views.budget_create, name="budget_create"),
    path("budgets/<int:budget_id>/", views.budget_edit, name="budget_edit"),
    path("compliance/", views.compliance_page, name="compliance"),
]
