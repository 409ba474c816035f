# Routing you can trust in an emergency (issue 12): two committees to choose from, and a handler's
# verdict on whether a request is an emergency.

request-propose-two-committees = This looks like a matter for the {$first} or the {$second} committee. Which one?
request-button-emergency = 🚨 It is an emergency
request-button-not-emergency = ✅ Not an emergency
request-notice-marked-emergency = 🚨 Request {$code} was declared an emergency by a neighbourhood official and sent to the crisis management committee. Please act at once.
request-event-marked_emergency = declared an emergency
request-event-marked_not_emergency = declared not an emergency
inbox-choose-committee-not-emergency = Request {$code} is not an emergency: which committee should it go to?
inbox-marked-emergency = 🚨 Request {$code} was declared an emergency and sent to the crisis management committee. The correction is kept for the router's next training.
inbox-marked-not-emergency = ✅ Request {$code} is not an emergency and went to the {$committee} committee. The correction is kept for the router's next training.
