# Reaching people: what waited for someone, who has a request, who was told and who not yet.

outbox-away-summary = 📬 از {$since} تا امروز {$count} پیام برای شما رسیده است. {$full} موردی که هنوز پاسخ شما را لازم دارد، در پیام‌های بعدی کامل آمده است؛ بقیه به‌اختصار:
outbox-away-brief = 📬 از {$since} تا امروز {$count} پیام برای شما رسیده است. خلاصهٔ آن‌ها:
outbox-away-all-follow = 📬 از {$since} تا امروز {$count} پیام برای شما رسیده است؛ آن‌هایی که هنوز پاسخ شما را لازم دارند در پیام‌های بعدی آمده‌اند.
outbox-away-more = … و {$count} پیام دیگر

reach-level-committee_head = رئیس کمیته
reach-level-manager = مدیر محله
reach-level-county_official = مسئول شهرستان
reach-level-province_official = مسئول استان
reach-level-admin = مدیران سامانه
reach-holder = {$level} ({$names})

request-held-now = 👤 رسیدگی با: {$who}
request-held-waiting = ⏳ {$who} هنوز ربات را باز نکرده است؛ درخواست شما برایش نگه داشته شده و به محض ورود به دستش می‌رسد.
request-held-nobody = ⚠️ هنوز کسی برای رسیدگی به درخواست‌های این محله ثبت نشده است؛ درخواست شما محفوظ است و به نخستین مسئولی که تعیین شود می‌رسد.

reach-told-now = 📨 همین حالا خبردار شدند: {$names}
reach-told-waiting = ⏳ هنوز ربات را باز نکرده‌اند و به محض ورود خبردار می‌شوند: {$names}
    این پیوند را برایشان بفرستید: {$link}
reach-told-nobody = ⚠️ کسی برای خبر دادن ثبت نشده است.

menu-not-joined = ⏳ هنوز نپیوسته‌ها
not-joined-title = ⏳ این افراد ثبت شده‌اند ولی هنوز ربات را باز نکرده‌اند؛ پیام‌هایشان تا ورودشان نگه داشته می‌شود:
not-joined-line = • {$name} — {$role} — {$place} — {$phone}
not-joined-waiting = ({$count} پیام در انتظار)
not-joined-hint = پیوند ربات را برایشان بفرستید: {$link}
    با پیوستن و فرستادن شمارهٔ تلفن، همه‌چیز به دستشان می‌رسد.
not-joined-none = ✅ همهٔ کسانی که در حوزهٔ شما نقشی دارند ربات را باز کرده‌اند.
not-joined-not-allowed = این فهرست برای مدیر محله و مسئولان شهرستان و استان است.
county-digest-not-joined = ⏳ هنوز ربات را باز نکرده‌اند ({$count} نفر): {$names}
