# The programme's people: training courses (‎/courses, ‎/new_course), appointment letters and ID
# cards (‎/my_documents, ‎/card_photo), and checking a card (‎/verify and the web page).

command-courses = دوره‌های آموزشی
command-verify = استعلام کارت شناسایی

## Courses: the organiser's form

course-not-official = ساختن و گرداندن دوره‌های آموزشی کار فرمانداری و استانداری است.
course-ask-title = 🎓 دورهٔ آموزشی تازه. عنوان دوره را بنویسید (مثلاً «آشنایی با مدیریت محله‌محور»):
    برای انصراف: ‎/cancel
course-title-expected = لطفاً عنوان دوره را به صورت متن بنویسید.
course-title-too-short = عنوان دوره کوتاه است؛ دست‌کم {$min} حرف بنویسید:
course-title-too-long = عنوان دوره بلند است ({$length} حرف)؛ حداکثر {$max} حرف بنویسید:
course-ask-audience = دوره برای چه کسانی است؟ هر گروه را بزنید (دوباره زدن، علامت را برمی‌دارد)، بعد «ادامه» را بزنید.
course-audience-chosen = ✅ {$role}
course-audience-needed = دست‌کم یک گروه را انتخاب کنید.
course-ask-sessions =
    جلسه‌های دوره را بنویسید، هر جلسه در یک سطر: تاریخ شمسی، ساعت و محل. مثلاً:
    {$example}
course-sessions-expected = لطفاً جلسه‌ها را به صورت متن بنویسید، هر جلسه در یک سطر (مثلاً {$example}).
course-bad-session-format = سطر {$line} را نفهمیدم. هر سطر: تاریخ، ساعت و محل، مثلاً {$example}
course-bad-session-date = تاریخ سطر {$line} درست نیست (سال/ماه/روز شمسی، مثلاً {$example}).
course-bad-session-time = ساعت سطر {$line} درست نیست (ساعت:دقیقه، مثلاً ۱۶:۳۰).
course-bad-session-place = محل سطر {$line} بلند است؛ کوتاه‌تر بنویسید.
course-bad-session-past = زمان سطر {$line} گذشته است؛ جلسه‌های آینده را بنویسید.
course-bad-session-count = جلسه‌ها زیادند؛ حداکثر {$max} جلسه بنویسید.
course-summary =
    لطفاً بررسی و تأیید کنید:
    دوره: {$title}
    برگزارکننده: {$place}
    برای: {$audience}
    جلسه‌ها:
    {$sessions}
    شرط پایان دوره: حضور در دست‌کم {$share}٪ جلسه‌ها
course-saved = ✅ دورهٔ «{$title}» ثبت شد. اکنون می‌توانید {$audience} را دعوت کنید.
course-not-saved = دوره ثبت نشد.
course-form-closed = این فرم بسته شده است.
course-use-buttons = لطفاً یکی از دکمه‌ها را بزنید.
course-example-place = سالن جلسات فرمانداری
course-session-line = {$number}. {$when} — {$place}

## Courses: lists and the organiser's view

course-none = هنوز دوره‌ای برای شما نیست.
course-mine-title = 🎓 دوره‌های شما:
course-mine-line =
    «{$title}» ({$place}) — {$status}
    حضور: {$attended} از {$sessions} جلسه
course-status-invited = دعوت شده‌اید
course-status-confirmed = حضورتان را تأیید کرده‌اید
course-status-declined = نمی‌آیید
course-status-completed = ✅ دوره را گذرانده‌اید
course-organised-title = 🗂 دوره‌هایی که برگزار می‌کنید:
course-organised-line = «{$title}» — {$place}، {$sessions} جلسه
course-button-new = ➕ دورهٔ تازه
course-button-open = {$title}
course-detail =
    🎓 «{$title}» — {$place}
    برای: {$audience}
    شرط پایان دوره: حضور در دست‌کم {$share}٪ جلسه‌ها
    جلسه‌ها:
    {$sessions}
course-participants-title = شرکت‌کنندگان ({$count}):
course-participants-none = هنوز کسی دعوت نشده است.
course-participant-line = {$name} — {$role}، {$place}: {$status}، حضور {$attended} از {$sessions}
course-button-invite = 📨 دعوت از همه
course-button-session = ✔️ حضور و غیاب جلسهٔ {$number}
course-button-issue = 📜 حکم و کارت: {$name}
course-invited =
    📨 {$count} نفر دعوت شدند ({$already} نفر پیش‌تر دعوت شده بودند).
    {$told}
