# Performance reports (services/reports/text.py): the short summary in the chat and from
# `python -m bot report`.

perf-title = 📊 گزارش عملکرد {$level ->
    [neighbourhood] محلهٔ
    [province] استان
   *[county] شهرستان
} «{$name}»
perf-period = 🗓 {$from} تا {$to}؛ در مقایسه با {$previous_from} تا {$previous_to}
perf-as-of = (تا {$when}؛ دوره هنوز تمام نشده است)
perf-name-code = {$name} ({$code})
perf-pct = {$pct}٪
perf-none = —
perf-score = {$score}
perf-score-change = {$score} ({$change})
perf-change-up = ▲{$amount}
perf-change-down = ▼{$amount}
perf-change-same = بدون تغییر

## Councils, committees, profiles, liaisons (as they stand)

perf-setup = 🏛 شوراهای تشکیل‌شده: {$formed} از {$total} | کمیته‌های دارای رئیس: {$headed} از {$committees} | شناسنامهٔ نوشته‌شده: {$profiles} از {$total}
perf-councils-new = شوراهای تازه در این دوره: {$count} ({$change})
perf-council-formed = 🏛 شورا: تشکیل‌شده در {$formed}، {$members} عضو | شناسنامه: {$profile}
perf-council-none = 🏛 شورا: تشکیل نشده ⚠️ | شناسنامه: {$profile}
perf-profile-written = نوشته‌شده ✅
perf-profile-missing = نوشته نشده ⚠️
perf-committee-head = {$committee}: {$head} ({$members} عضو)
perf-committee-headless = {$committee}: بدون رئیس ⚠️ ({$members} عضو)
perf-liaisons = 🤝 دستگاه‌های دارای رابط: {$named} از {$expected}
perf-liaisons-missing = بدون رابط: {$agencies}
perf-liaison-gap = {$agency} (در {$counties} شهرستان)

## What happened in the period

perf-meetings = 🗓 جلسات: {$count} ({$change})
perf-meetings-kinds = 🗓 جلسات: {$count}؛ {$kinds} ({$change})
perf-meeting-kind = {$kind ->
    [council] شورا
    [committee] کمیته
    [county_session] شهرستان
   *[official_visit] بازدید مسئولان
} {$count}
perf-resolutions = 📌 مصوبات این دوره: {$made} | انجام‌شده {$done} ({$done_pct}) | به‌موقع {$on_time} ({$on_time_pct}) | عقب‌افتاده {$overdue} ({$overdue_pct})
perf-resolutions-none = 📌 مصوبهٔ تازه‌ای در این دوره ثبت نشده است.
perf-overdue-now = ⏰ همهٔ مصوبات عقب‌افتاده در پایان دوره: {$count} ({$change})
perf-oldest-overdue = قدیمی‌ترین: «{$text}» در {$place}، مهلت {$deadline} ({$days} روز گذشته)، مسئول: {$who}
perf-bodies = 🐢 عقب‌افتاده به تفکیک مسئول: {$bodies}
perf-body = {$who} {$overdue} از {$made}
perf-who-committee = کمیتهٔ {$committee}
perf-who-agency = {$agency}
perf-who-member = یکی از اعضای شورا
perf-requests = 📨 درخواست‌ها: {$received} ({$change}) | پاسخ اول در مهلت {$answered} | رفع در مهلت {$resolved} | میانهٔ زمان رفع {$median} | بازگشایی {$reopened} | رضایت {$rating} | اضطراری {$emergencies}
perf-requests-none = 📨 درخواستی در این دوره نرسیده است.
perf-requests-committee = • {$committee}: {$received} | رفع در مهلت {$resolved} | میانه {$median}
perf-rating = {$rating} از ۵
perf-hours = {$count} ساعت
perf-days = {$count} روز
perf-actions = 🛠 اقدامات: {$count}، {$photos} عکس ({$change})
perf-actions-by = برنامه‌های ملی: {$programmes}
perf-programme = {$programme} {$count}
perf-untagged = بدون برنامهٔ ملی
perf-needs = 📋 نیازسنجی‌های این دوره: {$done} | آخرین نیازسنجی: {$latest}
perf-needs-none = 📋 نیازسنجی: هنوز انجام نشده است.
perf-needs-top = {$level ->
    [neighbourhood] نیازهای اصلی
   *[other] پرتکرارترین نیازها
}: {$needs}
perf-plans = 🎯 برنامه‌ها: {$plans} | پیشرفت میانگین {$progress} | پروژه‌ها {$projects}، عقب‌افتاده {$late}
perf-plans-none = 🎯 برنامه‌ها: برنامه‌ای ثبت نشده است.
perf-plan-own = • {$title}: پیشرفت {$progress} | عقب‌افتاده {$late} از {$projects} پروژه
perf-plans-more = و {$count} برنامهٔ دیگر

