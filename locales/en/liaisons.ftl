# /liaisons: the executive agencies' liaisons in a county, for county and province officials.

menu-liaisons = 🤝 Agency liaisons
liaisons-not-official = Only county and province officials see the agencies' liaisons.
liaisons-not-allowed = This county is not in your area.
liaisons-no-counties = No county in your area is registered yet.
liaisons-pick-province = Liaisons of which province?
liaisons-pick-county = Liaisons of which county?
liaisons-title = Executive agencies' liaisons in the county of {$county}:
liaisons-line = • {$agency}: {$name} — {$phone}
liaisons-line-empty = • {$agency}: not named ⚠️
liaisons-hint = To name or replace an agency's liaison, press its button.
liaisons-ask-phone = Write the mobile number of the {$agency} liaison in {$county} (like 09123456789) or send their contact:
liaisons-ask-name = Write the liaison's full name:
liaisons-button-use-name = ✅ {$name}
liaisons-summary =
    Please check and confirm:
    Agency: {$agency}
    County: {$county}
    Liaison: {$name} — {$phone}
liaisons-replaces = Replaces the current liaison: {$name}
liaisons-saved = {$name} is now the {$agency} liaison in {$county} ✅
liaisons-unknown-agency = This agency is not known. Send /liaisons again.
