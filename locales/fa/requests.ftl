# Residents' requests: the form, tracking, the committee inbox, notifications and SLA reminders.

menu-request = 📝 درخواست تازه
menu-my-requests = 📂 درخواست‌های من
menu-inbox = 📥 صندوق درخواست‌ها
command-request = ثبت درخواست یا شکایت
command-track = پیگیری درخواست با کد
command-inbox = درخواست‌های کمیتهٔ من

## Statuses and history

request-status-new = ثبت‌شده، در انتظار پاسخ
request-status-acknowledged = دیده شد
request-status-in_progress = در حال پیگیری
request-status-resolved = رفع شد (در انتظار تأیید ساکن)
request-status-reopened = دوباره باز شد
request-status-closed = بسته شد
request-status-rejected = رد شد

request-event-submitted = ثبت شد
request-event-acknowledged = کمیته آن را دید
request-event-in_progress = پیگیری آغاز شد
request-event-resolved = کمیته اعلام کرد رفع شد
request-event-rejected = رد شد
request-event-rerouted = به کمیتهٔ دیگری فرستاده شد
request-event-confirmed = ساکن تأیید کرد که رفع شده
request-event-not_fixed = ساکن گفت رفع نشده؛ دوباره باز و به مدیر محله ارجاع شد
request-event-rated = ساکن امتیاز داد
request-event-followed = ساکن دیگری هم آن را دنبال می‌کند
request-event-reminded = یادآوری به کمیته فرستاده شد
request-event-escalated = به مسئول بالاتر ارجاع شد
request-event-repeated = همین اضطرار دوباره گزارش شد

request-history-title = 🗂 تاریخچه:
request-history-line = • {$when} — {$what}
request-history-by = ({$who})
request-history-note = «{$note}»

## The request card

request-card-title = { $urgent ->
        [urgent] 🚨 درخواست فوری {$code}
       *[normal] 📨 درخواست {$code}
    } — کمیتهٔ {$committee}
request-card-neighbourhood = 🏘 محله: {$name}
request-card-status = 📌 وضعیت: {$status}
request-card-created = 🕒 ثبت: {$when}
request-card-resident = 👤 {$name} — ☎️ {$phone}
request-card-location = 📍 موقعیت روی نقشه: {$url}
request-card-photos = 📷 {$count} عکس
request-card-rating = ⭐ امتیاز ساکن: {$rating} از ۵
request-unnamed = (بی‌نام)

## The form

request-need-join = برای ثبت درخواست، اول محلهٔ خود را انتخاب کنید: ‎/join
request-daily-limit = امروز {$limit} درخواست ثبت کرده‌اید و این بیشترین تعداد در یک روز است. فردا دوباره می‌توانید درخواست بدهید. اگر موضوع اضطراری است، همین حالا تماس بگیرید:
request-ask-text = 📝 مشکل یا درخواست خود را بنویسید: چه شده و کجا؟ (می‌توانید عکس هم با توضیح بفرستید.)
    برای انصراف: ‎/cancel
request-text-too-short = توضیح خیلی کوتاه است؛ لطفاً دست‌کم {$min} حرف بنویسید تا کمیته بداند چه شده است.
request-text-too-long = توضیح بلند است ({$length} حرف)؛ لطفاً آن را در کمتر از {$max} حرف خلاصه کنید.
request-text-expected = لطفاً مشکل را با متن بنویسید (یا عکسی همراه با توضیح بفرستید).
request-attachment-needs-text = دریافت شد. حالا در یکی دو جمله بنویسید مشکل چیست.
request-propose-committee = به نظر می‌رسد این درخواست به کمیتهٔ «{$committee}» مربوط است. درست است؟
request-button-yes-committee = ✅ بله، همین کمیته
request-button-other-committee = 🔀 کمیتهٔ دیگر
request-danger-now-question = ⚠️ اگر همین حالا جان کسی یا خانه‌ای در خطر است، دکمهٔ زیر را بزنید تا گزارش شما فوری و با علامت «اضطراری» به مسئولان محله برسد؛ و همین حالا تماس بگیرید:
request-button-danger-now = 🚨 بله، همین حالا خطر هست
request-choose-committee = این درخواست به کدام کمیته مربوط است؟
request-similar-found = درخواست مشابهی در محلهٔ شما باز است:

    {$card}

    می‌خواهید همین را دنبال کنید؟ هر تغییری در آن به شما هم خبر داده می‌شود.
