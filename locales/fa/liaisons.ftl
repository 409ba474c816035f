# ‎/liaisons: the executive agencies' liaisons in a county, for county and province officials.

menu-liaisons = 🤝 رابطان دستگاه‌ها
liaisons-not-official = رابطان دستگاه‌ها را فقط مسئولان شهرستان و استان می‌بینند.
liaisons-not-allowed = این شهرستان در حوزهٔ شما نیست.
liaisons-no-counties = هنوز شهرستانی در حوزهٔ شما ثبت نشده است.
liaisons-pick-province = رابطان کدام استان؟
liaisons-pick-county = رابطان کدام شهرستان؟
liaisons-title = رابطان دستگاه‌های اجرایی در شهرستان «{$county}»:
liaisons-line = • {$agency}: {$name} — {$phone}
liaisons-line-empty = • {$agency}: تعیین نشده ⚠️
liaisons-hint = برای تعیین یا تغییر رابط یک دستگاه، دکمهٔ آن را بزنید.
liaisons-ask-phone = شمارهٔ همراه رابط «{$agency}» در شهرستان «{$county}» را بنویسید (مثل ۰۹۱۲۳۴۵۶۷۸۹) یا مخاطب او را بفرستید:
liaisons-ask-name = نام و نام خانوادگی رابط را بنویسید:
liaisons-button-use-name = ✅ {$name}
liaisons-summary =
    لطفاً بررسی و تأیید کنید:
    دستگاه: {$agency}
    شهرستان: {$county}
    رابط: {$name} — {$phone}
liaisons-replaces = به‌جای رابط فعلی: {$name}
liaisons-saved = «{$name}» رابط «{$agency}» در شهرستان «{$county}» شد ✅
liaisons-unknown-agency = این دستگاه شناخته نیست. دوباره ‎/liaisons را بفرستید.
