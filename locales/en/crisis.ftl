# Crisis mode (/crisis): the manager switches it on and off; residents, council members and the
# crisis committee are told; the manager is reminded to close it after 72 hours.

menu-crisis = 🚨 Crisis mode
command-crisis = Neighbourhood crisis mode (manager)

## The manager's screens

crisis-not-manager = Only the neighbourhood's manager can switch crisis mode on or off.
crisis-off-status = 🟢 Crisis mode is off in {$neighbourhood}.
    Switching it on activates the crisis management committee, sends emergency reports to it and tells {$audience} residents and council members.
crisis-ask-description = ✍️ To switch crisis mode on, write briefly what happened and what residents should do (at least {$min} and at most {$max} characters). Everyone receives it with the emergency numbers.
    To cancel: /cancel
crisis-description-expected = Please type the description as text (what happened and what residents should do).
crisis-description-too-short = The description is too short; please write at least {$min} characters so residents know what happened and what to do.
crisis-description-too-long = The description is long ({$length} characters); please keep it under {$max}.
crisis-confirm-start = ⚠️ Switch crisis mode on in {$neighbourhood}?
    {$audience} people will receive this with the emergency numbers:

    “{$description}”
crisis-button-confirm-start = 🚨 Yes, switch it on
crisis-button-cancel = ✖️ Cancel
crisis-started = 🚨 Crisis mode is on. {$told} residents and council members are being told (the messages go out at the messenger's permitted pace, within a few minutes).
crisis-started-no-head = ⚠️ The crisis management committee has no head; until one is named, emergency reports come to you.
crisis-already-on = Crisis mode has been on since {$since}.
crisis-on-status = 🚨 Crisis mode has been on in {$neighbourhood} since {$since}.
    “{$description}”

    If things are back to normal, switch it off and {$audience} people will be told.
crisis-button-end = ✅ End crisis mode
crisis-ask-note = ✍️ If you like, write a short note for residents (at most {$max} characters), or press “No note”.
crisis-button-no-note = No note
crisis-note-expected = Please type the note as text, or press “No note”.
crisis-note-too-long = The note is long ({$length} characters); please keep it under {$max}.
crisis-confirm-end = Switch crisis mode off in {$neighbourhood}? {$audience} people will be told.
crisis-confirm-end-note = Your note: “{$note}”
crisis-button-confirm-end = ✅ Yes, switch it off
crisis-ended = ✅ Crisis mode is off. {$told} people are being told that things are back to normal.
crisis-not-on = Crisis mode is not on in this neighbourhood.
crisis-cancelled = Cancelled; nothing changed.
crisis-button-expected = Please press one of the buttons below (or /cancel).
crisis-form-closed = This form is no longer open; send /crisis again.

## What residents, council members and the crisis committee receive

crisis-notice-start = 🚨 Crisis declared in {$neighbourhood}

    {$description}

    The neighbourhood's crisis management committee is now active. Stay calm and follow the guidance of the neighbourhood manager and the emergency services.
    If anyone's life is in danger, call now:
    {$numbers}

    To report an emergency to the neighbourhood's crisis committee: /request
crisis-notice-team = 🚨 Crisis declared in {$neighbourhood}: the crisis management committee is active from now on.
    “{$description}”

    Residents' emergency reports go to the committee's head; see them in /inbox and act at once.
crisis-notice-end = ✅ The crisis in {$neighbourhood} is over and things are back to normal. Thank you for your help.
crisis-notice-end-note = The neighbourhood manager's note: “{$note}”
crisis-reminder = ⏰ Crisis mode has been on in {$neighbourhood} since {$since} ({$hours} hours).
    If things are back to normal, switch it off so residents know: /crisis
crisis-button-open = 🚨 Crisis mode
