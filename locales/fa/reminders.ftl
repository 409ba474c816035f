# Reminders about resolutions: the morning digest, escalations and the weekly county digest.

reminder-part = (بخش {$part} از {$total})

## A resolution in a list

reminder-line = • {$neighbourhood}: {$text} — موعد {$deadline} ({$note}) — پیشرفت {$progress}٪
reminder-line-with-responsible = • {$neighbourhood}: {$text} — مسئول: {$responsible} — موعد {$deadline} ({$note}) — پیشرفت {$progress}٪
reminder-responsible-committee = کمیتهٔ {$committee}
reminder-days-overdue = {$days} روز گذشته
reminder-due-today = امروز
reminder-days-left = {$days} روز مانده

## The morning digest (one message per person)

reminder-digest-title = ⏰ یادآوری مصوبات شما — {$date}
reminder-digest-counts = از موعد گذشته: {$overdue} — موعد در {$days} روز آینده: {$soon}
reminder-digest-overdue-title = ⛔ گذشته از موعد ({$count}):
reminder-digest-soon-title = ⏳ موعد در {$days} روز آینده ({$count}):
reminder-digest-hint = برای ثبت پیشرفت یا تغییر وضعیت هر مصوبه: ‎/resolutions

## Escalations (one message per recipient and run)

reminder-escalation-title = ⚠️ ارجاع مصوبات عقب‌افتاده ({$count} مصوبه)
reminder-escalation-level-1 = به‌عنوان مدیر محله — بیش از {$days} روز از موعد گذشته ({$count}):
reminder-escalation-level-2 = به‌عنوان مسئول شهرستان — بیش از {$days} روز از موعد گذشته ({$count}):
reminder-escalation-more = …و {$count} مصوبهٔ دیگر که هیچ‌کدام بیش از این‌ها عقب نیفتاده‌اند.
reminder-escalation-hint = مسئولان این مصوبات هر روز یادآوری گرفته‌اند و کار هنوز انجام نشده است. لطفاً پیگیری کنید؛ فهرست مصوبات: ‎/resolutions

## The weekly county digest

reminder-county-digest-title = 📊 گزارش هفتگی مصوبات — هفتهٔ {$date}
reminder-county-title = 🏛 شهرستان {$county}
reminder-county-totals = مصوبات باز: {$open} (گذشته از موعد: {$overdue}) — انجام‌شده در ۷ روز گذشته: {$done}
reminder-county-requests = درخواست‌های باز مردم: {$open} (گذشته از مهلت: {$overdue})
reminder-county-plans = 🎯 برنامه‌ها: {$plans} برنامه، پیشرفت میانگین {$progress}٪ — پروژه‌های عقب‌افتاده: {$late} از {$projects}
reminder-county-neighbourhoods-title = به تفکیک محله:
reminder-county-neighbourhood = • {$name}: {$open} باز، {$overdue} عقب‌افتاده، {$done} انجام‌شده — درخواست‌ها: {$requests} باز، {$requests_overdue} گذشته از مهلت
reminder-county-more = …و {$count} محلهٔ دیگر با موارد باز؛ فهرست کامل: ‎/report
reminder-county-quiet = {$count} محلهٔ دیگر مصوبه یا درخواست بازی ندارند.
reminder-county-worst-title = 🔻 بیشترین تأخیر ({$count}):
reminder-county-hint = گزارش کامل شهرستان: ‎/report