request-button-follow = 🔔 همین را دنبال می‌کنم
request-button-new-anyway = 📝 درخواست من فرق دارد
request-similar-gone = آن درخواست دیگر باز نیست؛ درخواست شما جداگانه ثبت می‌شود.
request-following = 🔔 از این پس تغییرات درخواست {$code} به شما هم خبر داده می‌شود.
request-ask-extras = 📷 اگر عکس یا موقعیت (لوکیشن) دارید، بفرستید (تا {$max} عکس). بعد «ادامه» را بزنید.
request-button-next = ادامه ⬅️
request-photo-added = 📷 عکس {$count} دریافت شد.
request-photo-limit = بیش از {$max} عکس نمی‌شود؛ «ادامه» را بزنید.
request-location-added = 📍 موقعیت دریافت شد.
request-extras-expected = اینجا عکس یا موقعیت بفرستید، یا «ادامه» را بزنید.
request-button-expected = لطفاً یکی از دکمه‌های زیر را بزنید، یا برای انصراف ‎/cancel
request-ask-privacy = نام و شمارهٔ شما فقط به رسیدگی‌کنندگان درخواست نشان داده می‌شود. آیا نامتان در گزارش‌ها و فهرست‌های عمومی محله هم بیاید؟
request-button-public = 👤 بله، با نام من
request-button-anonymous = 🙈 نه، بی‌نام
request-submitted = ✅ درخواست شما ثبت شد و به کمیتهٔ «{$committee}» رسید.
    کد پیگیری: {$code}
    هر تغییری به شما خبر داده می‌شود؛ وضعیت را هم با ‎/track و همین کد می‌بینید.
request-form-closed = این فرم بسته شده است؛ برای درخواست تازه ‎/request را بزنید.

## Emergencies

request-emergency = 🚨 اگر جان کسی در خطر است، همین حالا تماس بگیرید:
request-emergency-sent-crisis = گزارش شما با کد پیگیری {$code} فوراً به کمیتهٔ مدیریت بحران محله رسید.
request-emergency-sent-manager = گزارش شما با کد پیگیری {$code} فوراً و با علامت «فوری» به مدیر محله رسید.
request-emergency-attached = گزارش شما به گزارش اضطراری {$code} افزوده شد که همین حالا در دست مسئولان محله است. اگر جان کسی در خطر است، همین حالا با شماره‌های بالا تماس بگیرید.
emergency-number-line = {$service}: {$number}
emergency-service-fire = 🚒 آتش‌نشانی
emergency-service-ambulance = 🚑 اورژانس
emergency-service-police = 🚓 پلیس
emergency-service-red_crescent = ⛑ هلال احمر
emergency-service-gas = 🔥 اتفاقات گاز
emergency-service-water = 💧 اتفاقات آب و فاضلاب
emergency-service-electricity = ⚡ اتفاقات برق

## Tracking

# The example between LRI and PDI, or a right-to-left line shows it as ۷۸۹-۴۵۶-۱۲۳.
request-track-ask = کد پیگیری را بفرستید (مثلاً {"\u2066"}۱۲۳-۴۵۶-۷۸۹{"\u2069"})، یا «📂 درخواست‌های من» را بزنید.
request-track-unknown = درخواستی با این کد پیدا نشد. کد ۹ رقمی را دوباره بررسی کنید.
request-track-public = 🔎 درخواست {$code}
    📌 وضعیت: {$status}
    🕒 ثبت: {$created} — آخرین تغییر: {$updated}
    جزئیات آن را فقط نویسنده و رسیدگی‌کنندگانش می‌بینند. درخواست‌های خودتان: «📂 درخواست‌های من»
request-track-too-many = کدهای زیادی را امتحان کرده‌اید. لطفاً {$minutes} دقیقهٔ دیگر دوباره بفرستید؛ درخواست‌های خودتان همیشه در «📂 درخواست‌های من» است.
request-my-title = 📂 درخواست‌های شما:
request-my-line = • {$code} — {$committee} — {$status}
request-my-empty = هنوز درخواستی ثبت نکرده‌اید. برای ثبت: ‎/request
request-button-details = 🔎 {$code}

## Closing the loop

request-button-fixed = 👍 بله، رفع شد
request-button-not-fixed = 👎 نه، رفع نشده
request-button-rate = {$stars} ⭐
request-closed-thanks = 🙏 ممنون! درخواست {$code} بسته شد. به رسیدگی از ۱ تا ۵ چه امتیازی می‌دهید؟
request-reopened = درخواست {$code} دوباره باز شد و به مدیر محله ارجاع شد. نتیجه را به شما خبر می‌دهیم.
request-rated = 🙏 امتیاز {$rating} از ۵ ثبت شد. ممنون از همراهی شما.
request-invalid-state = این کار دیگر ممکن نیست: وضعیت درخواست اکنون «{$status}» است.
request-not-found = این درخواست پیدا نشد.

