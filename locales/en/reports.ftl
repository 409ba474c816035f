# Performance reports (services/reports/text.py): the short summary in the chat and from
# `python -m bot report`.

perf-title = 📊 Performance of {$level ->
    [neighbourhood] neighbourhood
    [province] province
   *[county] county
} “{$name}”
perf-period = 🗓 {$from} to {$to}; compared with {$previous_from} to {$previous_to}
perf-as-of = (as of {$when}; the period is not over yet)
perf-name-code = {$name} ({$code})
perf-pct = {$pct}%
perf-none = —
perf-score = {$score}
perf-score-change = {$score} ({$change})
perf-change-up = ▲{$amount}
perf-change-down = ▼{$amount}
perf-change-same = unchanged

## Councils, committees, profiles, liaisons (as they stand)

perf-setup = 🏛 Councils formed: {$formed} of {$total} | Committees with a head: {$headed} of {$committees} | Profiles written: {$profiles} of {$total}
perf-councils-new = New councils this period: {$count} ({$change})
perf-council-formed = 🏛 Council: formed on {$formed}, members: {$members} | Profile: {$profile}
perf-council-none = 🏛 Council: not formed ⚠️ | Profile: {$profile}
perf-profile-written = written ✅
perf-profile-missing = not written ⚠️
perf-committee-head = {$committee}: {$head} (members: {$members})
perf-committee-headless = {$committee}: no head ⚠️ (members: {$members})
perf-liaisons = 🤝 Agencies with a liaison: {$named} of {$expected}
perf-liaisons-missing = Without a liaison: {$agencies}
perf-liaison-gap = {$agency} (counties without: {$counties})

## What happened in the period

perf-meetings = 🗓 Meetings: {$count} ({$change})
perf-meetings-kinds = 🗓 Meetings: {$count}; {$kinds} ({$change})
perf-meeting-kind = {$kind ->
    [council] council
    [committee] committee
    [county_session] county
   *[official_visit] official visits
} {$count}
perf-resolutions = 📌 Resolutions this period: {$made} | done {$done} ({$done_pct}) | on time {$on_time} ({$on_time_pct}) | overdue {$overdue} ({$overdue_pct})
perf-resolutions-none = 📌 No new resolution this period.
perf-overdue-now = ⏰ All overdue resolutions at the end of the period: {$count} ({$change})
perf-oldest-overdue = Oldest: “{$text}” in {$place}, due {$deadline} (overdue days: {$days}), responsible: {$who}
perf-bodies = 🐢 Overdue by responsible body: {$bodies}
perf-body = {$who} {$overdue} of {$made}
perf-who-committee = {$committee} committee
perf-who-agency = {$agency}
perf-who-member = a council member
perf-requests = 📨 Requests: {$received} ({$change}) | first answer in time {$answered} | resolved in time {$resolved} | median time to resolve {$median} | reopened {$reopened} | rating {$rating} | emergencies {$emergencies}
perf-requests-none = 📨 No request arrived this period.
perf-requests-committee = • {$committee}: {$received} | resolved in time {$resolved} | median {$median}
perf-rating = {$rating} of 5
perf-hours = {$count} h
perf-days = {$count} d
perf-actions = 🛠 Actions: {$count}, photos: {$photos} ({$change})
perf-actions-by = National programmes: {$programmes}
perf-programme = {$programme} {$count}
perf-untagged = no national programme
perf-needs = 📋 Needs assessments in the period: {$done} | latest: {$latest}
perf-needs-none = 📋 Needs assessments: none done yet.
perf-needs-top = {$level ->
    [neighbourhood] Top needs
   *[other] Most frequent needs
}: {$needs}
perf-plans = 🎯 Plans: {$plans} | mean progress {$progress} | projects {$projects}, late {$late}
perf-plans-none = 🎯 Plans: none recorded.
perf-plan-own = • {$title}: progress {$progress} | {$late} of {$projects} projects late
perf-plans-more = and {$count} more plans

## Who improved, who is stuck, and each unit in a line

perf-improved = 📈 Better than the period before: {$units}
perf-stuck = ⚠️ Stuck: {$units}
perf-ranked-improved = {$name} ({$change})
perf-ranked-stuck = {$name} ({$overdue} overdue)
perf-units-neighbourhoods = 🏘 Neighbourhoods:
perf-units-selected = ⭐ Selected neighbourhoods:
perf-units-others = 🏘 Other neighbourhoods:
perf-units-counties = 🏙 Counties:
perf-unit = • {$name}: council {$council} | resolutions {$done} of {$made} done, {$overdue} overdue | requests {$received}, resolved in time {$resolved} | actions {$actions} | score {$score}
perf-unit-council-yes = ✅
perf-unit-council-no = ⚠️
perf-unit-councils = {$formed} of {$total}
perf-unit-needs = needs assessments {$count}
perf-unit-plans = plans {$progress}, {$late} late projects

## The chart and the workbook (services/reports/files.py)

perf-file-period = {$from} to {$to}
perf-chart-title = {$level ->
    [neighbourhood] Neighbourhood
    [province] Province
   *[county] County
} “{$name}”: resolutions on time, requests answered and resolved in time
perf-chart-more = and {$count} more (all in the workbook)
perf-sheet-neighbourhoods = Neighbourhoods
perf-sheet-counties = Counties
perf-sheet-bodies = Responsible bodies
perf-sheet-committees = Requests by committee
perf-sheet-programmes = Actions by programme
perf-col-name = Name
perf-col-neighbourhoods = Neighbourhoods
perf-col-councils = Councils formed
perf-col-members = Council members
perf-col-headed = Committees with a head
perf-col-profiles = Profiles written
perf-col-liaisons = Agencies with a liaison
perf-col-meetings = Meetings
perf-col-made = Resolutions
perf-col-done = Done
perf-col-on-time = Done on time
perf-col-on-time-pct = Resolutions on time (%)
perf-col-overdue = Overdue
perf-col-overdue-now = All overdue at the period's end
perf-col-received = Requests
perf-col-answered-pct = First answer in time (%)
perf-col-resolved-pct = Resolved in time (%)
perf-col-median-hours = Median time to resolve (hours)
perf-col-reopened = Reopened
perf-col-rating = Average rating (of 5)
perf-col-emergencies = Emergencies
perf-col-actions = Actions
perf-col-photos = Photos
perf-col-score = Score
perf-col-previous-score = Score, period before
perf-col-selected = Selected neighbourhood (1 = yes)
perf-col-body = Responsible
perf-col-committee = Committee
perf-col-programme = National programme
perf-sheet-needs-plans = Needs and plans
perf-sheet-plans = Plans of {$name}
perf-col-needs-done = Needs assessments in the period
perf-col-needs-latest = Latest needs assessment
perf-col-top-needs = Top needs
perf-col-plans = Plans
perf-col-plans-progress = Plans' mean progress (%)
perf-col-projects = Projects
perf-col-late-projects = Late projects
perf-col-plan = Plan
perf-col-plan-progress = Progress (%)
perf-note-plans = Plans' progress is as of today, not the period's end; a late project is behind its schedule, or past its end and not done.

## The performance report in the chat (/performance)

command-performance = Performance report with chart and Excel
perf-chat-not-allowed = The performance report is for county and province officials and neighbourhood managers.
perf-pick-place = 📊 Performance report for where?
perf-pick-period = 📊 Performance report for which period?
perf-place-province = Province {$name}
perf-place-county = County {$name}
perf-place-neighbourhood = My neighbourhood
perf-period-this-month = This month
perf-period-last-month = Last month
perf-period-this-year = This year
