# Meetings and resolutions: ‎/meeting, ‎/resolutions, progress reports, and the Jalali calendar.

menu-meeting = 🗓 ثبت جلسه
menu-resolutions = 📌 مصوبات
command-meeting = ثبت جلسه و مصوبات آن (مدیر)
command-resolutions = مصوبات و پیگیری آن‌ها

## The Jalali calendar keyboard

calendar-previous = ‹ ماه قبل
calendar-next = ماه بعد ›
calendar-weekdays = ش ی د س چ پ ج
calendar-today = •{$day}•

## Dates typed by hand (shared by both forms)

resolution-bad-date-format = تاریخ را به شکل سال/ماه/روز شمسی بنویسید، مثلاً {$example}، یا روز را از تقویم بزنید:
resolution-bad-date-year = سال باید چهاررقمی و شمسی باشد، مثلاً {$example}. دوباره بنویسید یا از تقویم بزنید:
resolution-bad-date-month = ماه باید بین ۱ و ۱۲ باشد. تاریخ را دوباره بنویسید (مثلاً {$example}) یا از تقویم بزنید:
resolution-bad-date-day = این روز در آن ماه وجود ندارد (مثلاً اسفند فقط در سال کبیسه ۳۰ روز دارد). تاریخ را دوباره بنویسید (مثلاً {$example}) یا از تقویم بزنید:

## Meetings

meeting-kind-council = جلسهٔ شورای محله
meeting-kind-committee = جلسهٔ کمیته
meeting-kind-county_session = جلسهٔ شهرستان
meeting-kind-official_visit = بازدید مسئولان (سفر استاندار یا فرماندار)

meeting-not-manager = ثبت جلسه فقط برای مدیر محله است.
meeting-ask-kind = 🗓 ثبت جلسهٔ تازه. چه جلسه‌ای بود؟
    برای انصراف: ‎/cancel
meeting-ask-committee = جلسهٔ کدام کمیته بود؟
meeting-ask-date = جلسه چه روزی برگزار شد؟ تاریخ شمسی را بنویسید (مثلاً {$example}) یا روز را از تقویم بزنید:
meeting-date-expected = لطفاً تاریخ جلسه را بنویسید (مثلاً {$example}) یا روز را از تقویم زیر بزنید.
meeting-date-future = جلسه‌ای را ثبت می‌کنیم که برگزار شده است؛ تاریخ نمی‌تواند بعد از امروز باشد. تاریخ را دوباره بنویسید یا از تقویم بزنید:
meeting-date-too-old = این تاریخ خیلی قدیمی است (پیش از {$limit}). تاریخ را دوباره بنویسید یا از تقویم بزنید:
meeting-ask-attendance = چه کسانی از اعضای شورا حاضر بودند؟ روی نام هر حاضر بزنید (دوباره زدن، علامت را برمی‌دارد)، بعد «ادامه» را بزنید.
meeting-attendee-present = ✅ {$name}
meeting-no-members = هنوز عضوی در شورا ثبت نشده است؛ حاضران را در قسمت مهمانان بنویسید.
meeting-ask-guests = مهمانان یا حاضران دیگر (مثلاً نمایندهٔ شهرداری) را بنویسید (حداکثر {$max} حرف)، یا «رد کردن» را بزنید:
meeting-guests-expected = لطفاً نام مهمانان را به صورت متن بنویسید یا «رد کردن» را بزنید.
meeting-guests-too-long = فهرست مهمانان بلند است ({$length} حرف)؛ حداکثر {$max} حرف بنویسید:
meeting-ask-minutes = صورت‌جلسه را بنویسید (حداکثر {$max} حرف)، یا عکس برگهٔ امضاشدهٔ صورت‌جلسه را بفرستید، یا «رد کردن» را بزنید:
meeting-minutes-expected = لطفاً متن صورت‌جلسه یا عکس برگهٔ امضاشده را بفرستید، یا «رد کردن» را بزنید.
meeting-minutes-too-long = صورت‌جلسه بلند است ({$length} حرف)؛ حداکثر {$max} حرف بنویسید یا عکس برگهٔ امضاشده را بفرستید:
meeting-minutes-photo-attached = 📷 عکس صورت‌جلسهٔ امضاشده پیوست است.
meeting-none = —
meeting-summary =
    لطفاً بررسی و تأیید کنید:
    جلسه: {$kind}
    تاریخ: {$date}
    حاضران: {$attendees}
    مهمانان: {$guests}
    صورت‌جلسه: {$minutes}
