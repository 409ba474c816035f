# The programme's people: training courses (/courses, /new_course), appointment letters and ID
# cards (/my_documents, /card_photo), and checking a card (/verify and the web page).

command-courses = Training courses
command-verify = Check an ID card

## Courses: the organiser's form

course-not-official = Training courses are created and run by county and province officials.
course-ask-title = 🎓 A new training course. Write its title (e.g. "Introduction to neighbourhood-based management"):
    To cancel: /cancel
course-title-expected = Please write the course's title as text.
course-title-too-short = The title is short; write at least {$min} characters:
course-title-too-long = The title is long ({$length} characters); write at most {$max}:
course-ask-audience = Who is it for? Press each group (pressing again unticks it), then "Continue".
course-audience-chosen = ✅ {$role}
course-audience-needed = Choose at least one group.
course-ask-sessions =
    Write the course's sessions, one a line: Jalali date, time and place. For example:
    {$example}
course-sessions-expected = Please write the sessions as text, one a line (e.g. {$example}).
course-bad-session-format = I could not read line {$line}. Each line: date, time and place, e.g. {$example}
course-bad-session-date = The date on line {$line} is not right (Jalali year/month/day, e.g. {$example}).
course-bad-session-time = The time on line {$line} is not right (hours:minutes, e.g. 16:30).
course-bad-session-place = The place on line {$line} is long; write it shorter.
course-bad-session-past = The time on line {$line} has passed; write sessions still to come.
course-bad-session-count = Too many sessions; write at most {$max}.
course-summary =
    Please check and confirm:
    Course: {$title}
    Run by: {$place}
    For: {$audience}
    Sessions:
    {$sessions}
    To complete it: present at {$share}% of the sessions or more
course-saved = ✅ The course "{$title}" is saved. You can now invite {$audience}.
course-not-saved = The course was not saved.
course-form-closed = This form is closed.
course-use-buttons = Please press one of the buttons.
course-example-place = Governorate meeting hall
course-session-line = {$number}. {$when} — {$place}

## Courses: lists and the organiser's view

course-none = There is no course for you yet.
course-mine-title = 🎓 Your courses:
course-mine-line =
    "{$title}" ({$place}) — {$status}
    Attended: {$attended} of {$sessions} sessions
course-status-invited = you are invited
course-status-confirmed = you said you will come
course-status-declined = you are not coming
course-status-completed = ✅ you completed it
course-organised-title = 🗂 Courses you run:
course-organised-line = "{$title}" — {$place}, {$sessions} sessions
course-button-new = ➕ New course
course-button-open = {$title}
course-detail =
    🎓 "{$title}" — {$place}
    For: {$audience}
    To complete it: present at {$share}% of the sessions or more
    Sessions:
    {$sessions}
course-participants-title = Participants ({$count}):
course-participants-none = Nobody is invited yet.
course-participant-line = {$name} — {$role}, {$place}: {$status}, attended {$attended} of {$sessions}
course-button-invite = 📨 Invite everyone
course-button-session = ✔️ Attendance of session {$number}
course-button-issue = 📜 Letter and card: {$name}
course-invited =
    📨 {$count} people invited ({$already} were invited before).
    {$told}
course-invited-none = Nobody left to invite: {$already} were invited before and nobody else has these roles in {$place}.
course-ask-attendance = Attendance of session {$number} ({$when}): press the name of each person present (pressing again unticks it), then "Done".
course-attendee-present = ✅ {$name}
course-attendee-absent = ▫️ {$name}
course-attendance-none = Nobody takes part in this course yet; invite first.
course-button-done = Done
course-attendance-saved = Attendance of session {$number} saved: {$present} present. {$completed} have completed the course so far.

## Courses: what participants are told

course-invitation =
    🎓 You are invited to the training course "{$title}" ({$place})
    Sessions:
    {$sessions}
    To complete it you must be present at {$share}% of the sessions or more. Will you come?
course-button-confirm = ✅ I will come
course-button-decline = ✖ I can't come
course-answer-confirmed = ✅ You are down for the course "{$title}". A reminder comes the day before each session.
course-answer-declined = Your answer is saved: you will not take the course "{$title}". If you change your mind, press "I will come" under the invitation.
course-not-invited = You are not invited to this course.
course-reminder =
    ⏰ Reminder: the course "{$title}" meets tomorrow.
    {$session}