course-invited-none = کسی برای دعوت نماند: {$already} نفر پیش‌تر دعوت شده‌اند و کس دیگری با این نقش‌ها در {$place} نیست.
course-ask-attendance = حضور و غیاب جلسهٔ {$number} ({$when}): روی نام هر حاضر بزنید (دوباره زدن، علامت را برمی‌دارد)، بعد «پایان» را بزنید.
course-attendee-present = ✅ {$name}
course-attendee-absent = ▫️ {$name}
course-attendance-none = هنوز شرکت‌کننده‌ای در این دوره نیست؛ اول دعوت کنید.
course-button-done = پایان
course-attendance-saved = حضور و غیاب جلسهٔ {$number} ثبت شد: {$present} نفر حاضر. {$completed} نفر دوره را تا اینجا گذرانده‌اند.

## Courses: what participants are told

course-invitation =
    🎓 دعوت به دورهٔ آموزشی «{$title}» ({$place})
    جلسه‌ها:
    {$sessions}
    برای گذراندن دوره باید در دست‌کم {$share}٪ جلسه‌ها حاضر باشید. می‌آیید؟
course-button-confirm = ✅ می‌آیم
course-button-decline = ✖ نمی‌توانم بیایم
course-answer-confirmed = ✅ حضورتان در دورهٔ «{$title}» ثبت شد. روز پیش از هر جلسه یادآوری می‌فرستیم.
course-answer-declined = پاسخ شما ثبت شد: در دورهٔ «{$title}» شرکت نمی‌کنید. اگر نظرتان عوض شد، دکمهٔ «می‌آیم» زیر دعوت‌نامه را بزنید.
course-not-invited = شما به این دوره دعوت نشده‌اید.
course-reminder =
    ⏰ یادآوری: فردا جلسهٔ دورهٔ «{$title}» است.
    {$session}
course-completed-notice = 🎉 دورهٔ آموزشی «{$title}» را با موفقیت گذراندید. حکم و کارت شناسایی‌تان را فرمانداری صادر می‌کند.

## Letters and cards: issuing

document-ask-reason =
    {$name} هنوز دورهٔ آموزشی لازم را نگذرانده است. اگر باز هم حکم و کارت صادر می‌کنید، دلیل آن را بنویسید (در گزارش رویدادها ثبت می‌شود):
    برای انصراف: ‎/cancel
document-reason-expected = لطفاً دلیل را به صورت متن بنویسید.
document-reason-too-short = دلیل کوتاه است؛ دست‌کم {$min} حرف بنویسید:
document-reason-too-long = دلیل بلند است ({$length} حرف)؛ حداکثر {$max} حرف بنویسید:
document-not-appointed = {$name} مدیر یا عضو شورای محله نیست؛ حکم و کارت فقط برای آن‌هاست.
document-issued =
    📜 حکم و کارت شناسایی {$name} صادر شد ({$numbers}).
    {$told}
document-issued-again = حکم و کارت {$name} پیش‌تر صادر شده بود ({$numbers})؛ دوباره فرستاده شد.
document-issued-notice = 📜 حکم انتصاب و کارت شناسایی شما صادر شد ({$numbers}). برای دریافت هر کدام دکمه‌اش را بزنید. برای گذاشتن عکس روی کارت: ‎/card_photo
document-button-letter = 📄 حکم انتصاب (PDF)
document-button-card = 🪪 کارت شناسایی
document-none = هنوز حکم یا کارتی برای شما صادر نشده است.
document-mine-title = مدارک شما:
document-mine-letter = 📄 حکم انتصاب {$number}
document-mine-card = 🪪 کارت شناسایی {$number}، معتبر تا {$expires}
document-caption-letter = 📄 حکم انتصاب، شمارهٔ {$number}
document-caption-card = 🪪 کارت شناسایی، شمارهٔ {$number}. رمزینهٔ روی کارت را هر کسی می‌تواند با دوربین گوشی بخواند و درستی کارت را ببیند.

## The card's photo