meeting-not-saved = جلسه ثبت نشد و چیزی ذخیره نشد.
meeting-attendance-changed = فهرست اعضای شورا در این فاصله تغییر کرده است؛ لطفاً حاضران را دوباره علامت بزنید. چیزی ذخیره نشد.
meeting-saved = ✅ {$kind} در تاریخ {$date} با {$attendees} عضو حاضر ثبت شد.
    مصوبات این جلسه را یکی‌یکی اضافه کنید:
meeting-offer-more = مصوبهٔ دیگری از این جلسه مانده است؟
meeting-finished = ثبت جلسه تمام شد. این جلسه {$count} مصوبه دارد؛ فهرست همهٔ مصوبات: ‎/resolutions

meeting-card-title = 🗓 {$kind} — {$date}
meeting-card-attendees = حاضران: {$names}
meeting-card-guests = مهمانان: {$guests}
meeting-card-minutes = صورت‌جلسه:
meeting-card-minutes-photo = 📷 عکس صورت‌جلسهٔ امضاشده ثبت شده است.
meeting-card-no-minutes = صورت‌جلسه ثبت نشده است.

## Adding a resolution

resolution-not-manager = افزودن مصوبه فقط برای مدیر محله است.
resolution-meeting-label = {$kind} {$date}
resolution-ask-text = 📌 متن مصوبه را بنویسید: چه کاری باید انجام شود؟
    برای انصراف: ‎/cancel
resolution-ask-text-meeting = 📌 مصوبهٔ تازه برای «{$meeting}». متن مصوبه را بنویسید: چه کاری باید انجام شود؟
    برای انصراف: ‎/cancel
resolution-text-limits = (دست‌کم {$min} و حداکثر {$max} حرف)
resolution-text-expected = لطفاً متن مصوبه را به صورت نوشته بفرستید.
resolution-text-too-short = متن مصوبه خیلی کوتاه است؛ دست‌کم {$min} حرف بنویسید.
resolution-text-too-long = متن مصوبه بلند است ({$length} حرف)؛ لطفاً آن را در کمتر از {$max} حرف خلاصه کنید.
resolution-ask-responsible = مسئول انجام این مصوبه کیست؟
resolution-kind-committee = 🏷 یکی از کمیته‌های شورا
resolution-kind-agency = 🏢 یک دستگاه اجرایی (رابط آن در شهرستان)
resolution-kind-member = 👤 یکی از اعضای شورا
resolution-ask-committee = کدام کمیته؟
resolution-ask-agency = کدام دستگاه؟ رابط آن دستگاه در شهرستان پیگیر خواهد بود.
resolution-ask-member = کدام عضو شورا؟
resolution-no-members = هنوز عضوی در شورا ثبت نشده است؛ کمیته یا دستگاه را انتخاب کنید.
resolution-button-back = ↩️ بازگشت
resolution-ask-deadline = مهلت انجام تا چه روزی است؟ تاریخ شمسی را بنویسید (مثلاً {$example}) یا روز را از تقویم بزنید:
resolution-deadline-expected = لطفاً مهلت را به صورت تاریخ بنویسید (مثلاً {$example}) یا روز را از تقویم زیر بزنید.
resolution-deadline-too-old = این مهلت بیش از یک سال پیش است (پیش از {$limit}). شاید سال اشتباه نوشته شده؛ دوباره بنویسید یا از تقویم بزنید:
resolution-deadline-too-far = این مهلت خیلی دور است (بعد از {$limit}). مهلتی نزدیک‌تر بنویسید یا از تقویم بزنید:
resolution-deadline-doubt-past = ⚠️ مهلت {$deadline} گذشته است؛ امروز {$date} است. با این مهلت، مصوبه از همان روز ثبت «گذشته از مهلت» شمرده می‌شود.
resolution-deadline-doubt-before-meeting = ⚠️ مهلت {$deadline} پیش از تاریخ خود جلسه ({$date}) است؛ مهلت مصوبه‌های یک جلسه معمولاً بعد از آن است.
resolution-deadline-doubt-question = همین تاریخ بماند یا تاریخ دیگری انتخاب می‌کنید؟ تاریخ تازه را همین‌جا هم می‌توانید بنویسید.
resolution-button-keep-deadline = بله، همین تاریخ بماند
resolution-button-other-deadline = 📅 انتخاب تاریخ دیگر
resolution-ask-priority = مهلت: {$deadline}. اولویت این مصوبه چیست؟
resolution-use-buttons = لطفاً یکی از دکمه‌های زیر را بزنید، یا برای انصراف ‎/cancel را بفرستید.
resolution-summary =
    لطفاً بررسی و تأیید کنید:
    مصوبه: {$text}
    مسئول: {$who}
    مهلت: {$deadline}
    اولویت: {$priority}
