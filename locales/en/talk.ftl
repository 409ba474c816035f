# People just talk (handlers/talk.py): a message written outside any form starts a request.
talk-kept = I have kept your message: “{$text}”
talk-kept-attachment = I have kept your attachment.
talk-register-first = To reach your neighbourhood council I first need to know who you are: send your mobile number with the button below. You don't need to write your message again.
talk-join-first = To reach your neighbourhood's council, type the name of your neighbourhood or village. You don't need to write your message again.
talk-understood = 📝 Your request: “{$text}”
talk-hello = Hello! 👋 Write your problem or request in one message: what happened, and where? For example “The lights in Laleh alley have been off for three nights.”
talk-what-next = What next:
next-request = 📝 New request
next-mine = 📂 My requests
next-join = 🏘 Choose a neighbourhood
error-unknown-command = I don't know the command {$command}. The commands: /help — or just write your problem here.
request-card-voice = 🎤 {$count} voice note(s)
talk-staff-hint = I could not tell what this message is for. Use the buttons below; to send a request as a resident, first choose your neighbourhood: /join
