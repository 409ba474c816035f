# Announcements (‎/announce): the manager tells every resident of the neighbourhood something, a
# few times a week at most; residents who have not opened the bot get it when they do.

menu-announce = 📢 اطلاعیه
command-announce = اطلاعیه به ساکنان محله (مدیر)

## The manager's form

announce-not-manager = فقط مدیر محله می‌تواند برای ساکنان آن اطلاعیه بفرستد.
announce-limit-reached = {$neighbourhood} این هفته {$limit} اطلاعیه داشته است، یعنی سقف یک هفته. اطلاعیهٔ بعدی از {$next} ممکن است.
announce-ask = 📢 اطلاعیه به ساکنان {$neighbourhood} ({$residents} نفر؛ {$left} از {$limit} اطلاعیهٔ این هفته مانده است).
    متن را بنویسید (دست‌کم {$min} و حداکثر {$max} نویسه).
    برای انصراف: ‎/cancel
announce-text-expected = لطفاً متن اطلاعیه را به صورت نوشته بفرستید.
announce-preview = 👀 {$residents} ساکن {$neighbourhood} این را دریافت می‌کنند:
announce-button-send = ✅ بفرست
announce-button-cancel = ✖️ انصراف
announce-cancelled = اطلاعیه فرستاده نشد.
announce-button-expected = لطفاً زیر پیش‌نمایش، «✅ بفرست» یا «✖️ انصراف» را بزنید.
announce-form-closed = این فرم اطلاعیه بسته شده است؛ برای اطلاعیهٔ تازه: ‎/announce
announce-sent = 📢 اطلاعیه در راه است (این هفته {$left} اطلاعیهٔ دیگر ممکن است).
announce-told-counts = 📨 همین حالا برای {$now} ساکن فرستاده می‌شود (با سرعت مجاز پیام‌رسان، در چند دقیقه).
    ⏳ {$waiting} نفر هنوز ربات را باز نکرده‌اند و به محض ورود دریافت می‌کنند؛ این پیوند را به آنها بدهید: {$link}

## What residents receive

announce-message = 📢 اطلاعیه به ساکنان {$neighbourhood}

    {$text}