## Who improved, who is stuck, and each unit in a line

perf-improved = 📈 بهتر از دورهٔ قبل: {$units}
perf-stuck = ⚠️ درجا زده: {$units}
perf-ranked-improved = {$name} ({$change})
perf-ranked-stuck = {$name} ({$overdue} عقب‌افتاده)
perf-units-neighbourhoods = 🏘 محله‌ها:
perf-units-selected = ⭐ محلات منتخب:
perf-units-others = 🏘 سایر محله‌ها:
perf-units-counties = 🏙 شهرستان‌ها:
perf-unit = • {$name}: شورا {$council} | مصوبات {$done} از {$made}، عقب‌افتاده {$overdue} | درخواست {$received}، رفع در مهلت {$resolved} | اقدام {$actions} | امتیاز {$score}
perf-unit-council-yes = ✅
perf-unit-council-no = ⚠️
perf-unit-councils = {$formed} از {$total}
perf-unit-needs = نیازسنجی {$count}
perf-unit-plans = برنامه {$progress}، {$late} پروژهٔ عقب‌افتاده

## The chart and the workbook (services/reports/files.py)

perf-file-period = از {$from} تا {$to}
perf-chart-title = {$level ->
    [neighbourhood] محلهٔ
    [province] استان
   *[county] شهرستان
} «{$name}»: مصوبات به‌موقع و درخواست‌های پاسخ‌داده و رفع‌شده در مهلت
perf-chart-more = و {$count} مورد دیگر (همه در فایل اکسل)
perf-sheet-neighbourhoods = محله‌ها
perf-sheet-counties = شهرستان‌ها
perf-sheet-bodies = مسئولان مصوبات
perf-sheet-committees = درخواست‌ها به تفکیک کمیته
perf-sheet-programmes = اقدامات به تفکیک برنامه
perf-col-name = نام
perf-col-neighbourhoods = محله‌ها
perf-col-councils = شوراهای تشکیل‌شده
perf-col-members = اعضای شورا
perf-col-headed = کمیته‌های دارای رئیس
perf-col-profiles = شناسنامه‌های نوشته‌شده
perf-col-liaisons = دستگاه‌های دارای رابط
perf-col-meetings = جلسات
perf-col-made = مصوبات
perf-col-done = انجام‌شده
perf-col-on-time = انجام‌شده به‌موقع
perf-col-on-time-pct = مصوبات به‌موقع (٪)
perf-col-overdue = عقب‌افتاده
perf-col-overdue-now = همهٔ عقب‌افتاده‌ها در پایان دوره
perf-col-received = درخواست‌ها
perf-col-answered-pct = پاسخ اول در مهلت (٪)
perf-col-resolved-pct = رفع در مهلت (٪)
perf-col-median-hours = میانهٔ زمان رفع (ساعت)
perf-col-reopened = بازگشایی‌شده
perf-col-rating = میانگین رضایت (از ۵)
perf-col-emergencies = اضطراری
perf-col-actions = اقدامات
perf-col-photos = عکس‌ها
perf-col-score = امتیاز
perf-col-previous-score = امتیاز دورهٔ قبل
perf-col-selected = محلهٔ منتخب (۱ = بله)
perf-col-body = مسئول
perf-col-committee = کمیته
perf-col-programme = برنامهٔ ملی
perf-sheet-needs-plans = نیازسنجی و برنامه‌ها
perf-sheet-plans = برنامه‌های {$name}
perf-col-needs-done = نیازسنجی‌های این دوره
perf-col-needs-latest = آخرین نیازسنجی
perf-col-top-needs = نیازهای اصلی
perf-col-plans = برنامه‌ها
perf-col-plans-progress = پیشرفت میانگین برنامه‌ها (٪)
perf-col-projects = پروژه‌ها
perf-col-late-projects = پروژه‌های عقب‌افتاده
perf-col-plan = برنامه
perf-col-plan-progress = پیشرفت (٪)
perf-note-plans = پیشرفت برنامه‌ها تا امروز است، نه پایان دوره؛ پروژهٔ عقب‌افتاده: عقب از برنامهٔ زمانی، یا گذشته از پایان و ناتمام.

## The performance report in the chat (/performance)

command-performance = گزارش عملکرد با نمودار و اکسل
perf-chat-not-allowed = گزارش عملکرد برای مسئولان شهرستان و استان و مدیر محله است.
perf-pick-place = 📊 گزارش عملکرد کجا؟
perf-pick-period = 📊 گزارش عملکرد کدام دوره؟
perf-place-province = استان {$name}
perf-place-county = شهرستان {$name}
perf-place-neighbourhood = محلهٔ من
perf-period-this-month = این ماه
perf-period-last-month = ماه گذشته
perf-period-this-year = امسال
