# Crisis mode (‎/crisis): the manager switches it on and off; residents, council members and the
# crisis committee are told; the manager is reminded to close it after 72 hours.

menu-crisis = 🚨 حالت بحران
command-crisis = حالت بحران محله (مدیر)

## The manager's screens

crisis-not-manager = فقط مدیر محله می‌تواند حالت بحران را روشن یا خاموش کند.
crisis-off-status = 🟢 حالت بحران در محلهٔ {$neighbourhood} خاموش است.
    با روشن کردن آن، کمیتهٔ مدیریت بحران فعال می‌شود، گزارش‌های اضطراری به آن می‌رسد و به {$audience} نفر از ساکنان و اعضای شورا خبر داده می‌شود.
crisis-ask-description = ✍️ برای روشن کردن حالت بحران، کوتاه بنویسید چه شده و ساکنان چه کنند (دست‌کم {$min} و حداکثر {$max} حرف). این متن با شماره‌های امدادی برای همه فرستاده می‌شود.
    برای انصراف: ‎/cancel
crisis-description-expected = لطفاً توضیح را به صورت متن بنویسید (چه شده و ساکنان چه کنند).
crisis-description-too-short = توضیح خیلی کوتاه است؛ لطفاً دست‌کم {$min} حرف بنویسید تا ساکنان بدانند چه شده و چه کنند.
crisis-description-too-long = توضیح بلند است ({$length} حرف)؛ لطفاً آن را در کمتر از {$max} حرف خلاصه کنید.
crisis-confirm-start = ⚠️ حالت بحران در محلهٔ {$neighbourhood} روشن شود؟
    این پیام با شماره‌های امدادی برای {$audience} نفر فرستاده می‌شود:

    «{$description}»
crisis-button-confirm-start = 🚨 بله، روشن شود
crisis-button-cancel = ✖️ انصراف
crisis-started = 🚨 حالت بحران روشن شد. به {$told} نفر از ساکنان و اعضای شورا خبر داده می‌شود (پیام‌ها با سرعت مجاز پیام‌رسان، در چند دقیقه می‌رسند).
crisis-started-no-head = ⚠️ کمیتهٔ مدیریت بحران رئیس ندارد؛ تا رئیس آن تعیین نشده، گزارش‌های اضطراری به خود شما می‌رسد.
crisis-already-on = حالت بحران از {$since} روشن است.
crisis-on-status = 🚨 حالت بحران در محلهٔ {$neighbourhood} از {$since} روشن است.
    «{$description}»

    اگر وضعیت عادی شده، آن را خاموش کنید تا به {$audience} نفر خبر داده شود.
crisis-button-end = ✅ پایان حالت بحران
crisis-ask-note = ✍️ اگر می‌خواهید، یک یادداشت کوتاه برای ساکنان بنویسید (حداکثر {$max} حرف)؛ یا «بدون یادداشت» را بزنید.
crisis-button-no-note = بدون یادداشت
crisis-note-expected = لطفاً یادداشت را به صورت متن بنویسید، یا «بدون یادداشت» را بزنید.
crisis-note-too-long = یادداشت بلند است ({$length} حرف)؛ لطفاً آن را در کمتر از {$max} حرف خلاصه کنید.
crisis-confirm-end = حالت بحران در محلهٔ {$neighbourhood} خاموش شود؟ به {$audience} نفر خبر داده می‌شود.
crisis-confirm-end-note = یادداشت شما: «{$note}»
crisis-button-confirm-end = ✅ بله، خاموش شود
crisis-ended = ✅ حالت بحران خاموش شد. به {$told} نفر خبر داده می‌شود که وضعیت عادی شده است.
crisis-not-on = حالت بحران در این محله روشن نیست.
crisis-cancelled = انصراف داده شد؛ چیزی تغییر نکرد.
crisis-button-expected = لطفاً یکی از دکمه‌های زیر را بزنید (یا ‎/cancel).
crisis-form-closed = این فرم دیگر باز نیست؛ دوباره ‎/crisis را بزنید.

## What residents, council members and the crisis committee receive

crisis-notice-start = 🚨 حالت بحران در محلهٔ {$neighbourhood} اعلام شد

    {$description}

    کمیتهٔ مدیریت بحران محله فعال شده است. آرامش خود را حفظ کنید و به راهنمایی مدیر محله و نیروهای امدادی توجه کنید.
    اگر جان کسی در خطر است، همین حالا تماس بگیرید:
    {$numbers}

    برای گزارش فوری به کمیتهٔ بحران محله: ‎/request
crisis-notice-team = 🚨 حالت بحران در محلهٔ {$neighbourhood} اعلام شد و کمیتهٔ مدیریت بحران از همین حالا فعال است.
    «{$description}»

    گزارش‌های اضطراری ساکنان به رئیس کمیته می‌رسد؛ آن‌ها را در ‎/inbox ببینید و فوراً پیگیری کنید.
crisis-notice-end = ✅ حالت بحران در محلهٔ {$neighbourhood} پایان یافت و وضعیت عادی شده است. از همراهی شما سپاسگزاریم.
crisis-notice-end-note = یادداشت مدیر محله: «{$note}»
crisis-reminder = ⏰ حالت بحران در محلهٔ {$neighbourhood} از {$since} ({$hours} ساعت) روشن است.
    اگر وضعیت عادی شده، آن را خاموش کنید تا ساکنان باخبر شوند: ‎/crisis
crisis-button-open = 🚨 حالت بحران