photo-ask = 📷 یک عکس چهره (رو به دوربین، پس‌زمینهٔ ساده) بفرستید تا روی کارت شناسایی‌تان بنشیند.
    برای انصراف: ‎/cancel
photo-expected = لطفاً یک عکس بفرستید (نه فایل یا متن).
photo-unreadable = این عکس خوانده نشد؛ عکس دیگری بفرستید.
photo-saved = ✅ عکس ذخیره شد و از این پس روی کارت شناسایی‌تان چاپ می‌شود.
photo-not-appointed = عکس کارت برای مدیران و اعضای شورای محله است.

## On the letter (in the deployment's default language)

letter-heading = بسمه تعالی
letter-office = فرمانداری شهرستان {$county}
letter-number = شماره: {$number}
letter-date = تاریخ: {$date}
letter-title = حکم انتصاب
letter-salutation = جناب آقای / سرکار خانم {$name}
letter-body-course = نظر به تعهد و شایستگی جنابعالی و گذراندن دورهٔ آموزشی «{$course}»، به موجب این حکم به سمت {$role} «{$neighbourhood}» در شهرستان {$county} منصوب می‌شوید.
letter-body = نظر به تعهد و شایستگی جنابعالی، به موجب این حکم به سمت {$role} «{$neighbourhood}» در شهرستان {$county} منصوب می‌شوید.
letter-duties = امید است با همکاری اعضای شورای پیشرفت محله، دستگاه‌های اجرایی و مردم محله، در شناخت و پیگیری نیازهای محله و اجرای مصوبات شورا موفق باشید.
letter-signature-office = فرماندار شهرستان {$county}
letter-signature-hint = محل امضا و مهر
letter-footer = این حکم با شمارهٔ {$number} در سامانهٔ محله‌یار ثبت شده است.

## On the card (in the deployment's default language)

card-title = کارت شناسایی
card-subtitle = مدیریت محله‌محور · شهرستان {$county}، استان {$province}
card-neighbourhood = محله: {$name}
card-county = شهرستان: {$name}
card-number = شمارهٔ کارت: {$number}
card-issued = تاریخ صدور: {$date}
card-expires = اعتبار تا: {$date}
card-footer = برای استعلام، رمزینه را با دوربین گوشی بخوانید یا در ربات ‎/verify بزنید

## Checking a card (‎/verify, the web page)

verify-ask = 🔎 استعلام کارت شناسایی: عکس رمزینهٔ (QR) کارت، یا پیوند یا کد زیر آن را بفرستید.
    برای انصراف: ‎/cancel
verify-expected = لطفاً عکس رمزینهٔ کارت یا پیوند آن را بفرستید.
verify-no-code = در این عکس رمزینه‌ای پیدا نشد. عکس را نزدیک‌تر و روشن‌تر بگیرید و دوباره بفرستید.
verify-valid =
    ✅ این کارت معتبر است.
    {$name} — {$role}
    محلهٔ {$neighbourhood}، شهرستان {$county}
    شمارهٔ کارت {$number}، معتبر تا {$expires}
verify-expired =
    ⌛ اعتبار این کارت تمام شده است ({$expires}).
    {$name} — {$role}
    محلهٔ {$neighbourhood}، شهرستان {$county}
verify-revoked =
    ⛔ این کارت باطل شده است: دارندهٔ آن دیگر این سمت را ندارد.
    {$name} — {$role}
    محلهٔ {$neighbourhood}، شهرستان {$county}
verify-invalid = ❌ این کارت معتبر نیست: کد آن ساختگی یا دست‌کاری‌شده است، یا چنین کارتی صادر نشده است.
verify-page-title = استعلام کارت شناسایی — محله‌یار
verify-page-valid = کارت معتبر است
verify-page-expired = اعتبار کارت تمام شده است
verify-page-revoked = کارت باطل شده است
verify-page-invalid = کارت معتبر نیست
verify-page-name = نام
verify-page-role = سمت
verify-page-place = محل
verify-page-place-value = محلهٔ {$neighbourhood}، شهرستان {$county}
verify-page-number = شمارهٔ کارت
verify-page-expires = معتبر تا
verify-page-invalid-note = کد این کارت ساختگی یا دست‌کاری‌شده است، یا چنین کارتی صادر نشده است.
