# Reminders about resolutions: the morning digest, escalations and the weekly county digest.

reminder-part = (part {$part} of {$total})

## A resolution in a list

reminder-line = • {$neighbourhood}: {$text} — due {$deadline} ({$note}) — {$progress}% done
reminder-line-with-responsible = • {$neighbourhood}: {$text} — responsible: {$responsible} — due {$deadline} ({$note}) — {$progress}% done
reminder-responsible-committee = {$committee} committee
reminder-days-overdue = {$days} day(s) overdue
reminder-due-today = today
reminder-days-left = {$days} day(s) left

## The morning digest (one message per person)

reminder-digest-title = ⏰ Your resolutions — {$date}
reminder-digest-counts = Overdue: {$overdue} — due in the next {$days} days: {$soon}
reminder-digest-overdue-title = ⛔ Overdue ({$count}):
reminder-digest-soon-title = ⏳ Due in the next {$days} days ({$count}):
reminder-digest-hint = To record progress or change the status of a resolution: /resolutions

## Escalations (one message per recipient and run)

reminder-escalation-title = ⚠️ Overdue resolutions escalated to you ({$count})
reminder-escalation-level-1 = As the neighbourhood manager — more than {$days} days overdue ({$count}):
reminder-escalation-level-2 = As a county official — more than {$days} days overdue ({$count}):
reminder-escalation-more = …and {$count} more, none more overdue than these.
reminder-escalation-hint = Those responsible have been reminded every day and the work is still not done. Please follow up; the resolutions: /resolutions

## The weekly county digest

reminder-county-digest-title = 📊 Weekly resolutions digest — week of {$date}
reminder-county-title = 🏛 {$county} county
reminder-county-totals = Open resolutions: {$open} (overdue: {$overdue}) — done in the last 7 days: {$done}
reminder-county-requests = Residents' open requests: {$open} (past their target: {$overdue})
reminder-county-plans = 🎯 Plans: {$plans}, mean progress {$progress}% — late projects: {$late} of {$projects}
reminder-county-neighbourhoods-title = By neighbourhood:
reminder-county-neighbourhood = • {$name}: {$open} open, {$overdue} overdue, {$done} done — requests: {$requests} open, {$requests_overdue} past target
reminder-county-more = …and {$count} more neighbourhood(s) with open items: /report lists them all.
reminder-county-quiet = {$count} other neighbourhood(s) have no open resolution or request.
reminder-county-worst-title = 🔻 Most overdue ({$count}):
reminder-county-hint = The county's full report: /report
