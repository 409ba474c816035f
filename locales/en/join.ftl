# /join: finding one's neighbourhood by name and joining it as a resident.
# (join-done, join-already and join-unknown-link live in main.ftl: the /start n_<code> link uses them too.)

join-register-first = Please register first: send /start and share your mobile number with the button, then send /join again.
join-ask-name = Write the name of your neighbourhood or village (for example "Dowlatabad"). If you have the neighbourhood's code, you can write the code instead. Send /cancel to stop.
join-name-expected = Please write the neighbourhood's name as text. Send /cancel to stop.
join-name-too-long = A neighbourhood name has at most {$limit} characters. Please write just the name:
join-no-match = No neighbourhood called "{$query}" was found. Please try another spelling (for example without "neighbourhood" or "village") or ask your neighbourhood manager for its code:
join-pick = Which one is your neighbourhood? If none is, press "None of these" or write another name.
join-match-button = {$name} — {$county}
join-button-search-again = 🔎 None of these; search again
join-choice-gone = That neighbourhood is no longer listed. Please write your neighbourhood's name again:
join-hint = To join your neighbourhood, send /join and write its name.

command-join = Join your neighbourhood
