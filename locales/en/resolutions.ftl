# Meetings and resolutions: /meeting, /resolutions, progress reports, and the Jalali calendar.

menu-meeting = 🗓 Record a meeting
menu-resolutions = 📌 Resolutions
command-meeting = Record a meeting and its resolutions (manager)
command-resolutions = Resolutions and their follow-up

## The Jalali calendar keyboard

calendar-previous = ‹ Previous
calendar-next = Next ›
calendar-weekdays = Sa Su Mo Tu We Th Fr
calendar-today = •{$day}•

## Dates typed by hand (shared by both forms)

resolution-bad-date-format = Write the date as year/month/day in the Persian calendar, e.g. {$example}, or press the day on the calendar:
resolution-bad-date-year = The year must be a four-digit Persian (Solar Hijri) year, e.g. {$example}. Write it again or use the calendar:
resolution-bad-date-month = The month must be between 1 and 12. Write the date again (e.g. {$example}) or use the calendar:
resolution-bad-date-day = That day does not exist in that month (Esfand has 30 days only in a leap year). Write the date again (e.g. {$example}) or use the calendar:

## Meetings

meeting-kind-council = Neighbourhood council meeting
meeting-kind-committee = Committee meeting
meeting-kind-county_session = County session
meeting-kind-official_visit = Official visit (governor's trip)

meeting-not-manager = Only the neighbourhood manager records meetings.
meeting-ask-kind = 🗓 New meeting. What kind of meeting was it?
    To cancel: /cancel
meeting-ask-committee = Which committee met?
meeting-ask-date = When was the meeting held? Write the Persian date (e.g. {$example}) or press the day on the calendar:
meeting-date-expected = Please write the meeting's date (e.g. {$example}) or press the day on the calendar below.
meeting-date-future = We record meetings that have been held: the date cannot be after today. Write the date again or use the calendar:
meeting-date-too-old = That date is too long ago (before {$limit}). Write the date again or use the calendar:
meeting-ask-attendance = Which council members attended? Press each one present (press again to unmark), then press "Continue".
meeting-attendee-present = ✅ {$name}
meeting-no-members = No council members are registered yet; write who attended as guests.
meeting-ask-guests = Write any guests or other attendees (e.g. the municipality's representative; at most {$max} characters), or press "Skip":
meeting-guests-expected = Please write the guests as text, or press "Skip".
meeting-guests-too-long = The guest list is long ({$length} characters); write at most {$max}:
meeting-ask-minutes = Write the minutes (at most {$max} characters), or send a photo of the signed minutes, or press "Skip":
meeting-minutes-expected = Please send the minutes as text or a photo of the signed page, or press "Skip".
meeting-minutes-too-long = The minutes are long ({$length} characters); write at most {$max}, or send a photo of the signed page:
meeting-minutes-photo-attached = 📷 Photo of the signed minutes attached.
meeting-none = —
meeting-summary =
    Please check and confirm:
    Meeting: {$kind}
    Date: {$date}
    Attended: {$attendees}
    Guests: {$guests}
    Minutes: {$minutes}
meeting-not-saved = The meeting was not recorded; nothing was saved.
meeting-attendance-changed = The council changed in the meantime; please mark who attended again. Nothing was saved.
meeting-saved = ✅ {$kind} on {$date} recorded, {$attendees} members present.
    Now add its resolutions one by one:
meeting-offer-more = Another resolution from this meeting?
meeting-finished = The meeting is recorded with {$count} resolutions. All resolutions: /resolutions

meeting-card-title = 🗓 {$kind} — {$date}
meeting-card-attendees = Attended: {$names}
meeting-card-guests = Guests: {$guests}
meeting-card-minutes = Minutes:
meeting-card-minutes-photo = 📷 A photo of the signed minutes is on record.
meeting-card-no-minutes = No minutes recorded.

## Adding a resolution

resolution-not-manager = Only the neighbourhood manager adds resolutions.
resolution-meeting-label = {$kind} {$date}
resolution-ask-text = 📌 Write the resolution: what must be done?
    To cancel: /cancel
resolution-ask-text-meeting = 📌 New resolution of "{$meeting}". Write it: what must be done?
    To cancel: /cancel
resolution-text-limits = (at least {$min} and at most {$max} characters)
resolution-text-expected = Please send the resolution as text.
resolution-text-too-short = The resolution is too short; write at least {$min} characters.
resolution-text-too-long = The resolution is long ({$length} characters); please keep it under {$max}.
resolution-ask-responsible = Who is responsible for it?
resolution-kind-committee = 🏷 A council committee
resolution-kind-agency = 🏢 An executive agency (its county liaison)
resolution-kind-member = 👤 A council member
resolution-ask-committee = Which committee?
resolution-ask-agency = Which agency? Its liaison in the county will follow it up.
resolution-ask-member = Which council member?
resolution-no-members = No council members are registered yet; choose a committee or an agency.
resolution-button-back = ↩️ Back
resolution-ask-deadline = What is the deadline? Write the Persian date (e.g. {$example}) or press the day on the calendar:
resolution-deadline-expected = Please write the deadline as a date (e.g. {$example}) or press the day on the calendar below.
resolution-deadline-too-old = That deadline is more than a year ago (before {$limit}); perhaps the year is mistyped. Write it again or use the calendar:
resolution-deadline-too-far = That deadline is too far away (after {$limit}). Write a nearer one or use the calendar:
resolution-deadline-doubt-past = ⚠️ The deadline {$deadline} has already passed: today is {$date}. With it, the resolution is overdue from the day it is recorded.
resolution-deadline-doubt-before-meeting = ⚠️ The deadline {$deadline} is before the meeting itself ({$date}); a meeting's resolutions are normally due after it.
resolution-deadline-doubt-question = Keep this date, or choose another? You can also type a new date.
resolution-button-keep-deadline = Yes, keep this date
resolution-button-other-deadline = 📅 Choose another date
resolution-ask-priority = Deadline: {$deadline}. What is its priority?
resolution-use-buttons = Please press one of the buttons below, or send /cancel to stop.
resolution-summary =
    Please check and confirm:
    Resolution: {$text}
    Responsible: {$who}
    Deadline: {$deadline}
    Priority: {$priority}
resolution-summary-meeting = Meeting: {$meeting}
resolution-not-saved = The resolution was not added; nothing was saved.
resolution-responsible-gone = The responsible you chose is no longer available (a member may have left the council). Please choose again; nothing was saved.
resolution-saved = ✅ Resolution {$id} added, for {$who}.
resolution-button-add-to-meeting = ➕ Add a resolution to this meeting
resolution-button-meeting-done = ✔️ Done
resolution-form-closed = This form is no longer open.

## Responsible bodies, priorities and statuses

resolution-responsible-committee = {$committee} committee
resolution-responsible-agency = {$agency} (county liaison)
resolution-responsible-member = {$name}

resolution-priority-low = Low
resolution-priority-normal = Normal
resolution-priority-high = High
resolution-priority-urgent = 🚨 Urgent

resolution-status-open = Open
resolution-status-in_progress = In progress
resolution-status-done = Done
resolution-status-cancelled = Cancelled

resolution-overdue-by = (overdue by {$days} days)
resolution-due-today = (due today)
resolution-days-left = ({$days} days left)

## The resolution card, list lines and history

resolution-card-title = { $state ->
        [overdue] 🔴
        [soon] 🟠
        [done] ✅
        [cancelled] ✖️
       *[open] 📌
    } Resolution {$id}
resolution-card-place = 🏘 Neighbourhood: {$name}
resolution-card-responsible = 👤 Responsible: {$who}
resolution-card-deadline = ⏳ Deadline: {$deadline} {$left}
resolution-card-priority = ⚡ Priority: {$priority}
resolution-card-status = 📈 Status: {$status} — progress {$progress}%
resolution-card-meeting = 🗓 From the {$kind} of {$date}

resolution-line = { $state ->
        [overdue] 🔴
        [soon] 🟠
        [done] ✅
        [cancelled] ✖️
       *[open] ⚪
    } {$id}. {$text}
    👤 {$who} | ⏳ {$deadline} {$left} | {$progress}% {$status}
resolution-line-place = 🏘 {$name}

resolution-history-title = 🗂 History of resolution {$id}: {$text}
resolution-history-line = • {$when} — {$what} — progress {$progress}%, {$status}
resolution-history-by = ({$who})
resolution-history-note = "{$note}"
resolution-event-created = added
resolution-event-progress = progress reported
resolution-event-status = status changed
resolution-event-note = note added
resolution-event-done = done
resolution-event-cancelled = cancelled
resolution-event-reopened = reopened
resolution-event-action = an action was logged for it

## Notifications

resolution-notice-new = 📌 A new resolution for you (no. {$id}):
resolution-notice-updated = 📈 Resolution {$id} was updated (by {$who}):
resolution-notice-note = Note: "{$note}"
resolution-button-update = 📈 Report progress
resolution-button-history = 🗂 History
resolution-button-open = 🔎 {$id}

## /resolutions

resolutions-title = 📌 Resolutions of "{$name}" — {$filter}
resolutions-title-committee = 🏷 {$committee} committee
resolutions-mine-title = 👤 Resolutions you answer for — {$filter}
resolutions-page = {$count} resolutions — page {$page} of {$pages}
resolutions-empty = No resolutions in this list.
resolutions-filter-open = Open
resolutions-filter-due_soon = Due soon
resolutions-filter-overdue = Overdue
resolutions-filter-done = Done
resolutions-filter-all = All
resolutions-filter-current = • {$label} •
resolutions-button-committee = 🏷 Committee
resolutions-all-committees = All committees
resolutions-button-mine = 👤 Mine
resolutions-button-neighbourhood = 🏘 The whole neighbourhood
resolutions-button-previous = ‹ Previous
resolutions-button-next = Next ›
resolutions-button-add = ➕ New resolution
resolutions-not-allowed = You have no access to these resolutions.
resolutions-unknown-code = No neighbourhood has the code "{$code}".
resolutions-official-hint = To see a neighbourhood's resolutions, add its code to the command, e.g. /resolutions 1001

## Reporting progress

resolution-ask-progress = 📈 Resolution {$id}: {$text}
    Now: {$status}, progress {$progress}%
    Press a percentage or write a number from 0 to 100; to change the status press "Change status":
resolution-progress-button = {$progress}%
resolution-button-status = 🔄 Change status
resolution-ask-status = Choose the resolution's new status:
resolution-bad-progress = Progress must be a number from 0 to 100 (e.g. 60). Write it again or press a button:
resolution-progress-contradicts = 100% means done, and a done resolution is at 100%. Please choose again:
resolution-ask-note = Write a short note (what happened? at most {$max} characters), or press "No note":
resolution-button-no-note = No note
resolution-note-expected = Please write the note as text, or press "No note".
resolution-note-too-long = The note is long ({$length} characters); write at most {$max}:
resolution-nothing-changed = Nothing changed: the progress and status are as before.
resolution-closed = This resolution is "{$status}"; only the neighbourhood manager can reopen it.
resolution-updated = ✅ Resolution {$id}: {$status}, progress {$progress}%. Saved, and the others have been told.
