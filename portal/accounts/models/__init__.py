"""Models of the accounts concern: profiles, seminar registrations, practice submissions."""
from portal.accounts.models.profile import ProfessionalRole, Profile
from portal.accounts.models.registration import Registration, RegistrationStatus
from portal.accounts.models.submission import PracticeSubmission, SubmissionAttachment, SubmissionStatus

__all__ = [
    "PracticeSubmission",
    "ProfessionalRole",
    "Profile",
    "Registration",
    "RegistrationStatus",
    "SubmissionAttachment",
    "SubmissionStatus",
]
