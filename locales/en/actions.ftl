# Council actions (/action). Keys are shared with locales/fa/actions.ftl.

menu-action = ✅ Log an action
command-action = Log a council action (council and manager)

action-not-allowed = Only the neighbourhood's manager and council members can log actions.
action-form-closed = This form is closed. Send /action to log a new action.
action-button-expected = Please press one of the buttons below (/cancel to stop).

action-ask-title = ✅ Log a council action
    Type a short title ({$min} to {$max} characters), e.g. "Cleared the gutters on Rajaei street". /cancel to stop.
action-title-too-short = The title is too short; write at least {$min} characters.
action-title-too-long = The title has {$length} characters; at most {$max} are allowed. Shorten it and send it again.
action-title-expected = Please type the action's title as text ({$min} to {$max} characters).

action-ask-description = Describe the action: what, where, with whom (at most {$max} characters). Press "Skip" if there is nothing to add.
action-button-skip = ⏭ Skip
action-description-too-long = The description has {$length} characters; at most {$max} are allowed. Shorten it and send it again.
action-description-expected = Type the description as text, or press "Skip".

action-ask-committee = Which committee did this?
action-whole-council = Whole council

action-ask-programme = Was it done under one of the national programmes?
action-no-programme = None

action-ask-date = When was it done? Type a Jalali date, e.g. {$example}, or press "Today".
action-button-today = 📅 Today
action-bad-date-format = Type the date as Jalali year/month/day, e.g. {$example}.
action-bad-date-year = The year must be a four-digit Jalali year, e.g. {$example}.
action-bad-date-month = The month must be between 1 and 12. Type the date again, e.g. {$example}.
action-bad-date-day = That day does not exist in that month. Type the date again, e.g. {$example}.
action-date-in-future = An action cannot be dated in the future. Type the day the work was done.
action-date-too-old = That date is more than a year ago. Log the past year's actions; write older work in the neighbourhood profile.
action-date-expected = Type the date as text, or press "Today".

action-ask-photos = Send photos of the work if you have any (at most {$max}); then press the button below.
action-button-photos-done = ✔️ Enough photos
action-button-no-photos = ⏭ No photos
action-photo-added = Photo {$count} of {$max} received. Send another or press the button.
action-photo-limit = No more than {$max} photos. Press the button to go on.
action-photos-expected = Only photos are accepted at this step.

action-ask-link = Was this action carrying out one of the council's open resolutions?
action-button-resolution = 📋 {$text} ({$progress}%)
action-button-no-link = Not about a resolution

action-ask-completes = Does this action complete that resolution?
action-button-completes-yes = ✅ Yes, the resolution is done
action-button-completes-no = Not yet, it is part of the work

action-ask-visibility = Show this action to residents on the neighbourhood's feed?
action-button-public = 👁 Public (residents see it)
action-button-internal = 🔒 Internal (council only)

action-summary-head = Please check:
action-summary-title = Title: {$title}
action-summary-description = Description: {$description}
action-none = —
action-summary-committee = Committee: {$committee}
action-summary-programme = National programme: {$programme}
action-summary-date = Date: {$date}
action-summary-photos = Photos: {$count}
action-summary-link = Resolution: {$text}
action-summary-completes = ✅ This action marks the resolution done.
action-summary-public = 👁 Public: shown on the neighbourhood's feed.
action-summary-internal = 🔒 Internal: the council only.
action-button-save = ✅ Save
action-button-discard = ✖️ Discard

action-discarded = The action was not saved.
action-link-gone = That resolution is no longer open or was not found; the action was not saved. Please send /action again.
action-logged-public = ✅ The action "{$title}" is saved and residents see it on the neighbourhood's feed (/feed).
action-logged-internal = ✅ The action "{$title}" is saved as internal.
action-logged-completed = 📋 The linked resolution is recorded as done (100%).
