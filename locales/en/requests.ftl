# Residents' requests: the form, tracking, the committee inbox, notifications and SLA reminders.

menu-request = 📝 New request
menu-my-requests = 📂 My requests
menu-inbox = 📥 Request inbox
command-request = submit a request or complaint
command-track = track a request by its code
command-inbox = my committee's requests

## Statuses and history

request-status-new = submitted, awaiting a reply
request-status-acknowledged = seen
request-status-in_progress = in progress
request-status-resolved = resolved (awaiting the resident's confirmation)
request-status-reopened = reopened
request-status-closed = closed
request-status-rejected = rejected

request-event-submitted = submitted
request-event-acknowledged = the committee saw it
request-event-in_progress = work started
request-event-resolved = the committee reported it resolved
request-event-rejected = rejected
request-event-rerouted = sent to another committee
request-event-confirmed = the resident confirmed it was fixed
request-event-not_fixed = the resident said it was not fixed; reopened and escalated to the manager
request-event-rated = the resident rated it
request-event-followed = another resident follows it too
request-event-reminded = the committee was reminded
request-event-escalated = escalated
request-event-repeated = the same emergency was reported again

request-history-title = 🗂 History:
request-history-line = • {$when} — {$what}
request-history-by = ({$who})
request-history-note = "{$note}"

## The request card

request-card-title = { $urgent ->
        [urgent] 🚨 Urgent request {$code}
       *[normal] 📨 Request {$code}
    } — {$committee} committee
request-card-neighbourhood = 🏘 Neighbourhood: {$name}
request-card-status = 📌 Status: {$status}
request-card-created = 🕒 Submitted: {$when}
request-card-resident = 👤 {$name} — ☎️ {$phone}
request-card-location = 📍 On the map: {$url}
request-card-photos = 📷 {$count} photo(s)
request-card-rating = ⭐ Resident's rating: {$rating} of 5
request-unnamed = (no name)

## The form

request-need-join = To submit a request, first choose your neighbourhood: /join
request-daily-limit = You have submitted {$limit} requests today, the most allowed in one day. You can submit again tomorrow. If this is an emergency, call now:
request-ask-text = 📝 Describe the problem or request: what happened, and where? (You can also send a photo with a caption.)
    To cancel: /cancel
request-text-too-short = That is too short; please write at least {$min} characters so the committee knows what happened.
request-text-too-long = That is long ({$length} characters); please shorten it to under {$max}.
request-text-expected = Please describe the problem in text (or send a photo with a caption).
request-attachment-needs-text = Received. Now describe the problem in a sentence or two.
request-propose-committee = This looks like a matter for the {$committee} committee. Is that right?
request-button-yes-committee = ✅ Yes, that committee
request-button-other-committee = 🔀 Another committee
request-danger-now-question = ⚠️ If a life or a home is in danger right now, press the button below and your report goes straight to the neighbourhood's officials, marked as an emergency; and call now:
request-button-danger-now = 🚨 Yes, there is danger right now
request-choose-committee = Which committee is this request for?
request-similar-found = A similar request is open in your neighbourhood:

    {$card}

    Would you like to follow it instead? You will be told of every change to it.
request-button-follow = 🔔 Follow this one
request-button-new-anyway = 📝 Mine is different
request-similar-gone = That request is no longer open; yours will be submitted on its own.
request-following = 🔔 From now on you will be told of every change to request {$code}.
request-ask-extras = 📷 If you have photos or a location, send them now (up to {$max} photos). Then press "Next".
request-button-next = ➡️ Next
request-photo-added = 📷 Photo {$count} received.
request-photo-limit = No more than {$max} photos; press "Next".
request-location-added = 📍 Location received.
request-extras-expected = Send photos or a location here, or press "Next".
request-button-expected = Please press one of the buttons below, or /cancel to stop.
request-ask-privacy = Your name and number are shown only to the people handling your request. Should your name also appear in the neighbourhood's public reports and lists?
request-button-public = 👤 Yes, with my name
request-button-anonymous = 🙈 No, keep it anonymous
request-submitted = ✅ Your request was submitted to the {$committee} committee.
    Tracking code: {$code}
    You will be told of every change; you can also check it with /track and this code.
request-form-closed = This form is closed; press /request for a new request.

## Emergencies

request-emergency = 🚨 If anyone is in danger, call now:
request-emergency-sent-crisis = Your report (tracking code {$code}) went straight to the neighbourhood's crisis committee.
request-emergency-sent-manager = Your report (tracking code {$code}) went straight to the neighbourhood manager, marked urgent.
request-emergency-attached = Your report was added to emergency report {$code}, which the people in charge of the neighbourhood already have. If anyone is in danger, call the numbers above now.
emergency-number-line = {$service}: {$number}
emergency-service-fire = 🚒 Fire brigade
emergency-service-ambulance = 🚑 Ambulance
emergency-service-police = 🚓 Police
emergency-service-red_crescent = ⛑ Red Crescent
emergency-service-gas = 🔥 Gas emergencies
emergency-service-water = 💧 Water and sewage emergencies
emergency-service-electricity = ⚡ Electricity emergencies

## Tracking

request-track-ask = Send the tracking code (e.g. 123-456-789), or press "📂 My requests".
request-track-unknown = No request has that code. Please check the 9-digit code.
request-track-public = 🔎 Request {$code}
    📌 Status: {$status}
    🕒 Submitted: {$created} — last change: {$updated}
    Only its author and the people handling it see its details. Your own requests: "📂 My requests"
request-track-too-many = You have tried many codes. Please try again in {$minutes} minutes; your own requests are always under "📂 My requests".
request-my-title = 📂 Your requests:
request-my-line = • {$code} — {$committee} — {$status}
request-my-empty = You have no requests yet. To submit one: /request
request-button-details = 🔎 {$code}

## Closing the loop

request-button-fixed = 👍 Yes, it is fixed
request-button-not-fixed = 👎 No, not fixed
request-button-rate = {$stars} ⭐
request-closed-thanks = 🙏 Thank you! Request {$code} is closed. How would you rate the handling, from 1 to 5?
request-reopened = Request {$code} was reopened and escalated to the neighbourhood manager. We will tell you what happens.
request-rated = 🙏 Rating {$rating} of 5 saved. Thank you.
request-invalid-state = That is no longer possible: the request is now "{$status}".
request-not-found = That request was not found.

## What the resident (and followers) are told

request-told-acknowledged = 👀 The {$committee} committee has seen your request {$code} and is looking into it.
request-told-in_progress = 🛠 Work on request {$code} has started in the {$committee} committee.
request-told-resolved = ✅ The {$committee} committee says request {$code} is resolved.
    Note: {$note}
    Is it really fixed?
request-told-resolved-follower = ✅ The {$committee} committee says request {$code}, which you follow, is resolved.
    Note: {$note}
request-told-rejected = ❌ The {$committee} committee rejected request {$code}.
    Reason: {$note}
request-told-rerouted = ↪️ Request {$code} was sent to the {$committee} committee to handle.

## What handlers are told

request-notice-new = 📨 New request for your committee (code {$code}). Reply with the buttons below; the resident is told of every change.
request-notice-emergency = 🚨 Emergency report (code {$code})! The resident was sent the emergency numbers. Please act at once.
request-notice-emergency-repeated = 🚨 Emergency report {$code} came in again: "{$text}". It is still open; please act at once. (Further repeats go into its history without another message.)
request-notice-rerouted = ↪️ Request {$code} was sent to your committee to handle.
request-notice-not-fixed = ⚠️ The resident says request {$code} is not fixed. It was reopened and is escalated to you, the neighbourhood manager.
request-notice-reopened = 🔁 Request {$code} was reopened: the resident says it is not fixed.
request-sla-reminder = ⏰ Reminder: request {$code} { $clock ->
        [response] has had no reply for {$hours} hours.
       *[resolution] has been open for {$days} days and is not resolved.
    }
request-sla-escalation-manager = ⚠️ Escalated to the neighbourhood manager: request {$code} { $clock ->
        [response] has had no reply from the committee for {$hours} hours.
       *[resolution] has been open for {$days} days and is not resolved.
    }
request-sla-escalation-county = ⚠️ Escalated to the county: request {$code} { $clock ->
        [response] has had no reply in the neighbourhood for {$hours} hours.
       *[resolution] has been open for {$days} days and is not resolved.
    }
request-button-ack = 👀 Seen
request-button-start = 🛠 In progress
request-button-resolve = ✅ Resolved
request-button-reject = ❌ Reject
request-button-reroute = ↪️ Another committee

## The inbox

inbox-title = 📥 Open requests ({$count}):
inbox-line = { $urgent ->
        [urgent] 🚨
       *[normal] •
    } {$code} — {$committee} — {$age}
    "{$excerpt}" — {$status}
inbox-empty = 📭 No open requests for you.
inbox-not-allowed = This request is not yours to handle.
inbox-ask-resolve-note = ✍️ In a sentence, what was done about request {$code}? (The resident will see it.)
inbox-ask-reject-reason = ✍️ Why is request {$code} rejected? (The resident will see it.)
inbox-note-expected = Please write the note as text, or /cancel to stop.
inbox-updated = ✅ Request {$code}: {$status}. The resident was told.
inbox-choose-committee = Which committee should request {$code} go to?
inbox-rerouted = ↪️ Request {$code} was sent to the {$committee} committee. The correction is kept for the router's next training.