course-completed-notice = 🎉 You completed the training course "{$title}". The county office issues your appointment letter and ID card.

## Letters and cards: issuing

document-ask-reason =
    {$name} has not completed the required training course yet. If you issue the letter and card anyway, write why (it is kept in the audit log):
    To cancel: /cancel
document-reason-expected = Please write the reason as text.
document-reason-too-short = The reason is short; write at least {$min} characters:
document-reason-too-long = The reason is long ({$length} characters); write at most {$max}:
document-not-appointed = {$name} is neither a manager nor a council member; letters and cards are only for them.
document-issued =
    📜 The appointment letter and ID card of {$name} are issued ({$numbers}).
    {$told}
document-issued-again = The letter and card of {$name} were issued before ({$numbers}); here they are again.
document-issued-notice = 📜 Your appointment letter and ID card are issued ({$numbers}). Press a button to get each. To put your photo on the card: /card_photo
document-button-letter = 📄 Appointment letter (PDF)
document-button-card = 🪪 ID card
document-none = No letter or card has been issued to you yet.
document-mine-title = Your documents:
document-mine-letter = 📄 Appointment letter {$number}
document-mine-card = 🪪 ID card {$number}, valid until {$expires}
document-caption-letter = 📄 Appointment letter no. {$number}
document-caption-card = 🪪 ID card no. {$number}. Anyone can read the code on the card with a phone's camera and see that it is genuine.

## The card's photo

photo-ask = 📷 Send a photo of your face (facing the camera, plain background) to go on your ID card.
    To cancel: /cancel
photo-expected = Please send a photo (not a file or text).
photo-unreadable = This photo could not be read; send another one.
photo-saved = ✅ The photo is saved and will be printed on your ID card from now on.
photo-not-appointed = Card photos are for managers and council members.

## On the letter (in the deployment's default language)

letter-heading = In the name of God
letter-office = Governorate of {$county} County
letter-number = No.: {$number}
letter-date = Date: {$date}
letter-title = Letter of Appointment
letter-salutation = Dear {$name},
letter-body-course = In recognition of your commitment and competence, and having completed the training course "{$course}", you are hereby appointed {$role} of "{$neighbourhood}" in {$county} County.
letter-body = In recognition of your commitment and competence, you are hereby appointed {$role} of "{$neighbourhood}" in {$county} County.
letter-duties = We trust that, together with the neighbourhood's progress council, the executive agencies and the residents, you will succeed in understanding and following up the neighbourhood's needs and carrying out the council's resolutions.
letter-signature-office = Governor of {$county} County
letter-signature-hint = Signature and seal
letter-footer = This letter is registered in Mahalleyar under no. {$number}.

## On the card (in the deployment's default language)

card-title = ID Card
card-subtitle = Neighbourhood-based management · {$county} County, {$province} Province
card-neighbourhood = Neighbourhood: {$name}
card-county = County: {$name}
card-number = Card no.: {$number}
card-issued = Issued: {$date}
card-expires = Valid until: {$date}
card-footer = To check it, scan the code with a phone's camera or send /verify to the bot

## Checking a card (/verify, the web page)

verify-ask = 🔎 Check an ID card: send a photo of the card's QR code, or the link or code under it.
    To cancel: /cancel
verify-expected = Please send a photo of the card's code or its link.
verify-no-code = No QR code was found in this photo. Take it closer and in better light, and send it again.
verify-valid =
    ✅ This card is valid.
    {$name} — {$role}
    {$neighbourhood}, {$county} County
    Card no. {$number}, valid until {$expires}
verify-expired =
    ⌛ This card has expired ({$expires}).
    {$name} — {$role}
    {$neighbourhood}, {$county} County
verify-revoked =
    ⛔ This card is revoked: its holder no longer has this role.
    {$name} — {$role}
    {$neighbourhood}, {$county} County
verify-invalid = ❌ This card is not valid: its code is forged or altered, or no such card was issued.
verify-page-title = Check an ID card — Mahalleyar
verify-page-valid = The card is valid
verify-page-expired = The card has expired
verify-page-revoked = The card is revoked
verify-page-invalid = The card is not valid
verify-page-name = Name
verify-page-role = Role
verify-page-place = Place
verify-page-place-value = {$neighbourhood}, {$county} County
verify-page-number = Card no.
verify-page-expires = Valid until
verify-page-invalid-note = Its code is forged or altered, or no such card was issued.
