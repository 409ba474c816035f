# ‎/profile: the neighbourhood profile (شناسنامه محله), read by the manager and officials, edited by the manager.

profile-not-allowed = شناسنامهٔ محله را فقط مدیر همان محله و مسئولان شهرستان و استانِ آن می‌بینند.
profile-not-manager = ویرایش شناسنامهٔ محله فقط کار مدیر همان محله است. چیزی تغییر نکرد.
profile-ask-neighbourhood = شناسنامهٔ کدام محله را می‌خواهید؟ کد یا نام محله را بنویسید (برای انصراف ‎/cancel):
profile-no-match = محله‌ای با نام یا کد «{$query}» پیدا نشد. کد یا نام دیگری بنویسید:
profile-pick = کدام محله؟

profile-title = 📋 شناسنامهٔ محلهٔ «{$name}» (کد {$code})
profile-line = • {$field}: {$value}
profile-facilities-title = امکانات:
profile-problems-title = مسائل اصلی محله:
profile-updated = آخرین به‌روزرسانی: {$at}
profile-not-set = ثبت نشده
profile-people = {$count} نفر
profile-hectares = {$area} هکتار
profile-no-programmes = هیچ‌کدام
profile-empty-hint = هنوز چیزی در این شناسنامه ثبت نشده است. با دکمه‌های زیر آن را کامل کنید.

profile-field-kind = نوع
profile-kind-urban = شهری
profile-kind-rural = روستایی
profile-field-population = جمعیت
profile-field-households = تعداد خانوار
profile-field-area_hectares = مساحت
profile-field-schools = مدرسه
profile-field-health_centres = مرکز بهداشتی و درمانی
profile-field-mosques = مسجد
profile-field-parks = پارک
profile-field-main_problems = مسائل اصلی
profile-field-programmes = برنامه‌های ملی
profile-field-council_formed_on = تاریخ تشکیل شورا

programme-tarh_2020 = طرح ۲۰۲۰ محلهٔ کم‌برخوردار
programme-karamat = محلهٔ کرامت
programme-eslami = محلهٔ اسلامی
programme-salam_behzisti = سلام بهزیستی
programme-tan_mehrab = تن محراب

profile-edit-button = ✏️ {$field}
profile-ask-number = «{$field}» را به عدد بنویسید (اکنون: {$current}). برای پاک کردن «-» بفرستید، برای انصراف ‎/cancel:
profile-ask-area = مساحت محله را به هکتار بنویسید، مثلاً ۱۲۰ یا ۱۲۰٫۵ (اکنون: {$current}). برای پاک کردن «-» بفرستید، برای انصراف ‎/cancel:
profile-ask-date = تاریخ تشکیل شورا را به تاریخ شمسی بنویسید، مثلاً ۱۴۰۲/۰۷/۱۵ (اکنون: {$current}). برای پاک کردن «-» بفرستید، برای انصراف ‎/cancel:
profile-ask-problems = مسائل اصلی محله را بنویسید (حداکثر {$limit} نویسه؛ هر مسئله در یک خط). متن تازه جای متن قبلی را می‌گیرد. برای پاک کردن «-» بفرستید، برای انصراف ‎/cancel:
profile-ask-programmes = برنامه‌های ملی فعال در محله را بزنید، بعد «ثبت» را بزنید:
profile-value-expected = لطفاً مقدار را به‌صورت متن بنویسید، یا برای انصراف ‎/cancel را بفرستید.

profile-bad-number = این عدد نیست. فقط عدد بنویسید (مثلاً ۱۲۵۰۰)، بدون واحد و حروف:
profile-bad-negative = عدد منفی پذیرفته نیست. عددی از صفر به بالا بنویسید:
profile-bad-too-large = این عدد بیش از حد بزرگ است. لطفاً دوباره بررسی کنید و بنویسید:
profile-bad-households = تعداد خانوار نمی‌تواند از جمعیت محله بیشتر باشد. عدد درست را بنویسید:
profile-bad-value = این مقدار پذیرفته نشد. لطفاً دوباره بنویسید:
profile-bad-date-format = تاریخ را به شکل سال/ماه/روز شمسی بنویسید، مثلاً ۱۴۰۲/۰۷/۱۵:
profile-bad-date-year = سال باید چهاررقمی و شمسی باشد، مثلاً ۱۴۰۲/۰۷/۱۵. دوباره بنویسید:
profile-bad-date-month = ماه باید بین ۱ و ۱۲ باشد. تاریخ را دوباره بنویسید، مثلاً ۱۴۰۲/۰۷/۱۵:
profile-bad-date-day = این روز در آن ماه وجود ندارد. تاریخ را دوباره بنویسید، مثلاً ۱۴۰۲/۰۷/۱۵:
profile-bad-date-future = تاریخ تشکیل شورا نمی‌تواند در آینده باشد. تاریخ را دوباره بنویسید:
profile-saved = «{$field}» ذخیره شد ✅

command-profile = شناسنامهٔ محله