resolution-summary-meeting = جلسه: {$meeting}
resolution-not-saved = مصوبه ثبت نشد و چیزی ذخیره نشد.
resolution-responsible-gone = مسئولی که انتخاب کرده بودید دیگر در دسترس نیست (مثلاً عضو از شورا رفته است). لطفاً مسئول را دوباره انتخاب کنید؛ چیزی ذخیره نشد.
resolution-saved = ✅ مصوبهٔ شمارهٔ {$id} برای {$who} ثبت شد.
resolution-button-add-to-meeting = ➕ افزودن مصوبه به این جلسه
resolution-button-meeting-done = ✔️ تمام
resolution-form-closed = این فرم دیگر باز نیست.

## Responsible bodies, priorities and statuses

resolution-responsible-committee = کمیتهٔ {$committee}
resolution-responsible-agency = {$agency} (رابط شهرستان)
resolution-responsible-member = {$name}

resolution-priority-low = کم
resolution-priority-normal = معمولی
resolution-priority-high = زیاد
resolution-priority-urgent = 🚨 فوری

resolution-status-open = باز
resolution-status-in_progress = در حال انجام
resolution-status-done = انجام شد
resolution-status-cancelled = لغو شد

resolution-overdue-by = ({$days} روز گذشته از مهلت)
resolution-due-today = (مهلت: امروز)
resolution-days-left = ({$days} روز مانده)

## The resolution card, list lines and history

resolution-card-title = { $state ->
        [overdue] 🔴
        [soon] 🟠
        [done] ✅
        [cancelled] ✖️
       *[open] 📌
    } مصوبهٔ شمارهٔ {$id}
resolution-card-place = 🏘 محله: {$name}
resolution-card-responsible = 👤 مسئول: {$who}
resolution-card-deadline = ⏳ مهلت: {$deadline} {$left}
resolution-card-priority = ⚡ اولویت: {$priority}
resolution-card-status = 📈 وضعیت: {$status} — پیشرفت {$progress}٪
resolution-card-meeting = 🗓 از {$kind} {$date}

resolution-line = { $state ->
        [overdue] 🔴
        [soon] 🟠
        [done] ✅
        [cancelled] ✖️
       *[open] ⚪
    } {$id}. {$text}
    👤 {$who} | ⏳ {$deadline} {$left} | {$progress}٪ {$status}
resolution-line-place = 🏘 {$name}

resolution-history-title = 🗂 تاریخچهٔ مصوبهٔ شمارهٔ {$id}: {$text}
resolution-history-line = • {$when} — {$what} — پیشرفت {$progress}٪، {$status}
resolution-history-by = ({$who})
resolution-history-note = «{$note}»
resolution-event-created = ثبت شد
resolution-event-progress = پیشرفت گزارش شد
resolution-event-status = وضعیت تغییر کرد
resolution-event-note = توضیح اضافه شد
resolution-event-done = انجام شد
resolution-event-cancelled = لغو شد
resolution-event-reopened = دوباره باز شد
resolution-event-action = اقدامی برای آن ثبت شد

