"""The content and alerts the end-to-end tests share: one search, pages that match it or not."""
from __future__ import annotations

from tests import builders

QUERY = "q=tirocini+inclusione&zona=valdinievole"
VISITOR = "lettore@example.it"


def zones():
    return builders.zona("valdinievole", "Valdinievole"), builders.zona("piana-di-lucca", "Piana di Lucca")


def publish_pages(suffix: str = "") -> dict[str, object]:
    """Two public pages the search finds, one in another zona, one without the words, one members-only."""
    here, there = zones()
    pages = {
        "public": builders.practice(f"Tirocini di inclusione in équipe{suffix}", "Percorsi di tirocinio per l'inclusione sociale",
                                   zona_obj=here),
        "news": builders.news(f"Nuovi tirocini per l'inclusione{suffix}", "Bando per tirocini di inclusione", zones=[here]),
        "other_zone": builders.practice(f"Tirocini di inclusione a Lucca{suffix}", "Tirocini per l'inclusione",
                                       zona_obj=there),
        "other_words": builders.practice(f"Centro diurno per anziani{suffix}", "Attività del centro diurno", zona_obj=here),
        "members": builders.practice(f"Tirocini di inclusione: verbali interni{suffix}", "Verbali sui tirocini di inclusione",
                                    zona_obj=here, publish=False),
    }
    builders.restrict(pages["members"])
    pages["members"].save_revision().publish()
    return pages


def titles(pages: dict, *names: str) -> list[str]:
    return sorted(pages[name].title for name in names)
