# People just talk (handlers/talk.py): a message written outside any form starts a request.
talk-kept = پیام شما را نگه داشتم: «{$text}»
talk-kept-attachment = پیوست شما را نگه داشتم.
talk-register-first = تا به شورای محله برسد، اول باید بدانم شما کیستید: شمارهٔ همراهتان را با دکمهٔ پایین بفرستید. لازم نیست پیام را دوباره بنویسید.
talk-join-first = تا به شورای محلهٔ شما برسد، نام محله یا روستایتان را بنویسید. لازم نیست پیام را دوباره بنویسید.
talk-understood = 📝 درخواست شما: «{$text}»
talk-hello = سلام! 👋 مشکل یا درخواستتان را در یک پیام بنویسید: چه شده و کجا؟ مثلاً «چراغ‌های کوچهٔ لاله سه شب است خاموش است».
talk-what-next = کار بعدی:
next-request = 📝 ثبت درخواست
next-mine = 📂 درخواست‌های من
next-join = 🏘 انتخاب محله
error-unknown-command = فرمان ‎{$command} را نمی‌شناسم. فهرست فرمان‌ها: ‎/help — یا مشکلتان را همین‌جا بنویسید.
request-card-voice = 🎤 {$count} پیام صوتی
talk-staff-hint = این پیام را به کاری ربط ندادم. از دکمه‌های پایین استفاده کنید؛ برای ثبت درخواست به‌عنوان ساکن، اول محله‌تان را انتخاب کنید: ‎/join
