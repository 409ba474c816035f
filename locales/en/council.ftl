# Council management: registering members, the member list, committee staffing, invitations.

committee-health = Health & treatment
committee-livelihood = Livelihood support
committee-security = Public security
committee-culture = Cultural affairs
committee-services = Civil works & local services
committee-environment = Environment
committee-crisis = Crisis management

position-chair = Council chair
position-secretary = Council secretary
position-member = Council member

button-continue = Continue ➡️
button-skip = Skip
button-save = ✅ Save
button-cancel = ❌ Cancel
button-no-head = Heads no committee
button-deactivate = Deactivate {$name}

council-not-manager = Only the neighbourhood manager can do this.
council-use-buttons = Please press one of the buttons below, or send /cancel to stop.

member-ask-name = Write the new council member's full name:
member-bad-name = A name needs at least two letters and at most {$limit} characters. Please write it again:
member-ask-phone = Write {$name}'s mobile number (like 09123456789) or send their contact:
member-bad-phone = That mobile number is not valid; it starts with 09 and has 11 digits. Please write it again:
member-ask-position = What is {$name}'s position on the council?
member-ask-committees = Which committees is {$name} on? Press as many as needed, then Continue.
member-ask-head = Which committee does {$name} head?
member-ask-national-code = Write {$name}'s national code, or press Skip:
member-bad-national-code = That national code is not valid (10 digits with the right check digit). Write it again or press Skip:
member-summary =
    Please check and confirm:
    Name: {$name}
    Mobile: {$phone}
    Position: {$position}
    Committees: {$committees}
    Heads: {$head}
    National code: {$code}
member-none = —
member-saved = {$name} is registered on the council ✅
    When they open the bot on Telegram or Bale and share their number, they are recognised automatically.
member-head-taken = The {$committee} committee already has a head ({$holder}). Choose another committee or press "Heads no committee".
member-position-taken = The council already has a {$position} ({$holder}). Choose another position.
member-already = This number belongs to a current council member. Nothing was saved.
member-not-saved = Nothing was saved. Start again with /add_member.

members-title = Council members of "{$name}":
members-empty = No member is registered yet. Add one with /add_member.
member-line = • {$name} — {$position}{$committees}
member-line-phone = • {$name} — {$position}{$committees} — {$phone}
member-head-mark = (head)
staffing-title = Committees:
staffing-line = • {$committee}: head: {$head} | members: {$count}
staffing-no-head = none ⚠️
member-deactivated = {$name} was deactivated.

invite-created =
    Invitation to the council of "{$name}" (single use, valid until {$expires}):
    {$link}
    Residents' joining link:
    {$resident_link}
invite-accepted = You joined the council of "{$name}" as {$position} ✅
invite-unknown = This invitation link is not valid.
invite-expired = This invitation has expired. Ask your neighbourhood manager for a new one.
invite-used = This invitation was already used. Ask your neighbourhood manager for a new one.
invite-already-member = You are already a member of this council.
invite-seat-taken = The seat this invitation was for is no longer free. Ask your neighbourhood manager for a new invitation.

# Editing a member from /members.
button-edit = ✏️ Edit {$name}
button-edit-more = ✏️ Change something else
button-clear-national-code = No national code
member-field-name = Name
member-field-phone = Mobile number
member-field-position = Position
member-field-committees = Committees and head
member-field-national_code = National code
member-edit-choose = Editing {$name}: what do you want to change? (/cancel to stop)
member-edit-ask-name = Write the new name for {$name}:
member-edit-ask-national-code = Write {$name}'s national code, or press "No national code" to remove it:
member-edit-bad-national-code = That national code is not valid (10 digits with the right check digit). Write it again or press "No national code":
member-edit-changed = Changes: {$fields}
member-edit-phone-taken = This number belongs to another council member. Write another number, or send /cancel to stop:
member-edit-unavailable = This member is no longer active on the council. To bring them back, register them again with /add_member.
member-edited = Changes to {$name} saved ✅
