# Reaching people: what waited for someone, who has a request, who was told and who not yet.

outbox-away-summary = 📬 Since {$since}, {$count} messages came for you. The {$full} that still need your answer follow in full; the rest in brief:
outbox-away-brief = 📬 Since {$since}, {$count} messages came for you. In brief:
outbox-away-all-follow = 📬 Since {$since}, {$count} messages came for you; those that still need your answer follow.
outbox-away-more = … and {$count} more

reach-level-committee_head = the committee head
reach-level-manager = the neighbourhood manager
reach-level-county_official = the county official
reach-level-province_official = the province official
reach-level-admin = the programme's administrators
reach-holder = {$level} ({$names})

request-held-now = 👤 Handled by: {$who}
request-held-waiting = ⏳ {$who} has not opened the bot yet; your request is kept for them and reaches them the moment they do.
request-held-nobody = ⚠️ Nobody is registered yet to handle this neighbourhood's requests; your request is kept and reaches the first person appointed.

reach-told-now = 📨 Told now: {$names}
reach-told-waiting = ⏳ Not in the bot yet, told the moment they join: {$names}
    Send them this link: {$link}
reach-told-nobody = ⚠️ Nobody is registered to be told.

menu-not-joined = ⏳ Not joined yet
not-joined-title = ⏳ These people are registered but have not opened the bot yet; their messages are kept until they do:
not-joined-line = • {$name} — {$role} — {$place} — {$phone}
not-joined-waiting = ({$count} messages waiting)
not-joined-hint = Send them the bot's link: {$link}
    Once they join and share their phone number, everything reaches them.
not-joined-none = ✅ Everyone with a role in your area has opened the bot.
not-joined-not-allowed = This list is for neighbourhood managers and county and province officials.
county-digest-not-joined = ⏳ Not in the bot yet ({$count}): {$names}
