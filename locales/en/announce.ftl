# Announcements (/announce): the manager tells every resident of the neighbourhood something, a
# few times a week at most; residents who have not opened the bot get it when they do.

menu-announce = 📢 Announcement
command-announce = Announcement to the neighbourhood's residents (manager)

## The manager's form

announce-not-manager = Only the neighbourhood's manager can send an announcement to its residents.
announce-limit-reached = {$neighbourhood} has had {$limit} announcements this week, as many as a week allows. The next can go on {$next}.
announce-ask = 📢 Announcement to the residents of {$neighbourhood} ({$residents} people; {$left} of {$limit} left this week).
    Write the text (at least {$min} and at most {$max} characters).
    To cancel: /cancel
announce-text-expected = Please type the announcement as text.
announce-preview = 👀 This is what {$residents} residents of {$neighbourhood} will receive:
announce-button-send = ✅ Send
announce-button-cancel = ✖️ Cancel
announce-cancelled = The announcement was not sent.
announce-button-expected = Please press ✅ Send or ✖️ Cancel under the preview.
announce-form-closed = This announcement form is closed; to write another: /announce
announce-sent = 📢 The announcement is on its way ({$left} more allowed this week).
announce-told-counts = 📨 Being sent now to {$now} residents (at the messenger's permitted pace, within a few minutes).
    ⏳ {$waiting} have not opened the bot yet and will get it when they do; pass them this link: {$link}

## What residents receive

announce-message = 📢 Announcement to the residents of {$neighbourhood}

    {$text}
