# Officials in the chat: /grant and /revoke (appointing people by phone), /import_regions (the regions CSV).

menu-grant = 👤 Appoint
menu-import-regions = 🗺 Import regions

admin-not-allowed = Only administrators and province or county officials can give or take roles.
admin-ask-phone-grant = Write the mobile number of the person you want to give a role to (like 09123456789), or send their contact. Send /cancel to stop.
admin-ask-phone-revoke = Write the mobile number of the person you want to take a role from (like 09123456789), or send their contact. Send /cancel to stop.
admin-bad-phone = That mobile number is not valid; it starts with 09 and has 11 digits. Write it again or send the contact:
admin-ask-role-grant = Which role should {$phone} get?
admin-ask-role-revoke = Which role should be taken from {$phone}?
admin-ask-province = Which province?
admin-ask-county = Which county?
admin-ask-neighbourhood = Write the neighbourhood's code or name:
admin-no-neighbourhood = No neighbourhood with the name or code "{$query}" was found. Write another name or code:
admin-pick-neighbourhood = Which neighbourhood?
admin-outside-scope = That place is outside your area; you can give or take this role only in your own area. Choose another place or send /cancel.
admin-no-places = No province or county in your area is registered yet. The regions must be imported first (/import_regions).
admin-ask-agency = Liaison of which executive agency?
admin-agency-all = All agencies

admin-summary-grant = Please check and confirm:
admin-summary-revoke = Please check and confirm; this role will be taken away:
admin-summary-phone = Mobile: {$phone}
admin-summary-role = Role: {$role}
admin-summary-place = Area: {$place}
admin-summary-agency = Agency: {$agency}
admin-scope-global = The whole country
admin-place-county = {$county} county ({$province} province)
admin-place-neighbourhood = the neighbourhood {$name} (code {$code}, {$county})
admin-button-grant = ✅ Give the role
admin-button-revoke = ✅ Take the role

admin-granted = ✅ {$phone} is now {$role} in {$place}.
admin-granted-new-person = This number is not on Mahalleyar yet; when its owner opens the bot on Telegram or Bale and shares their number, they will find their role.
admin-grant-unchanged = {$phone} already was {$role} in {$place}; nothing changed.
admin-revoked = ✅ {$phone} is no longer {$role} in {$place}.
admin-revoke-unchanged = {$phone} was not {$role} in {$place}; nothing changed.
admin-unknown-person = Nobody with the number {$phone} is registered on Mahalleyar; nothing changed.
admin-denied = You are not allowed to do this in that area. Nothing was saved.
admin-not-saved = That place or agency can no longer be found. Nothing was saved; please start again.

admin-import-not-admin = Only an administrator can import provinces, counties and neighbourhoods.
admin-import-ask =
    Send the regions CSV as a file (UTF-8, at most {$limit} MB). Its first line must have these columns:
    province,county,neighbourhood,code,kind
    kind: urban or rural (شهری or روستایی). If any line is wrong, nothing is imported. Send /cancel to stop.
admin-import-send-document = Please send the CSV as a file, not as a photo or text. Send /cancel to stop.
admin-import-not-csv = That file is not a CSV ({$name}). Send a file whose name ends in .csv:
admin-import-too-large = That file is larger than {$limit} MB. Split it into several files and send each one separately.
admin-import-not-utf8 = That file is not saved as UTF-8. In Excel choose "CSV UTF-8" when saving, and send it again.
admin-import-download-failed = The file could not be downloaded. Please send it again.
admin-import-done = ✅ {$rows} lines imported: {$provinces} provinces, {$counties} counties and {$created} neighbourhoods created; {$updated} neighbourhoods updated and {$unchanged} unchanged.
admin-import-selected = {$count} of them are selected neighbourhoods.
admin-import-failed = Nothing was imported. Fix these lines and send the file again (or /cancel):
admin-import-more = … and {$count} more
admin-import-problem-missing_columns = line {$line}: the header lacks the columns {$value}
admin-import-problem-empty_file = line {$line}: the file is empty; the header must be province,county,neighbourhood,code,kind
admin-import-problem-field_count = line {$line}: it has {$value} columns; it must have as many as the header
admin-import-problem-empty_field = line {$line}: the column {$field} is empty
admin-import-problem-too_long = line {$line}: the column {$field} is too long
admin-import-problem-bad_kind = line {$line}: kind must be urban or rural (شهری or روستایی), not "{$value}"
admin-import-problem-bad_selected = line {$line}: selected must be yes or no (or 1 and 0), not "{$value}"
admin-import-problem-bad_code = line {$line}: a code has only Latin letters, digits, _ and - (at most 32), not "{$value}"
admin-import-problem-duplicate_code = line {$line}: the code {$value} is also on line {$other}
admin-import-problem-code_in_other_county = line {$line}: the code {$value} already belongs to {$other}
