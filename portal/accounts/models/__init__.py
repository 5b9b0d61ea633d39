"""Models of the accounts concern: member profiles (more come with registrations and submissions)."""
from portal.accounts.models.profile import ProfessionalRole, Profile

__all__ = ["ProfessionalRole", "Profile"]
