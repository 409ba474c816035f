# اقدامات شورا (‎/action). Keys are shared with locales/en/actions.ftl.

menu-action = ✅ ثبت اقدام
command-action = ثبت اقدام شورا (اعضای شورا و مدیر)

action-not-allowed = ثبت اقدام فقط برای مدیر محله و اعضای شورای محله است.
action-form-closed = این فرم بسته شده است. برای ثبت اقدام تازه ‎/action را بفرستید.
action-button-expected = لطفاً یکی از دکمه‌های زیر را بزنید (برای انصراف ‎/cancel).

action-ask-title = ✅ ثبت اقدام شورا
    عنوان کوتاه اقدام را بنویسید ({$min} تا {$max} نویسه)، مثلاً «لایروبی جوی خیابان شهید رجایی». برای انصراف ‎/cancel.
action-title-too-short = عنوان خیلی کوتاه است؛ دست‌کم {$min} نویسه بنویسید.
action-title-too-long = عنوان {$length} نویسه است؛ حداکثر {$max} نویسه مجاز است. کوتاه‌ترش کنید و دوباره بفرستید.
action-title-expected = لطفاً عنوان اقدام را به صورت متن بنویسید ({$min} تا {$max} نویسه).

action-ask-description = توضیح اقدام را بنویسید: چه کاری، کجا، با همکاری چه کسانی (حداکثر {$max} نویسه). اگر توضیحی ندارید «رد شدن» را بزنید.
action-button-skip = ⏭ رد شدن
action-description-too-long = توضیح {$length} نویسه است؛ حداکثر {$max} نویسه مجاز است. کوتاه‌ترش کنید و دوباره بفرستید.
action-description-expected = توضیح را به صورت متن بنویسید یا «رد شدن» را بزنید.

action-ask-committee = این اقدام کار کدام کمیته بوده است؟
action-whole-council = کل شورا

action-ask-programme = آیا این اقدام در قالب یکی از برنامه‌های ملی انجام شده است؟
action-no-programme = هیچ‌کدام

action-ask-date = اقدام در چه تاریخی انجام شد؟ تاریخ شمسی را بنویسید، مثلاً {$example}، یا «امروز» را بزنید.
action-button-today = 📅 امروز
action-bad-date-format = تاریخ را به شکل سال/ماه/روز شمسی بنویسید، مثلاً {$example}.
action-bad-date-year = سال باید چهاررقمی و شمسی باشد، مثلاً {$example}.
action-bad-date-month = ماه باید بین ۱ و ۱۲ باشد. تاریخ را دوباره بنویسید، مثلاً {$example}.
action-bad-date-day = این روز در آن ماه وجود ندارد. تاریخ را دوباره بنویسید، مثلاً {$example}.
action-date-in-future = تاریخ اقدام نمی‌تواند در آینده باشد. تاریخ انجام کار را بنویسید.
action-date-too-old = این تاریخ بیش از یک سال پیش است. اقدامات سال گذشته را ثبت کنید و کارهای قدیمی‌تر را در شناسنامهٔ محله بنویسید.
action-date-expected = تاریخ را به صورت متن بنویسید یا «امروز» را بزنید.

action-ask-photos = اگر عکسی از کار دارید بفرستید (حداکثر {$max} عکس)؛ بعد دکمهٔ زیر را بزنید.
action-button-photos-done = ✔️ عکس‌ها کافی است
action-button-no-photos = ⏭ بدون عکس
action-photo-added = عکس {$count} از {$max} رسید. عکس دیگری بفرستید یا دکمه را بزنید.
action-photo-limit = بیش از {$max} عکس نمی‌شود. دکمه را بزنید تا ادامه دهیم.
action-photos-expected = در این مرحله فقط عکس پذیرفته می‌شود.

action-ask-link = آیا این اقدام برای اجرای یکی از مصوبات باز شورا بوده است؟
action-button-resolution = 📋 {$text} ({$progress}٪)
action-button-no-link = به مصوبه‌ای مربوط نیست

action-ask-completes = آیا با این اقدام، آن مصوبه کامل انجام شد؟
action-button-completes-yes = ✅ بله، مصوبه انجام شد
action-button-completes-no = هنوز نه، بخشی از کار است

action-ask-visibility = این اقدام در تابلوی محله به ساکنان نشان داده شود؟
action-button-public = 👁 عمومی (ساکنان می‌بینند)
action-button-internal = 🔒 داخلی (فقط شورا)

action-summary-head = لطفاً بررسی کنید:
action-summary-title = عنوان: {$title}
action-summary-description = توضیح: {$description}
action-none = —
action-summary-committee = کمیته: {$committee}
action-summary-programme = برنامهٔ ملی: {$programme}
action-summary-date = تاریخ: {$date}
action-summary-photos = عکس‌ها: {$count}
action-summary-link = مصوبه: {$text}
action-summary-completes = ✅ این اقدام مصوبه را انجام‌شده ثبت می‌کند.
action-summary-public = 👁 عمومی: در تابلوی محله نمایش داده می‌شود.
action-summary-internal = 🔒 داخلی: فقط شورا می‌بیند.
action-button-save = ✅ ثبت
action-button-discard = ✖️ انصراف

action-discarded = اقدام ثبت نشد.
action-link-gone = آن مصوبه دیگر باز نیست یا پیدا نشد؛ اقدام ثبت نشد. لطفاً دوباره ‎/action را بفرستید.
action-logged-public = ✅ اقدام «{$title}» ثبت شد و در تابلوی محله (‎/feed) به ساکنان نشان داده می‌شود.
action-logged-internal = ✅ اقدام «{$title}» به صورت داخلی ثبت شد.
action-logged-completed = 📋 مصوبهٔ مربوط انجام‌شده (۱۰۰٪) ثبت شد.