## Notifications

resolution-notice-new = 📌 مصوبهٔ تازه به عهدهٔ شما (شمارهٔ {$id}):
resolution-notice-updated = 📈 مصوبهٔ شمارهٔ {$id} به‌روز شد (به دست {$who}):
resolution-notice-note = توضیح: «{$note}»
resolution-button-update = 📈 ثبت پیشرفت
resolution-button-history = 🗂 تاریخچه
resolution-button-open = 🔎 {$id}

## ‎/resolutions

resolutions-title = 📌 مصوبات محلهٔ «{$name}» — {$filter}
resolutions-title-committee = 🏷 کمیتهٔ {$committee}
resolutions-mine-title = 👤 مصوباتی که به عهدهٔ شماست — {$filter}
resolutions-page = {$count} مصوبه — صفحهٔ {$page} از {$pages}
resolutions-empty = مصوبه‌ای در این فهرست نیست.
resolutions-filter-open = باز
resolutions-filter-due_soon = مهلت نزدیک
resolutions-filter-overdue = گذشته از مهلت
resolutions-filter-done = انجام‌شده
resolutions-filter-all = همه
resolutions-filter-current = • {$label} •
resolutions-button-committee = 🏷 کمیته
resolutions-all-committees = همهٔ کمیته‌ها
resolutions-button-mine = 👤 به عهدهٔ من
resolutions-button-neighbourhood = 🏘 همهٔ مصوبات محله
resolutions-button-previous = ‹ قبلی
resolutions-button-next = بعدی ›
resolutions-button-add = ➕ مصوبهٔ تازه
resolutions-not-allowed = شما به این مصوبات دسترسی ندارید.
resolutions-unknown-code = محله‌ای با کد «{$code}» پیدا نشد.
resolutions-official-hint = برای دیدن مصوبات یک محله، کد آن را بعد از فرمان بنویسید، مثلاً: ‎/resolutions 1001

## Reporting progress

resolution-ask-progress = 📈 مصوبهٔ شمارهٔ {$id}: {$text}
    اکنون: {$status}، پیشرفت {$progress}٪
    درصد پیشرفت را بزنید یا عددی از ۰ تا ۱۰۰ بنویسید؛ برای تغییر وضعیت «تغییر وضعیت» را بزنید:
resolution-progress-button = {$progress}٪
resolution-button-status = 🔄 تغییر وضعیت
resolution-ask-status = وضعیت تازهٔ مصوبه را انتخاب کنید:
resolution-bad-progress = درصد پیشرفت باید عددی از ۰ تا ۱۰۰ باشد (مثلاً ۶۰). دوباره بنویسید یا یکی از دکمه‌ها را بزنید:
resolution-progress-contradicts = پیشرفت ۱۰۰٪ یعنی انجام شده، و مصوبهٔ انجام‌شده پیشرفت ۱۰۰٪ دارد. لطفاً دوباره انتخاب کنید:
resolution-ask-note = توضیح کوتاهی بنویسید (چه شد؟ حداکثر {$max} حرف)، یا «بدون توضیح» را بزنید:
resolution-button-no-note = بدون توضیح
resolution-note-expected = لطفاً توضیح را به صورت متن بنویسید، یا «بدون توضیح» را بزنید.
resolution-note-too-long = توضیح بلند است ({$length} حرف)؛ حداکثر {$max} حرف بنویسید:
resolution-nothing-changed = چیزی تغییر نکرد؛ پیشرفت و وضعیت همان قبلی است.
resolution-closed = این مصوبه «{$status}» است؛ فقط مدیر محله می‌تواند آن را دوباره باز کند.
resolution-updated = ✅ مصوبهٔ شمارهٔ {$id}: {$status}، پیشرفت {$progress}٪. ثبت شد و به دیگران خبر داده شد.
