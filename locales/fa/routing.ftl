# Routing you can trust in an emergency (issue 12): two committees to choose from, and a handler's
# verdict on whether a request is an emergency.

request-propose-two-committees = این درخواست به نظر می‌رسد به کمیتهٔ «{$first}» یا «{$second}» مربوط باشد. کدام؟
request-button-emergency = 🚨 اضطراری است
request-button-not-emergency = ✅ اضطراری نیست
request-notice-marked-emergency = 🚨 درخواست {$code} را یکی از مسئولان محله «اضطراری» اعلام کرد و به کمیتهٔ مدیریت بحران رسید. لطفاً فوراً پیگیری کنید.
request-event-marked_emergency = مسئولان آن را اضطراری اعلام کردند
request-event-marked_not_emergency = مسئولان اعلام کردند اضطراری نیست
inbox-choose-committee-not-emergency = درخواست {$code} اضطراری نیست؛ به کدام کمیته برود؟
inbox-marked-emergency = 🚨 درخواست {$code} اضطراری اعلام شد و به کمیتهٔ مدیریت بحران رفت. این اصلاح برای آموزش بعدی مسیریاب نگه داشته می‌شود.
inbox-marked-not-emergency = ✅ درخواست {$code} اضطراری نیست و به کمیتهٔ «{$committee}» رفت. این اصلاح برای آموزش بعدی مسیریاب نگه داشته می‌شود.