## What the resident (and followers) are told

request-told-acknowledged = 👀 کمیتهٔ «{$committee}» درخواست {$code} شما را دید و بررسی می‌کند.
request-told-in_progress = 🛠 پیگیری درخواست {$code} در کمیتهٔ «{$committee}» آغاز شد.
request-told-resolved = ✅ کمیتهٔ «{$committee}» می‌گوید درخواست {$code} رفع شده است.
    توضیح: {$note}
    آیا واقعاً رفع شد؟
request-told-resolved-follower = ✅ کمیتهٔ «{$committee}» می‌گوید درخواست {$code} که دنبال می‌کنید رفع شده است.
    توضیح: {$note}
request-told-rejected = ❌ کمیتهٔ «{$committee}» درخواست {$code} را رد کرد.
    دلیل: {$note}
request-told-rerouted = ↪️ درخواست {$code} برای رسیدگی به کمیتهٔ «{$committee}» فرستاده شد.

## What handlers are told

request-notice-new = 📨 درخواست تازه برای کمیتهٔ شما (کد {$code}). با دکمه‌های زیر پاسخ دهید؛ ساکن از هر تغییر باخبر می‌شود.
request-notice-emergency = 🚨 گزارش اضطراری (کد {$code})! شماره‌های امدادی برای ساکن فرستاده شد. لطفاً فوراً پیگیری کنید.
request-notice-emergency-repeated = 🚨 گزارش اضطراری {$code} دوباره رسید: «{$text}». هنوز باز است؛ لطفاً فوراً پیگیری کنید. (تکرارهای بعدی در تاریخچهٔ آن ثبت می‌شود و پیام تازه‌ای نمی‌فرستد.)
request-notice-rerouted = ↪️ درخواست {$code} برای رسیدگی به کمیتهٔ شما فرستاده شد.
request-notice-not-fixed = ⚠️ ساکن می‌گوید درخواست {$code} رفع نشده است. درخواست دوباره باز شد و برای پیگیری به شما (مدیر محله) ارجاع می‌شود.
request-notice-reopened = 🔁 درخواست {$code} دوباره باز شد: ساکن می‌گوید رفع نشده است.
request-sla-reminder = ⏰ یادآوری: درخواست {$code} { $clock ->
        [response] {$hours} ساعت است که پاسخی نگرفته است.
       *[resolution] {$days} روز است که باز مانده و هنوز رفع نشده است.
    }
request-sla-escalation-manager = ⚠️ ارجاع به مدیر محله: درخواست {$code} { $clock ->
        [response] {$hours} ساعت است که از کمیته پاسخی نگرفته است.
       *[resolution] {$days} روز است که باز مانده و هنوز رفع نشده است.
    }
request-sla-escalation-county = ⚠️ ارجاع به شهرستان: درخواست {$code} { $clock ->
        [response] {$hours} ساعت است که در محله پاسخی نگرفته است.
       *[resolution] {$days} روز است که باز مانده و هنوز رفع نشده است.
    }
request-button-ack = 👀 دیدم
request-button-start = 🛠 در حال پیگیری
request-button-resolve = ✅ رفع شد
request-button-reject = ❌ رد
request-button-reroute = ↪️ ارجاع به کمیتهٔ دیگر

## The inbox

inbox-title = 📥 درخواست‌های باز ({$count}):
inbox-line = { $urgent ->
        [urgent] 🚨
       *[normal] •
    } {$code} — {$committee} — {$age}
    «{$excerpt}» — {$status}
inbox-empty = 📭 درخواست بازی برای شما نیست.
inbox-not-allowed = رسیدگی به این درخواست با شما نیست.
inbox-ask-resolve-note = ✍️ در یک جمله بنویسید برای درخواست {$code} چه کاری انجام شد (برای ساکن فرستاده می‌شود):
inbox-ask-reject-reason = ✍️ دلیل رد درخواست {$code} را بنویسید (برای ساکن فرستاده می‌شود):
inbox-note-expected = لطفاً توضیح را با متن بنویسید، یا برای انصراف ‎/cancel
inbox-updated = ✅ درخواست {$code}: {$status}. به ساکن خبر داده شد.
inbox-choose-committee = درخواست {$code} به کدام کمیته برود؟
inbox-rerouted = ↪️ درخواست {$code} به کمیتهٔ «{$committee}» فرستاده شد. این اصلاح برای آموزش بعدی مسیریاب نگه داشته می‌شود.
