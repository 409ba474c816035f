# /profile: the neighbourhood profile (شناسنامه محله), read by the manager and officials, edited by the manager.

profile-not-allowed = A neighbourhood's profile can be seen only by its manager and by the officials of its county and province.
profile-not-manager = Only the neighbourhood's manager can edit its profile. Nothing was changed.
profile-ask-neighbourhood = Which neighbourhood's profile do you want? Write its code or name (/cancel to stop):
profile-no-match = No neighbourhood with the name or code "{$query}" was found. Write another code or name:
profile-pick = Which neighbourhood?

profile-title = 📋 Profile of the neighbourhood "{$name}" (code {$code})
profile-line = • {$field}: {$value}
profile-facilities-title = Facilities:
profile-problems-title = Main problems:
profile-updated = Last updated: {$at}
profile-not-set = not recorded
profile-people = {$count} people
profile-hectares = {$area} hectares
profile-no-programmes = none
profile-empty-hint = Nothing has been recorded in this profile yet. Use the buttons below to fill it in.

profile-field-kind = Type
profile-kind-urban = urban
profile-kind-rural = rural
profile-field-population = Population
profile-field-households = Households
profile-field-area_hectares = Area
profile-field-schools = Schools
profile-field-health_centres = Health centres
profile-field-mosques = Mosques
profile-field-parks = Parks
profile-field-main_problems = Main problems
profile-field-programmes = National programmes
profile-field-council_formed_on = Council formed on

programme-tarh_2020 = 2020 Plan for underprivileged neighbourhoods
programme-karamat = Karamat (dignity) neighbourhood
programme-eslami = Islamic neighbourhood
programme-salam_behzisti = Salam Behzisti (welfare)
programme-tan_mehrab = Tan-e Mehrab

profile-edit-button = ✏️ {$field}
profile-ask-number = Write the new value of "{$field}" as a number (now: {$current}). Send "-" to clear it, /cancel to stop:
profile-ask-area = Write the neighbourhood's area in hectares, for example 120 or 120.5 (now: {$current}). Send "-" to clear it, /cancel to stop:
profile-ask-date = Write the date the council was formed as a Solar Hijri (Jalali) date, for example 1402/07/15 (now: {$current}). Send "-" to clear it, /cancel to stop:
profile-ask-problems = Write the neighbourhood's main problems (at most {$limit} characters; one problem per line). The new text replaces the old one. Send "-" to clear it, /cancel to stop:
profile-ask-programmes = Press the national programmes active in the neighbourhood, then press Save:
profile-value-expected = Please write the value as text, or send /cancel to stop.

profile-bad-number = That is not a number. Write only the number (for example 12500), without units or letters:
profile-bad-negative = Negative numbers are not accepted. Write a number from zero up:
profile-bad-too-large = That number is too large. Please check it and write it again:
profile-bad-households = The number of households cannot exceed the population. Write the right number:
profile-bad-value = That value was not accepted. Please write it again:
profile-bad-date-format = Write the date as year/month/day in the Solar Hijri calendar, for example 1402/07/15:
profile-bad-date-year = The year must be a four-digit Solar Hijri year, for example 1402/07/15. Write it again:
profile-bad-date-month = The month must be between 1 and 12. Write the date again, for example 1402/07/15:
profile-bad-date-day = That day does not exist in that month. Write the date again, for example 1402/07/15:
profile-bad-date-future = The council cannot have been formed in the future. Write the date again:
profile-saved = "{$field}" saved ✅

command-profile = Neighbourhood profile
