# English. Keys are shared with locales/fa/main.ftl; a test keeps them in step.

start-welcome = Hello {$name}! Welcome to Mahalleyar 🌿
    Here you can send and follow your neighbourhood's requests and complaints, and see what the neighbourhood council does.
start-welcome-back = Welcome, {$name}.
start-your-roles = Your roles: {$roles}
start-no-roles = You have no role yet. If you live in a neighbourhood, join it with your neighbourhood's link.

lang-choose =
    زبان گفتگو را انتخاب کنید:
    Choose your language:
lang-set = The conversation language is now English.
lang-button-fa = فارسی
lang-button-en = English

onboarding-share-contact = To identify you, please send your mobile number with the "Share my number" button. Your number is shown only to the people handling your requests.
onboarding-contact-button = 📱 Share my number
onboarding-contact-not-own = That is not your own number. Please send your own number with the "Share my number" button.
onboarding-contact-expected = Please press the "Share my number" button instead of typing. Send /cancel to stop.
onboarding-invalid-phone = That number is not valid. Please send your mobile number with the button.
onboarding-linked = Number {$phone} registered. ✅

join-done = You joined the neighbourhood "{$name}". Your requests now reach its council, and you will hear about its actions.
join-already = You are a resident of "{$name}".
join-unknown-link = This neighbourhood link is not valid. Ask your neighbourhood manager for the right link.

role-admin = Administrator
role-province_official = Province official
role-county_official = County official
role-manager = Neighbourhood manager
role-liaison = Agency liaison
role-council_member = Council member
role-committee_head = Committee head
role-resident = Resident

help-text = Mahalleyar help:
    /start start and register
    /join join your neighbourhood by searching its name
    /help this help
    /lang change language
    /cancel cancel the current task
    /verify check an ID card
help-resident = Residents:
    /request submit a request or complaint
    /track follow a request by its code
    /my_requests my requests
    /feed the council's actions and resolutions' progress; comment
help-council = Council and committee members:
    /inbox your committee's requests
    /action log an action
    /resolutions resolutions and progress reports
help-manager = Neighbourhood manager:
    /members council and committees
    /add_member register a member
    /invite invitation and joining links
    /poster the neighbourhood's QR poster
    /profile neighbourhood profile
    /meeting record a meeting and its resolutions
    /resolutions resolutions
    /crisis crisis mode
    /plan the neighbourhood's plan and its projects' progress
    /courses training courses
help-liaison = Agency liaisons:
    /resolutions the resolutions your agency answers for, and progress reports
help-official = County and province officials:
    /report councils and committees
    /liaisons agency liaisons
    /grant appoint by mobile number
    /profile CODE a neighbourhood's profile
    /resolutions CODE a neighbourhood's resolutions
    /plan plans and their progress
    /courses training courses and cards
help-admin = Administrators:
    /import_regions load provinces, counties and neighbourhoods (CSV file)

cancel-done = The current task was cancelled.
cancel-nothing = There is nothing to cancel.

error-generic = Sorry, something went wrong and your request was not completed. Please try again.
error-unsupported-input = I can't read this kind of message. Please type text or use the buttons. Help: /help
error-gone = What this message or button refers to is no longer available, or has changed meanwhile. Please start again. Help: /help
error-text-too-long = Your text is too long ({$length} characters). At most {$limit} characters are allowed.
error-text-too-short = Your text is too short. Please write at least {$limit} characters.
error-denied = You are not allowed to do this. Nothing was saved. Help: /help

menu-members = 👥 Council members
menu-add-member = ➕ New member
menu-invite = 🔗 Invitation and links
menu-profile = 📋 Neighbourhood profile
menu-join = 🏘 My neighbourhood
menu-help = ❓ Help
menu-lang = 🌐 زبان / Language
menu-plan = 🗂 Plans
menu-courses = 🎓 Courses
menu-verify = 🔎 Verify a card
menu-more = ⋯ More…
menu-back = ↩️ Back
# A menu button with a number (the inbox's requests waiting for an answer); any label is
# recognised with or without it, so keep {$label} and {$count} in this one message only.
menu-counted = {$label} ({$count})
menu-more-title = Choose one of the other tasks below:
menu-back-title = Main menu:

# How long ago: unit is now, minutes, hours, days or months (services.jalali.age).
age-ago = { $unit ->
        [now] just now
        [minutes] {$count} min ago
        [hours] {$count} h ago
        [days] {$count} d ago
       *[months] {$count} months ago
    }

role-title = {$role} — {$place}
role-title-committee_head = Head of the {$committee} committee — {$place}
role-title-liaison = {$agency} liaison — {$place}

command-start = Start
command-help = Help
command-cancel = Cancel
command-lang = Change language
