"""Questions and answers under a practice (issue #19 item 2): a verified member asks from the practice's
page; moderators and the zona's referents are told by mail; a moderator publishes the question with its
answer in the admin (menu *Domande sulle pratiche*) and the asker is told. Published answers are for
members only, under practices the member may see (cms.visibility)."""
