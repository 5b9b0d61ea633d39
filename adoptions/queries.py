"""Which approved records a visitor may see: those of live practices the visitor may see (cms.visibility)."""
from __future__ import annotations

from cms.models import PracticePage
from cms.visibility import visible

from adoptions.models import Adoption, AdoptionStatus


def _shown(records, request):
    practices = visible(PracticePage.objects.live(), request).values("pk")
    return records.filter(status=AdoptionStatus.APPROVED, practice__in=practices).select_related("practice", "practice__zona", "zona")


def of_practice(practice, request):
    """Where else the practice is used (shown under it)."""
    return _shown(Adoption.objects.filter(practice=practice), request).order_by("since", "zona__name")


def for_zona(zona, request) -> dict:
    """Practices of other zones this zona adopted, and this zona's practices adopted elsewhere."""
    return {
        "adopted_here": list(_shown(Adoption.objects.filter(zona=zona), request).order_by("-since")),
        "adopted_elsewhere": list(_shown(Adoption.objects.filter(practice__zona=zona), request).order_by("-since")),
    }


def pending():
    return Adoption.objects.filter(status=AdoptionStatus.PENDING).select_related("practice", "zona").order_by("created_at")
