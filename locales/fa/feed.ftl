# تابلوی محله (‎/feed): اقدامات عمومی، پیشرفت مصوبات، نظرها. Keys are shared with locales/en/feed.ftl.

menu-feed = 📰 تابلوی محله
command-feed = اقدامات شورا و پیشرفت مصوبات محله

feed-need-join = برای دیدن تابلوی محله، اول به محلهٔ خود بپیوندید (‎/join یا پیوند محله).
feed-empty = هنوز اقدام یا مصوبه‌ای در تابلوی محلهٔ «{$name}» نیست. به‌زودی کارهای شورا اینجا نشان داده می‌شود.
feed-not-allowed = این کار برای شما ممکن نیست.
feed-header = 📰 تابلوی محلهٔ {$name} — {$page} از {$pages}

feed-action-title = ✅ اقدام: {$title}
feed-action-committee = کمیته: {$committee}
feed-action-programme = برنامهٔ ملی: {$programme}
feed-action-date = 📅 {$date}
feed-action-resolution = 📋 در اجرای مصوبهٔ: {$text}
feed-action-counts = 📷 {$photos} عکس | 💬 {$comments} نظر
feed-button-comment = 💬 نظر بدهید
feed-button-show-comments = نمایش نظرها ({$count})
feed-button-photos = 📷 دیدن عکس‌ها ({$count})
feed-button-prev = « قبلی
feed-button-next = بعدی »
feed-action-gone = این اقدام دیگر در تابلوی محله نیست.
feed-photos-elsewhere = عکس‌های این اقدام در پیام‌رسان دیگری فرستاده شده و اینجا قابل نمایش نیست.

feed-resolution-title = 📋 مصوبهٔ شورا
feed-resolution-progress = {$status} — پیشرفت {$progress}٪ {$bar}
feed-resolution-status-open = در انتظار اجرا
feed-resolution-status-in_progress = در حال اجرا
feed-resolution-status-done = ✅ انجام شد
feed-resolution-status-cancelled = لغو شد
feed-resolution-deadline = مهلت: {$date}
feed-resolution-done-on = انجام شد در {$date}

feed-someone = یک همسایه
feed-comment = 💬 {$author} — {$when}
    {$text}
feed-comment-hidden-reports = 🙈 با گزارش ساکنان پنهان شده و منتظر بررسی شماست.
feed-comment-hidden-manager = 🙈 به دست مدیر پنهان شده است.
feed-comment-hidden-mine = 🙈 این نظر شما پنهان شده و دیگران آن را نمی‌بینند.
feed-comment-reports = ⚠️ {$count} گزارش
feed-button-report = ⚠️ گزارش نظر نامناسب
feed-button-hide = 🙈 پنهان کن
feed-button-approve = ✅ مشکلی ندارد
feed-button-restore = ↩️ نمایش دوباره
feed-button-keep-hidden = 🙈 پنهان بماند

feed-comments-none = هنوز نظری دربارهٔ «{$title}» ثبت نشده است. شما اولین نفر باشید.
feed-comments-head = 💬 نظرها دربارهٔ «{$title}» ({$count}):
feed-comments-more = نظرهای قدیمی‌تر هم هست.
feed-button-older-comments = نظرهای قدیمی‌تر
feed-button-show-all-comments = نمایش نظرها

feed-ask-comment = نظر خود را دربارهٔ «{$title}» بنویسید (حداکثر {$max} نویسه). نظر شما با نام کوچکتان به ساکنان محله نشان داده می‌شود. برای انصراف ‎/cancel.
feed-comment-too-short = نظر خیلی کوتاه است. لطفاً کامل‌تر بنویسید.
feed-comment-too-long = نظر شما {$length} نویسه است؛ حداکثر {$max} نویسه مجاز است. کوتاه‌ترش کنید و دوباره بفرستید.
feed-comment-expected = لطفاً نظرتان را به صورت متن بنویسید (حداکثر {$max} نویسه)، یا ‎/cancel.
feed-comment-added = ✅ نظر شما ثبت شد. سپاس از همراهی‌تان.
feed-comment-gone = این نظر دیگر نمایش داده نمی‌شود.

feed-report-own = نظر خودتان را نمی‌توانید گزارش کنید.
feed-report-reported = گزارش شما ثبت شد. سپاس؛ مدیر محله بررسی می‌کند.
feed-report-already = شما این نظر را پیش‌تر گزارش کرده‌اید.
feed-report-hidden = گزارش شما ثبت شد. این نظر تا بررسی مدیر محله پنهان شد.

feed-moderated-hidden = نظر پنهان شد.
feed-moderated-restored = نظر دوباره به ساکنان نشان داده می‌شود.
feed-notice-comment-hidden = ⚠️ یک نظر دربارهٔ اقدام «{$title}» با {$reports} گزارش ساکنان پنهان شد و منتظر بررسی شماست:
    «{$text}»
    اگر مشکلی ندارد «نمایش دوباره» را بزنید.
