# ‎/join: finding one's neighbourhood by name and joining it as a resident.
# (join-done, join-already and join-unknown-link live in main.ftl: the ‎/start n_<code> link uses them too.)

join-register-first = اول باید ثبت‌نام کنید: ‎/start را بفرستید و شمارهٔ همراهتان را با دکمه بفرستید، بعد دوباره ‎/join را بزنید.
join-ask-name = نام محله یا روستای خود را بنویسید (مثلاً «دولت‌آباد»). اگر کد محله را دارید، می‌توانید کد را بنویسید. برای انصراف ‎/cancel را بفرستید.
join-name-expected = لطفاً نام محله را به‌صورت متن بنویسید. برای انصراف ‎/cancel را بفرستید.
join-name-too-long = نام محله حداکثر {$limit} نویسه است. لطفاً فقط نام محله را بنویسید:
join-no-match = محله‌ای با نام «{$query}» پیدا نشد. لطفاً نام را به شکل دیگری بنویسید (مثلاً بدون «محله» یا «روستای») یا کد محله را از مدیر محله بگیرید:
join-pick = کدام‌یک محلهٔ شماست؟ اگر هیچ‌کدام نیست، دکمهٔ «هیچ‌کدام» را بزنید یا نام دیگری بنویسید.
join-match-button = {$name} — {$county}
join-button-search-again = 🔎 هیچ‌کدام؛ جستجوی دوباره
join-choice-gone = این محله دیگر در فهرست نیست. لطفاً نام محله را دوباره بنویسید:
join-hint = برای عضویت در محله‌تان ‎/join را بفرستید و نام محله را بنویسید.

command-join = عضویت در محله
